// Regression metrics over equal-length prediction and target vectors.
import { ShapeError } from '../core/errors.js';

/**
 * Coefficient of determination, 1 − SSE/SST with SST = Σ (y − mean(y))². When SST = 0 (a
 * constant target) the ratio is undefined, and this returns 1 if the predictions are exact
 * (SSE = 0) and 0 otherwise, the same convention as scikit-learn's r2_score. Returns NaN when
 * any prediction is NaN or infinite.
 */
export function r2Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths('r2Score', yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const e = yTrue[i] - yPred[i];
    const d = yTrue[i] - mean;
    sse += e * e;
    sst += d * d;
  }
  if (!Number.isFinite(sse)) return NaN;
  if (sst === 0) return sse === 0 ? 1 : 0;
  return 1 - sse / sst;
}

/** Mean squared error, Σ (y − ŷ)² / n. */
export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths('mse', yTrue, yPred);
  let sse = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const e = yTrue[i] - yPred[i];
    sse += e * e;
  }
  return sse / yTrue.length;
}

function checkLengths(op: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new ShapeError(`${op}: yTrue and yPred of equal length, got ${a.length} and ${b.length}`);
  }
  if (a.length === 0) throw new ShapeError(`${op}: at least one value, got 0`);
}
