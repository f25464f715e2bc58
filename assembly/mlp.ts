// Fused training passes of a scalar-output MLP with the exact input-Jacobian penalty
// loss = MSE + λ · mean_b ‖∂f(x_b)/∂x_b‖², and Adam, entirely inside linear memory.
// The TypeScript side (src/nn/fused-wasm.ts) allocates every buffer once and describes them
// in a plan: an i32 table at `plan` whose layout is given by the PLAN_* and LEVEL_* constants
// below. No function here allocates or grows memory. The math is that of src/nn/fused-js.ts:
//   forward         h_{i+1} = σ(h_i W_i + b_i),  f = h_L w_L + b_L,  s = σ'(z)
//   input gradient  u_L = s_L ⊙ w_L,  v_i = u_{i+1} W_iᵀ,  u_i = s_i ⊙ v_i,  G = v_0
//   penalty reverse dv_0 = (2λ/B) G;  e = dv_i W_i;  dv_{i+1} = e ⊙ s;  t_{i+1} = e ⊙ v_{i+1} ⊙ q
//   MSE reverse     dz_j = s_j ⊙ (dh_j + t_j);  dW_i = h_iᵀ dz_{i+1} + dv_iᵀ u_{i+1};
//                   dh_i = dz_{i+1} W_iᵀ
// where q = σ''/σ' (tanh: −2h, relu: 0, softplus: 1 − s). The two terms of dW_i are one
// product: level buffers stack [h_i; dv_i] and [dz_{i+1}; u_{i+1}] as 2B rows, so
// dW_i = [h_i; dv_i]ᵀ [dz_{i+1}; u_{i+1}] with inner dimension 2B.
import { matmul } from './matmul';

// Plan fields (i32 slot indices). Pointers are byte offsets.
const PLAN_HIDDEN: i32 = 0; // number of hidden layers L
const PLAN_ACTIVATION: i32 = 1; // ACT_* code
const PLAN_CAPACITY: i32 = 2; // maximum rows per pass
const PLAN_PARAMS: i32 = 3; // parameters, flat layout of src/nn/layout.ts
const PLAN_GRAD: i32 = 4; // gradient, same layout
const PLAN_ADAM_M: i32 = 5;
const PLAN_ADAM_V: i32 = 6;
const PLAN_N_PARAMS: i32 = 7;
const PLAN_SCRATCH: i32 = 8; // matmul scratch
const PLAN_Y: i32 = 9; // targets of the current batch [capacity]
const PLAN_F: i32 = 10; // outputs of the current batch [capacity]
const PLAN_STATS: i32 = 11; // f64 slots STAT_*
const PLAN_LEVELS: i32 = 16;
const LEVEL_STRIDE: i32 = 10;
// Level fields, for level j = 0 .. L (j = 0 is the input). Level L + 1 stores only its width.
const LEVEL_WIDTH: i32 = 0; // n_j
const LEVEL_HD: i32 = 1; // [2 · capacity, n_j]: h_j in rows 0 .. B, dv_j in rows B .. 2B
const LEVEL_S: i32 = 2; // [capacity, n_j]: σ'(z_j)                          (j ≥ 1)
const LEVEL_V: i32 = 3; // [capacity, n_j]: v_j; v_0 is G = ∂f/∂x
const LEVEL_T: i32 = 4; // [capacity, n_j]: t_j = e ⊙ v_j ⊙ q_j              (j ≥ 1)
const LEVEL_ZU: i32 = 5; // [2 · capacity, n_j]: dh_j then dz_j in rows 0 .. B, u_j in B .. 2B
const LEVEL_W: i32 = 6; // W_j [n_j, n_{j+1}] inside the parameters
const LEVEL_B: i32 = 7; // b_j [n_{j+1}] inside the parameters
const LEVEL_WT: i32 = 8; // W_jᵀ [n_{j+1}, n_j], refreshed at the start of every pass (j < L)

// Stats (f64 slot indices).
const STAT_LAMBDA: i32 = 0;
const STAT_LEARNING_RATE: i32 = 1;
const STAT_BETA1: i32 = 2;
const STAT_BETA2: i32 = 3;
const STAT_EPSILON: i32 = 4;
const STAT_BETA1_POWER: i32 = 5; // β1^t after t Adam steps
const STAT_BETA2_POWER: i32 = 6;
const STAT_MSE: i32 = 7; // of the last gradient pass
const STAT_PENALTY: i32 = 8;
const STAT_LOSS: i32 = 9;
const STAT_SUM_SQUARED_ERROR: i32 = 10; // of the last mlpEvaluate call
const STAT_SUM_JACOBIAN_SQ: i32 = 11;

