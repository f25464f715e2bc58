// The logistic sigmoid and its integral softplus. Both kernels avoid overflow for large |x|:
// sigmoid evaluates eˣ / (1 + eˣ) for x < 0, softplus evaluates max(x, 0) + ln(1 + e^−|x|).
import { apply, defineOp, sameShape, unaryForward } from '../op.js';
import type { Tensor } from '../tensor.js';
import { sub } from './add.js';
import { mul } from './mul.js';

// y = 1 / (1 + e^−x).  dx = dy · y · (1 − y), from the saved output.
export const sigmoidOp = defineOp({
  name: 'sigmoid',
  shape: sameShape,
  forward: unaryForward('sigmoid'),
  vjp: ({ output: y, dy }) => [mul(dy, mul(y, sub(1, y)))],
});

// y = ln(1 + eˣ).  dx = dy · sigmoid(x), which is bounded, so gradients stay finite everywhere.
export const softplusOp = defineOp({
  name: 'softplus',
  shape: sameShape,
  forward: unaryForward('softplus'),
  vjp: ({ inputs: [x], dy }) => [mul(dy, sigmoid(x))],
});

export function sigmoid(x: Tensor): Tensor {
  return apply(sigmoidOp, [x]);
}

export function softplus(x: Tensor): Tensor {
  return apply(softplusOp, [x]);
}
