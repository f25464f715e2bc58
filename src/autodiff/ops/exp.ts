// Exponential and natural logarithm.
import { apply, defineOp, sameShape, unaryForward } from '../op.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

// y = eˣ.  dx = dy · y (reuses the saved output instead of recomputing eˣ).
export const expOp = defineOp({
  name: 'exp',
  shape: sameShape,
  forward: unaryForward('exp'),
  vjp: ({ output: y, dy }) => [mul(dy, y)],
});

// y = ln x (NaN for x < 0, −Infinity at 0).  dx = dy / x.
export const logOp = defineOp({
  name: 'log',
  shape: sameShape,
  forward: unaryForward('log'),
  vjp: ({ inputs: [x], dy }) => [div(dy, x)],
});

export function exp(x: Tensor): Tensor {
  return apply(expOp, [x]);
}

export function log(x: Tensor): Tensor {
  return apply(logOp, [x]);
}
