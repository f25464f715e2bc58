// Reverse passes of the fused MLP step (assembly/mlp.ts): the reverse of the input-gradient
// pass for the penalty, then the reverse of the forward pass, which writes every gradient.
import { curvatureRatio } from './mlp-activation';
import { productTN, productW, productWT } from './mlp-products';
import {
  ACT_TANH, LEVEL_B, LEVEL_HD, LEVEL_S, LEVEL_T, LEVEL_V, LEVEL_W, LEVEL_ZU, PLAN_ACTIVATION,
  PLAN_F, PLAN_HIDDEN, PLAN_Y, field, gradShift, ptr, width,
} from './mlp-plan';

/**
 * From e = du_{j} (already in level j's T): dv_j = e ⊙ s_j into the lower half of level j's HD,
 * and t_j = e ⊙ v_j ⊙ q_j in place of e. For j = L, v_L is w_L on every row and dv_L is only
 * summed over rows into the gradient of w_L.
 */
function splitPenaltyCotangent(plan: usize, j: i32, nRows: i32): void {
  const L = field(plan, PLAN_HIDDEN);
  const activation = field(plan, PLAN_ACTIVATION);
  const n = width(plan, j);
  const e = ptr(plan, j, LEVEL_T);
  const s = ptr(plan, j, LEVEL_S);
  const h = ptr(plan, j, LEVEL_HD);
  const len = <usize>nRows * <usize>n * 8;
  if (j < L) {
    const v = ptr(plan, j, LEVEL_V);
    const dv = h + len;
    if (ASC_FEATURE_SIMD && activation == ACT_TANH) {
      const total = nRows * n;
      let p = 0;
      for (; p + 2 <= total; p += 2) {
        const o = <usize>p << 3;
        const ev = v128.load(e + o);
        v128.store(dv + o, f64x2.mul(ev, v128.load(s + o)));
        const q = f64x2.mul(f64x2.splat(-2.0), v128.load(h + o));
        v128.store(e + o, f64x2.mul(f64x2.mul(ev, v128.load(v + o)), q));
      }
      for (; p < total; p++) splitOne(e, s, h, v, dv, <usize>p << 3, activation);
      return;
    }
    for (let p = 0; p < nRows * n; p++) splitOne(e, s, h, v, dv, <usize>p << 3, activation);
    return;
  }
  const wOut = ptr(plan, L, LEVEL_W);
  const gwOut = wOut + gradShift(plan);
  for (let b = 0; b < nRows; b++) {
    const row = <usize>b * <usize>n * 8;
    let k = 0;
    if (ASC_FEATURE_SIMD && activation == ACT_TANH) {
      for (; k + 2 <= n; k += 2) {
        const o = row + (<usize>k << 3);
        const ev = v128.load(e + o);
        const g = gwOut + (<usize>k << 3);
        v128.store(g, f64x2.add(v128.load(g), f64x2.mul(ev, v128.load(s + o))));
        const q = f64x2.mul(f64x2.splat(-2.0), v128.load(h + o));
        v128.store(e + o, f64x2.mul(f64x2.mul(ev, v128.load(wOut + (<usize>k << 3))), q));
      }
    }
    for (; k < n; k++) {
      const o = row + (<usize>k << 3);
      const ev = load<f64>(e + o);
      const sv = load<f64>(s + o);
      const g = gwOut + (<usize>k << 3);
      store<f64>(g, load<f64>(g) + ev * sv);
      const q = curvatureRatio(activation, load<f64>(h + o), sv);
      store<f64>(e + o, ev * load<f64>(wOut + (<usize>k << 3)) * q);
    }
  }
}

// @ts-ignore: decorator
@inline function splitOne(
  e: usize, s: usize, h: usize, v: usize, dv: usize, o: usize, activation: i32,
): void {
  const ev = load<f64>(e + o);
  const sv = load<f64>(s + o);
  store<f64>(dv + o, ev * sv);
  store<f64>(e + o, ev * load<f64>(v + o) * curvatureRatio(activation, load<f64>(h + o), sv));
}

/**
 * Reverse of the input-gradient pass: writes dv_i and t_j for every level and adds
 * Σ_b dv_L to the gradient of w_L. Returns Σ_b ‖G_b‖².
 */
