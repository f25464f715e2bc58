// Reverse passes of the fused MLP step (assembly/mlp.ts): the reverse of the input-gradient
// pass for the penalty, then the reverse of the forward pass, which writes every gradient.
import { curvatureRatio } from './mlp-activation';
import { madd, nmadd } from './madd';
import { PASS_ROWS, productTN, productW, productWT, rowBytes } from './mlp-products';
import {
  ACT_TANH, LEVEL_B, LEVEL_HD, LEVEL_S, LEVEL_T, LEVEL_V, LEVEL_W, LEVEL_ZU, PLAN_ACTIVATION,
  PLAN_F, PLAN_HIDDEN, PLAN_Y, field, gradShift, ptr, width,
} from './mlp-plan';

/**
 * Splits e = du_j (in level j's T, with j < L) for the rows [r0, r0 + rows) of a pass over
 * nRows. Writes dv_j = e ⊙ s_j to the lower half of level j's HD and t_j = e ⊙ v_j ⊙ q_j over e.
 */
function splitPenaltyCotangent(plan: usize, j: i32, nRows: i32, r0: i32, rows: i32): void {
  const n = width(plan, j);
  const block = rowBytes(r0, n);
  const e = ptr(plan, j, LEVEL_T) + block;
  const s = ptr(plan, j, LEVEL_S) + block;
  const h = ptr(plan, j, LEVEL_HD) + block;
  const v = ptr(plan, j, LEVEL_V) + block;
  splitHidden(e, s, h, v, h + rowBytes(nRows, n), rows * n, field(plan, PLAN_ACTIVATION));
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
      v128.store(e + o, tanhCotangent(f64x2.mul(ev, v128.load(v + o)), v128.load(h + o)));
    }
  }
  for (; p < count; p++) splitOne(e, s, h, v, dv, <usize>p << 3, activation);
}

/** −2 in both lanes, read from memory because a v128 constant costs three instructions per use. */
const MINUS_TWO = memory.data<f64>([-2.0, -2.0], 16);

/** Returns t = a ⊙ q for tanh, where q = −2h. */
// @ts-ignore: decorator
@inline function tanhCotangent(a: v128, h: v128): v128 {
  return f64x2.mul(a, f64x2.mul(v128.load(MINUS_TWO), h));
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
 * Runs the reverse of the input-gradient pass and returns Σ_b ‖G_b‖². Writes dv_i and t_i for
 * the levels below L. Level L, whose dv_L only enters the gradient of w_L and whose t_L only
 * enters dz_L, runs together with the output layer's reverse for the MSE
 * (outputReverseWithPenalty), which needs df from outputResiduals.
 */
export function penaltyReverse(plan: usize, nRows: i32, lambda: f64): f64 {
  const L = field(plan, PLAN_HIDDEN);
  const d = width(plan, 0);
  const g = ptr(plan, 0, LEVEL_V);
  const dg = ptr(plan, 0, LEVEL_HD) + <usize>nRows * <usize>d * 8;
  const scale = (2.0 * lambda) / <f64>nRows;
  const count = nRows * d;
  let sumSq: f64 = 0;
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    const scaleV = f64x2.splat(scale);
    let acc = f64x2.splat(0);
    for (; p + 2 <= count; p += 2) {
      const o = <usize>p << 3;
      const value = v128.load(g + o);
      acc = madd(value, value, acc);
      v128.store(dg + o, f64x2.mul(scaleV, value));
    }
    sumSq = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; p < count; p++) {
    const o = <usize>p << 3;
    const value = load<f64>(g + o);
    sumSq += value * value;
    store<f64>(dg + o, scale * value);
  }
  // Each block of rows goes through every level while it is in cache (see inputGradient).
  for (let r0 = 0; r0 < nRows; r0 += PASS_ROWS) {
    const rows = min(PASS_ROWS, nRows - r0);
    for (let i = 0; i < L; i++) {
      const n = width(plan, i);
      const nNext = width(plan, i + 1);
      const dv = ptr(plan, i, LEVEL_HD) + rowBytes(nRows, n);
      const e = ptr(plan, i + 1, LEVEL_T);
      productW(plan, dv + rowBytes(r0, n), i, e + rowBytes(r0, nNext), rows);
      if (i + 1 < L) splitPenaltyCotangent(plan, i + 1, nRows, r0, rows);
      else outputReverseWithPenalty(plan, r0, rows);
    }
  }
  return sumSq;
}

