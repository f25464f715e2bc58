// Reference reductions and layout changes over flat row-major Float64Arrays.

/**
 * Sums the middle axis of x viewed as [outer, mid, inner]:
 * out[o * inner + i] = Σ_j x[(o * mid + j) * inner + i], summed over j in ascending order.
 */
export function sumMiddle(
  x: Float64Array,
  outer: number,
  mid: number,
  inner: number,
  out?: Float64Array,
): Float64Array {
  const y = out ?? new Float64Array(outer * inner);
  y.fill(0, 0, outer * inner);
  for (let o = 0; o < outer; o++) {
    const yRow = o * inner;
    for (let j = 0; j < mid; j++) {
      const xRow = (o * mid + j) * inner;
      for (let i = 0; i < inner; i++) y[yRow + i] += x[xRow + i];
    }
  }
  return y;
}

/** Transposes x: [m, n] into out: [n, m], out[j * m + i] = x[i * n + j]. */
export function transpose(x: Float64Array, m: number, n: number, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) y[j * m + i] = x[i * n + j];
  }
  return y;
}