export function penaltyReverse(plan: usize, nRows: i32, lambda: f64): f64 {
  const L = field(plan, PLAN_HIDDEN);
  const d = width(plan, 0);
  const g = ptr(plan, 0, LEVEL_V);
  const dg = ptr(plan, 0, LEVEL_HD) + <usize>nRows * <usize>d * 8;
  const scale = (2.0 * lambda) / <f64>nRows;
  let sumSq: f64 = 0;
  for (let p = 0; p < nRows * d; p++) {
    const o = <usize>p << 3;
    const value = load<f64>(g + o);
    sumSq += value * value;
    store<f64>(dg + o, scale * value);
  }
  for (let i = 0; i < L; i++) {
    const n = width(plan, i);
    const dv = ptr(plan, i, LEVEL_HD) + <usize>nRows * <usize>n * 8;
    const e = ptr(plan, i + 1, LEVEL_T);
    productW(plan, dv, i, e, nRows);
    splitPenaltyCotangent(plan, i + 1, nRows);
  }
  return sumSq;
}

/**
 * dz = s ⊙ (dh + t) in place over dh (t omitted without the penalty), adding the column sums
 * of dz to the bias gradient gb [n].
 */
function combineDz(
  dh: usize, s: usize, t: usize, gb: usize, nRows: i32, n: i32, withPenalty: bool,
): void {
  for (let b = 0; b < nRows; b++) {
    const row = <usize>b * <usize>n * 8;
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      for (; k + 2 <= n; k += 2) {
        const o = row + (<usize>k << 3);
        let sum = v128.load(dh + o);
        if (withPenalty) sum = f64x2.add(sum, v128.load(t + o));
        const dz = f64x2.mul(v128.load(s + o), sum);
        v128.store(dh + o, dz);
        const go = gb + (<usize>k << 3);
        v128.store(go, f64x2.add(v128.load(go), dz));
      }
    }
    for (; k < n; k++) {
      const o = row + (<usize>k << 3);
      let sum = load<f64>(dh + o);
      if (withPenalty) sum += load<f64>(t + o);
      const dz = load<f64>(s + o) * sum;
      store<f64>(dh + o, dz);
      const go = gb + (<usize>k << 3);
      store<f64>(go, load<f64>(go) + dz);
    }
  }
}

/**
 * Reverse of the forward pass for the MSE (plus the penalty's t terms); writes every weight
 * gradient. Returns Σ_b (f_b − y_b)².
 */
export function mseReverse(plan: usize, nRows: i32, withPenalty: bool): f64 {
  const L = field(plan, PLAN_HIDDEN);
  const shift = gradShift(plan);
  const f = <usize>field(plan, PLAN_F);
  const y = <usize>field(plan, PLAN_Y);
  const nL = width(plan, L);
  const hL = ptr(plan, L, LEVEL_HD);
  const wOut = ptr(plan, L, LEVEL_W);
  const gwOut = wOut + shift;
  const gbOut = ptr(plan, L, LEVEL_B) + shift;
  const dhL = ptr(plan, L, LEVEL_ZU);

  let sumSq: f64 = 0;
  const twoOverB = 2.0 / <f64>nRows;
  for (let b = 0; b < nRows; b++) {
    const r = load<f64>(f + (<usize>b << 3)) - load<f64>(y + (<usize>b << 3));
    sumSq += r * r;
    const df = twoOverB * r;
    store<f64>(gbOut, load<f64>(gbOut) + df);
    const row = <usize>b * <usize>nL * 8;
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      const dfv = f64x2.splat(df);
      for (; k + 2 <= nL; k += 2) {
        const o = <usize>k << 3;
        const gw = v128.load(gwOut + o);
        v128.store(gwOut + o, f64x2.add(gw, f64x2.mul(v128.load(hL + row + o), dfv)));
        v128.store(dhL + row + o, f64x2.mul(dfv, v128.load(wOut + o)));
      }
    }
    for (; k < nL; k++) {
      const o = <usize>k << 3;
      store<f64>(gwOut + o, load<f64>(gwOut + o) + load<f64>(hL + row + o) * df);
      store<f64>(dhL + row + o, df * load<f64>(wOut + o));
    }
  }

  const stacked = withPenalty ? 2 * nRows : nRows;
  for (let i = L - 1; i >= 0; i--) {
    const n = width(plan, i);
    const nNext = width(plan, i + 1);
    const dz = ptr(plan, i + 1, LEVEL_ZU);
    const gb = ptr(plan, i, LEVEL_B) + shift;
    const s = ptr(plan, i + 1, LEVEL_S);
    combineDz(dz, s, ptr(plan, i + 1, LEVEL_T), gb, nRows, nNext, withPenalty);
    const gw = ptr(plan, i, LEVEL_W) + shift;
    productTN(plan, ptr(plan, i, LEVEL_HD), dz, gw, n, stacked, nNext);
    if (i > 0) {
      productWT(plan, dz, i, ptr(plan, i, LEVEL_ZU), nRows);
    }
  }
  return sumSq;
}