const ACT_TANH: i32 = 0;
const ACT_RELU: i32 = 1;
const ACT_SOFTPLUS: i32 = 2;

// @ts-ignore: decorator
@inline function field(plan: usize, slot: i32): i32 {
  return load<i32>(plan + (<usize>slot << 2));
}

// @ts-ignore: decorator
@inline function levelField(plan: usize, j: i32, slot: i32): i32 {
  return load<i32>(plan + (<usize>(PLAN_LEVELS + j * LEVEL_STRIDE + slot) << 2));
}

// @ts-ignore: decorator
@inline function width(plan: usize, j: i32): i32 {
  return levelField(plan, j, LEVEL_WIDTH);
}

// @ts-ignore: decorator
@inline function ptr(plan: usize, j: i32, slot: i32): usize {
  return <usize>levelField(plan, j, slot);
}

// @ts-ignore: decorator
@inline function stat(plan: usize, slot: i32): f64 {
  return load<f64>(<usize>field(plan, PLAN_STATS) + (<usize>slot << 3));
}

// @ts-ignore: decorator
@inline function setStat(plan: usize, slot: i32, value: f64): void {
  store<f64>(<usize>field(plan, PLAN_STATS) + (<usize>slot << 3), value);
}

/** Byte offset from a parameter to its gradient entry. */
// @ts-ignore: decorator
@inline function gradShift(plan: usize): usize {
  return <usize>field(plan, PLAN_GRAD) - <usize>field(plan, PLAN_PARAMS);
}

// ---------------------------------------------------------------------------------------------
// Matrix products for the MLP's shapes, without packing
//
// Every product here has one dimension equal to the batch and the others equal to layer widths.
// For the small networks all operands fit in L2, so these kernels read the row-major operands
// in place instead of packing them. Each weight matrix is transposed once per pass (level
// field WT), which turns every product into one of two forms. Both keep a 4 × 4 tile of c in
// eight f64x2 registers and accumulate over p in ascending order from 0.

/**
 * c[i, j] = Σ_p a[i, p] · b[p, j] for a [m, k], b [k, n], c [m, n], all row-major; c is
 * overwritten and must not overlap a or b.
 */
function gemmNN(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const lda = <usize>k << 3;
  const ldb = <usize>n << 3;
  const ldc = <usize>n << 3;
  // The scalar build has no tiles: edgeProduct below then covers all of c.
  const m4 = ASC_FEATURE_SIMD ? m & ~3 : 0;
  const n4 = ASC_FEATURE_SIMD ? n & ~3 : 0;
  if (ASC_FEATURE_SIMD) {
    for (let i = 0; i < m4; i += 4) {
      const aRow = a + <usize>i * lda;
      const cRow = c + <usize>i * ldc;
      for (let j = 0; j < n4; j += 4) {
        tileNN(aRow, lda, b + (<usize>j << 3), ldb, cRow + (<usize>j << 3), ldc, k);
      }
    }
  }
  // Rows below the last full tile and columns right of it, one value at a time.
  edgeProduct(a, lda, 8, b, ldb, c, ldc, 0, m4, n4, n, k);
  edgeProduct(a, lda, 8, b, ldb, c, ldc, m4, m, 0, n, k);
}

/** Rows of a and b per block in gemmTN: two strips of TN_BLOCK × 4 values stay in L1. */
const TN_BLOCK: i32 = 128;

/**
 * c[i, j] = Σ_p a[p, i] · b[p, j] for a stored [k, m], b [k, n], c [m, n], all row-major; c is
 * overwritten and must not overlap a or b. The sum over p runs in blocks of TN_BLOCK rows, in
 * ascending order, so each tile's strips of a and b are reused from L1 by the next tile.
 */
