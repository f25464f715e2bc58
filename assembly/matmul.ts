// Matrix product c = op(a) · op(b) over row-major f64 buffers, c: [m, n].
// op(a)[i, p] = a[i * k + p], or a[p * m + i] when transA (a stored as [k, m]).
// op(b)[p, j] = b[p * n + j], or b[j * k + p] when transB (b stored as [n, k]).
//
// Blocking: op(b) is packed in KC × NC blocks and op(a) in MC × KC blocks, both as zero-padded
// panels of NR columns or MR rows. Every transpose variant therefore reaches the same
// micro-kernel, which keeps an MR × NR tile of c in registers. Each c[i, j] is accumulated over
// p = 0 .. k − 1 in ascending order, starting from 0. The release build multiplies and adds
// separately, so its result is bit-identical to the plain triple loop. The relaxed build may fuse
// each multiply-add (see madd.ts), which rounds once per step instead of twice.

import { madd } from './madd';

/** Rows of c per micro-tile. */
const MR: i32 = 4;
/** Columns of c per micro-tile (two f64x2 vectors per row). */
const NR: i32 = 4;
/** Depth of a packed block: a KC × NR panel of op(b) (8 KiB) stays in L1. */
const KC: i32 = 256;
/** Rows of op(a) per packed block (MC × KC f64 = 128 KiB). */
const MC: i32 = 64;
/** Columns of op(b) per packed block. */
const NC: i32 = 512;

// @ts-ignore: decorator
@inline function roundUp(x: i32, multiple: i32): i32 {
  return ((x + multiple - 1) / multiple) * multiple;
}

/**
 * Returns the number of f64 scratch values `matmul` needs for these dimensions: the packed
 * block of op(b), the packed block of op(a), and one MR × NR edge tile.
 */
export function matmulScratchLength(m: i32, k: i32, n: i32): i32 {
  const kc = min(k, KC);
  return kc * roundUp(min(n, NC), NR) + roundUp(min(m, MC), MR) * kc + MR * NR;
}

/**
 * Computes c = op(a) · op(b) (see the file header for layouts). `scratch` must hold
 * matmulScratchLength(m, k, n) f64 values, 16-byte aligned; a, b, c must not overlap it or
 * each other. c is overwritten.
 */
export function matmul(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  transA: bool,
  transB: bool,
  scratch: usize,
): void {
  assert(m >= 0, 'matmul: m must be non-negative');
  assert(k >= 0, 'matmul: k must be non-negative');
  assert(n >= 0, 'matmul: n must be non-negative');
  assert((scratch & 15) == 0, 'matmul: scratch must be 16-byte aligned');
  if (m == 0 || n == 0) return;
  if (k == 0) {
    memory.fill(c, 0, <usize>m * <usize>n * 8);
    return;
  }

  const bPack = scratch;
  const aPack = bPack + <usize>(min(k, KC) * roundUp(min(n, NC), NR)) * 8;
  const tile = aPack + <usize>(roundUp(min(m, MC), MR) * min(k, KC)) * 8;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b, bPack, k, n, pc, jc, kc, nc, transB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, aPack, m, k, ic, pc, mc, kc, transA);
        multiplyBlock(aPack, bPack, c, n, ic, jc, mc, nc, kc, pc == 0, tile);
      }
    }
  }
}

/**
 * Packs op(b)[pc .. pc + kc, jc .. jc + nc] as panels of NR columns:
 * bPack[(jr / NR) * kc * NR + p * NR + t] = op(b)[pc + p, jc + jr + t], zero past column nc.
 */
function packB(
  b: usize, bPack: usize, k: i32, n: i32, pc: i32, jc: i32, kc: i32, nc: i32, transB: bool,
): void {
  // Stride between consecutive p and between consecutive j of op(b), in bytes.
  const pStride: usize = transB ? 8 : <usize>n * 8;
  const jStride: usize = transB ? <usize>k * 8 : 8;
  let dst = bPack;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = b + <usize>pc * pStride + <usize>(jc + jr) * jStride;
    for (let p = 0; p < kc; p++) {
      const src = panel + <usize>p * pStride;
      for (let t = 0; t < NR; t++) {
        store<f64>(dst + <usize>t * 8, t < cols ? load<f64>(src + <usize>t * jStride) : 0.0);
      }
      dst += <usize>NR * 8;
    }
  }
}

/**
 * Packs op(a)[ic .. ic + mc, pc .. pc + kc] as panels of MR rows:
 * aPack[(ir / MR) * kc * MR + p * MR + s] = op(a)[ic + ir + s, pc + p], zero past row mc.
 */
function packA(
  a: usize, aPack: usize, m: i32, k: i32, ic: i32, pc: i32, mc: i32, kc: i32, transA: bool,
): void {
  const iStride: usize = transA ? 8 : <usize>k * 8;
  const pStride: usize = transA ? <usize>m * 8 : 8;
  let dst = aPack;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = a + <usize>(ic + ir) * iStride + <usize>pc * pStride;
    for (let p = 0; p < kc; p++) {
      const src = panel + <usize>p * pStride;
      for (let s = 0; s < MR; s++) {
        store<f64>(dst + <usize>s * 8, s < rows ? load<f64>(src + <usize>s * iStride) : 0.0);
      }
      dst += <usize>MR * 8;
    }
  }
}

