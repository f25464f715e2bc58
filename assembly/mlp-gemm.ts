// Matrix product kernels of the fused MLP passes. Every product there has one dimension equal
// to the batch and the others equal to layer widths, in two forms:
//   gemmPanels  c = a · b, where b (a weight matrix or its transpose) was packed into panels
//   gemmTN      c = aᵀ · b, the weight gradient, with inner dimension the (stacked) batch
// Both keep a 2 × 8 tile of c in eight f64x2 registers. With one splat of a, four f64x2 values
// of b and a temporary, that is 14 of the 15 registers the engine allocates for SIMD values on
// x64. A 4 × 4 tile needs more loads per multiply-add, and tiles with 12 accumulators spill.
// In gemmPanels the operand streamed along p is a packed panel of b, so that each step of p
// loads one 64-byte line. gemmTN packs its operands only for long row strides.
// Every c[i, j] is a sum over p in ascending order from 0. The release build multiplies and
// adds separately, so its results are bit-identical to the plain triple loop. The relaxed build
// fuses each multiply-add where the CPU can (see madd.ts).
// bench/w1-gemm.ts measures 7.9 to 10.5 GMAC/s on the W1 shapes with the release build and 9.6
// to 13.3 GMAC/s with the relaxed build (2-core AMD EPYC, Zen 4, Node 20). Independent f64x2
// fused multiply-adds peak at 14.7 GMAC/s on that machine (two per cycle at 3.67 GHz); separate
// multiplies and adds stop near 10.7, limited by the number of instructions issued per cycle.

import { madd } from './madd';

/** Columns per packed panel of b, and of a tile of c. */
export const PANEL: i32 = 8;
/** Rows of a per block in gemmPanels: 64 rows of 256 values stay in L2 across all panels. */
const ROW_BLOCK: i32 = 64;
/** Rows of p per packed block in gemmTN: two panels of TN_BLOCK rows stay in L1. */
export const TN_BLOCK: i32 = 96;
/**
 * gemmTN reads a and b unpacked when m and n are both at most TN_NARROW_COLUMNS, in blocks of
 * TN_NARROW_BLOCK rows, or when m is at most TN_UNPACKED_MAX_M, in blocks of
 * TN_UNPACKED_BLOCK rows. There, packing cost more than it saved. On the W1 weight gradients
 * 64 × 512 × 64 and 8 × 512 × 64, bench/w1-gemm.ts measured 12.3 and 9.8 GMAC/s packed, and
 * 13.5 and 13.4 unpacked; 16 × 2048 × 256 went from 10.8 to 11.9.
 */
const TN_NARROW_COLUMNS: i32 = 64;
const TN_NARROW_BLOCK: i32 = 32;
const TN_UNPACKED_MAX_M: i32 = 16;
const TN_UNPACKED_BLOCK: i32 = 64;

/**
 * Packs b [k, n] (row-major) into panels of PANEL columns:
 * panels[(j / PANEL) · k · PANEL + p · PANEL + j % PANEL] = b[p, j], zero past column n.
 */
export function packPanels(b: usize, k: i32, n: i32, panels: usize): void {
  const n8 = ASC_FEATURE_SIMD ? n & ~(PANEL - 1) : 0;
  if (ASC_FEATURE_SIMD) packRows(b, <usize>n << 3, n8, k, panels);
  // The last, partial panel (every panel in the scalar build), padded with zeros.
  for (let j0 = n8; j0 < n; j0 += PANEL) {
    const cols = min(PANEL, n - j0);
    let dst = panels + <usize>j0 * <usize>k * 8;
    for (let p = 0; p < k; p++) {
      const src = b + ((<usize>p * <usize>n + <usize>j0) << 3);
      for (let t = 0; t < PANEL; t++) {
        store<f64>(dst + (<usize>t << 3), t < cols ? load<f64>(src + (<usize>t << 3)) : 0.0);
      }
      dst += <usize>PANEL << 3;
    }
  }
}

/**
 * Packs the transpose of w [n, k] (row-major) into panels as packPanels packs b = wᵀ [k, n]:
 * panels[(j / PANEL) · k · PANEL + p · PANEL + j % PANEL] = w[j, p], zero past column n.
 */
