// y = a / b elementwise with broadcasting (IEEE division: x / 0 is ±Infinity or NaN).
//   da = dy / b,  db = −dy · a / b² = −dy · y / b  (reuses the saved output y)
import { broadcastShapes } from '../../core/shape.js';
import { apply, defineOp } from '../op.js';
import { asTensor, type Tensor } from '../tensor.js';
import { neg } from './add.js';
import { binaryForward } from './broadcast.js';
import { mul } from './mul.js';

export const divOp = defineOp({
  name: 'div',
  shape: ([a, b]) => broadcastShapes(a, b, 'div'),
  forward: binaryForward('div'),
  vjp: ({ inputs: [, b], output: y, dy }) => {
    const da = div(dy, b);
    return [da, neg(mul(da, y))];
  },
});

export function div(a: Tensor | number, b: Tensor | number): Tensor {
  return apply(divOp, [asTensor(a), asTensor(b)]);
}
