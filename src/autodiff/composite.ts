// Ops composed from primitives. They need no VJP of their own: the engine differentiates
// through the primitives they are built from, to any order.
import { sizeOf } from '../core/shape.js';
import { mul } from './ops/mul.js';
import { normalizeAxes, sum } from './ops/sum.js';
import type { Tensor } from './tensor.js';

/**
 * Mean of x over `axes` (all axes when omitted), with keepDims as for `sum`. Reducing over
 * zero elements gives NaN, as 0 / 0 does.
 */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const list = normalizeAxes(x.shape, axes, 'mean');
  const count = sizeOf(list.map((a) => x.shape[a]));
  return mul(sum(x, list, keepDims), 1 / count);
}
