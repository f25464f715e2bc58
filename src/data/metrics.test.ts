import { describe, expect, it } from 'vitest';
import { ShapeError } from '../core/errors.js';
import { mse, r2Score } from './metrics.js';

describe('r2Score', () => {
  it('is 1 for exact predictions', () => {
    expect(r2Score([1, 2, 3], [1, 2, 3])).toBe(1);
  });

  it('is 0 for the mean prediction', () => {
    expect(r2Score([1, 2, 3], [2, 2, 2])).toBe(0);
  });

  it('matches a hand computation', () => {
    // SST = 2, SSE = 0.25 + 0 + 0.25 = 0.5, so R² = 0.75.
    expect(r2Score([1, 2, 3], [1.5, 2, 2.5])).toBeCloseTo(0.75, 15);
  });

  it('goes negative for worse-than-mean predictions', () => {
    expect(r2Score([1, 2, 3], [3, 2, 1])).toBeCloseTo(-3, 15);
  });

  it('handles a constant target', () => {
    expect(r2Score([5, 5, 5], [5, 5, 5])).toBe(1);
    expect(r2Score([5, 5, 5], [5, 6, 5])).toBe(0);
  });

  it('returns NaN for non-finite predictions', () => {
    expect(r2Score([1, 2, 3], [1, NaN, 3])).toBeNaN();
    expect(r2Score([1, 2, 3], [1, Infinity, 3])).toBeNaN();
  });

  it('rejects mismatched or empty inputs', () => {
    expect(() => r2Score([1, 2], [1])).toThrow(ShapeError);
    expect(() => r2Score([], [])).toThrow(ShapeError);
  });
});

describe('mse', () => {
  it('averages squared errors', () => {
    expect(mse([1, 2, 3], [1, 4, 0])).toBeCloseTo(13 / 3, 15);
  });

  it('rejects mismatched lengths', () => {
    expect(() => mse(Float64Array.of(1), Float64Array.of(1, 2))).toThrow('got 1 and 2');
  });
});
