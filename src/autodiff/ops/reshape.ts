// y = reshape(x, shape): same row-major data, new shape.  dx = reshape(dy, x.shape).
import { ShapeError } from '../../core/errors.js';
import { formatShape, shapesEqual, sizeOf, type Shape } from '../../core/shape.js';
import { apply, defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';

export const reshapeOp = defineOp<{ shape: Shape }>({
  name: 'reshape',
  shape: (_inputs, { shape }) => shape,
  forward: ([x], { shape }) => x.reshape(shape),
  vjp: ({ inputs: [x], dy }) => [reshape(dy, x.shape)],
});

/**
 * Gives x a new shape with the same number of elements; one entry may be −1 and is inferred.
 * Throws ShapeError when the sizes differ or the shape is malformed.
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const target = resolveShape(shape, x.size, x.shape);
  if (shapesEqual(target, x.shape)) return x;
  return apply(reshapeOp, [x], { shape: target });
}

function resolveShape(shape: Shape, size: number, from: Shape): Shape {
  const fail = (): never => {
    throw new ShapeError(
      `reshape: target shape must have ${size} elements like ${formatShape(from)}, ` +
        `got ${formatShape(shape)}`,
    );
  };
  const unknown = shape.indexOf(-1);
  if (shape.some((d, i) => !Number.isInteger(d) || (d < 0 && i !== unknown))) fail();
  if (shape.lastIndexOf(-1) !== unknown) fail();
  if (unknown < 0) return sizeOf(shape) === size ? shape : fail();

  const known = sizeOf(shape.filter((_, i) => i !== unknown));
  if (known === 0 || size % known !== 0) fail();
  return shape.map((d, i) => (i === unknown ? size / known : d));
}
