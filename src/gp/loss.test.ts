import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.js';
import { INVALID_FIT, linearScaling, makeTarget, scaledMse } from './loss.js';

describe('gp linear scaling', () => {
  test('recovers an exact affine relation', () => {
    const rng = new Rng(1);
    const p = Float64Array.from({ length: 50 }, () => rng.normal());
    const y = p.map((v) => 3 - 2 * v);
    const fit = linearScaling(p, makeTarget(y));
    expect(fit.a).toBeCloseTo(3, 12);
    expect(fit.b).toBeCloseTo(-2, 12);
    expect(fit.mse).toBeLessThan(1e-24);
  });

  test('minimises the squared error against perturbed coefficients', () => {
    const rng = new Rng(2);
    const p = Float64Array.from({ length: 80 }, () => rng.normal());
    const y = p.map((v) => Math.sin(v) + 0.3 * rng.normal());
    const fit = linearScaling(p, makeTarget(y));
    expect(fit.mse).toBeCloseTo(scaledMse(p, y, fit.a, fit.b), 14);
    for (const [da, db] of [
      [1e-3, 0],
      [-1e-3, 0],
      [0, 1e-3],
      [0, -1e-3],
    ]) {
      expect(scaledMse(p, y, fit.a + da, fit.b + db)).toBeGreaterThan(fit.mse);
    }
  });

  test('a constant output gets slope 0 and the target mean', () => {
    const y = Float64Array.from([1, 2, 3, 6]);
    const fit = linearScaling(new Float64Array(4).fill(7.5), makeTarget(y));
    expect(fit.b).toBe(0);
    expect(fit.a).toBe(3);
    expect(fit.mse).toBeCloseTo(3.5, 14);
  });

  test('non-finite outputs are invalid', () => {
    const y = Float64Array.from([1, 2, 3]);
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(linearScaling(Float64Array.from([1, bad, 2]), makeTarget(y))).toBe(INVALID_FIT);
    }
    expect(linearScaling(Float64Array.from([1e300, -1e300, 1e300]), makeTarget(y))).toBe(
      INVALID_FIT,
    );
  });
});