/**
 * dz = s ⊙ (dh + t) in place over dh (t omitted without the penalty), adding the column sums
 * of dz to the bias gradient gb [n]. The SIMD build takes rows in pairs and adds their sum to
 * gb, which halves the updates of gb.
 */
function combineDz(
  dh: usize, s: usize, t: usize, gb: usize, nRows: i32, n: i32, withPenalty: bool,
): void {
  let b = 0;
  if (ASC_FEATURE_SIMD) {
    const ld = <usize>n << 3;
    for (; b + 2 <= nRows; b += 2) {
      const row = <usize>b * ld;
      let k = 0;
      for (; k + 2 <= n; k += 2) {
        const o = row + (<usize>k << 3);
        let sum0 = v128.load(dh + o);
        let sum1 = v128.load(dh + o + ld);
        if (withPenalty) {
          sum0 = f64x2.add(sum0, v128.load(t + o));
          sum1 = f64x2.add(sum1, v128.load(t + o + ld));
        }
        const dz0 = f64x2.mul(v128.load(s + o), sum0);
        const dz1 = f64x2.mul(v128.load(s + o + ld), sum1);
        v128.store(dh + o, dz0);
        v128.store(dh + o + ld, dz1);
        const go = gb + (<usize>k << 3);
        v128.store(go, f64x2.add(v128.load(go), f64x2.add(dz0, dz1)));
      }
      for (; k < n; k++) {
        combineOne(dh, s, t, gb, row + (<usize>k << 3), k, withPenalty);
        combineOne(dh, s, t, gb, row + ld + (<usize>k << 3), k, withPenalty);
      }
    }
  }
  for (; b < nRows; b++) {
    const row = <usize>b * <usize>n * 8;
    for (let k = 0; k < n; k++) combineOne(dh, s, t, gb, row + (<usize>k << 3), k, withPenalty);
  }
}

/** Applies combineDz to the value at byte offset o, in column k. */
// @ts-ignore: decorator
@inline function combineOne(
  dh: usize, s: usize, t: usize, gb: usize, o: usize, k: i32, withPenalty: bool,
): void {
  let sum = load<f64>(dh + o);
  if (withPenalty) sum += load<f64>(t + o);
  const dz = load<f64>(s + o) * sum;
  store<f64>(dh + o, dz);
  const go = gb + (<usize>k << 3);
  store<f64>(go, load<f64>(go) + dz);
}

/**
 * Replaces f with df = (2 / nRows) (f − y), the cotangent of each output under the MSE, and
 * adds Σ_b df_b to the gradient of b_L. Returns Σ_b (f_b − y_b)².
 */
export function outputResiduals(plan: usize, nRows: i32): f64 {
  const L = field(plan, PLAN_HIDDEN);
  const f = <usize>field(plan, PLAN_F);
  const y = <usize>field(plan, PLAN_Y);
  const gbOut = ptr(plan, L, LEVEL_B) + gradShift(plan);
  const twoOverB = 2.0 / <f64>nRows;
  let sumSq: f64 = 0;
  let sumDf: f64 = 0;
  for (let b = 0; b < nRows; b++) {
    const o = <usize>b << 3;
    const r = load<f64>(f + o) - load<f64>(y + o);
    sumSq += r * r;
    const df = twoOverB * r;
    store<f64>(f + o, df);
    sumDf += df;
  }
  store<f64>(gbOut, load<f64>(gbOut) + sumDf);
  return sumSq;
}

