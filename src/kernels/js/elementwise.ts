// Reference elementwise kernels: one plain loop per operation, out[i] = f(x[i]) or f(a[i], b[i]).
// These are the unprotected mathematical functions used by autodiff (log of a negative number
// is NaN); the protected GP primitives live in gp-eval.ts.
import type { BinaryKernel, UnaryKernel } from '../types.js';

/** softplus(x) = ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|) so eˣ cannot overflow. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** sigmoid(x) = 1 / (1 + e^−x); for x < 0 it uses eˣ / (1 + eˣ) so e^−x cannot overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

const UNARY: Record<UnaryKernel, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  softplus,
  sigmoid,
  square: (x) => x * x,
};

/** Applies `op` elementwise: out[i] = op(x[i]). */
export function unary(op: UnaryKernel, x: Float64Array, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(x.length);
  const f = UNARY[op];
  for (let i = 0; i < x.length; i++) y[i] = f(x[i]);
  return y;
}

/**
 * Computes out[i] = x[i]^p. The exponents 1 and 2 are computed as x and x · x, which is what
 * an exact pow returns; other exponents use Math.pow.
 */
export function powScalar(x: Float64Array, p: number, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(x.length);
  if (p === 1) {
    for (let i = 0; i < x.length; i++) y[i] = x[i];
  } else if (p === 2) {
    for (let i = 0; i < x.length; i++) y[i] = x[i] * x[i];
  } else {
    for (let i = 0; i < x.length; i++) y[i] = Math.pow(x[i], p);
  }
  return y;
}

/** Applies `op` elementwise on equal lengths: out[i] = a[i] op b[i] (plain IEEE division). */
export function binary(
  op: BinaryKernel,
  a: Float64Array,
  b: Float64Array,
  out?: Float64Array,
): Float64Array {
  const y = out ?? new Float64Array(a.length);
  const len = a.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < len; i++) y[i] = a[i] + b[i];
      break;
    case 'sub':
      for (let i = 0; i < len; i++) y[i] = a[i] - b[i];
      break;
    case 'mul':
      for (let i = 0; i < len; i++) y[i] = a[i] * b[i];
      break;
    case 'div':
      for (let i = 0; i < len; i++) y[i] = a[i] / b[i];
      break;
  }
  return y;
}

/** out[i] = dy[i] · (1 − y[i]²), the tanh derivative from the saved output y = tanh(x). */
export function tanhBackward(y: Float64Array, dy: Float64Array, out?: Float64Array): Float64Array {
  const dx = out ?? new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
  return dx;
}

/** out[i] = dy[i] if x[i] > 0, else 0 (the subgradient at 0 is 0). */
export function reluBackward(x: Float64Array, dy: Float64Array, out?: Float64Array): Float64Array {
  const dx = out ?? new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
  return dx;
}
