// Forward pass and input gradient G = ∂f/∂x of the fused MLP passes (assembly/mlp.ts).
import { activate } from './mlp-activation';
import { madd } from './madd';
import { PASS_ROWS, productW, productWT, rowBytes } from './mlp-products';
import {
  LEVEL_B, LEVEL_HD, LEVEL_S, LEVEL_V, LEVEL_W, LEVEL_ZU, PLAN_ACTIVATION, PLAN_F, PLAN_HIDDEN,
  field, ptr, width,
} from './mlp-plan';

/**
 * Returns Σ_j a[j] · w[j] over n values. The SIMD build keeps four partial sums, in lanes of two
 * accumulators over alternate pairs, so that one row's chain of multiply-adds is half as long.
 */
// @ts-ignore: decorator
@inline function dot(a: usize, w: usize, n: i32): f64 {
  let j = 0;
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc0 = f64x2.splat(0);
    let acc1 = f64x2.splat(0);
    for (; j + 4 <= n; j += 4) {
      const p = <usize>j << 3;
      acc0 = madd(v128.load(a + p), v128.load(w + p), acc0);
      acc1 = madd(v128.load(a + p, 16), v128.load(w + p, 16), acc1);
    }
    for (; j + 2 <= n; j += 2) {
      const p = <usize>j << 3;
      acc0 = madd(v128.load(a + p), v128.load(w + p), acc0);
    }
    const acc = f64x2.add(acc0, acc1);
    sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; j < n; j++) sum += load<f64>(a + (<usize>j << 3)) * load<f64>(w + (<usize>j << 3));
  return sum;
}

/** h_{i+1} = σ(h_i W_i + b_i) and s_{i+1} = σ'(…) for hidden layer i, in blocks of rows. */
function forwardLayer(plan: usize, i: i32, nRows: i32): void {
  const activation = field(plan, PLAN_ACTIVATION);
  const nIn = width(plan, i);
  const n = width(plan, i + 1);
  const hIn = ptr(plan, i, LEVEL_HD);
  const z = ptr(plan, i + 1, LEVEL_HD);
  const s = ptr(plan, i + 1, LEVEL_S);
  const bias = ptr(plan, i, LEVEL_B);
  for (let r0 = 0; r0 < nRows; r0 += PASS_ROWS) {
    const rows = min(PASS_ROWS, nRows - r0);
    const zBlock = z + rowBytes(r0, n);
    productW(plan, hIn + rowBytes(r0, nIn), i, zBlock, rows);
    activate(zBlock, s + rowBytes(r0, n), bias, rows, n, activation);
  }
}

/** Forward pass over the nRows input rows already in level 0; outputs go to PLAN_F. */
export function forward(plan: usize, nRows: i32): void {
  const L = field(plan, PLAN_HIDDEN);
  for (let i = 0; i < L; i++) forwardLayer(plan, i, nRows);
  const nL = width(plan, L);
  const hL = ptr(plan, L, LEVEL_HD);
  const wOut = ptr(plan, L, LEVEL_W);
  const bOut = load<f64>(ptr(plan, L, LEVEL_B));
  const f = <usize>field(plan, PLAN_F);
  for (let b = 0; b < nRows; b++) {
    store<f64>(f + (<usize>b << 3), dot(hL + <usize>b * <usize>nL * 8, wOut, nL) + bOut);
  }
}

/** c[b, j] = a[b, j] · w[j] for a, c [nRows, n] (w repeated on every row). */
function scaleRows(a: usize, w: usize, c: usize, nRows: i32, n: i32): void {
  for (let b = 0; b < nRows; b++) {
    const row = <usize>b * <usize>n * 8;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 2 <= n; j += 2) {
        const p = row + (<usize>j << 3);
        v128.store(c + p, f64x2.mul(v128.load(a + p), v128.load(w + (<usize>j << 3))));
      }
    }
    for (; j < n; j++) {
      const p = row + (<usize>j << 3);
      store<f64>(c + p, load<f64>(a + p) * load<f64>(w + (<usize>j << 3)));
    }
  }
}

/** c = a ⊙ b over len values. */
function multiply(a: usize, b: usize, c: usize, len: i32): void {
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    for (; p + 2 <= len; p += 2) {
      const o = <usize>p << 3;
      v128.store(c + o, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    }
  }
  for (; p < len; p++) {
    const o = <usize>p << 3;
    store<f64>(c + o, load<f64>(a + o) * load<f64>(b + o));
  }
}

/** Input gradient G = ∂f/∂x into level 0's V; needs the forward pass of the same rows. */
export function inputGradient(plan: usize, nRows: i32): void {
  const L = field(plan, PLAN_HIDDEN);
  const nL = width(plan, L);
  const sL = ptr(plan, L, LEVEL_S);
  const wL = ptr(plan, L, LEVEL_W);
  const uL = ptr(plan, L, LEVEL_ZU) + rowBytes(nRows, nL);
  const n1 = width(plan, 1);
  const u1 = ptr(plan, 1, LEVEL_ZU) + rowBytes(nRows, n1);
  const g = ptr(plan, 0, LEVEL_V);
  const d = width(plan, 0);
  // Each block of rows goes through every level while it is in cache: on the medium W1 size a
  // level's whole batch (2 MiB) would not fit in L2.
  for (let r0 = 0; r0 < nRows; r0 += PASS_ROWS) {
    const rows = min(PASS_ROWS, nRows - r0);
    scaleRows(sL + rowBytes(r0, nL), wL, uL + rowBytes(r0, nL), rows, nL);
    for (let i = L - 1; i > 0; i--) {
      const n = width(plan, i);
      const nNext = width(plan, i + 1);
      const uNext = ptr(plan, i + 1, LEVEL_ZU) + rowBytes(nRows, nNext);
      const block = rowBytes(r0, n);
      const v = ptr(plan, i, LEVEL_V) + block;
      const u = ptr(plan, i, LEVEL_ZU) + rowBytes(nRows, n) + block;
      productWT(plan, uNext + rowBytes(r0, nNext), i, v, rows);
      multiply(ptr(plan, i, LEVEL_S) + block, v, u, rows * n);
    }
    productWT(plan, u1 + rowBytes(r0, n1), 0, g + rowBytes(r0, d), rows);
  }
}
