// y = Σ x over `axes` (kept as size 1 when keepDims).  dx = broadcastTo(dy with the reduced
// axes restored as size 1, x.shape).
import { ShapeError } from '../../core/errors.js';
import { NDArray } from '../../core/ndarray.js';
import { normalizeAxis, sizeOf, type Shape } from '../../core/shape.js';
import type { Kernels } from '../../kernels/index.js';
import { apply, defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast.js';
import { reshape } from './reshape.js';

interface SumAttrs {
  /** Sorted, distinct, non-negative axes. */
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

const keptShape = (x: Shape, axes: readonly number[]): Shape =>
  x.map((d, i) => (axes.includes(i) ? 1 : d));

// Each run of consecutive axes is one [outer, mid, inner] reduction; runs go last to first so
// earlier axis numbers stay valid.
function sumForward(x: NDArray, axes: readonly number[], k: Kernels): NDArray {
  let shape = [...x.shape];
  let data = x.data;
  for (let end = axes.length - 1; end >= 0; ) {
    let start = end;
    while (start > 0 && axes[start - 1] === axes[start] - 1) start--;
    const [first, last] = [axes[start], axes[end]];
    const outer = sizeOf(shape.slice(0, first));
    const mid = sizeOf(shape.slice(first, last + 1));
    data = k.sumMiddle(data, outer, mid, sizeOf(shape.slice(last + 1)));
    shape = shape.map((d, i) => (i >= first && i <= last ? 1 : d));
    end = start - 1;
  }
  return new NDArray(axes.length === 0 ? data.slice() : data, shape);
}

export const sumOp = defineOp<SumAttrs>({
  name: 'sum',
  shape: ([x], { axes, keepDims }) =>
    keepDims ? keptShape(x, axes) : x.filter((_, i) => !axes.includes(i)),
  forward: ([x], { axes, keepDims }, k) => {
    const y = sumForward(x, axes, k);
    return keepDims ? y : y.reshape(x.shape.filter((_, i) => !axes.includes(i)));
  },
  vjp: ({ inputs: [x], dy, attrs: { axes } }) => [
    broadcastTo(reshape(dy, keptShape(x.shape, axes)), x.shape),
  ],
});

/**
 * Sums x over `axes` (all axes when omitted; negative axes count from the end). Reduced axes
 * are dropped, or kept with size 1 when keepDims. Throws ShapeError for bad or repeated axes.
 */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return apply(sumOp, [x], { axes: normalizeAxes(x.shape, axes, 'sum'), keepDims });
}

/** Sorted non-negative axes for a reduction over `axes` of a tensor with shape x. */
export function normalizeAxes(
  x: Shape,
  axes: number | readonly number[] | undefined,
  op: string,
): number[] {
  if (axes === undefined) return x.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const normalized = list.map((a) => normalizeAxis(a, x.length, op)).sort((a, b) => a - b);
  normalized.forEach((a, i) => {
    if (i > 0 && normalized[i - 1] === a) {
      throw new ShapeError(`${op}: axes must be distinct, got [${list.join(', ')}]`);
    }
  });
  return normalized;
}
