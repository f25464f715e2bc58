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

/** Intercept a, one weight per term and the MSE of a + Σ w_k·t_k; mse is Infinity if invalid. */
export interface TermsFit {
  readonly a: number;
  readonly weights: Float64Array;
  readonly mse: number;
}

/**
 * Solves the symmetric positive semi-definite system C·w = c (k × k, row-major, overwritten) by
 * Gaussian elimination without pivoting. A term whose pivot falls below 1e-8 of its own
 * diagonal is a linear combination of the earlier terms: its weight is set to 0 and its row and
 * column are skipped, so duplicate or proportional terms share one weight.
 */
function solveGram(C: Float64Array, c: Float64Array, k: number): Float64Array {
  const diagonal = Array.from({ length: k }, (_, j) => C[j * k + j]);
  const used = new Array<boolean>(k).fill(false);
  for (let j = 0; j < k; j++) {
    const pivot = C[j * k + j];
    if (!(pivot > 1e-8 * diagonal[j]) || !(pivot > 0)) continue;
    used[j] = true;
    for (let r = j + 1; r < k; r++) {
      const f = C[r * k + j] / pivot;
      if (f === 0) continue;
      for (let col = j; col < k; col++) C[r * k + col] -= f * C[j * k + col];
      c[r] -= f * c[j];
    }
  }
  const w = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    if (!used[j]) continue;
    let s = c[j];
    for (let col = j + 1; col < k; col++) s -= C[j * k + col] * w[col];
    w[j] = s / C[j * k + j];
  }
  return w;
}

/**
 * Fits y ≈ a + Σ w_k·t_k by least squares over the term columns. One term gives exactly
 * linearScaling's fit; no terms give the mean. Any non-finite term value, weight or error makes
 * the fit invalid.
 */
export function fitTerms(terms: readonly Float64Array[], target: Target): TermsFit {
  const k = terms.length;
  const { y, mean: yMean } = target;
  const n = y.length;
  if (k === 0) {
    return { a: yMean, weights: new Float64Array(0), mse: scaledMse(y, y, yMean, 0) };
  }
  if (k === 1) {
    const fit = linearScaling(terms[0], target);
    return { a: fit.a, weights: Float64Array.of(fit.b), mse: fit.mse };
  }

  // Centred copies of the terms, one after another, make every product a contiguous dot product.
  // The buffer is reused across calls because allocating it per program dominated the cost.
  const centred = scratch(k * n);
  const means = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const t = terms[j];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += t[i];
    if (!Number.isFinite(sum)) return INVALID_TERMS_FIT;
    const mj = sum / n;
    means[j] = mj;
    const base = j * n;
    for (let i = 0; i < n; i++) centred[base + i] = t[i] - mj;
  }
  const C = new Float64Array(k * k);
  const c = new Float64Array(k);
  let syy = 0;
  for (let i = 0; i < n; i++) syy += (y[i] - yMean) * (y[i] - yMean);
  for (let j = 0; j < k; j++) {
    const bj = j * n;
    let sy = 0;
    for (let i = 0; i < n; i++) sy += centred[bj + i] * (y[i] - yMean);
    c[j] = sy;
    for (let l = j; l < k; l++) {
      const bl = l * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += centred[bj + i] * centred[bl + i];
      C[j * k + l] = s;
      C[l * k + j] = s;
    }
  }
  for (let j = 0; j < k * k; j++) if (!Number.isFinite(C[j])) return INVALID_TERMS_FIT;

  const weights = solveGram(C.slice(), c.slice(), k);
  let a = yMean;
  for (let j = 0; j < k; j++) a -= weights[j] * means[j];
  // SSE = Σ(y − ȳ)² − 2 wᵀc + wᵀCw from the normal equations. It cancels badly when the fit is
  // nearly exact, so below 1e-6 of Σ(y − ȳ)² the residuals are summed directly instead.
  let quadratic = 0;
  for (let j = 0; j < k; j++) {
    let row = 0;
    for (let l = 0; l < k; l++) row += C[j * k + l] * weights[l];
    quadratic += weights[j] * (row - 2 * c[j]);
  }
  let sse = syy + quadratic;
  if (!(sse > 1e-6 * syy)) sse = directSse(centred, weights, y, yMean, n);
  const mse = Math.max(0, sse) / n;
  return Number.isFinite(mse) ? { a, weights, mse } : INVALID_TERMS_FIT;
}

/** Σ (y − ȳ − Σ_j w_j·centred_j)² over the rows, accumulated term by term. */
function directSse(
  centred: Float64Array,
  weights: Float64Array,
  y: Float64Array,
  yMean: number,
  n: number,
): number {
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = y[i] - yMean;
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j];
    if (w === 0) continue;
    const bj = j * n;
    for (let i = 0; i < n; i++) residual[i] -= w * centred[bj + i];
  }
  let sse = 0;
  for (let i = 0; i < n; i++) sse += residual[i] * residual[i];
  return sse;
}

let scratchBuffer = new Float64Array(0);

/** A reusable buffer of at least `size` values, overwritten by the next call. */
function scratch(size: number): Float64Array {
  if (scratchBuffer.length < size) scratchBuffer = new Float64Array(Math.max(size, 2 * scratchBuffer.length));
  return scratchBuffer;
}

const INVALID_TERMS_FIT: TermsFit = { a: 0, weights: new Float64Array(0), mse: Infinity };