function gemmTN(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const lda = <usize>m << 3;
  const ldb = <usize>n << 3;
  const ldc = <usize>n << 3;
  const m4 = ASC_FEATURE_SIMD ? m & ~3 : 0;
  const n4 = ASC_FEATURE_SIMD ? n & ~3 : 0;
  if (ASC_FEATURE_SIMD) {
    for (let p0 = 0; p0 < k; p0 += TN_BLOCK) {
      const kc = min(TN_BLOCK, k - p0);
      const aBlock = a + <usize>p0 * lda;
      const bBlock = b + <usize>p0 * ldb;
      for (let i = 0; i < m4; i += 4) {
        const cRow = c + <usize>i * ldc;
        for (let j = 0; j < n4; j += 4) {
          const cTile = cRow + (<usize>j << 3);
          const aStrip = aBlock + (<usize>i << 3);
          tileTN(aStrip, lda, bBlock + (<usize>j << 3), ldb, cTile, ldc, kc, p0 > 0);
        }
      }
    }
  }
  edgeProduct(a, 8, lda, b, ldb, c, ldc, 0, m4, n4, n, k);
  edgeProduct(a, 8, lda, b, ldb, c, ldc, m4, m, 0, n, k);
}

/**
 * c[i, j] = Σ_p a[i, p] · b[p, j] for i in [i0, i1), j in [j0, j1), where a[i, p] is at
 * a + i · aRow + p · aCol (byte strides), so one routine serves a and its transpose.
 */
function edgeProduct(
  a: usize, aRow: usize, aCol: usize, b: usize, ldb: usize, c: usize, ldc: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, k: i32,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let sum: f64 = 0;
      let ap = a + <usize>i * aRow;
      let bp = b + (<usize>j << 3);
      for (let p = 0; p < k; p++) {
        sum += load<f64>(ap) * load<f64>(bp);
        ap += aCol;
        bp += ldb;
      }
      store<f64>(c + <usize>i * ldc + (<usize>j << 3), sum);
    }
  }
}

/** One 4 × 4 tile of gemmNN: a points at a[i, 0], b at b[0, j], c at c[i, j]. */
// @ts-ignore: decorator
@inline function tileNN(
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, k: i32,
): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  let a0 = a;
  let a1 = a + lda;
  let a2 = a + 2 * lda;
  let a3 = a + 3 * lda;
  let bp = b;
  // One step of p per iteration: unrolling in the source makes the engine keep more loads
  // live than there are registers, and it unrolls this loop itself.
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load64_splat(a0);
    c00 = f64x2.add(c00, f64x2.mul(x, b0));
    c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(a1);
    c10 = f64x2.add(c10, f64x2.mul(x, b0));
    c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(a2);
    c20 = f64x2.add(c20, f64x2.mul(x, b0));
    c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(a3);
    c30 = f64x2.add(c30, f64x2.mul(x, b0));
    c31 = f64x2.add(c31, f64x2.mul(x, b1));
    a0 += 8;
    a1 += 8;
    a2 += 8;
    a3 += 8;
    bp += ldb;
  }
  storeTile(c, ldc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * One 4 × 4 tile of gemmTN over k rows: a points at a[p, i] (stored [k, m]), b at b[p, j],
 * c at c[i, j]; adds to c when `accumulate`, else overwrites it.
 */
// @ts-ignore: decorator
@inline function tileTN(
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, k: i32, accumulate: bool,
): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  if (accumulate) {
    c00 = v128.load(c);
    c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc);
    c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc);
    c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc);
    c31 = v128.load(c + 3 * ldc, 16);
  }
  let ap = a;
  let bp = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load64_splat(ap);
    c00 = f64x2.add(c00, f64x2.mul(x, b0));
    c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(x, b0));
    c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(x, b0));
    c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(x, b0));
    c31 = f64x2.add(c31, f64x2.mul(x, b1));
    ap += lda;
    bp += ldb;
  }
  storeTile(c, ldc, c00, c01, c10, c11, c20, c21, c30, c31);
}

