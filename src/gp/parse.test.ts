import { describe, expect, test } from 'vitest';
import { InputError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { randomColumns, randomPrograms, referenceValues } from '../../test/gp-helpers.js';
import { evaluateExpr, programToExpr } from './expr.js';
import { parseInfix, parseInfixExpr } from './parse.js';
import { formatNumber, printInfix } from './print.js';
import { formatPostfix, programProblem } from './program.js';

function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || a === b || (Number.isNaN(a) && Number.isNaN(b));
}

describe('gp infix printing and parsing', () => {
  test('print then parse gives identical values', () => {
    const seed = 21;
    const names = ['x0', 'rate (1/s)', 'x', 'e_2'];
    const columns = randomColumns(new Rng(seed), 4, 20);
    for (const program of randomPrograms(seed, 1500, 4, 6)) {
      const text = printInfix(programToExpr(program), names, 17);
      const parsed = parseInfix(text, names);
      const where = `seed ${seed}: ${formatPostfix(program)} printed as ${text}`;
      expect(programProblem(parsed, 4), where).toBeNull();
      const want = referenceValues(program, columns);
      const got = referenceValues(parsed, columns);
      for (let i = 0; i < want.length; i++) expect(sameValue(got[i], want[i]), where).toBe(true);
    }
  });

  test('operator precedence and unary minus', () => {
    const row = [2, 3, 5];
    const names = ['a', 'b', 'c'];
    const cases: [string, number][] = [
      ['a + b * c', 17],
      ['(a + b) * c', 25],
      ['a - b - c', -6],
      ['a - (b - c)', 4],
      ['a / b / c', 2 / 3 / 5],
      ['-a * b', -6],
      ['-(a - b)', 1],
      ['a * -1.5e1', -30],
      ['sqrt(-4) + log(0)', 2],
      ['a / 0.0001', 1],
      ['exp(1000) / exp(99)', Math.exp(1)],
    ];
    for (const [text, value] of cases) {
      expect(evaluateExpr(parseInfixExpr(text, names), row), text).toBeCloseTo(value, 12);
    }
  });

  test('feature names are matched longest first at word boundaries', () => {
    const names = ['x', 'xx', 'exp rate', 'e'];
    const expr = parseInfixExpr('xx * x + exp(e) - exp rate', names);
    expect(evaluateExpr(expr, [2, 3, 5, 0])).toBeCloseTo(3 * 2 + 1 - 5, 12);
  });

  test('syntax errors name the column', () => {
    const names = ['x0'];
    expect(() => parseInfix('x0 +', names)).toThrow(InputError);
    expect(() => parseInfix('x0 + y', names)).toThrow(/column 6/);
    expect(() => parseInfix('sin x0', names)).toThrow(/'\(' after sin/);
    expect(() => parseInfix('(x0', names)).toThrow(/'\)' expected/);
    expect(() => parseInfix('x0 x0', names)).toThrow(/operator or end of text/);
    expect(() => parseInfix('add(x0)', names)).toThrow(InputError);
  });

  test('formatNumber rounds to significant digits', () => {
    expect(formatNumber(3.14159265, 4)).toBe('3.142');
    expect(formatNumber(-0.000123456, 3)).toBe('-0.000123');
    expect(formatNumber(123456789, 4)).toBe('123500000');
    expect(formatNumber(1.5e-9, 4)).toBe('1.5e-9');
    expect(formatNumber(-0, 4)).toBe('0');
    expect(Number(formatNumber(Math.PI, 17))).toBe(Math.PI);
  });
});

describe('parseInfix number range', () => {
  test('rejects a constant that overflows', () => {
    expect(() => parseInfix('1e400 * a', ['a'])).toThrow(InputError);
    expect(() => parseInfix('1e400 * a', ['a'])).toThrow(/finite number expected at column 1/);
  });
});
