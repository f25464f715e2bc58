// Activations of the fused MLP passes: a two-lane tanh, the in-place activation of a layer
// with its derivative σ', and the curvature ratio σ''/σ' used by the penalty's reverse pass.
import { madd, nmadd } from './madd';
import { ACT_RELU, ACT_TANH } from './mlp-plan';

// tanh on two lanes:
// tanh(x) = sign(x) · u / (u + 2) with u = e^(2|x|) − 1, |x| clamped to 20 (tanh rounds to 1
// beyond 19.1). With 2|x| = n ln2 + r, |r| ≤ ln2 / 2, u = 2^n (e^r − 1) + (2^n − 1), and the
// numerator u and the denominator u + 2 = 2^n (e^r − 1) + (2^n + 1) are formed side by side.
// e^r − 1 = r + r² P(r), where P is a degree-9 Chebyshev fit of (e^r − 1 − r) / r² on
// |r| ≤ ln2 / 2 (mpmath.chebyfit at 50 digits). With its coefficients rounded to f64, the
// relative error of r + r² P(r) stays below 4.1e-17 on that interval. P is evaluated as
// E(r²) + r · O(r²), two Horner chains of four steps over its even and odd terms. Against
// V8's Math.tanh the result is within 4 ulp (test/nn-activation.test.ts).
// Each constant sits in memory as a pair of equal lanes: the engine materialises a v128
// constant with three instructions in every iteration, while a load from this table is one
// instruction.
const TANH_TABLE = memory.data<f64>([
  2.8853900817779268, 2.8853900817779268, // 0: 2 log2(e)
  0.6931471805598903, 0.6931471805598903, // 16: ln2, high part (n · hi exact for n < 2^11)
  5.497923018708371e-14, 5.497923018708371e-14, // 32: ln2, low part
  0.5000000000000001, 0.5000000000000001, // 48: c0
  0.16666666666666669, 0.16666666666666669, // 64: c1
  0.041666666666624164, 0.041666666666624164, // 80: c2
  0.008333333333330065, 0.008333333333330065, // 96: c3
  0.0013888888917196719, 0.0013888888917196719, // 112: c4
  0.00019841269863040545, 0.00019841269863040545, // 128: c5
  2.4801521322368692e-05, 2.4801521322368692e-05, // 144: c6
  2.7557268480310024e-06, 2.7557268480310024e-06, // 160: c7
  2.7620075879983367e-07, 2.7620075879983367e-07, // 176: c8
  2.5100375832561234e-08, 2.5100375832561234e-08, // 192: c9
  1.0, 1.0, // 208: 1
  20.0, 20.0, // 224: clamp of |x|
  4503599627371519.0, 4503599627371519.0, // 240: 2^52 + 1023, turns integral n into 2^n bits
], 16);

// @ts-ignore: decorator
@inline function tableValue(offset: usize): v128 {
  return v128.load(TANH_TABLE + offset);
}