/**
 * Multiplies the packed blocks into c[ic .. ic + mc, jc .. jc + nc], tile by tile. Full tiles
 * go straight to c; edge tiles go through `tile` (row stride NR) so the micro-kernel never
 * touches memory outside c.
 */
function multiplyBlock(
  aPack: usize, bPack: usize, c: usize, n: i32, ic: i32, jc: i32, mc: i32, nc: i32, kc: i32,
  first: bool, tile: usize,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const bPanel = bPack + <usize>(jr * kc) * 8;
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      const aPanel = aPack + <usize>(ir * kc) * 8;
      const cTile = c + (<usize>(ic + ir) * <usize>n + <usize>(jc + jr)) * 8;
      if (rows == MR && cols == NR) {
        microKernel(aPanel, bPanel, cTile, <usize>n * 8, kc, first);
      } else {
        copyTile(cTile, <usize>n * 8, tile, <usize>NR * 8, rows, cols, first);
        microKernel(aPanel, bPanel, tile, <usize>NR * 8, kc, false);
        copyTile(tile, <usize>NR * 8, cTile, <usize>n * 8, rows, cols, false);
      }
    }
  }
}

/**
 * Copies a rows × cols tile between row strides, or with `zero` fills the whole MR × NR
 * destination tile with 0.
 */
function copyTile(
  src: usize, srcStride: usize, dst: usize, dstStride: usize, rows: i32, cols: i32, zero: bool,
): void {
  if (zero) {
    memory.fill(dst, 0, <usize>(MR * NR) * 8);
    return;
  }
  for (let s = 0; s < rows; s++) {
    memory.copy(dst + <usize>s * dstStride, src + <usize>s * srcStride, <usize>cols * 8);
  }
}

/**
 * c[s, t] (+)= Σ_p aPanel[p * MR + s] · bPanel[p * NR + t] for an MR × NR tile with row stride
 * cStride bytes; the sum starts from 0 when `first`, else from the values in c.
 */
function microKernel(
  aPanel: usize, bPanel: usize, c: usize, cStride: usize, kc: i32, first: bool,
): void {
  if (ASC_FEATURE_SIMD) {
    microKernelSimd(aPanel, bPanel, c, cStride, kc, first);
  } else {
    microKernelScalar(aPanel, bPanel, c, cStride, kc, first);
  }
}

// @ts-ignore: decorator
@inline function microKernelSimd(
  aPanel: usize, bPanel: usize, c: usize, cStride: usize, kc: i32, first: bool,
): void {
  // 8 accumulators: row s, columns 0–1 (cs0) and 2–3 (cs1).
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  if (!first) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + cStride); c11 = v128.load(c + cStride, 16);
    c20 = v128.load(c + 2 * cStride); c21 = v128.load(c + 2 * cStride, 16);
    c30 = v128.load(c + 3 * cStride); c31 = v128.load(c + 3 * cStride, 16);
  }
  let ap = aPanel;
  let bp = bPanel;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load64_splat(ap);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load64_splat(ap, 8);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load64_splat(ap, 16);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load64_splat(ap, 24);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    ap += 32;
    bp += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + cStride, c10); v128.store(c + cStride, c11, 16);
  v128.store(c + 2 * cStride, c20); v128.store(c + 2 * cStride, c21, 16);
  v128.store(c + 3 * cStride, c30); v128.store(c + 3 * cStride, c31, 16);
}

// @ts-ignore: decorator
@inline function microKernelScalar(
  aPanel: usize, bPanel: usize, c: usize, cStride: usize, kc: i32, first: bool,
): void {
  // Two rows at a time keep 8 scalar accumulators, which fit the register file.
  for (let s = 0; s < MR; s += 2) {
    const r0 = c + <usize>s * cStride;
    const r1 = r0 + cStride;
    let c00 = 0.0, c01 = 0.0, c02 = 0.0, c03 = 0.0;
    let c10 = 0.0, c11 = 0.0, c12 = 0.0, c13 = 0.0;
    if (!first) {
      c00 = load<f64>(r0); c01 = load<f64>(r0, 8); c02 = load<f64>(r0, 16); c03 = load<f64>(r0, 24);
      c10 = load<f64>(r1); c11 = load<f64>(r1, 8); c12 = load<f64>(r1, 16); c13 = load<f64>(r1, 24);
    }
    let ap = aPanel + <usize>s * 8;
    let bp = bPanel;
    for (let p = 0; p < kc; p++) {
      const a0 = load<f64>(ap);
      const a1 = load<f64>(ap, 8);
      const b0 = load<f64>(bp), b1 = load<f64>(bp, 8);
      const b2 = load<f64>(bp, 16), b3 = load<f64>(bp, 24);
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
      ap += <usize>MR * 8;
      bp += <usize>NR * 8;
    }
    store<f64>(r0, c00); store<f64>(r0, c01, 8); store<f64>(r0, c02, 16); store<f64>(r0, c03, 24);
    store<f64>(r1, c10); store<f64>(r1, c11, 8); store<f64>(r1, c12, 16); store<f64>(r1, c13, 24);
  }
}
