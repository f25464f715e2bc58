// The synthetic regression data of the W1 training-step workload: inputs standard normal,
// target y_b = Σ_j sin(x_bj). Seeded, so tests and benchmarks see the same rows.
import { Rng } from '../core/rng.js';

export interface RegressionData {
  /** Row-major [nRows, nFeatures]. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
}

/** Draws nRows standard-normal rows of nFeatures inputs with target Σ_j sin(x_j). */
export function sumOfSinesData(nRows: number, nFeatures: number, seed: number): RegressionData {
  const rng = new Rng(seed);
  const x = new Float64Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  for (let b = 0; b < nRows; b++) {
    let target = 0;
    for (let j = 0; j < nFeatures; j++) {
      const value = rng.normal();
      x[b * nFeatures + j] = value;
      target += Math.sin(value);
    }
    y[b] = target;
  }
  return { x, y, nRows, nFeatures };
}
