// NDArray: a contiguous row-major Float64Array with a readonly shape. No autodiff here;
// the autodiff Tensor wraps one of these.
import { ShapeError } from './errors.js';
import { formatShape, sizeOf, type Shape } from './shape.js';

export class NDArray {
  readonly data: Float64Array;
  readonly shape: Shape;

  constructor(data: Float64Array, shape: Shape) {
    if (data.length !== sizeOf(shape)) {
      throw new ShapeError(
        `NDArray: data length must equal the shape's size ${sizeOf(shape)} for shape ` +
          `${formatShape(shape)}, got ${data.length}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  static zeros(shape: Shape): NDArray {
    return new NDArray(new Float64Array(sizeOf(shape)), shape);
  }

  static full(shape: Shape, value: number): NDArray {
    return new NDArray(new Float64Array(sizeOf(shape)).fill(value), shape);
  }

  static scalar(value: number): NDArray {
    return new NDArray(Float64Array.of(value), []);
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Same data viewed with another shape of the same size (no copy). */
  reshape(shape: Shape): NDArray {
    return new NDArray(this.data, shape);
  }

  clone(): NDArray {
    return new NDArray(this.data.slice(), this.shape);
  }
}
