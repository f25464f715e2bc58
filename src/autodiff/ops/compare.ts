// Elementwise comparison with broadcasting: 1 where the comparison is true, 0 elsewhere.
// The result is piecewise constant, so both cotangents are zero (null). NaN compares false.
import { NDArray } from '../../core/ndarray.js';
import { broadcastShapes } from '../../core/shape.js';
import { apply, defineOp } from '../op.js';
import { broadcastArray } from '../strided.js';
import { asTensor, type Tensor } from '../tensor.js';

// y = [a > b].  da = 0, db = 0.
export const greaterOp = defineOp({
  name: 'greater',
  shape: ([a, b]) => broadcastShapes(a, b, 'greater'),
  forward: ([a, b]) => {
    const shape = broadcastShapes(a.shape, b.shape, 'greater');
    const da = broadcastArray(a, shape).data;
    const db = broadcastArray(b, shape).data;
    const y = new Float64Array(da.length);
    for (let i = 0; i < y.length; i++) y[i] = da[i] > db[i] ? 1 : 0;
    return new NDArray(y, shape);
  },
  vjp: () => [null, null],
});

export function greater(a: Tensor | number, b: Tensor | number): Tensor {
  return apply(greaterOp, [asTensor(a), asTensor(b)]);
}
