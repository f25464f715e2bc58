// Activations of the fused MLP passes: a two-lane tanh, the in-place activation of a layer
// with its derivative σ', and the curvature ratio σ''/σ' used by the penalty's reverse pass.
import { madd, nmadd } from './madd';
import { ACT_RELU, ACT_TANH } from './mlp-plan';

// tanh on two lanes:
// tanh(x) = sign(x) · u / (u + 2) with u = e^(2|x|) − 1, |x| clamped to 20 (tanh rounds to 1
// beyond 19.1). u = 2^n (r + r² P(r)) + (2^n − 1) with 2|x| = n ln2 + r, |r| ≤ ln2 / 2, and
// P(r) = Σ_{k=0..10} r^k / (k + 2)! is evaluated as E(r²) + r · O(r²), two Horner chains over
// its even and odd terms. The first omitted term, r^13 / 13!, is below 2e-16. Each constant
// sits in memory as a pair of equal lanes: the engine materialises a v128 constant with three
// instructions in every iteration, while a load from this table is one instruction.
const TANH_TABLE = memory.data<f64>([
  1.4426950408889634, 1.4426950408889634, // 0: log2(e)
  0.6931471805598903, 0.6931471805598903, // 16: ln2, high part (n · hi exact for n < 2^11)
  5.497923018708371e-14, 5.497923018708371e-14, // 32: ln2, low part
  0.5, 0.5, // 48: 1/2!
  0.16666666666666666, 0.16666666666666666, // 64: 1/3!
  0.041666666666666664, 0.041666666666666664, // 80: 1/4!
  0.008333333333333333, 0.008333333333333333, // 96: 1/5!
  0.001388888888888889, 0.001388888888888889, // 112: 1/6!
  1.984126984126984e-4, 1.984126984126984e-4, // 128: 1/7!
  2.48015873015873e-5, 2.48015873015873e-5, // 144: 1/8!
  2.7557319223985893e-6, 2.7557319223985893e-6, // 160: 1/9!
  2.755731922398589e-7, 2.755731922398589e-7, // 176: 1/10!
  2.505210838544172e-8, 2.505210838544172e-8, // 192: 1/11!
  2.08767569878681e-9, 2.08767569878681e-9, // 208: 1/12!
  1.0, 1.0, // 224
  2.0, 2.0, // 240
  20.0, 20.0, // 256: clamp of |x|
  4503599627371519.0, 4503599627371519.0, // 272: 2^52 + 1023, turns integral n into 2^n bits
], 16);

// @ts-ignore: decorator
@inline function tableValue(offset: usize): v128 {
  return v128.load(TANH_TABLE + offset);
}

/** tanh on both lanes; NaN stays NaN. */
// @ts-ignore: decorator
@inline function tanhPair(x: v128): v128 {
  // pmin(a, 20) is a unless 20 < a, one instruction; NaN passes through.
  const a = f64x2.pmin(f64x2.abs(x), tableValue(256));
  const y = f64x2.add(a, a);
  const n = f64x2.nearest(f64x2.mul(y, tableValue(0)));
  const r = nmadd(n, tableValue(32), nmadd(n, tableValue(16), y));
  const r2 = f64x2.mul(r, r);
  // Two chains of five steps use fewer registers than Estrin's scheme, so four pairs in
  // flight (see activate) need no spills, and their depth is close to Estrin's.
  let even = tableValue(208);
  let odd = tableValue(192);
  even = madd(even, r2, tableValue(176));
  odd = madd(odd, r2, tableValue(160));
  even = madd(even, r2, tableValue(144));
  odd = madd(odd, r2, tableValue(128));
  even = madd(even, r2, tableValue(112));
  odd = madd(odd, r2, tableValue(96));
  even = madd(even, r2, tableValue(80));
  odd = madd(odd, r2, tableValue(64));
  even = madd(even, r2, tableValue(48));
  const poly = madd(odd, r, even);
  const em1r = madd(r2, poly, r);
  const scale = i64x2.shl(f64x2.add(n, tableValue(272)), 52);
  const u = madd(scale, em1r, f64x2.sub(scale, tableValue(224)));
  const t = f64x2.div(u, f64x2.add(u, tableValue(240)));
  return v128.or(t, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/**
 * h = tanh(z + bias) in place and s = 1 − h² for columns [j0, j0 + 8) of one row; z and s
 * point at the row, bias at its first entry.
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
  v128.store(s + p, nmadd(h0, h0, tableValue(224)));
  v128.store(s + p, nmadd(h1, h1, tableValue(224)), 16);
  v128.store(s + p, nmadd(h2, h2, tableValue(224)), 32);
  v128.store(s + p, nmadd(h3, h3, tableValue(224)), 48);
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
        v128.store(sRow + p, nmadd(h, h, tableValue(224)));
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
