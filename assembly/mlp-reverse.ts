// Reverse passes of the fused MLP step (assembly/mlp.ts): the reverse of the input-gradient
// pass for the penalty, then the reverse of the forward pass, which writes every gradient.
import { curvatureRatio } from './mlp-activation';
import { PASS_ROWS, productTN, productW, productWT, rowBytes } from './mlp-products';
import {
  ACT_TANH, LEVEL_B, LEVEL_HD, LEVEL_S, LEVEL_T, LEVEL_V, LEVEL_W, LEVEL_ZU, PLAN_ACTIVATION,
  PLAN_F, PLAN_HIDDEN, PLAN_Y, field, gradShift, ptr, width,
} from './mlp-plan';

/**
 * From e = du_{j} (already in level j's T), for the rows [r0, r0 + rows) of a pass over nRows:
 * dv_j = e ⊙ s_j into the lower half of level j's HD, and t_j = e ⊙ v_j ⊙ q_j in place of e.
 * For j = L, v_L is w_L on every row and dv_L is only summed over rows into the gradient of w_L.
 */
function splitPenaltyCotangent(plan: usize, j: i32, nRows: i32, r0: i32, rows: i32): void {
  const L = field(plan, PLAN_HIDDEN);
  const activation = field(plan, PLAN_ACTIVATION);
  const n = width(plan, j);
  const block = rowBytes(r0, n);
  const e = ptr(plan, j, LEVEL_T) + block;
  const s = ptr(plan, j, LEVEL_S) + block;
  const h = ptr(plan, j, LEVEL_HD) + block;
  if (j < L) {
    const v = ptr(plan, j, LEVEL_V) + block;
    splitHidden(e, s, h, v, h + rowBytes(nRows, n), rows * n, activation);
  } else {
    const wOut = ptr(plan, L, LEVEL_W);
    splitOutput(e, s, h, wOut, wOut + gradShift(plan), rows, n, activation);
  }
}

/** dv = e ⊙ s and e ← e ⊙ v ⊙ q over `count` values (splitPenaltyCotangent for j < L). */
function splitHidden(
  e: usize, s: usize, h: usize, v: usize, dv: usize, count: i32, activation: i32,
): void {
  let p = 0;
  if (ASC_FEATURE_SIMD && activation == ACT_TANH) {
    for (; p + 2 <= count; p += 2) {
      const o = <usize>p << 3;
      const ev = v128.load(e + o);
      v128.store(dv + o, f64x2.mul(ev, v128.load(s + o)));
      const q = f64x2.mul(f64x2.splat(-2.0), v128.load(h + o));
      v128.store(e + o, f64x2.mul(f64x2.mul(ev, v128.load(v + o)), q));
    }
  }
  for (; p < count; p++) splitOne(e, s, h, v, dv, <usize>p << 3, activation);
}

/**
 * gw[k] += Σ_b e[b, k] · s[b, k] over rows in ascending order, and e ← e ⊙ w ⊙ q, for e, s,
 * h [rows, n] and the output weights w [n] (splitPenaltyCotangent for j = L).
 */