/** tanh on both lanes; NaN stays NaN. */
// @ts-ignore: decorator
@inline function tanhPair(x: v128): v128 {
  // pmin(a, 20) is a unless 20 < a, one instruction; NaN passes through.
  const a = f64x2.pmin(f64x2.abs(x), tableValue(224));
  const n = f64x2.nearest(f64x2.mul(a, tableValue(0)));
  const r = nmadd(n, tableValue(32), nmadd(n, tableValue(16), f64x2.add(a, a)));
  const r2 = f64x2.mul(r, r);
  // Two chains use fewer registers than Estrin's scheme, so four pairs in flight (see
  // activate) spill less, and they measured faster.
  let even = tableValue(176);
  let odd = tableValue(192);
  even = madd(even, r2, tableValue(144));
  odd = madd(odd, r2, tableValue(160));
  even = madd(even, r2, tableValue(112));
  odd = madd(odd, r2, tableValue(128));
  even = madd(even, r2, tableValue(80));
  odd = madd(odd, r2, tableValue(96));
  even = madd(even, r2, tableValue(48));
  odd = madd(odd, r2, tableValue(64));
  const poly = madd(odd, r, even);
  const em1r = madd(r2, poly, r);
  const scale = i64x2.shl(f64x2.add(n, tableValue(240)), 52);
  const num = madd(scale, em1r, f64x2.sub(scale, tableValue(208)));
  const den = madd(scale, em1r, f64x2.add(scale, tableValue(208)));
  const t = f64x2.div(num, den);
  return v128.or(t, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/**
 * Sets h = tanh(z + bias) in place and s = 1 − h² for columns [j0, j0 + 8) of one row. z and
 * s point at the row, bias at its first entry.
 * NOTE: the relaxed build forms 1 − h² with one rounding, the autodiff tape as 1 − fl(h · h).
 * Where |h| is within 1e-9 of 1, s is near 2e-9 and the two differ by up to about 1e-7 of s.
 */
// @ts-ignore: decorator
@inline function tanhEight(z: usize, s: usize, bias: usize, j0: i32): void {
  const p = <usize>j0 << 3;
  const h0 = tanhPair(f64x2.add(v128.load(z + p), v128.load(bias + p)));
  const h1 = tanhPair(f64x2.add(v128.load(z + p, 16), v128.load(bias + p, 16)));
  const h2 = tanhPair(f64x2.add(v128.load(z + p, 32), v128.load(bias + p, 32)));
  const h3 = tanhPair(f64x2.add(v128.load(z + p, 48), v128.load(bias + p, 48)));
  v128.store(z + p, h0);
  v128.store(z + p, h1, 16);
  v128.store(z + p, h2, 32);
  v128.store(z + p, h3, 48);
  v128.store(s + p, nmadd(h0, h0, tableValue(208)));
  v128.store(s + p, nmadd(h1, h1, tableValue(208)), 16);
  v128.store(s + p, nmadd(h2, h2, tableValue(208)), 32);
  v128.store(s + p, nmadd(h3, h3, tableValue(208)), 48);
}

/** σ(x) and σ'(x) of one value, for the activations without a SIMD path. */
// @ts-ignore: decorator
@inline function activateOne(z: usize, s: usize, bias: usize, j: i32, activation: i32): void {
  const p = <usize>j << 3;
  const x = load<f64>(z + p) + load<f64>(bias + p);
  let h: f64 = 0;
  let d: f64 = 0;
  if (activation == ACT_TANH) {
    h = Math.tanh(x);
    d = 1.0 - h * h;
  } else if (activation == ACT_RELU) {
    h = x > 0 ? x : 0.0;
    d = x > 0 ? 1.0 : 0.0;
  } else {
    // softplus(x) = max(x, 0) + ln(1 + e^−|x|); sigmoid from the same exponential.
    const e = Math.exp(-Math.abs(x));
    h = max(x, 0.0) + Math.log1p(e);
    d = x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  }
  store<f64>(z + p, h);
  store<f64>(s + p, d);
}

/**
 * h[b, j] = σ(z[b, j] + bias[j]) in place, s[b, j] = σ'(z + bias), for z, s [nRows, n].
 * tanh runs eight values at a time (four independent pairs give the core work to overlap
 * with the long dependency chain of each), then pairs; s = 1 − h² reuses the output.
 */
export function activate(
  z: usize, s: usize, bias: usize, nRows: i32, n: i32, activation: i32,
): void {
  for (let b = 0; b < nRows; b++) {
    const zRow = z + <usize>b * <usize>n * 8;
    const sRow = s + <usize>b * <usize>n * 8;
    let j = 0;
    if (ASC_FEATURE_SIMD && activation == ACT_TANH) {
      for (; j + 8 <= n; j += 8) tanhEight(zRow, sRow, bias, j);
      for (; j + 2 <= n; j += 2) {
        const p = <usize>j << 3;
        const h = tanhPair(f64x2.add(v128.load(zRow + p), v128.load(bias + p)));
        v128.store(zRow + p, h);
        v128.store(sRow + p, nmadd(h, h, tableValue(208)));
      }
    }
    for (; j < n; j++) activateOne(zRow, sRow, bias, j, activation);
  }
}

/** q = σ''/σ' from the cached output h and derivative s (see the file header). */
// @ts-ignore: decorator
@inline export function curvatureRatio(activation: i32, h: f64, s: f64): f64 {
  if (activation == ACT_TANH) return -2.0 * h;
  if (activation == ACT_RELU) return 0.0;
  return 1.0 - s;
}
