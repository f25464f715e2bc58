// The MLP's WebAssembly products (mlpGemm) against the TypeScript reference matmul. In the
// release, debug and scalar builds both sum each c[i, j] over p in ascending order from 0 with
// separate multiply and add, so the results must be bit-identical. The relaxed build may fuse
// each multiply-add, and is held to the rounding bound 2k · 2⁻⁵³ · Σ_p |a[i, p] · b[p, j]|.
// The shapes exercise the 2 × 8 tiles, the edge rows and columns, the row blocks of the plain
// product (64 rows) and sizes below one tile. They also cover the transposed product's blocks
// of rows of p: unpacked, 32 rows for widths up to 64 and 64 rows for m ≤ 16; packed, 96 rows.
// Inner dimensions 8 and 16 have unrolled tiles.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { Arena, loadWasmInstance, type WasmVariant } from '../src/kernels/wasm-module.js';
import { jsKernels } from '../src/kernels/index.js';

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 2],
  [4, 4, 4],
  [7, 13, 5],
  [8, 8, 64],
  [17, 300, 9],
  [64, 129, 12],
  [2, 200, 8],
  [9, 97, 17],
  [130, 64, 24],
  [64, 512, 64],
  [16, 150, 80],
  [33, 16, 40],
  [72, 200, 83],
];

function randomArray(rng: Rng, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let p = 0; p < length; p++) out[p] = rng.normal();
  return out;
}

const VARIANTS: WasmVariant[] = ['relaxed', 'release', 'debug', 'scalar'];

describe.each(VARIANTS)('mlpGemm (%s build)', (variant) => {
  for (const [m, k, n] of SHAPES) {
    for (const transA of [false, true]) {
      test(`${m}x${k}x${n}${transA ? ' transposed a' : ''}`, () => {
        const seed = m * 1000 + k * 10 + n;
        const rng = new Rng(seed);
        const a = randomArray(rng, m * k);
        const b = randomArray(rng, k * n);
        const instance = loadWasmInstance(variant);
        const arena = new Arena(instance);
        const aPtr = arena.copyF64(a);
        const bPtr = arena.copyF64(b);
        const cPtr = arena.alloc(m * n);
        const ex = instance.exports;
        const flag = transA ? 1 : 0;
        const scratch = arena.alloc(ex.mlpGemmScratchLength(m, k, n, flag));
        ex.mlpGemm(aPtr, bPtr, cPtr, m, k, n, flag, scratch);
        const found = Array.from(arena.f64(cPtr, m * n));
        const expected = Array.from(jsKernels.matmul(a, b, m, k, n, transA, false));
        if (variant !== 'relaxed') {
          expect(found, `seed ${seed}`).toEqual(expected);
          return;
        }
        const abs = (x: Float64Array) => x.map(Math.abs);
        const absSum = jsKernels.matmul(abs(a), abs(b), m, k, n, transA, false);
        for (let i = 0; i < m * n; i++) {
          const bound = 2 * k * 2 ** -53 * absSum[i];
          expect(Math.abs(found[i] - expected[i]), `seed ${seed}, c[${i}]`).toBeLessThanOrEqual(
            bound,
          );
        }
      });
    }
  }
});
