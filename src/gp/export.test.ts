import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.js';
import { close, randomColumns, randomPrograms, referenceValues } from '../../test/gp-helpers.js';
import { printJavaScript, printLatex, printSympy, pythonNames } from './export.js';
import { call, constant, programToExpr, variable } from './expr.js';
import { formatPostfix } from './program.js';

const hasSympy = spawnSync('python3', ['-c', 'import sympy'], { stdio: 'ignore' }).status === 0;

describe('gp export', () => {
  test('JavaScript source evaluates like the program', () => {
    const seed = 51;
    const columns = randomColumns(new Rng(seed), 3, 15);
    for (const program of randomPrograms(seed, 800, 3, 6)) {
      const source = printJavaScript(programToExpr(program), ['a', 'b', 'c']);
      const f = new Function(`${source}\nreturn formula;`)() as (x: number[]) => number;
      const want = referenceValues(program, columns);
      for (let i = 0; i < want.length; i++) {
        const got = f(columns.map((c) => c[i]));
        const same = Number.isNaN(want[i]) ? Number.isNaN(got) : got === want[i];
        expect(same, `seed ${seed} row ${i}: ${formatPostfix(program)}\n${source}`).toBe(true);
      }
    }
  });

  test('LaTeX output', () => {
    const x = variable(0);
    const y = variable(1);
    expect(printLatex(call('div', call('add', x, y), call('sin', x)))).toBe(
      '\\frac{x_{0} + x_{1}}{\\sin\\left(x_{0}\\right)}',
    );
    expect(printLatex(call('mul', call('sub', x, y), call('exp', y)))).toBe(
      '(x_{0} - x_{1}) \\cdot e^{x_{1}}',
    );
    expect(printLatex(call('log', x), ['mass_kg'])).toBe('\\ln\\left|\\text{mass\\_kg}\\right|');
    expect(printLatex(call('mul', constant(1.5e-9), x))).toBe('1.5 \\cdot 10^{-9} \\cdot x_{0}');
    expect(printLatex(call('neg', call('sqrt', x)))).toBe('-\\sqrt{\\left|x_{0}\\right|}');
  });

  test('Python names are valid and unique', () => {
    expect(pythonNames(4, ['mass (kg)', '2nd', 'mass_kg_', 'x'])).toEqual([
      'mass__kg_',
      '_2nd',
      'mass_kg_',
      'x',
    ]);
    expect(pythonNames(2, ['a b', 'a-b'])).toEqual(['a_b', 'a_b_2']);
    expect(pythonNames(4, ['lambda', 'sympy', 'expr', 'lambda_'])).toEqual([
      'lambda_',
      'sympy_',
      'expr_',
      'lambda__2',
    ]);
  });

  test('sympy script declares symbols and expr', () => {
    const script = printSympy(call('div', variable(0), call('log', variable(1))), 2, {
      featureNames: ['speed', 'mass'],
    });
    expect(script).toContain("speed, mass = sympy.symbols('speed mass', real=True)");
    expect(script).toContain('expr = speed / sympy.log(sympy.Abs(mass))');
  });

  test.skipIf(!hasSympy)('sympy expressions with protection match the program', () => {
    const seed = 52;
    const columns = randomColumns(new Rng(seed), 2, 6);
    const programs = randomPrograms(seed, 60, 2, 4);
    const cases = programs.map((program) => ({
      script: printSympy(programToExpr(program), 2, { protectedOps: true }),
      want: Array.from(referenceValues(program, columns)),
    }));
    const rows = Array.from({ length: 6 }, (_, i) => columns.map((c) => c[i]));
    const python = [
      'import json, sys, sympy',
      'data = json.load(sys.stdin)',
      'out = []',
      'for case in data["cases"]:',
      '    vals = []',
      '    try:',
      '        scope = {}',
      '        exec(case["script"], scope)',
      '        f = sympy.lambdify([scope["x0"], scope["x1"]], scope["expr"], "mpmath")',
      '        for r in data["rows"]:',
      '            try:',
      '                vals.append(float(f(*r)))',
      '            except (OverflowError, ZeroDivisionError, ValueError):',
      '                vals.append(None)',
      '    except Exception:',
      '        vals = [None] * len(data["rows"])',
      '    out.append(vals)',
      'print(json.dumps(out))',
    ].join('\n');
    const output = execFileSync('python3', ['-c', python], {
      input: JSON.stringify({ cases, rows }),
      encoding: 'utf8',
    });
    const results = JSON.parse(output) as (number | null)[][];
    let compared = 0;
    results.forEach((values, q) => {
      values.forEach((got, i) => {
        const want = cases[q].want[i];
        if (got === null || !Number.isFinite(want) || Math.abs(want) > 1e6) return;
        compared++;
        expect(close(got, want, 1e-9, 1e-9), `${cases[q].script} row ${i}`).toBe(true);
      });
    });
    expect(compared).toBeGreaterThan(200);
  });
});
