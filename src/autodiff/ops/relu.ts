// y = max(x, 0).  dx = dy · [x > 0]. At x = 0 the subgradient 0 is chosen, the same as the
// reluBackward kernel, so a unit sitting exactly at the kink passes no gradient.
import { apply, defineOp, sameShape, unaryForward } from '../op.js';
import type { Tensor } from '../tensor.js';
import { greater } from './compare.js';
import { mul } from './mul.js';

export const reluOp = defineOp({
  name: 'relu',
  shape: sameShape,
  forward: unaryForward('relu'),
  vjp: ({ inputs: [x], dy }) => [mul(dy, greater(x, 0))],
});

export function relu(x: Tensor): Tensor {
  return apply(reluOp, [x]);
}
