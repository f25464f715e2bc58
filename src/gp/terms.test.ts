import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.js';
import { close, randomColumns, randomPrograms, referenceValues } from '../../test/gp-helpers.js';
import { optimiseTermConstants } from './constants.js';
import { fitTerms, linearScaling, makeTarget } from './loss.js';
import { parseInfix } from './parse.js';
import { formatPostfix, programProblem, type Program } from './program.js';
import { splitTerms, termLength, weightedSum } from './terms.js';

const NAMES = ['x0', 'x1', 'x2'];

function termTexts(text: string, maxTerms = 8): string[] {
  return splitTerms(parseInfix(text, NAMES), maxTerms).terms.map(formatPostfix);
}

/** Training-set loss of a + Σ w·t after fitting the weights, over the target variance. */
function termsLoss(program: Program, columns: Float64Array[], y: Float64Array, maxTerms: number) {
  const values = splitTerms(program, maxTerms).terms.map((t) => referenceValues(t, columns));
  return fitTerms(values, makeTarget(y)).mse;
}

describe('gp terms', () => {
  test('splits sums and strips constant factors', () => {
    expect(termTexts('x0 + 2 * x1 - x2 / 4')).toEqual(['x0', 'x1', 'x2']);
    expect(termTexts('-(sin(x0) * 3) + 5')).toEqual(['x0 sin']);
    expect(termTexts('3 * (x0 * x1 + cos(x2))')).toEqual(['x0 x1 mul', 'x2 cos']);
  });

  test('drops constant terms and keeps small divisors', () => {
    expect(termTexts('x0 + (2 + 3)')).toEqual(['x0']);
    expect(termTexts('1 + 2')).toEqual([]);
    // Dividing by 0.0005 is protected division, which returns 1, so the divisor stays.
    expect(termTexts('x0 / 0.0005 + x1')).toEqual(['x0 0.0005 div', 'x1']);
  });

  test('respects maxTerms', () => {
    expect(termTexts('x0 + x1 + x2', 2)).toEqual(['x0 x1 add', 'x2']);
    expect(termTexts('x0 + x1 + x2', 1)).toEqual(['x0 x1 add x2 add']);
  });

  test('splitting is idempotent on random programs', () => {
    const programs = randomPrograms(7, 500, 3, 6);
    for (const maxTerms of [1, 2, 3, 8]) {
      for (const program of programs) {
        const first = splitTerms(program, maxTerms);
        const again = splitTerms(first.program, maxTerms);
        const where = `maxTerms ${maxTerms}: ${formatPostfix(program)}`;
        expect(programProblem(first.program, 3), where).toBeNull();
        expect(first.terms.length, where).toBeLessThanOrEqual(maxTerms);
        expect(again.terms.map(formatPostfix), where).toEqual(first.terms.map(formatPostfix));
      }
    }
  });

  test('weighted sum evaluates to the fitted model', () => {
    const columns = randomColumns(new Rng(3), 3, 40);
    const program = parseInfix('sin(x0) + x0 * x1 - exp(x2)', NAMES);
    const { terms } = splitTerms(program, 8);
    const weights = [0.5, -2, 3];
    const { program: sum, slope } = weightedSum(terms, weights);
    const values = referenceValues(sum, columns);
    const termValues = terms.map((t) => referenceValues(t, columns));
    expect(slope).toBe(1);
    for (let i = 0; i < 40; i++) {
      const expected = termValues.reduce((s, t, k) => s + weights[k] * t[i], 0);
      expect(close(values[i], expected, 1e-14, 1e-14), `row ${i}`).toBe(true);
    }
    expect(termLength(program.length, 3)).toBe(program.length + 4);
  });

  test('fitTerms recovers weights and matches linear scaling', () => {
    const rng = new Rng(5);
    const t1 = Float64Array.from({ length: 50 }, () => rng.normal());
    const t2 = Float64Array.from({ length: 50 }, () => rng.normal());
    const y = t1.map((v, i) => 1 + 2 * v - 3 * t2[i]);
    const fit = fitTerms([t1, t2], makeTarget(y));
    expect(fit.a).toBeCloseTo(1, 12);
    expect(fit.weights[0]).toBeCloseTo(2, 12);
    expect(fit.weights[1]).toBeCloseTo(-3, 12);
    expect(fit.mse).toBeLessThan(1e-24);

    const single = fitTerms([t1], makeTarget(y));
    const scaled = linearScaling(t1, makeTarget(y));
    expect([single.a, single.weights[0], single.mse]).toEqual([scaled.a, scaled.b, scaled.mse]);
  });

  test('fitTerms gives a duplicate term no weight', () => {
    const rng = new Rng(6);
    const t = Float64Array.from({ length: 30 }, () => rng.normal());
    const y = t.map((v) => 4 * v + 0.1 * rng.normal());
    const fit = fitTerms([t, t.map((v) => 2 * v)], makeTarget(y));
    expect(fit.weights[1]).toBe(0);
    expect(fit.mse).toBeCloseTo(linearScaling(t, makeTarget(y)).mse, 12);
  });

  test('fitTerms rejects non-finite terms', () => {
    const t = Float64Array.of(1, 2, Infinity);
    const fit = fitTerms([Float64Array.of(1, 0, 1), t], makeTarget(Float64Array.of(1, 2, 3)));
    expect(fit.mse).toBe(Infinity);
  });

  test('term constant fitting never raises the loss', () => {
    const rng = new Rng(8);
    const columns = randomColumns(rng, 3, 60);
    const y = columns[0].map((v, i) => Math.sin(1.3 * v) + 0.7 * columns[1][i] * columns[2][i]);
    for (const program of randomPrograms(9, 150, 3, 4)) {
      const before = termsLoss(program, columns, y, 8);
      if (!Number.isFinite(before)) continue;
      const fitted = optimiseTermConstants(program, 8, { columns, y }, 10);
      const after = termsLoss(fitted, columns, y, 8);
      expect(after, formatPostfix(program)).toBeLessThanOrEqual(before * (1 + 1e-9) + 1e-12);
    }

    const start = parseInfix('sin(1 * x0) + 0.2 * x1 * x2', NAMES);
    const fitted = optimiseTermConstants(start, 8, { columns, y }, 30);
    expect(termsLoss(start, columns, y, 8)).toBeGreaterThan(1e-3);
    expect(termsLoss(fitted, columns, y, 8)).toBeLessThan(1e-20);
  });
});
