import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.js';
import { close, randomColumns, randomPrograms } from '../../test/gp-helpers.js';
import {
  call,
  constant,
  evaluateExpr,
  exprLength,
  programToExpr,
  variable,
  type Expr,
} from './expr.js';
import { printInfix } from './print.js';
import { simplify } from './simplify.js';
import { formatPostfix } from './program.js';

const x = variable(0);
const y = variable(1);

function text(expr: Expr): string {
  return printInfix(simplify(expr), ['x', 'y']);
}

describe('gp simplification', () => {
  test('algebraic rules', () => {
    expect(text(call('sub', x, x))).toBe('0');
    expect(text(call('mul', x, constant(1)))).toBe('x');
    expect(text(call('mul', constant(0), call('sin', x)))).toBe('0');
    expect(text(call('div', call('sin', x), call('sin', x)))).toBe('1');
    expect(text(call('neg', call('neg', x)))).toBe('x');
    expect(text(call('add', call('mul', constant(2), x), call('mul', x, constant(3))))).toBe(
      '5 * x',
    );
    expect(text(call('sub', call('add', x, constant(2)), call('add', y, constant(2))))).toBe(
      'x - y',
    );
    expect(text(call('div', x, constant(0.5)))).toBe('2 * x');
    expect(text(call('div', x, constant(0.0001)))).toBe('1');
    expect(text(call('mul', x, x))).toBe('square(x)');
    expect(text(call('sin', call('add', constant(1), constant(2))))).toBe('0.1411');
    expect(text(call('sub', constant(1), x))).toBe('-x + 1');
    expect(text(call('mul', constant(2), call('sub', x, call('mul', constant(3), y))))).toBe(
      '2 * x - 6 * y',
    );
  });

  test('never changes values beyond rounding on random programs', () => {
    const seed = 31;
    const columns = randomColumns(new Rng(seed), 3, 25);
    let compared = 0;
    let shorter = 0;
    for (const program of randomPrograms(seed, 2000, 3, 6)) {
      const expr = programToExpr(program);
      const simple = simplify(expr);
      if (exprLength(simple) < program.length) shorter++;
      expect(exprLength(simple), formatPostfix(program)).toBeLessThanOrEqual(program.length + 1);
      for (let i = 0; i < 25; i++) {
        const row = columns.map((c) => c[i]);
        const want = evaluateExpr(expr, row);
        if (!Number.isFinite(want) || Math.abs(want) > 1e6) continue;
        const got = evaluateExpr(simple, row);
        compared++;
        expect(
          close(got, want, 1e-7, 1e-7),
          `seed ${seed} row ${i}: ${formatPostfix(program)} -> ${printInfix(simple)}: ${got} vs ${want}`,
        ).toBe(true);
      }
    }
    expect(compared).toBeGreaterThan(30000);
    expect(shorter).toBeGreaterThan(100);
  });
});