// @ts-ignore: decorator
@inline function storeTile(
  c: usize, ldc: usize,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** Exported for benchmarks and tests of the kernels above; transA selects gemmTN. */
export function mlpGemm(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool): void {
  if (transA) gemmTN(a, b, c, m, k, n);
  else gemmNN(a, b, c, m, k, n);
}

/**
 * Choice of kernel for a product with c [m, n] and streamed operand b [k, n]. The packed,
 * cache-blocked matmul of matmul.ts runs when c has at least PACKED_MIN_ROWS rows and b has
 * more than UNPACKED_MAX_B values (256 KiB, more than gemmNN and gemmTN keep in L2). Otherwise
 * the unpacked kernels above run. On the W1 shapes (bench/w1.ts, 2-core AMD EPYC under load)
 * the unpacked kernels were faster for every small-network product and for the thin ones
 * (m or n = 16), and the packed one for the 256-wide layers of the medium size.
 */
const UNPACKED_MAX_B: i32 = 32768;
const PACKED_MIN_ROWS: i32 = 64;

// @ts-ignore: decorator
@inline function usePacked(m: i32, k: i32, n: i32): bool {
  return m >= PACKED_MIN_ROWS && k * n > UNPACKED_MAX_B;
}

/** c = a · b, a [m, k], b [k, n]. */
function productNN(plan: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  if (usePacked(m, k, n)) matmul(a, b, c, m, k, n, false, false, <usize>field(plan, PLAN_SCRATCH));
  else gemmNN(a, b, c, m, k, n);
}

/** c = a · W_jᵀ for layer j's weights W_j [n, k]; a [m, k]. */
function productNT(plan: usize, a: usize, j: i32, c: usize, m: i32, k: i32, n: i32): void {
  if (usePacked(m, k, n)) {
    matmul(a, ptr(plan, j, LEVEL_W), c, m, k, n, false, true, <usize>field(plan, PLAN_SCRATCH));
  } else {
    gemmNN(a, ptr(plan, j, LEVEL_WT), c, m, k, n);
  }
}

/** c = aᵀ · b, a stored [k, m], b [k, n]. */
function productTN(plan: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  if (usePacked(m, k, n)) matmul(a, b, c, m, k, n, true, false, <usize>field(plan, PLAN_SCRATCH));
  else gemmTN(a, b, c, m, k, n);
}

/** Writes W_jᵀ for every hidden layer j into level j's WT buffer. */
function transposeWeights(plan: usize): void {
  const L = field(plan, PLAN_HIDDEN);
  for (let j = 0; j < L; j++) {
    const rows = width(plan, j);
    const cols = width(plan, j + 1);
    const w = ptr(plan, j, LEVEL_W);
    const wt = ptr(plan, j, LEVEL_WT);
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < cols; q++) {
        const value = load<f64>(w + ((<usize>r * <usize>cols + <usize>q) << 3));
        store<f64>(wt + ((<usize>q * <usize>rows + <usize>r) << 3), value);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// tanh on two lanes
//
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

// ---------------------------------------------------------------------------------------------
// Forward pass and input gradient

/**
 * h[b, j] = σ(z[b, j] + bias[j]) in place, s[b, j] = σ'(z + bias), for z, s [nRows, n].
 * tanh runs two lanes at a time; s = 1 − h² reuses the output.
 */
function activate(
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

/** Σ_j a[j] · w[j] over n values. */
// @ts-ignore: decorator
@inline function dot(a: usize, w: usize, n: i32): f64 {
  let j = 0;
  let sum: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let acc = f64x2.splat(0);
    for (; j + 2 <= n; j += 2) {
      const p = <usize>j << 3;
      acc = f64x2.add(acc, f64x2.mul(v128.load(a + p), v128.load(w + p)));
    }
    sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  for (; j < n; j++) sum += load<f64>(a + (<usize>j << 3)) * load<f64>(w + (<usize>j << 3));
  return sum;
}

/** Forward pass over the nRows input rows already in level 0; outputs go to PLAN_F. */
function forward(plan: usize, nRows: i32): void {
  const L = field(plan, PLAN_HIDDEN);
  const activation = field(plan, PLAN_ACTIVATION);
  for (let i = 0; i < L; i++) {
    const z = ptr(plan, i + 1, LEVEL_HD);
    const n = width(plan, i + 1);
    productNN(plan, ptr(plan, i, LEVEL_HD), ptr(plan, i, LEVEL_W), z, nRows, width(plan, i), n);
    activate(z, ptr(plan, i + 1, LEVEL_S), ptr(plan, i, LEVEL_B), nRows, n, activation);
  }
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
function inputGradient(plan: usize, nRows: i32): void {
  const L = field(plan, PLAN_HIDDEN);
  const nL = width(plan, L);
  const uL = ptr(plan, L, LEVEL_ZU) + <usize>nRows * <usize>nL * 8;
  scaleRows(ptr(plan, L, LEVEL_S), ptr(plan, L, LEVEL_W), uL, nRows, nL);
  for (let i = L - 1; i >= 0; i--) {
    const n = width(plan, i);
    const nNext = width(plan, i + 1);
    const uNext = ptr(plan, i + 1, LEVEL_ZU) + <usize>nRows * <usize>nNext * 8;
    const v = ptr(plan, i, LEVEL_V);
    productNT(plan, uNext, i, v, nRows, nNext, n);
    if (i > 0) {
      const u = ptr(plan, i, LEVEL_ZU) + <usize>nRows * <usize>n * 8;
      multiply(ptr(plan, i, LEVEL_S), v, u, nRows * n);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reverse passes

/** q = σ''/σ' from the cached output h and derivative s (see the file header). */
// @ts-ignore: decorator
@inline function curvatureRatio(activation: i32, h: f64, s: f64): f64 {
  if (activation == ACT_TANH) return -2.0 * h;
  if (activation == ACT_RELU) return 0.0;
  return 1.0 - s;
}

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
function penaltyReverse(plan: usize, nRows: i32, lambda: f64): f64 {
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
    productNN(plan, dv, ptr(plan, i, LEVEL_W), e, nRows, n, width(plan, i + 1));
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
function mseReverse(plan: usize, nRows: i32, withPenalty: bool): f64 {
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
      productNT(plan, dz, i, ptr(plan, i, LEVEL_ZU), nRows, nNext, n);
    }
  }
  return sumSq;
}

// ---------------------------------------------------------------------------------------------
// Exported entry points

/**
 * Loss and exact gradient over the nRows (≤ capacity) rows already in level 0 (inputs) and
 * PLAN_Y (targets), at λ = STAT_LAMBDA. Writes the gradient and STAT_MSE/PENALTY/LOSS.
 */
export function mlpLossAndGradient(plan: usize, nRows: i32): void {
  const lambda = stat(plan, STAT_LAMBDA);
  memory.fill(<usize>field(plan, PLAN_GRAD), 0, <usize>field(plan, PLAN_N_PARAMS) << 3);
  transposeWeights(plan);
  forward(plan, nRows);
  let penaltySum: f64 = 0;
  const withPenalty = lambda != 0;
  if (withPenalty) {
    inputGradient(plan, nRows);
    penaltySum = penaltyReverse(plan, nRows, lambda);
  }
  const mse = mseReverse(plan, nRows, withPenalty) / <f64>nRows;
  const penalty = penaltySum / <f64>nRows;
  setStat(plan, STAT_MSE, mse);
  setStat(plan, STAT_PENALTY, penalty);
  setStat(plan, STAT_LOSS, mse + lambda * penalty);
}

/** Applies one Adam step to the parameters from the gradient, with the STAT_* settings. */
export function mlpAdam(plan: usize): void {
  const beta1 = stat(plan, STAT_BETA1);
  const beta2 = stat(plan, STAT_BETA2);
  const epsilon = stat(plan, STAT_EPSILON);
  const lr = stat(plan, STAT_LEARNING_RATE);
  const beta1Power = stat(plan, STAT_BETA1_POWER) * beta1;
  const beta2Power = stat(plan, STAT_BETA2_POWER) * beta2;
  setStat(plan, STAT_BETA1_POWER, beta1Power);
  setStat(plan, STAT_BETA2_POWER, beta2Power);
  const correction1 = 1.0 - beta1Power;
  const correction2 = 1.0 - beta2Power;
  const theta = <usize>field(plan, PLAN_PARAMS);
  const grad = <usize>field(plan, PLAN_GRAD);
  const m = <usize>field(plan, PLAN_ADAM_M);
  const v = <usize>field(plan, PLAN_ADAM_V);
  const count = field(plan, PLAN_N_PARAMS);
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    // Same operations in the same order as the scalar loop below, two lanes at a time.
    const b1 = f64x2.splat(beta1);
    const b2 = f64x2.splat(beta2);
    const oneMinusB1 = f64x2.splat(1.0 - beta1);
    const oneMinusB2 = f64x2.splat(1.0 - beta2);
    const c1 = f64x2.splat(correction1);
    const c2 = f64x2.splat(correction2);
    const lrv = f64x2.splat(lr);
    const eps = f64x2.splat(epsilon);
    for (; p + 2 <= count; p += 2) {
      const o = <usize>p << 3;
      const g = v128.load(grad + o);
      const mp = f64x2.add(f64x2.mul(b1, v128.load(m + o)), f64x2.mul(oneMinusB1, g));
      const vp = f64x2.add(f64x2.mul(b2, v128.load(v + o)), f64x2.mul(f64x2.mul(oneMinusB2, g), g));
      v128.store(m + o, mp);
      v128.store(v + o, vp);
      const step = f64x2.div(
        f64x2.mul(lrv, f64x2.div(mp, c1)),
        f64x2.add(f64x2.sqrt(f64x2.div(vp, c2)), eps),
      );
      v128.store(theta + o, f64x2.sub(v128.load(theta + o), step));
    }
  }
  for (; p < count; p++) {
    const o = <usize>p << 3;
    const g = load<f64>(grad + o);
    const mp = beta1 * load<f64>(m + o) + (1.0 - beta1) * g;
    const vp = beta2 * load<f64>(v + o) + (1.0 - beta2) * g * g;
    store<f64>(m + o, mp);
    store<f64>(v + o, vp);
    const step = (lr * (mp / correction1)) / (Math.sqrt(vp / correction2) + epsilon);
    store<f64>(theta + o, load<f64>(theta + o) - step);
  }
}

/**
 * Copies rows order[start .. start + nRows) of x [*, nInputs] and y into the batch buffers.
 * `order` contains i32 row indices.
 */
export function mlpGather(
  plan: usize, x: usize, y: usize, order: usize, start: i32, nRows: i32,
): void {
  const d = width(plan, 0);
  const rowBytes = <usize>d << 3;
  const xBatch = ptr(plan, 0, LEVEL_HD);
  const yBatch = <usize>field(plan, PLAN_Y);
  for (let b = 0; b < nRows; b++) {
    const row = <usize>load<i32>(order + (<usize>(start + b) << 2));
    memory.copy(xBatch + <usize>b * rowBytes, x + row * rowBytes, rowBytes);
    store<f64>(yBatch + (<usize>b << 3), load<f64>(y + (row << 3)));
  }
}

/** Runs one training step: gathers a batch, computes loss and gradient, applies Adam. */
export function mlpTrainStep(
  plan: usize, x: usize, y: usize, order: usize, start: i32, nRows: i32,
): void {
  mlpGather(plan, x, y, order, start, nRows);
  mlpLossAndGradient(plan, nRows);
  mlpAdam(plan);
}

/**
 * Evaluates nRows rows of x [nRows, nInputs] in chunks of at most capacity rows. Writes f to
 * `out` [nRows] when out ≠ 0 and ∂f/∂x to `grads` [nRows, nInputs] when grads ≠ 0. Sets
 * STAT_SUM_SQUARED_ERROR = Σ (f − y)² (0 when y = 0) and, when `jacobian` is set or grads ≠ 0,
 * STAT_SUM_JACOBIAN_SQ = Σ_b ‖G_b‖².
 */
export function mlpEvaluate(
  plan: usize, x: usize, y: usize, nRows: i32, out: usize, grads: usize, jacobian: bool,
): void {
  const capacity = field(plan, PLAN_CAPACITY);
  const d = width(plan, 0);
  const f = <usize>field(plan, PLAN_F);
  const needGradient = jacobian || grads != 0;
  let sse: f64 = 0;
  let sumJacobian: f64 = 0;
  if (needGradient) transposeWeights(plan);
  for (let start = 0; start < nRows; start += capacity) {
    const count = min(capacity, nRows - start);
    const rowBytes = <usize>d << 3;
    memory.copy(ptr(plan, 0, LEVEL_HD), x + <usize>start * rowBytes, <usize>count * rowBytes);
    forward(plan, count);
    if (out != 0) memory.copy(out + (<usize>start << 3), f, <usize>count << 3);
    if (y != 0) {
      for (let b = 0; b < count; b++) {
        const r = load<f64>(f + (<usize>b << 3)) - load<f64>(y + (<usize>(start + b) << 3));
        sse += r * r;
      }
    }
    if (!needGradient) continue;
    inputGradient(plan, count);
    const g = ptr(plan, 0, LEVEL_V);
    if (grads != 0) memory.copy(grads + <usize>start * rowBytes, g, <usize>count * rowBytes);
    for (let p = 0; p < count * d; p++) {
      const value = load<f64>(g + (<usize>p << 3));
      sumJacobian += value * value;
    }
  }
  setStat(plan, STAT_SUM_SQUARED_ERROR, sse);
  setStat(plan, STAT_SUM_JACOBIAN_SQ, sumJacobian);
}
