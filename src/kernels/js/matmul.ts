// Reference matrix product over flat row-major Float64Arrays.
// Every c[i, j] is summed over p in ascending order starting from 0, the same order as the
// WebAssembly micro-kernel, so the two backends agree bit for bit.

/**
 * Computes c = op(a) · op(b) with c: [m, n].
 * a is [m, k] (a[i, p] = a[i * k + p]) or, when transA, [k, m] (a[i, p] = a[p * m + i]).
 * b is [k, n] (b[p, j] = b[p * n + j]) or, when transB, [n, k] (b[p, j] = b[j * k + p]).
 */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  transA = false,
  transB = false,
  out?: Float64Array,
): Float64Array {
  const c = out ?? new Float64Array(m * n);
  const aRowStride = transA ? 1 : k;
  const aColStride = transA ? m : 1;
  if (transB) {
    // c[i, j] = Σ_p a[i, p] · b[j * k + p]: a dot product over contiguous rows of b.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[i * aRowStride + p * aColStride] * b[j * k + p];
        c[i * n + j] = sum;
      }
    }
    return c;
  }

  // Loop order i, p, j: row i of c accumulates a[i, p] · (row p of b), so the sum for each
  // c[i, j] still runs over p = 0 .. k − 1 in order.
  c.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * aRowStride + p * aColStride];
      const bRow = p * n;
      for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
    }
  }
  return c;
}