export function packTransposedPanels(w: usize, n: i32, k: i32, panels: usize): void {
  const nPadded = (n + PANEL - 1) & ~(PANEL - 1);
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    // Rows j and j + 1 of w, two columns at a time. Transposed, that 2 × 2 block fills lanes
    // j % PANEL and j % PANEL + 1 of rows p and p + 1 of the panel.
    const k2 = k & ~1;
    for (; j + 2 <= n; j += 2) {
      let dst = panels + (<usize>(j & ~(PANEL - 1)) * <usize>k + <usize>(j & (PANEL - 1))) * 8;
      const row0 = w + <usize>j * <usize>k * 8;
      const row1 = row0 + <usize>k * 8;
      let p = 0;
      for (; p < k2; p += 2) {
        const o = <usize>p << 3;
        const x = v128.load(row0 + o);
        const y = v128.load(row1 + o);
        v128.store(dst, i64x2.shuffle(x, y, 0, 2));
        v128.store(dst + (<usize>PANEL << 3), i64x2.shuffle(x, y, 1, 3));
        dst += <usize>PANEL << 4;
      }
      if (p < k) {
        store<f64>(dst, load<f64>(row0 + (<usize>p << 3)));
        store<f64>(dst, load<f64>(row1 + (<usize>p << 3)), 8);
      }
    }
  }
  for (; j < nPadded; j++) {
    // Row j of w becomes lane j % PANEL of every row of panel j / PANEL.
    let dst = panels + (<usize>(j & ~(PANEL - 1)) * <usize>k + <usize>(j & (PANEL - 1))) * 8;
    const src = w + <usize>j * <usize>k * 8;
    for (let p = 0; p < k; p++) {
      store<f64>(dst, j < n ? load<f64>(src + (<usize>p << 3)) : 0.0);
      dst += <usize>PANEL << 3;
    }
  }
}

/**
 * c[i, j] = Σ_p a[i, p] · b[p, j] for a [m, k] with row stride lda bytes, b [k, n] packed by
 * packPanels, and c [m, n] with row stride ldc bytes. c is overwritten and must not overlap a.
 */
export function gemmPanels(
  a: usize, lda: usize, panels: usize, c: usize, ldc: usize, m: i32, k: i32, n: i32,
): void {
  // The scalar build has no tiles: panelEdge below then covers all of c.
  const m2 = ASC_FEATURE_SIMD ? m & ~1 : 0;
  const n8 = ASC_FEATURE_SIMD ? n & ~(PANEL - 1) : 0;
  const panelBytes = <usize>k * <usize>PANEL * 8;
  if (ASC_FEATURE_SIMD) {
    for (let i0 = 0; i0 < m2; i0 += ROW_BLOCK) {
      const i1 = min(m2, i0 + ROW_BLOCK);
      for (let j = 0; j < n8; j += PANEL) {
        const panel = panels + <usize>(j / PANEL) * panelBytes;
        const cColumn = c + (<usize>j << 3);
        // With k a constant the engine unrolls the tile's loop, which took 7% (k = 16) to
        // 12% (k = 8) off the time of the input layer's products.
        if (k == 8) {
          tileColumn(a, lda, panel, cColumn, ldc, i0, i1, 8);
        } else if (k == 16) {
          tileColumn(a, lda, panel, cColumn, ldc, i0, i1, 16);
        } else {
          tileColumn(a, lda, panel, cColumn, ldc, i0, i1, k);
        }
      }
    }
  }
  // Columns right of the last full panel, then the last row when m is odd.
  panelEdge(a, lda, panels, c, ldc, 0, m2, n8, n, k);
  panelEdge(a, lda, panels, c, ldc, m2, m, 0, n, k);
}

/** Computes the tiles of rows [i0, i1) (i1 − i0 even) in one panel column of c. */
// @ts-ignore: decorator
@inline function tileColumn(
  a: usize, lda: usize, panel: usize, cColumn: usize, ldc: usize, i0: i32, i1: i32, k: i32,
): void {
  for (let i = i0; i < i1; i += 2) {
    tilePanel(a + <usize>i * lda, lda, panel, cColumn + <usize>i * ldc, ldc, k);
  }
}

