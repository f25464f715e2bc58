// Edge shapes of the fused WebAssembly step against the autodiff tape, and of mlpGemm around
// the transposed product's unpacked limits (m, n ≤ 64 or m ≤ 16) and the unrolled inner
// dimensions 8 and 16. Before the checked pass, one pass over all `capacity` rows of NaN
// inputs fills the level buffers and the scratch with NaN, so a read of a value that the
// checked pass did not write turns a gradient into NaN. relu maps NaN to 0, so with relu that
// pass leaves zeros in most buffers, and a stale read there can go unnoticed.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { jsKernels } from '../src/kernels/index.js';
import { Arena, loadWasmInstance, type WasmVariant } from '../src/kernels/wasm-module.js';
import { WasmFusedMlp } from '../src/nn/fused-wasm.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout, type Activation, type ParamLayout } from '../src/nn/layout.js';
import { sumOfSinesData } from '../src/nn/synthetic.js';
import { tapeLossAndGradient } from '../src/nn/tape.js';
import { describeMismatch, firstBitMismatch, firstBoundMismatch } from './kernels-compare.js';
import { blockErrors } from './nn-compare.js';

const RTOL = 1e-10;
const VARIANTS: WasmVariant[] = ['relaxed', 'release', 'debug', 'scalar'];

interface EdgeCase {
  readonly nInputs: number;
  readonly hidden: number[];
  readonly nRows: number;
  readonly capacity: number;
  readonly activation: Activation;
}

/** Widths 1 to 100 around 8, 16 and 64, with row counts odd and even, below and at capacity. */
const CASES: EdgeCase[] = [
  { nInputs: 1, hidden: [1], nRows: 1, capacity: 1, activation: 'tanh' },
  { nInputs: 7, hidden: [2, 9], nRows: 2, capacity: 5, activation: 'tanh' },
  { nInputs: 8, hidden: [63, 65], nRows: 3, capacity: 3, activation: 'softplus' },
  { nInputs: 9, hidden: [64, 7, 100], nRows: 31, capacity: 40, activation: 'tanh' },
  { nInputs: 16, hidden: [16, 8], nRows: 33, capacity: 33, activation: 'relu' },
  { nInputs: 17, hidden: [100, 63], nRows: 255, capacity: 257, activation: 'tanh' },
  { nInputs: 16, hidden: [65, 16, 1], nRows: 257, capacity: 257, activation: 'softplus' },
  { nInputs: 8, hidden: [9, 64], nRows: 33, capacity: 64, activation: 'relu' },
];

/** Returns the block whose largest error relative to its largest reference entry is worst. */
function worstRelativeError(
  layout: ParamLayout,
  found: Float64Array,
  expected: Float64Array,
): { block: string; ratio: number } {
  let worst = { block: 'none', ratio: 0 };
  for (const { block, maxErr, maxRef } of blockErrors(layout, found, expected)) {
    const ratio = maxErr === 0 ? 0 : maxErr / maxRef;
    if (!(ratio <= worst.ratio)) worst = { block, ratio };
  }
  return worst;
}

function caseName(c: EdgeCase): string {
  return `d ${c.nInputs}, hidden [${c.hidden}], ${c.nRows} of ${c.capacity} rows, ${c.activation}`;
}

