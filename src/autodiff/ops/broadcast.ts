// broadcastTo and the forward pass shared by the broadcasting binary ops.
// y = broadcastTo(x, shape). dx = dy summed over the stretched axes; the engine performs that
// reduction for every op, so the VJP hands dy back unchanged.
import { ShapeError } from '../../core/errors.js';
import { NDArray } from '../../core/ndarray.js';
import { broadcastShapes, formatShape, shapesEqual, type Shape } from '../../core/shape.js';
import type { BinaryKernel, Kernels } from '../../kernels/index.js';
import { apply, defineOp } from '../op.js';
import { broadcastArray } from '../strided.js';
import type { Tensor } from '../tensor.js';

export const broadcastToOp = defineOp<{ shape: Shape }>({
  name: 'broadcastTo',
  shape: ([x], { shape }) => {
    if (!shapesEqual(broadcastShapes(x, shape, 'broadcastTo'), shape)) {
      throw new ShapeError(
        `broadcastTo: input must broadcast to ${formatShape(shape)}, got ${formatShape(x)}`,
      );
    }
    return shape;
  },
  forward: ([x], { shape }) => broadcastArray(x, shape),
  vjp: ({ dy }) => [dy],
});

/** Broadcasts x to `shape` by NumPy rules. Throws ShapeError when x cannot stretch to it. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  return apply(broadcastToOp, [x], { shape: [...shape] });
}

/** Forward pass of a binary elementwise op: broadcast both inputs, then one same-length kernel. */
export function binaryForward(kind: BinaryKernel) {
  return ([a, b]: readonly NDArray[], _attrs: undefined, k: Kernels): NDArray => {
    const shape = broadcastShapes(a.shape, b.shape, kind);
    const da = broadcastArray(a, shape).data;
    const db = broadcastArray(b, shape).data;
    return new NDArray(k.binary(kind, da, db), shape);
  };
}
