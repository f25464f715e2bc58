// Mean squared error after linear scaling (Keijzer, "Improving symbolic regression with
// interval arithmetic and linear scaling", EuroGP 2003, section 3): a program's output p is
// scored as a + b·p with the a and b that minimise ‖y − (a + b·p)‖², found in closed form.
// A program with any non-finite output, or whose scaled error is not finite, is invalid and
// gets loss Infinity, which every valid program beats.

/** Intercept a, slope b and the resulting MSE; mse is Infinity for an invalid program. */
export interface ScaledFit {
  readonly a: number;
  readonly b: number;
  readonly mse: number;
}

export const INVALID_FIT: ScaledFit = { a: 0, b: 0, mse: Infinity };

/**
 * Target statistics computed once per data set: its mean and centred values.
 */
export interface Target {
  readonly y: Float64Array;
  readonly mean: number;
}

export function makeTarget(y: Float64Array): Target {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i];
  return { y, mean: y.length > 0 ? sum / y.length : 0 };
}

/**
 * Fits y ≈ a + b·p by least squares: b = cov(p, y) / var(p), a = ȳ − b·p̄. When p is constant
 * (var(p) = 0, or so small relative to p̄² that rounding dominates it) b is 0 and a = ȳ.
 */
export function linearScaling(p: Float64Array, target: Target): ScaledFit {
  const { y, mean: yMean } = target;
  const n = y.length;
  let pSum = 0;
  for (let i = 0; i < n; i++) pSum += p[i];
  if (!Number.isFinite(pSum)) return INVALID_FIT;
  const pMean = pSum / n;

  let spp = 0;
  let spy = 0;
  for (let i = 0; i < n; i++) {
    const dp = p[i] - pMean;
    spp += dp * dp;
    spy += dp * (y[i] - yMean);
  }
  if (!Number.isFinite(spp) || !Number.isFinite(spy)) return INVALID_FIT;

  // Relative cut-off: variance below 1e-24·p̄² is rounding noise of a constant output.
  const b = spp > 1e-24 * pMean * pMean * n && spp > 0 ? spy / spp : 0;
  const a = yMean - b * pMean;
  const mse = scaledMse(p, y, a, b);
  return Number.isFinite(mse) ? { a, b, mse } : INVALID_FIT;
}

/** Mean of (y − (a + b·p))²; Infinity for non-finite results. */
export function scaledMse(p: Float64Array, y: Float64Array, a: number, b: number): number {
  let sse = 0;
  for (let i = 0; i < y.length; i++) {
    const r = y[i] - (a + b * p[i]);
    sse += r * r;
  }
  const mse = sse / y.length;
  return Number.isFinite(mse) ? mse : Infinity;
}
