// Descriptive statistics and the Wilcoxon signed-rank test used by the experiment report.
// Non-finite inputs propagate into means (a NaN R² gives a NaN mean) rather than being dropped.

/** Returns the arithmetic mean, or NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Returns the sample standard deviation (divisor n − 1), or NaN for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

/** Returns the median (mean of the two middle values for an even count), or NaN if empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid];
  return (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Computes the complementary error function erfc(x) = 1 − erf(x), within about 1e-14 relative
 * of table values. For |x| < 1.5 it sums the series
 *   erf(x) = (2/√π)·e^(−x²)·Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
 * whose terms are all positive. Beyond that, where 1 − erf(x) would cancel, it evaluates 100
 * levels of the continued fraction, from the bottom up:
 *   erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 1.5) return 1 - erfSeries(x);
  if (x > 27) return 0;
  let tail = x;
  for (let k = 100; k >= 1; k--) tail = x + k / 2 / tail;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / tail;
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

/** Returns the standard normal cumulative distribution function Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface WilcoxonResult {
  /** Pairs with a non-zero difference (zero differences are dropped). */
  n: number;
  /** Sum of the ranks of the positive differences x − y. */
  wPlus: number;
  /** Sum of the ranks of the negative differences. */
  wMinus: number;
  p: number;
  method: 'exact' | 'normal';
  /** Standardised statistic, only for the normal approximation. */
  z: number | null;
}

/** Largest number of non-zero differences for which the exact null distribution is used. */
export const WILCOXON_EXACT_MAX_N = 50;

/**
 * Runs the Wilcoxon signed-rank test of paired samples x and y on the differences d = x − y.
 * Zero differences are dropped (Wilcoxon's original rule) and tied |d| get their average rank.
 * Without ties and with at most WILCOXON_EXACT_MAX_N non-zero differences the p-value comes
 * from the exact null distribution of W+; otherwise from the normal approximation with the tie
 * correction of the variance and a continuity correction of 0.5. `alternative` 'greater' tests
 * whether x tends to exceed y. Two-sided p = min(1, 2·min(P(W+ ≤ w), P(W+ ≥ w))).
 * With no non-zero difference the result is p = 1. Throws RangeError for unequal lengths.
 */
export function wilcoxonSignedRank(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative = 'two-sided',
): WilcoxonResult {
  if (x.length !== y.length) {
    throw new RangeError(
      `wilcoxonSignedRank: x and y of equal length, got ${x.length} and ${y.length}`,
    );
  }
  const d = x.map((xi, i) => xi - y[i]).filter((di) => di !== 0);
  const n = d.length;
  if (n === 0) return { n: 0, wPlus: 0, wMinus: 0, p: 1, method: 'exact', z: null };

  const { ranks, tieGroups } = averageRanks(d.map(Math.abs));
  let wPlus = 0;
  d.forEach((di, i) => {
    if (di > 0) wPlus += ranks[i];
  });
  const wMinus = (n * (n + 1)) / 2 - wPlus;

  if (tieGroups.length === 0 && n <= WILCOXON_EXACT_MAX_N) {
    const p = exactP(n, wPlus, alternative);
    return { n, wPlus, wMinus, p, method: 'exact', z: null };
  }
  const { p, z } = normalP(n, wPlus, tieGroups, alternative);
  return { n, wPlus, wMinus, p, method: 'normal', z };
}

/** Average ranks (1-based) of `values`, and the sizes of groups of equal values. */
export function averageRanks(values: readonly number[]): { ranks: number[]; tieGroups: number[] } {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  const tieGroups: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    // Positions start..end-1 hold equal values; each gets the mean of ranks start+1..end.
    const rank = (start + 1 + end) / 2;
    for (let p = start; p < end; p++) ranks[order[p]] = rank;
    if (end - start > 1) tieGroups.push(end - start);
    start = end;
  }
  return { ranks, tieGroups };
}

/**
 * Number of subsets of {1, …, n} with each sum s = 0 … n(n+1)/2, which under the null
 * hypothesis is 2ⁿ·P(W+ = s). Counts stay exact in f64 up to n = 50 (2⁵⁰ < 2⁵³).
 */
export function signedRankCounts(n: number): Float64Array {
  const maxSum = (n * (n + 1)) / 2;
  const counts = new Float64Array(maxSum + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    // Descending s so that each rank r is used at most once per subset.
    for (let s = (r * (r + 1)) / 2; s >= r; s--) counts[s] += counts[s - r];
  }
  return counts;
}

function exactP(n: number, wPlus: number, alternative: Alternative): number {
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  let below = 0;
  for (let s = 0; s <= wPlus; s++) below += counts[s];
  let above = 0;
  for (let s = wPlus; s < counts.length; s++) above += counts[s];
  if (alternative === 'less') return below / total;
  if (alternative === 'greater') return above / total;
  return Math.min(1, (2 * Math.min(below, above)) / total);
}

function normalP(
  n: number,
  wPlus: number,
  tieGroups: readonly number[],
  alternative: Alternative,
): { p: number; z: number } {
  const expected = (n * (n + 1)) / 4;
  let tieSum = 0;
  for (const t of tieGroups) tieSum += t * t * t - t;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieSum / 48);
  if (alternative === 'greater') {
    const z = (wPlus - expected - 0.5) / sd;
    return { p: normalCdf(-z), z };
  }
  if (alternative === 'less') {
    const z = (wPlus - expected + 0.5) / sd;
    return { p: normalCdf(z), z };
  }
  const z = Math.max(0, Math.abs(wPlus - expected) - 0.5) / sd;
  return { p: Math.min(1, 2 * normalCdf(-z)), z: Math.sign(wPlus - expected) * z };
}