/**
 * Runs the reverse of the output layer f = h_L w_L + b_L for the MSE alone, from df in PLAN_F.
 * Adds Σ_b df_b h_L to the gradient of w_L, writes dz_L = s_L ⊙ df · w_L to the lower half of
 * level L's ZU and adds its column sums to the gradient of b_{L−1}.
 */
function outputReverse(plan: usize, nRows: i32): void {
  const L = field(plan, PLAN_HIDDEN);
  const shift = gradShift(plan);
  const dfs = <usize>field(plan, PLAN_F);
  const n = width(plan, L);
  const w = ptr(plan, L, LEVEL_W);
  const gw = w + shift;
  const gb = ptr(plan, L - 1, LEVEL_B) + shift;
  for (let b = 0; b < nRows; b++) {
    const row = rowBytes(b, n);
    const h = ptr(plan, L, LEVEL_HD) + row;
    const s = ptr(plan, L, LEVEL_S) + row;
    const dz = ptr(plan, L, LEVEL_ZU) + row;
    const df = load<f64>(dfs + (<usize>b << 3));
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      const dfv = f64x2.splat(df);
      for (; k + 2 <= n; k += 2) {
        const o = <usize>k << 3;
        v128.store(gw + o, madd(v128.load(h + o), dfv, v128.load(gw + o)));
        const dzv = f64x2.mul(v128.load(s + o), f64x2.mul(dfv, v128.load(w + o)));
        v128.store(dz + o, dzv);
        v128.store(gb + o, f64x2.add(v128.load(gb + o), dzv));
      }
    }
    for (; k < n; k++) {
      const o = <usize>k << 3;
      store<f64>(gw + o, load<f64>(gw + o) + load<f64>(h + o) * df);
      const dzv = load<f64>(s + o) * (df * load<f64>(w + o));
      store<f64>(dz + o, dzv);
      store<f64>(gb + o, load<f64>(gb + o) + dzv);
    }
  }
}

/**
 * Runs level L of the penalty's reverse pass together with the output layer's reverse for the
 * MSE, over rows [r0, r0 + rows), from e = du_L (in level L's T) and df (in PLAN_F):
 *   dv_L = e ⊙ s_L and df · h_L are added to the gradient of w_L,
 *   dz_L = s_L ⊙ (df · w_L + t_L) with t_L = e ⊙ w_L ⊙ q_L goes to the lower half of level L's
 *   ZU, and dz_L is added to the gradient of b_{L−1}.
 * One pass reads each of e, s_L and h_L once, and t_L never reaches memory.
 */
