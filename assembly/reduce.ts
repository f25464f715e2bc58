// Reductions and layout changes over row-major f64 buffers.

/**
 * Sums the middle axis of x viewed as [outer, mid, inner]:
 * y[o * inner + i] = Σ_j x[(o * mid + j) * inner + i], summed over j in ascending order from 0
 * (the same order as the reference loop, so results are bit-identical). The SIMD build keeps
 * two f64x2 accumulators, four columns i, in registers while it walks j.
 */
export function sumMiddle(x: usize, y: usize, outer: i32, mid: i32, inner: i32): void {
  assert(outer >= 0, 'sumMiddle: outer must be non-negative');
  assert(mid >= 0, 'sumMiddle: mid must be non-negative');
  assert(inner >= 0, 'sumMiddle: inner must be non-negative');
  const rowBytes = <usize>inner * 8;
  const blockBytes = <usize>mid * rowBytes;
  for (let o = 0; o < outer; o++) {
    const xBlock = x + <usize>o * blockBytes;
    const yRow = y + <usize>o * rowBytes;
    let i: usize = 0;
    if (ASC_FEATURE_SIMD) {
      const quadEnd = <usize>(inner & ~3) * 8;
      for (; i < quadEnd; i += 32) {
        let s0 = f64x2.splat(0);
        let s1 = f64x2.splat(0);
        let src = xBlock + i;
        for (let j = 0; j < mid; j++) {
          s0 = f64x2.add(s0, v128.load(src));
          s1 = f64x2.add(s1, v128.load(src, 16));
          src += rowBytes;
        }
        v128.store(yRow + i, s0);
        v128.store(yRow + i, s1, 16);
      }
    }
    for (; i < rowBytes; i += 8) {
      let s = 0.0;
      let src = xBlock + i;
      for (let j = 0; j < mid; j++) {
        s += load<f64>(src);
        src += rowBytes;
      }
      store<f64>(yRow + i, s);
    }
  }
}

/** Tile edge of the cache-blocked transpose: a 32 × 32 f64 tile is 8 KiB. */
const TILE: i32 = 32;

/**
 * Transposes x: [m, n] into y: [n, m], y[j * m + i] = x[i * n + j], tile by tile so reads and
 * writes both stay within a few cache lines. The SIMD build moves 2 × 2 blocks with shuffles.
 */
export function transpose(x: usize, y: usize, m: i32, n: i32): void {
  assert(m >= 0, 'transpose: m must be non-negative');
  assert(n >= 0, 'transpose: n must be non-negative');
  for (let i0 = 0; i0 < m; i0 += TILE) {
    const i1 = min(m, i0 + TILE);
    for (let j0 = 0; j0 < n; j0 += TILE) {
      transposeTile(x, y, m, n, i0, i1, j0, min(n, j0 + TILE));
    }
  }
}

function transposeTile(
  x: usize, y: usize, m: i32, n: i32, i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  const xStride = <usize>n * 8;
  const yStride = <usize>m * 8;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 1 < i1; i += 2) {
      const xRow = x + <usize>i * xStride;
      let j = j0;
      for (; j + 1 < j1; j += 2) {
        const top = v128.load(xRow + <usize>j * 8);
        const bottom = v128.load(xRow + xStride + <usize>j * 8);
        const yAt = y + <usize>j * yStride + <usize>i * 8;
        v128.store(yAt, v128.shuffle<f64>(top, bottom, 0, 2));
        v128.store(yAt + yStride, v128.shuffle<f64>(top, bottom, 1, 3));
      }
      for (; j < j1; j++) {
        const yAt = y + <usize>j * yStride + <usize>i * 8;
        store<f64>(yAt, load<f64>(xRow + <usize>j * 8));
        store<f64>(yAt, load<f64>(xRow + xStride + <usize>j * 8), 8);
      }
    }
  }
  for (; i < i1; i++) {
    const xRow = x + <usize>i * xStride;
    for (let j = j0; j < j1; j++) {
      store<f64>(y + <usize>j * yStride + <usize>i * 8, load<f64>(xRow + <usize>j * 8));
    }
  }
}
