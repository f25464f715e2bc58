// y = a · b elementwise with broadcasting.  da = dy · b, db = dy · a.
import { broadcastShapes } from '../../core/shape.js';
import { apply, defineOp } from '../op.js';
import { asTensor, type Tensor } from '../tensor.js';
import { binaryForward } from './broadcast.js';

export const mulOp = defineOp({
  name: 'mul',
  shape: ([a, b]) => broadcastShapes(a, b, 'mul'),
  forward: binaryForward('mul'),
  vjp: ({ inputs: [a, b], dy }) => [mul(dy, b), mul(dy, a)],
});

export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  return apply(mulOp, [asTensor(a), asTensor(b)]);
}
