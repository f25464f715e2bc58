// The products of the fused MLP passes on plan buffers. Weight matrices are packed into panels
// once per pass (packWeights), both as W_j and as W_jᵀ, so every product with a weight matrix
// runs gemmPanels. Weight gradients run gemmTN with the plan's scratch.
import {
  PANEL, gemmPanels, gemmTN, gemmTNScratchLength, packPanels, packTransposedPanels,
} from './mlp-gemm';
import {
  LEVEL_W, LEVEL_WP, LEVEL_WTP, PLAN_HIDDEN, PLAN_SCRATCH, field, ptr, width,
} from './mlp-plan';

/**
 * Rows per block when a product is followed by an elementwise pass over its output. The pass
 * runs on each block right after the block's product, while that output (16 KiB at width 64)
 * is still in L1.
 */
export const PASS_ROWS: i32 = 32;

/** Returns the byte offset of row r in a row-major matrix of n f64 columns. */
// @ts-ignore: decorator
@inline export function rowBytes(r: i32, n: i32): usize {
  return <usize>r * <usize>n * 8;
}

/** Packs W_j into level j's WP panels and W_jᵀ into its WTP panels, for every hidden layer. */
export function packWeights(plan: usize): void {
  const L = field(plan, PLAN_HIDDEN);
  for (let j = 0; j < L; j++) {
    const rows = width(plan, j);
    const cols = width(plan, j + 1);
    const w = ptr(plan, j, LEVEL_W);
    packPanels(w, rows, cols, ptr(plan, j, LEVEL_WP));
    packTransposedPanels(w, rows, cols, ptr(plan, j, LEVEL_WTP));
  }
}

/** c = a · W_j for a [m, n_j] and c [m, n_{j+1}], both row-major. */
export function productW(plan: usize, a: usize, j: i32, c: usize, m: i32): void {
  const k = width(plan, j);
  const n = width(plan, j + 1);
  gemmPanels(a, <usize>k << 3, ptr(plan, j, LEVEL_WP), c, <usize>n << 3, m, k, n);
}

/** c = a · W_jᵀ for a [m, n_{j+1}] and c [m, n_j], both row-major. */
export function productWT(plan: usize, a: usize, j: i32, c: usize, m: i32): void {
  const k = width(plan, j + 1);
  const n = width(plan, j);
  gemmPanels(a, <usize>k << 3, ptr(plan, j, LEVEL_WTP), c, <usize>n << 3, m, k, n);
}

/** c = aᵀ · b, a stored [k, m], b [k, n]. */
export function productTN(plan: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  gemmTN(a, b, c, m, k, n, <usize>field(plan, PLAN_SCRATCH));
}

/**
 * Returns the f64 scratch values that mlpGemm needs: the panels of b for c = a · b, or
 * gemmTN's packed blocks for c = aᵀ · b.
 */
export function mlpGemmScratchLength(m: i32, k: i32, n: i32, transA: bool): i32 {
  if (transA) return gemmTNScratchLength(m, n);
  return k * ((n + PANEL - 1) & ~(PANEL - 1));
}

/**
 * Computes c = a · b (a [m, k]) or, with transA, c = aᵀ · b (a stored [k, m]), for b [k, n]
 * and c [m, n], with the kernels of the MLP passes. Exported for tests and benchmarks.
 */
export function mlpGemm(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, scratch: usize,
): void {
  if (transA) {
    gemmTN(a, b, c, m, k, n, scratch);
    return;
  }
  packPanels(b, k, n, scratch);
  gemmPanels(a, <usize>k << 3, scratch, c, <usize>n << 3, m, k, n);
}
