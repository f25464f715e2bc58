// y = tanh(x).  dx = dy · (1 − y²). The rule reuses the saved output rather than recomputing
// tanh, and it stays differentiable because y is the recorded output of this op.
import { apply, defineOp, sameShape, unaryForward } from '../op.js';
import type { Tensor } from '../tensor.js';
import { sub } from './add.js';
import { mul } from './mul.js';
import { square } from './pow.js';

export const tanhOp = defineOp({
  name: 'tanh',
  shape: sameShape,
  forward: unaryForward('tanh'),
  vjp: ({ output: y, dy }) => [mul(dy, sub(1, square(y)))],
});

export function tanh(x: Tensor): Tensor {
  return apply(tanhOp, [x]);
}
