// a: [m, k], b: [k, n] -> y: [m, n]   (strictly 2-D; no implicit batching)
//   da = dy · bᵀ   [m, n]·[n, k] -> [m, k]
//   db = aᵀ · dy   [k, m]·[m, n] -> [k, n]
import { ShapeError } from '../../core/errors.js';
import { NDArray } from '../../core/ndarray.js';
import { formatShape, type Shape } from '../../core/shape.js';
import { apply, defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';
import { transpose } from './transpose.js';

function matmulShape([a, b]: readonly Shape[]): Shape {
  if (a.length !== 2 || b.length !== 2) {
    throw new ShapeError(
      `matmul: both operands must be 2-D, got a ${formatShape(a)} and b ${formatShape(b)}`,
    );
  }
  if (a[1] !== b[0]) {
    throw new ShapeError(
      `matmul: inner dimensions must match, got a ${formatShape(a)} and b ${formatShape(b)}`,
    );
  }
  return [a[0], b[1]];
}

export const matmulOp = defineOp({
  name: 'matmul',
  shape: matmulShape,
  forward: ([a, b], _attrs, k) => {
    const [m, inner] = a.shape;
    const n = b.shape[1];
    return new NDArray(k.matmul(a.data, b.data, m, inner, n), [m, n]);
  },
  // Skipping an unneeded product matters in double backprop, where the first backward pass
  // through a layer is recorded and only the input's cotangent is wanted.
  vjp: ({ inputs: [a, b], dy, needsGrad }) => [
    needsGrad[0] ? matmul(dy, transpose(b)) : null,
    needsGrad[1] ? matmul(transpose(a), dy) : null,
  ],
});

/** Matrix product of a: [m, k] and b: [k, n]. Throws ShapeError unless both are 2-D and match. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return apply(matmulOp, [a, b]);
}
