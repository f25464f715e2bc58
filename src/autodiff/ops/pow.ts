// Powers: x^p for a constant p, plus the common cases square and sqrt with their own kernels.
import { NDArray } from '../../core/ndarray.js';
import { apply, defineOp, sameShape, unaryForward } from '../op.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

// y = x^p.  dx = dy · p · x^(p−1). For p = 0 the derivative is zero everywhere, so the VJP
// returns a symbolic zero rather than 0 · x^(−1), which would be NaN at x = 0.
export const powOp = defineOp<{ p: number }>({
  name: 'pow',
  shape: sameShape,
  forward: ([x], { p }, k) => new NDArray(k.powScalar(x.data, p), x.shape),
  vjp: ({ inputs: [x], dy, attrs: { p } }) => [p === 0 ? null : mul(dy, mul(pow(x, p - 1), p))],
});

// y = x².  dx = dy · 2x.
export const squareOp = defineOp({
  name: 'square',
  shape: sameShape,
  forward: unaryForward('square'),
  vjp: ({ inputs: [x], dy }) => [mul(dy, mul(x, 2))],
});

// y = √x.  dx = dy / (2y), from the saved output; infinite at x = 0.
export const sqrtOp = defineOp({
  name: 'sqrt',
  shape: sameShape,
  forward: unaryForward('sqrt'),
  vjp: ({ output: y, dy }) => [div(dy, mul(y, 2))],
});

/** Raises x elementwise to the constant power p. Throws RangeError if p is not finite. */
export function pow(x: Tensor, p: number): Tensor {
  if (!Number.isFinite(p)) throw new RangeError(`pow: exponent must be finite, got ${p}`);
  return apply(powOp, [x], { p });
}

export function square(x: Tensor): Tensor {
  return apply(squareOp, [x]);
}

export function sqrt(x: Tensor): Tensor {
  return apply(sqrtOp, [x]);
}