function outputReverseWithPenalty(plan: usize, r0: i32, rows: i32): void {
  const L = field(plan, PLAN_HIDDEN);
  const activation = field(plan, PLAN_ACTIVATION);
  const shift = gradShift(plan);
  const dfs = <usize>field(plan, PLAN_F);
  const n = width(plan, L);
  const w = ptr(plan, L, LEVEL_W);
  const gw = w + shift;
  const gb = ptr(plan, L - 1, LEVEL_B) + shift;
  const e = ptr(plan, L, LEVEL_T);
  const h = ptr(plan, L, LEVEL_HD);
  const s = ptr(plan, L, LEVEL_S);
  const dz = ptr(plan, L, LEVEL_ZU);
  const ld = <usize>n << 3;

  let b = r0;
  if (ASC_FEATURE_SIMD && activation == ACT_TANH) {
    // Two rows at a time: their terms are summed before one update of gw and of gb.
    for (; b + 2 <= r0 + rows; b += 2) {
      const row = rowBytes(b, n);
      const df0 = v128.load64_splat(dfs + (<usize>b << 3));
      const df1 = v128.load64_splat(dfs + (<usize>b << 3), 8);
      let k = 0;
      for (; k + 2 <= n; k += 2) {
        const o = row + (<usize>k << 3);
        const wo = w + (<usize>k << 3);
        const wv = v128.load(wo);
        const e0 = v128.load(e + o);
        const e1 = v128.load(e + o + ld);
        const s0 = v128.load(s + o);
        const s1 = v128.load(s + o + ld);
        const h0 = v128.load(h + o);
        const h1 = v128.load(h + o + ld);
        const terms0 = madd(h0, df0, f64x2.mul(e0, s0));
        const terms1 = madd(h1, df1, f64x2.mul(e1, s1));
        const go = gw + (<usize>k << 3);
        v128.store(go, f64x2.add(v128.load(go), f64x2.add(terms0, terms1)));
        // dz = s ⊙ (df · w + t) with t = (e · w) ⊙ (−2h), as df · w − (2 e · w) ⊙ h.
        const ew0 = f64x2.mul(e0, wv);
        const ew1 = f64x2.mul(e1, wv);
        const dz0 = f64x2.mul(s0, nmadd(f64x2.add(ew0, ew0), h0, f64x2.mul(df0, wv)));
        const dz1 = f64x2.mul(s1, nmadd(f64x2.add(ew1, ew1), h1, f64x2.mul(df1, wv)));
        v128.store(dz + o, dz0);
        v128.store(dz + o + ld, dz1);
        const bo = gb + (<usize>k << 3);
        v128.store(bo, f64x2.add(v128.load(bo), f64x2.add(dz0, dz1)));
      }

      for (; k < n; k++) {
        outputPenaltyOne(e, s, h, w, gw, gb, dz, load<f64>(dfs + (<usize>b << 3)), row, k,
          activation);
        outputPenaltyOne(e, s, h, w, gw, gb, dz, load<f64>(dfs + (<usize>b << 3), 8), row + ld,
          k, activation);
      }
    }
  }

  for (; b < r0 + rows; b++) {
    const row = rowBytes(b, n);
    const df = load<f64>(dfs + (<usize>b << 3));
    for (let k = 0; k < n; k++) outputPenaltyOne(e, s, h, w, gw, gb, dz, df, row, k, activation);
  }
}

/** Applies outputReverseWithPenalty to the value in column k of the row at byte offset row. */
// @ts-ignore: decorator
@inline function outputPenaltyOne(
  e: usize, s: usize, h: usize, w: usize, gw: usize, gb: usize, dz: usize, df: f64,
  row: usize, k: i32, activation: i32,
): void {
  const o = row + (<usize>k << 3);
  const c = <usize>k << 3;
  const ev = load<f64>(e + o);
  const sv = load<f64>(s + o);
  const hv = load<f64>(h + o);
  const wv = load<f64>(w + c);
  store<f64>(gw + c, load<f64>(gw + c) + (ev * sv + hv * df));
  const t = ev * wv * curvatureRatio(activation, hv, sv);
  const dzv = sv * (df * wv + t);
  store<f64>(dz + o, dzv);
  store<f64>(gb + c, load<f64>(gb + c) + dzv);
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
 * Runs the reverse of the forward pass for the MSE (plus the penalty's t terms) and writes every
 * weight gradient. It runs after outputResiduals and, with the penalty, after penaltyReverse.
 */
export function mseReverse(plan: usize, nRows: i32, withPenalty: bool): void {
  const L = field(plan, PLAN_HIDDEN);
  const shift = gradShift(plan);
  if (!withPenalty) outputReverse(plan, nRows);
  const stacked = withPenalty ? 2 * nRows : nRows;
  for (let i = L - 1; i >= 0; i--) {
    const dz = ptr(plan, i + 1, LEVEL_ZU);
    const gw = ptr(plan, i, LEVEL_W) + shift;
    productTN(plan, ptr(plan, i, LEVEL_HD), dz, gw, width(plan, i), stacked, width(plan, i + 1));
    if (i > 0) hiddenReverse(plan, i, nRows, withPenalty);
  }
}
