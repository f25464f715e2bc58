import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.js';
import { close, randomColumns, randomPrograms, referenceValues } from '../../test/gp-helpers.js';
import { optimiseConstants, programConstants, solveDamped, withConstants } from './constants.js';
import { evaluateJacobian } from './jacobian.js';
import { linearScaling, makeTarget } from './loss.js';
import { parseInfix } from './parse.js';
import { formatPostfix } from './program.js';

describe('gp constant fitting', () => {
  test('reverse-mode Jacobian matches central differences', () => {
    const seed = 41;
    const nRows = 12;
    const columns = randomColumns(new Rng(seed), 3, nRows);
    let checked = 0;
    for (const program of randomPrograms(seed, 400, 3, 5)) {
      const theta = programConstants(program);
      if (theta.length === 0) continue;
      const { values, jacobian } = evaluateJacobian(program, theta, columns, nRows, true);
      expect(Array.from(values)).toEqual(Array.from(referenceValues(program, columns)));
      for (let c = 0; c < theta.length; c++) {
        const h = 1e-6 * Math.max(1, Math.abs(theta[c]));
        const up = referenceValues(
          withConstants(
            program,
            theta.map((v, k) => (k === c ? v + h : v)),
          ),
          columns,
        );
        const down = referenceValues(
          withConstants(
            program,
            theta.map((v, k) => (k === c ? v - h : v)),
          ),
          columns,
        );
        for (let i = 0; i < nRows; i++) {
          const fd = (up[i] - down[i]) / (2 * h);
          const exact = jacobian[c][i];
          // Skip rows near a kink or a protection threshold, where the two sides differ.
          const smooth =
            Number.isFinite(fd) &&
            Math.abs(up[i] - values[i] - (values[i] - down[i])) < 1e-6 * (1 + Math.abs(values[i]));
          if (!smooth || !Number.isFinite(exact)) continue;
          checked++;
          expect(
            close(exact, fd, 1e-4, 1e-5),
            `seed ${seed} constant ${c} row ${i}: ${formatPostfix(program)}`,
          ).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(2000);
  });

  test('Levenberg–Marquardt recovers constants inside a sine', () => {
    const rng = new Rng(42);
    const x = Float64Array.from({ length: 100 }, () => 4 * rng.uniform() - 2);
    const y = x.map((v) => 3 + 2.5 * Math.sin(1.7 * v + 0.3));
    const start = parseInfix('sin(1 * x + 0)', ['x']);
    const fitted = optimiseConstants(start, { columns: [x], y }, 50);
    const values = evaluateJacobian(fitted, programConstants(fitted), [x], 100, false).values;
    expect(linearScaling(values, makeTarget(y)).mse).toBeLessThan(1e-16);
    const [k] = programConstants(fitted);
    expect(Math.abs(k)).toBeCloseTo(1.7, 6);
  });

  test('fitting never increases the loss', () => {
    const seed = 43;
    const columns = randomColumns(new Rng(seed), 2, 30);
    const y = columns[0].map((v, i) => Math.exp(0.5 * v) - columns[1][i] * 0.7);
    const target = makeTarget(y);
    for (const program of randomPrograms(seed, 200, 2, 4)) {
      const before = linearScaling(referenceValues(program, columns), target).mse;
      const after = linearScaling(
        referenceValues(optimiseConstants(program, { columns, y }, 5), columns),
        target,
      ).mse;
      if (Number.isFinite(before))
        expect(after, formatPostfix(program)).toBeLessThanOrEqual(before * (1 + 1e-9));
    }
  });

  test('solveDamped solves a small system', () => {
    const A = Float64Array.from([4, 1, 1, 3]);
    const g = Float64Array.from([1, 2]);
    const delta = solveDamped(A, g, 2, 0) as Float64Array;
    expect(4 * delta[0] + delta[1]).toBeCloseTo(1, 9);
    expect(delta[0] + 3 * delta[1]).toBeCloseTo(2, 9);
  });
});
