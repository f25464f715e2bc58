// Strided gathers on raw arrays, shared by the broadcast and transpose forward passes.
import { NDArray } from '../core/ndarray.js';
import { sizeOf, stridesOf, type Shape } from '../core/shape.js';

/**
 * Copies `x` into a new row-major array of shape `outShape`, where moving one step along
 * output axis d moves `srcStrides[d]` elements in x.data (a stride of 0 repeats a value).
 */
export function gatherStrided(x: NDArray, outShape: Shape, srcStrides: readonly number[]): NDArray {
  const rank = outShape.length;
  const n = sizeOf(outShape);
  const out = new Float64Array(n);
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    out[i] = x.data[offset];
    // Odometer increment of the output index, last axis fastest.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      offset += srcStrides[d];
      if (index[d] < outShape[d]) break;
      offset -= srcStrides[d] * outShape[d];
      index[d] = 0;
    }
  }
  return new NDArray(out, outShape);
}

/** Materialises x broadcast to `shape` (NumPy rules); the caller has validated the shapes. */
export function broadcastArray(x: NDArray, shape: Shape): NDArray {
  if (x.rank === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  const lead = shape.length - x.rank;

  // Fast paths for the common cases: a single value, and x repeated whole (a bias row).
  if (x.size === 1) return NDArray.full(shape, x.data[0]);
  if (x.shape.every((d, i) => d === shape[lead + i])) {
    const out = new Float64Array(sizeOf(shape));
    for (let offset = 0; offset < out.length; offset += x.size) out.set(x.data, offset);
    return new NDArray(out, shape);
  }

  const xStrides = stridesOf(x.shape);
  const srcStrides = shape.map((_, i) => {
    if (i < lead || x.shape[i - lead] === 1) return 0;
    return xStrides[i - lead];
  });
  return gatherStrided(x, shape, srcStrides);
}

/** Copies x with its axes permuted: output axis i is input axis perm[i]. */
export function permuteArray(x: NDArray, perm: readonly number[]): NDArray {
  const xStrides = stridesOf(x.shape);
  return gatherStrided(
    x,
    perm.map((p) => x.shape[p]),
    perm.map((p) => xStrides[p]),
  );
}
