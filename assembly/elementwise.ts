// Elementwise kernels over f64 buffers of `len` values: y[i] = f(x[i]) or f(a[i], b[i]).
// The SIMD build handles two values per step and finishes an odd tail with the scalar
// formula. There, exp, log, tanh, sigmoid and softplus use the f64x2 functions in vmath.ts,
// while the scalar build calls the standard library's Math. The output may be the input
// itself (in place) but must not partly overlap it.
import { vexp, vlog, vtanh } from './vmath';

// @ts-ignore: decorator
@inline function pairs(len: i32): usize {
  return ASC_FEATURE_SIMD ? <usize>(len & ~1) * 8 : 0;
}

/** y[i] = −x[i]. */
export function unaryNeg(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, f64x2.neg(v128.load(x + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, -load<f64>(x + i));
}

/** y[i] = e^x[i]. */
export function unaryExp(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, vexp(v128.load(x + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, Math.exp(load<f64>(x + i)));
}

/** y[i] = ln x[i] (NaN for negative x, −∞ for 0). */
export function unaryLog(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, vlog(v128.load(x + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, Math.log(load<f64>(x + i)));
}

/** y[i] = √x[i] (NaN for negative x). */
export function unarySqrt(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, f64x2.sqrt(v128.load(x + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, Math.sqrt(load<f64>(x + i)));
}

/** y[i] = tanh x[i]. */
export function unaryTanh(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, vtanh(v128.load(x + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, Math.tanh(load<f64>(x + i)));
}

/** y[i] = x[i] if x[i] > 0, else 0 (NaN maps to 0). */
export function unaryRelu(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) {
      const v = v128.load(x + i);
      v128.store(y + i, v128.and(v, f64x2.gt(v, f64x2.splat(0))));
    }
  }
  for (; i < end; i += 8) {
    const v = load<f64>(x + i);
    store<f64>(y + i, v > 0 ? v : 0);
  }
}

/** y[i] = x[i] · x[i]. */
export function unarySquare(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) {
      const v = v128.load(x + i);
      v128.store(y + i, f64x2.mul(v, v));
    }
  }
  for (; i < end; i += 8) {
    const v = load<f64>(x + i);
    store<f64>(y + i, v * v);
  }
}

/**
 * y[i] = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) for x < 0, so the exponential never
 * overflows.
 */
export function unarySigmoid(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f64x2.splat(1);
    for (; i < vecEnd; i += 16) {
      const v = v128.load(x + i);
      const e = vexp(f64x2.neg(f64x2.abs(v)));
      const nonNegative = f64x2.ge(v, f64x2.splat(0));
      const numerator = v128.bitselect(one, e, nonNegative);
      v128.store(y + i, f64x2.div(numerator, f64x2.add(one, e)));
    }
  }
  for (; i < end; i += 8) store<f64>(y + i, sigmoidScalar(load<f64>(x + i)));
}

// @ts-ignore: decorator
@inline function sigmoidScalar(v: f64): f64 {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * y[i] = ln(1 + e^x) = max(x, 0) + log1p(e^−|x|). The SIMD build computes log1p(e) for
 * e in [0, 1] as ln(u) · e / (u − 1) with u = 1 + e (e itself when u rounds to 1), which keeps
 * the relative accuracy of log for tiny e.
 */
export function unarySoftplus(x: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f64x2.splat(1);
    for (; i < vecEnd; i += 16) {
      const v = v128.load(x + i);
      const e = vexp(f64x2.neg(f64x2.abs(v)));
      const u = f64x2.add(one, e);
      const scaled = f64x2.div(f64x2.mul(vlog(u), e), f64x2.sub(u, one));
      const log1pE = v128.bitselect(e, scaled, f64x2.eq(u, one));
      v128.store(y + i, f64x2.add(f64x2.max(v, f64x2.splat(0)), log1pE));
    }
  }
  for (; i < end; i += 8) {
    const v = load<f64>(x + i);
    store<f64>(y + i, Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
  }
}

/** y[i] = x[i]^p; p = 1 copies and p = 2 multiplies, which is what an exact pow returns. */
export function powScalar(x: usize, y: usize, len: i32, p: f64): void {
  const end = <usize>len * 8;
  if (p == 1) {
    if (x != y) memory.copy(y, x, end);
    return;
  }
  if (p == 2) {
    unarySquare(x, y, len);
    return;
  }
  for (let i: usize = 0; i < end; i += 8) store<f64>(y + i, Math.pow(load<f64>(x + i), p));
}

/** y[i] = a[i] + b[i]. */
export function binaryAdd(a: usize, b: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, f64x2.add(v128.load(a + i), v128.load(b + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, load<f64>(a + i) + load<f64>(b + i));
}

/** y[i] = a[i] − b[i]. */
export function binarySub(a: usize, b: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, f64x2.sub(v128.load(a + i), v128.load(b + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, load<f64>(a + i) - load<f64>(b + i));
}

/** y[i] = a[i] · b[i]. */
export function binaryMul(a: usize, b: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, f64x2.mul(v128.load(a + i), v128.load(b + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, load<f64>(a + i) * load<f64>(b + i));
}

/** y[i] = a[i] / b[i] (IEEE division, unprotected). */
export function binaryDiv(a: usize, b: usize, y: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) v128.store(y + i, f64x2.div(v128.load(a + i), v128.load(b + i)));
  }
  for (; i < end; i += 8) store<f64>(y + i, load<f64>(a + i) / load<f64>(b + i));
}

/** dx[i] = dy[i] · (1 − y[i]²), the tanh derivative from the saved output y = tanh(x). */
export function tanhBackward(y: usize, dy: usize, dx: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    const one = f64x2.splat(1);
    for (; i < vecEnd; i += 16) {
      const v = v128.load(y + i);
      const slope = f64x2.sub(one, f64x2.mul(v, v));
      v128.store(dx + i, f64x2.mul(v128.load(dy + i), slope));
    }
  }
  for (; i < end; i += 8) {
    const v = load<f64>(y + i);
    store<f64>(dx + i, load<f64>(dy + i) * (1 - v * v));
  }
}

/** dx[i] = dy[i] if x[i] > 0, else 0 (the subgradient at 0 is 0). */
export function reluBackward(x: usize, dy: usize, dx: usize, len: i32): void {
  const end = <usize>len * 8;
  const vecEnd = pairs(len);
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i < vecEnd; i += 16) {
      const positive = f64x2.gt(v128.load(x + i), f64x2.splat(0));
      v128.store(dx + i, v128.and(v128.load(dy + i), positive));
    }
  }
  for (; i < end; i += 8) store<f64>(dx + i, load<f64>(x + i) > 0 ? load<f64>(dy + i) : 0);
}