/** gemmPanels for i in [i0, i1), j in [j0, j1), one value at a time. */
function panelEdge(
  a: usize, lda: usize, panels: usize, c: usize, ldc: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, k: i32,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      const panel = panels + <usize>(j / PANEL) * <usize>k * <usize>PANEL * 8;
      let bp = panel + (<usize>(j % PANEL) << 3);
      let ap = a + <usize>i * lda;
      let sum: f64 = 0;
      for (let p = 0; p < k; p++) {
        sum += load<f64>(ap) * load<f64>(bp);
        ap += 8;
        bp += <usize>PANEL << 3;
      }
      store<f64>(c + <usize>i * ldc + (<usize>j << 3), sum);
    }
  }
}

/** One 2 × 8 tile of gemmPanels: a points at a[i, 0], panel at b's panel, c at c[i, j]. */
// @ts-ignore: decorator
@inline function tilePanel(
  a: usize, lda: usize, panel: usize, c: usize, ldc: usize, k: i32,
): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c02 = f64x2.splat(0), c03 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0), c12 = f64x2.splat(0), c13 = f64x2.splat(0);
  let a0 = a;
  let a1 = a + lda;
  let bp = panel;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const b2 = v128.load(bp, 32);
    const b3 = v128.load(bp, 48);
    let x = v128.load64_splat(a0);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    c02 = madd(x, b2, c02);
    c03 = madd(x, b3, c03);
    x = v128.load64_splat(a1);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    c12 = madd(x, b2, c12);
    c13 = madd(x, b3, c13);
    a0 += 8;
    a1 += 8;
    bp += <usize>PANEL << 3;
  }
  storeTile(c, ldc, c00, c01, c02, c03, c10, c11, c12, c13);
}

/**
 * c[i, j] = Σ_p a[p, i] · b[p, j] for a stored [k, m], b [k, n], c [m, n], all row-major; c is
 * overwritten and must not overlap a or b. The sum over p runs in blocks of rows, in ascending
 * order. The tiles read strips of a (two columns) and b (PANEL columns) one row per step. With
 * row strides of 64 values or fewer, or when a has at most TN_UNPACKED_MAX_M columns, they
 * read a and b where they lie. Otherwise each block of a is packed into pair panels and each
 * block of b into PANEL panels in `scratch` (gemmTNScratchLength values). There, the rows of a
 * strip of a or of b lie more than 512 bytes apart, and at 2048 bytes they all fall into two of
 * the 64 sets of a 32 KiB, 8-way L1 cache.
 */
export function gemmTN(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize,
): void {
  const lda = <usize>m << 3;
  const ldb = <usize>n << 3;
  const ldc = <usize>n << 3;
  if (k == 0) {
    memory.fill(c, 0, <usize>m * ldc);
    return;
  }
  const m2 = ASC_FEATURE_SIMD ? m & ~1 : 0;
  const n8 = ASC_FEATURE_SIMD ? n & ~(PANEL - 1) : 0;
  if (ASC_FEATURE_SIMD && m2 > 0 && n8 > 0) {
    const narrow = max(m, n) <= TN_NARROW_COLUMNS;
    if (narrow || m <= TN_UNPACKED_MAX_M) {
      const block = narrow ? TN_NARROW_BLOCK : TN_UNPACKED_BLOCK;
      for (let p0 = 0; p0 < k; p0 += block) {
        const kc = min(block, k - p0);
        const aRows = a + <usize>p0 * lda;
        const bRows = b + <usize>p0 * ldb;
        for (let j = 0; j < n8; j += PANEL) {
          for (let i = 0; i < m2; i += 2) {
            const cTile = c + <usize>i * ldc + (<usize>j << 3);
            const aStrip = aRows + (<usize>i << 3);
            tileTN(aStrip, lda, bRows + (<usize>j << 3), ldb, cTile, ldc, kc, p0 > 0);
          }
        }
      }
    } else {
      const aPack = scratch;
      const bPack = scratch + <usize>TN_BLOCK * <usize>m2 * 8;
      for (let p0 = 0; p0 < k; p0 += TN_BLOCK) {
        const kc = min(TN_BLOCK, k - p0);
        packPairs(a + <usize>p0 * lda, lda, m2, kc, aPack);
        packRows(b + <usize>p0 * ldb, ldb, n8, kc, bPack);
        for (let j = 0; j < n8; j += PANEL) {
          const bPanel = bPack + <usize>j * <usize>kc * 8;
          for (let i = 0; i < m2; i += 2) {
            const aPanel = aPack + <usize>i * <usize>kc * 8;
            const cTile = c + <usize>i * ldc + (<usize>j << 3);
            tileTN(aPanel, 16, bPanel, <usize>PANEL << 3, cTile, ldc, kc, p0 > 0);
          }
        }
      }
    }
  }
  edgeTN(a, lda, b, ldb, c, ldc, 0, m2, n8, n, k);
  edgeTN(a, lda, b, ldb, c, ldc, m2, m, 0, n, k);
}

