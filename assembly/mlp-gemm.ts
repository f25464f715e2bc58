// Matrix products of the fused MLP passes (assembly/mlp.ts): unpacked SIMD kernels for the
// MLP's shapes, the choice between them and the packed matmul, and the per-pass transpose of
// the weights.
// Every product here has one dimension equal to the batch and the others equal to layer widths.
// For the small networks all operands fit in L2, so these kernels read the row-major operands
// in place instead of packing them. Each weight matrix is transposed once per pass (level
// field WT), which turns every product into one of two forms. Both keep a 4 × 4 tile of c in
// eight f64x2 registers and accumulate over p in ascending order from 0.
import { matmul } from './matmul';
import { LEVEL_W, LEVEL_WT, PLAN_HIDDEN, PLAN_SCRATCH, field, ptr, width } from './mlp-plan';

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
export function productNN(
  plan: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
): void {
  if (usePacked(m, k, n)) matmul(a, b, c, m, k, n, false, false, <usize>field(plan, PLAN_SCRATCH));
  else gemmNN(a, b, c, m, k, n);
}

/** c = a · W_jᵀ for layer j's weights W_j [n, k]; a [m, k]. */
export function productNT(
  plan: usize, a: usize, j: i32, c: usize, m: i32, k: i32, n: i32,
): void {
  if (usePacked(m, k, n)) {
    matmul(a, ptr(plan, j, LEVEL_W), c, m, k, n, false, true, <usize>field(plan, PLAN_SCRATCH));
  } else {
    gemmNN(a, ptr(plan, j, LEVEL_WT), c, m, k, n);
  }
}

/** c = aᵀ · b, a stored [k, m], b [k, n]. */
export function productTN(
  plan: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32,
): void {
  if (usePacked(m, k, n)) matmul(a, b, c, m, k, n, true, false, <usize>field(plan, PLAN_SCRATCH));
  else gemmTN(a, b, c, m, k, n);
}

/** Writes W_jᵀ for every hidden layer j into level j's WT buffer. */
export function transposeWeights(plan: usize): void {
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
