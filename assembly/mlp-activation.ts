// Activations of the fused MLP passes: a two-lane tanh, the in-place activation of a layer
// with its derivative σ', and the curvature ratio σ''/σ' used by the penalty's reverse pass.
import { ACT_RELU, ACT_TANH } from './mlp-plan';

// tanh on two lanes:
// tanh(x) = sign(x) · u / (u + 2) with u = e^(2|x|) − 1, |x| clamped to 20 (tanh rounds to 1
// beyond 19.1). u = 2^n (r + r² P(r)) + (2^n − 1) with 2|x| = n ln2 + r, |r| ≤ ln2 / 2, and
// P(r) = Σ_{k=0..10} r^k / (k + 2)! evaluated by Estrin's scheme (short dependency chains); the
// first omitted term, r^13 / 13!, is below 2e-16. Each constant sits in memory as a pair of
// equal lanes: the engine materialises a v128 constant with three instructions in every
// iteration, while a load from this table is one instruction or a memory operand.
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
  const r = f64x2.sub(f64x2.sub(y, f64x2.mul(n, tableValue(16))), f64x2.mul(n, tableValue(32)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q0 = f64x2.add(tableValue(48), f64x2.mul(tableValue(64), r));
  const q1 = f64x2.add(tableValue(80), f64x2.mul(tableValue(96), r));
  const q2 = f64x2.add(tableValue(112), f64x2.mul(tableValue(128), r));
  const q3 = f64x2.add(tableValue(144), f64x2.mul(tableValue(160), r));
  const q4 = f64x2.add(tableValue(176), f64x2.mul(tableValue(192), r));
  const s0 = f64x2.add(q0, f64x2.mul(q1, r2));
  const s1 = f64x2.add(q2, f64x2.mul(q3, r2));
  const s2 = f64x2.add(q4, f64x2.mul(tableValue(208), r2));
  const poly = f64x2.add(f64x2.add(s0, f64x2.mul(s1, r4)), f64x2.mul(s2, r8));
  const em1r = f64x2.add(r, f64x2.mul(r2, poly));
  const scale = i64x2.shl(f64x2.add(n, tableValue(272)), 52);
  const u = f64x2.add(f64x2.mul(scale, em1r), f64x2.sub(scale, tableValue(224)));
  const t = f64x2.div(u, f64x2.add(u, tableValue(240)));
  return v128.or(t, v128.and(x, i64x2.splat(0x8000000000000000)));
}

/**
 * h[b, j] = σ(z[b, j] + bias[j]) in place, s[b, j] = σ'(z + bias), for z, s [nRows, n].
 * tanh runs two lanes at a time; s = 1 − h² reuses the output.
 */
export function activate(
  z: usize, s: usize, bias: usize, nRows: i32, n: i32, activation: i32,
): void {
  for (let b = 0; b < nRows; b++) {
    const row = <usize>b * <usize>n * 8;
    let j = 0;
    if (ASC_FEATURE_SIMD && activation == ACT_TANH) {
      // Two independent pairs per iteration give the core more work to overlap with the long
      // dependency chain of each tanh.
      for (; j + 4 <= n; j += 4) {
        const p = row + (<usize>j << 3);
        const bj = bias + (<usize>j << 3);
        const h0 = tanhPair(f64x2.add(v128.load(z + p), v128.load(bj)));
        const h1 = tanhPair(f64x2.add(v128.load(z + p, 16), v128.load(bj, 16)));
        v128.store(z + p, h0);
        v128.store(z + p, h1, 16);
        v128.store(s + p, f64x2.sub(tableValue(224), f64x2.mul(h0, h0)));
        v128.store(s + p, f64x2.sub(tableValue(224), f64x2.mul(h1, h1)), 16);
      }
      for (; j + 2 <= n; j += 2) {
        const p = row + (<usize>j << 3);
        const h = tanhPair(f64x2.add(v128.load(z + p), v128.load(bias + (<usize>j << 3))));
        v128.store(z + p, h);
        v128.store(s + p, f64x2.sub(tableValue(224), f64x2.mul(h, h)));
      }
    }
    for (; j < n; j++) {
      const p = row + (<usize>j << 3);
      const x = load<f64>(z + p) + load<f64>(bias + (<usize>j << 3));
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
  }
}

/** q = σ''/σ' from the cached output h and derivative s (see the file header). */
// @ts-ignore: decorator
@inline export function curvatureRatio(activation: i32, h: f64, s: f64): f64 {
  if (activation == ACT_TANH) return -2.0 * h;
  if (activation == ACT_RELU) return 0.0;
  return 1.0 - s;
}
