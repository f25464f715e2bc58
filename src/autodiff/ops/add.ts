// The additive family, with NumPy broadcasting; numbers are accepted as constant scalars.
import { broadcastShapes } from '../../core/shape.js';
import { apply, defineOp, sameShape, unaryForward } from '../op.js';
import { asTensor, type Tensor } from '../tensor.js';
import { binaryForward } from './broadcast.js';

// y = a + b.  da = dy, db = dy (summed back to each input's shape by the engine).
export const addOp = defineOp({
  name: 'add',
  shape: ([a, b]) => broadcastShapes(a, b, 'add'),
  forward: binaryForward('add'),
  vjp: ({ dy }) => [dy, dy],
});

// y = a − b.  da = dy, db = −dy.
export const subOp = defineOp({
  name: 'sub',
  shape: ([a, b]) => broadcastShapes(a, b, 'sub'),
  forward: binaryForward('sub'),
  vjp: ({ dy }) => [dy, neg(dy)],
});

// y = −x.  dx = −dy.
export const negOp = defineOp({
  name: 'neg',
  shape: sameShape,
  forward: unaryForward('neg'),
  vjp: ({ dy }) => [neg(dy)],
});

export function add(a: Tensor | number, b: Tensor | number): Tensor {
  return apply(addOp, [asTensor(a), asTensor(b)]);
}

export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  return apply(subOp, [asTensor(a), asTensor(b)]);
}

export function neg(x: Tensor): Tensor {
  return apply(negOp, [x]);
}
