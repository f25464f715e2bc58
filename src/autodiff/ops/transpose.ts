// y = transpose(x, perm): output axis i is input axis perm[i].  dx = transpose(dy, perm⁻¹).
import { ShapeError } from '../../core/errors.js';
import { NDArray } from '../../core/ndarray.js';
import { formatShape } from '../../core/shape.js';
import { apply, defineOp } from '../op.js';
import { permuteArray } from '../strided.js';
import type { Tensor } from '../tensor.js';

export const transposeOp = defineOp<{ perm: readonly number[] }>({
  name: 'transpose',
  shape: (inputs, { perm }) => perm.map((p) => inputs[0][p]),
  forward: ([x], { perm }, k) => {
    if (x.rank === 2 && perm[0] === 1) {
      const [m, n] = x.shape;
      return new NDArray(k.transpose(x.data, m, n), [n, m]);
    }
    return permuteArray(x, perm);
  },
  vjp: ({ dy, attrs: { perm } }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [transpose(dy, inverse)];
  },
});

/**
 * Permutes the axes of x; without `perm` the axes are reversed (a matrix transpose for 2-D).
 * Throws ShapeError unless perm is a permutation of 0 .. rank − 1.
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const axes = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const seen = new Set(axes);
  const valid = axes.length === x.rank && seen.size === x.rank && axes.every((p) => seen.has(p));
  if (!valid || axes.some((p) => !Number.isInteger(p) || p < 0 || p >= x.rank)) {
    throw new ShapeError(
      `transpose: perm must be a permutation of the ${x.rank} axes of ${formatShape(x.shape)}, ` +
        `got [${axes.join(', ')}]`,
    );
  }
  return apply(transposeOp, [x], { perm: [...axes] });
}