function splitOutput(
  e: usize, s: usize, h: usize, w: usize, gw: usize, rows: i32, n: i32, activation: i32,
): void {
  for (let b = 0; b < rows; b++) {
    const row = rowBytes(b, n);
    let k = 0;
    if (ASC_FEATURE_SIMD && activation == ACT_TANH) {
      for (; k + 2 <= n; k += 2) {
        const o = row + (<usize>k << 3);
        const ev = v128.load(e + o);
        const g = gw + (<usize>k << 3);
        v128.store(g, f64x2.add(v128.load(g), f64x2.mul(ev, v128.load(s + o))));
        const q = f64x2.mul(f64x2.splat(-2.0), v128.load(h + o));
        v128.store(e + o, f64x2.mul(f64x2.mul(ev, v128.load(w + (<usize>k << 3))), q));
      }
    }
    for (; k < n; k++) {
      const o = row + (<usize>k << 3);
      const ev = load<f64>(e + o);
      const sv = load<f64>(s + o);
      const g = gw + (<usize>k << 3);
      store<f64>(g, load<f64>(g) + ev * sv);
      const q = curvatureRatio(activation, load<f64>(h + o), sv);
      store<f64>(e + o, ev * load<f64>(w + (<usize>k << 3)) * q);
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
    const nNext = width(plan, i + 1);
    const dv = ptr(plan, i, LEVEL_HD) + rowBytes(nRows, n);
    const e = ptr(plan, i + 1, LEVEL_T);
    for (let r0 = 0; r0 < nRows; r0 += PASS_ROWS) {
      const rows = min(PASS_ROWS, nRows - r0);
      productW(plan, dv + rowBytes(r0, n), i, e + rowBytes(r0, nNext), rows);
      splitPenaltyCotangent(plan, i + 1, nRows, r0, rows);
    }
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
 * Writes dz_L = s_L ⊙ (dh_L + t_L) for one row, where dh_L = df · w_L (t omitted without the
 * penalty), and adds the row's terms to the gradients of w_L (h_L · df) and of b_{L−1} (dz_L).
 */
// @ts-ignore: decorator
@inline function outputRow(
  h: usize, s: usize, t: usize, dz: usize, w: usize, gw: usize, gb: usize, df: f64, n: i32,
  withPenalty: bool,
): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const dfv = f64x2.splat(df);
    for (; k + 2 <= n; k += 2) {
      const o = <usize>k << 3;
      v128.store(gw + o, f64x2.add(v128.load(gw + o), f64x2.mul(v128.load(h + o), dfv)));
      let sum = f64x2.mul(dfv, v128.load(w + o));
      if (withPenalty) sum = f64x2.add(sum, v128.load(t + o));
      const dzv = f64x2.mul(v128.load(s + o), sum);
      v128.store(dz + o, dzv);
      v128.store(gb + o, f64x2.add(v128.load(gb + o), dzv));
    }
  }
  for (; k < n; k++) {
    const o = <usize>k << 3;
    store<f64>(gw + o, load<f64>(gw + o) + load<f64>(h + o) * df);
    let sum = df * load<f64>(w + o);
    if (withPenalty) sum += load<f64>(t + o);
    const dzv = load<f64>(s + o) * sum;
    store<f64>(dz + o, dzv);
    store<f64>(gb + o, load<f64>(gb + o) + dzv);
  }
}

/**
 * Reverse of the output layer f = h_L w_L + b_L for the MSE: writes dz_L and the gradients of
 * w_L, b_L and (in part) b_{L−1}. Returns Σ_b (f_b − y_b)².
 */
function outputReverse(plan: usize, nRows: i32, withPenalty: bool): f64 {
  const L = field(plan, PLAN_HIDDEN);
  const shift = gradShift(plan);
  const f = <usize>field(plan, PLAN_F);
  const y = <usize>field(plan, PLAN_Y);
  const nL = width(plan, L);
  const hL = ptr(plan, L, LEVEL_HD);
  const s = ptr(plan, L, LEVEL_S);
  const t = ptr(plan, L, LEVEL_T);
  const dzL = ptr(plan, L, LEVEL_ZU);
  const wOut = ptr(plan, L, LEVEL_W);
  const gwOut = wOut + shift;
  const gbOut = ptr(plan, L, LEVEL_B) + shift;
  const gb = ptr(plan, L - 1, LEVEL_B) + shift;
  let sumSq: f64 = 0;
  const twoOverB = 2.0 / <f64>nRows;
  for (let b = 0; b < nRows; b++) {
    const r = load<f64>(f + (<usize>b << 3)) - load<f64>(y + (<usize>b << 3));
    sumSq += r * r;
    const df = twoOverB * r;
    store<f64>(gbOut, load<f64>(gbOut) + df);
    const row = rowBytes(b, nL);
    outputRow(hL + row, s + row, t + row, dzL + row, wOut, gwOut, gb, df, nL, withPenalty);
  }
  return sumSq;
}

/**
 * dz_i = s_i ⊙ (dz_{i+1} W_iᵀ + t_i) over the upper half of level i's ZU, in blocks of rows,
 * adding the column sums of dz_i to the gradient of b_{i−1}.
 */
function hiddenReverse(plan: usize, i: i32, nRows: i32, withPenalty: bool): void {
  const n = width(plan, i);
  const nNext = width(plan, i + 1);
  const dzNext = ptr(plan, i + 1, LEVEL_ZU);
  const dz = ptr(plan, i, LEVEL_ZU);
  const s = ptr(plan, i, LEVEL_S);
  const t = ptr(plan, i, LEVEL_T);
  const gb = ptr(plan, i - 1, LEVEL_B) + gradShift(plan);
  for (let r0 = 0; r0 < nRows; r0 += PASS_ROWS) {
    const rows = min(PASS_ROWS, nRows - r0);
    const block = rowBytes(r0, n);
    productWT(plan, dzNext + rowBytes(r0, nNext), i, dz + block, rows);
    combineDz(dz + block, s + block, t + block, gb, rows, n, withPenalty);
  }
}

/**
 * Reverse of the forward pass for the MSE (plus the penalty's t terms); writes every weight
 * gradient. Returns Σ_b (f_b − y_b)².
 */
export function mseReverse(plan: usize, nRows: i32, withPenalty: bool): f64 {
  const L = field(plan, PLAN_HIDDEN);
  const shift = gradShift(plan);
  const sumSq = outputReverse(plan, nRows, withPenalty);
  const stacked = withPenalty ? 2 * nRows : nRows;
  for (let i = L - 1; i >= 0; i--) {
    const dz = ptr(plan, i + 1, LEVEL_ZU);
    const gw = ptr(plan, i, LEVEL_W) + shift;
    productTN(plan, ptr(plan, i, LEVEL_HD), dz, gw, width(plan, i), stacked, width(plan, i + 1));
    if (i > 0) hiddenReverse(plan, i, nRows, withPenalty);
  }
  return sumSq;
}