describe.each(VARIANTS)('fused wasm edge shapes (%s build)', (variant) => {
  for (const c of CASES) {
    for (const lambda of [0, 0.1]) {
      test(`${caseName(c)}, lambda ${lambda}`, () => {
        const seed = c.nInputs * 1000 + c.nRows;
        const layout = paramLayout({
          nInputs: c.nInputs,
          hidden: c.hidden,
          activation: c.activation,
          nOutputs: 1,
        });
        const params = initParams(layout, seed);
        for (let p = 0; p < layout.size; p++) params[p] += 0.01 * Math.sin(p);
        const data = sumOfSinesData(c.nRows, c.nInputs, seed + 1);
        const reference = tapeLossAndGradient(layout, params, data.x, data.y, c.nRows, lambda);

        const net = new WasmFusedMlp(loadWasmInstance(variant), layout, {
          capacity: c.capacity,
          lambda,
          adam: { learningRate: 1e-3 },
        });
        net.params.set(params);
        const nanX = new Float64Array(c.capacity * c.nInputs).fill(NaN);
        const nanY = new Float64Array(c.capacity).fill(NaN);
        net.lossAndGradient(nanX, nanY, c.capacity, 0.1);
        const terms = net.lossAndGradient(data.x, data.y, c.nRows, lambda);

        const label = `${variant} ${caseName(c)}, lambda ${lambda}, seed ${seed}`;
        for (const key of ['mse', 'penalty', 'loss'] as const) {
          const err = Math.abs(terms[key] - reference[key]);
          expect(err, `${label}: ${key}`).toBeLessThanOrEqual(RTOL * Math.abs(reference[key]));
        }
        const worst = worstRelativeError(layout, net.grad, reference.grad);
        expect(worst.ratio, `${label}: gradient of ${worst.block}`).toBeLessThanOrEqual(RTOL);
      });
    }
  }

  test('repeated trainStep calls are reproducible and do not grow memory', () => {
    const layout = paramLayout({ nInputs: 9, hidden: [65, 7], activation: 'tanh', nOutputs: 1 });
    const data = sumOfSinesData(120, 9, 6);
    const run = () => {
      const instance = loadWasmInstance(variant);
      const net = new WasmFusedMlp(instance, layout, {
        capacity: 33,
        lambda: 0.1,
        adam: { learningRate: 1e-2 },
        trainRows: 120,
      });
      net.params.set(initParams(layout, 4));
      net.setTrainingData(data.x, data.y, 120);
      new Rng(9).shuffle(net.order);
      const bytes = instance.memory.buffer.byteLength;
      // Full, single-row and odd batches in turn, so buffers keep rows of an earlier step.
      const sizes = [33, 1, 2, 17, 32];
      for (let i = 0; i < 40; i++) net.trainStep((i * 7) % 80, sizes[i % sizes.length]);
      return { params: net.params.slice(), grew: instance.memory.buffer.byteLength - bytes };
    };
    const first = run();
    const second = run();
    expect(first.grew, 'bytes of linear memory added').toBe(0);
    expect(first.params.every(Number.isFinite), 'parameters finite').toBe(true);
    expect(Array.from(second.params)).toEqual(Array.from(first.params));
  });
});

const SIDES = [15, 16, 17, 63, 64, 65];
const INNER = [7, 8, 9, 15, 16, 17, 31, 32, 33, 95, 96, 97, 200];

describe.each(VARIANTS)('mlpGemm near the unpacked limits (%s build)', (variant) => {
  test.each([false, true])('threshold shapes, transposed a %s', (transA) => {
    const instance = loadWasmInstance(variant);
    const ex = instance.exports;
    const rng = new Rng(`${variant} ${transA}`);
    const flag = transA ? 1 : 0;
    for (const m of SIDES) {
      for (const n of SIDES) {
        for (const k of INNER) {
          const arena = new Arena(instance);
          const a = Float64Array.from({ length: m * k }, () => rng.normal());
          const b = Float64Array.from({ length: k * n }, () => rng.normal());
          const aPtr = arena.copyF64(a);
          const bPtr = arena.copyF64(b);
          const cPtr = arena.copyF64(new Float64Array(m * n).fill(NaN));
          const scratchLength = ex.mlpGemmScratchLength(m, k, n, flag);
          const scratch = arena.copyF64(new Float64Array(scratchLength).fill(NaN));
          ex.mlpGemm(aPtr, bPtr, cPtr, m, k, n, flag, scratch);
          const found = arena.f64(cPtr, m * n);
          const expected = jsKernels.matmul(a, b, m, k, n, transA, false);
          const absSum = jsKernels.matmul(a.map(Math.abs), b.map(Math.abs), m, k, n, transA, false);
          const mismatch =
            variant === 'relaxed'
              ? firstBoundMismatch(found, expected, absSum.map((x) => 2 * k * 2 ** -53 * x))
              : firstBitMismatch(found, expected);
          expect(describeMismatch(mismatch), `${m}x${k}x${n}`).toBe('none');
        }
      }
    }
  });
});
