import { expect, test } from 'vitest';
import { NDArray } from '../core/ndarray.js';
import { deriveSeed, Rng } from '../core/rng.js';
import { sizeOf, stridesOf, type Shape } from '../core/shape.js';
import { broadcastArray, permuteArray } from './strided.js';

// Reference: element at output index (i_0, …) is x at the index with stretched axes set to 0.
function broadcastReference(x: NDArray, shape: Shape): number[] {
  const lead = shape.length - x.rank;
  const outStrides = stridesOf(shape);
  const xStrides = stridesOf(x.shape);
  return Array.from({ length: sizeOf(shape) }, (_, flat) => {
    let offset = 0;
    for (let d = lead; d < shape.length; d++) {
      const index = Math.floor(flat / outStrides[d]) % shape[d];
      if (x.shape[d - lead] !== 1) offset += index * xStrides[d - lead];
    }
    return x.data[offset];
  });
}

test('broadcastArray matches the index formula', () => {
  const seed = deriveSeed('broadcastArray');
  const rng = new Rng(seed);
  for (let trial = 0; trial < 200; trial++) {
    const shape = Array.from({ length: rng.int(4) }, () => 1 + rng.int(4));
    const xShape = shape
      .slice(rng.int(shape.length + 1))
      .map((d) => (rng.uniform() < 0.3 ? 1 : d));
    const data = Float64Array.from({ length: sizeOf(xShape) }, () => rng.normal());
    const x = new NDArray(data, xShape);
    const context = `x ${JSON.stringify(xShape)} to ${JSON.stringify(shape)}, seed ${seed}`;
    const actual = Array.from(broadcastArray(x, shape).data);
    expect(actual, context).toEqual(broadcastReference(x, shape));
  }
});

test('broadcastArray handles empty arrays', () => {
  const x = new NDArray(new Float64Array(0), [0]);
  expect(broadcastArray(x, [3, 0]).shape).toEqual([3, 0]);
});

test('permuteArray moves axes', () => {
  const x = new NDArray(Float64Array.from({ length: 6 }, (_, i) => i), [1, 2, 3]);
  const y = permuteArray(x, [2, 1, 0]);
  expect(y.shape).toEqual([3, 2, 1]);
  expect(Array.from(y.data)).toEqual([0, 3, 1, 4, 2, 5]);
});