/** Returns the scratch f64 values that gemmTN needs for c [m, n]. */
export function gemmTNScratchLength(m: i32, n: i32): i32 {
  return TN_BLOCK * (m + n);
}

/** Packs a[p, i] for p < kc, i < m2 (even) as aPack[(i / 2) · kc · 2 + p · 2 + i % 2]. */
function packPairs(a: usize, lda: usize, m2: i32, kc: i32, aPack: usize): void {
  const panelBytes = <usize>kc << 4;
  for (let p = 0; p < kc; p++) {
    const row = a + <usize>p * lda;
    let dst = aPack + (<usize>p << 4);
    for (let i = 0; i < m2; i += 2) {
      v128.store(dst, v128.load(row + (<usize>i << 3)));
      dst += panelBytes;
    }
  }
}

/** Packs b[p, j] for p < kc, j < n8 (a multiple of PANEL) into panels as packPanels does. */
function packRows(b: usize, ldb: usize, n8: i32, kc: i32, bPack: usize): void {
  const panelBytes = <usize>kc * <usize>PANEL * 8;
  for (let p = 0; p < kc; p++) {
    const row = b + <usize>p * ldb;
    let dst = bPack + <usize>p * <usize>PANEL * 8;
    for (let j = 0; j < n8; j += PANEL) {
      const src = row + (<usize>j << 3);
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      v128.store(dst, v128.load(src, 32), 32);
      v128.store(dst, v128.load(src, 48), 48);
      dst += panelBytes;
    }
  }
}

/** gemmTN for i in [i0, i1), j in [j0, j1), one value at a time over all k rows. */
function edgeTN(
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, k: i32,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let sum: f64 = 0;
      let ap = a + (<usize>i << 3);
      let bp = b + (<usize>j << 3);
      for (let p = 0; p < k; p++) {
        sum += load<f64>(ap) * load<f64>(bp);
        ap += lda;
        bp += ldb;
      }
      store<f64>(c + <usize>i * ldc + (<usize>j << 3), sum);
    }
  }
}

/**
 * Computes one 2 × 8 tile of gemmTN over kc rows. ap points at a[p0, i] and moves aStep
 * bytes per row. bp points at b[p0, j] and moves bStep bytes, packed or in place. c points at
 * c[i, j]. The tile adds to c when `accumulate`, else overwrites it.
 */
// @ts-ignore: decorator
@inline function tileTN(
  ap: usize, aStep: usize, bp: usize, bStep: usize, c: usize, ldc: usize, kc: i32,
  accumulate: bool,
): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c02 = f64x2.splat(0), c03 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0), c12 = f64x2.splat(0), c13 = f64x2.splat(0);
  if (accumulate) {
    c00 = v128.load(c);
    c01 = v128.load(c, 16);
    c02 = v128.load(c, 32);
    c03 = v128.load(c, 48);
    c10 = v128.load(c + ldc);
    c11 = v128.load(c + ldc, 16);
    c12 = v128.load(c + ldc, 32);
    c13 = v128.load(c + ldc, 48);
  }
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const b2 = v128.load(bp, 32);
    const b3 = v128.load(bp, 48);
    let x = v128.load64_splat(ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    c02 = madd(x, b2, c02);
    c03 = madd(x, b3, c03);
    x = v128.load64_splat(ap, 8);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    c12 = madd(x, b2, c12);
    c13 = madd(x, b3, c13);
    ap += aStep;
    bp += bStep;
  }
  storeTile(c, ldc, c00, c01, c02, c03, c10, c11, c12, c13);
}

// @ts-ignore: decorator
@inline function storeTile(
  c: usize, ldc: usize,
  c00: v128, c01: v128, c02: v128, c03: v128, c10: v128, c11: v128, c12: v128, c13: v128,
): void {
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c, c02, 32);
  v128.store(c, c03, 48);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + ldc, c12, 32);
  v128.store(c + ldc, c13, 48);
}
