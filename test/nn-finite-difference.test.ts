// Whole-loss weight gradients of the fused passes (TypeScript twin, WebAssembly and the tape)
// against central finite differences of the loss each reports, on a tiny network, for every
// activation, with and without the penalty.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { jsKernels } from '../src/kernels/index.js';
import { loadWasmInstance } from '../src/kernels/wasm-module.js';
import type { BatchPasses } from '../src/nn/backend.js';
import { JsFusedMlp } from '../src/nn/fused-js.js';
import { WasmFusedMlp } from '../src/nn/fused-wasm.js';
import type { ParamLayout } from '../src/nn/layout.js';
import { TapePasses } from '../src/nn/tape.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout, type Activation } from '../src/nn/layout.js';

function normalData(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) out[p] = rng.normal();
  return out;
}

const CASES: { activation: Activation; hidden: number[]; lambda: number }[] = [
  { activation: 'tanh', hidden: [5, 4], lambda: 0 },
  { activation: 'tanh', hidden: [5, 4], lambda: 0.7 },
  { activation: 'tanh', hidden: [3, 4, 5], lambda: 0.3 },
  { activation: 'softplus', hidden: [5, 4], lambda: 0.7 },
  { activation: 'relu', hidden: [6], lambda: 0.7 },
];

type Passes = Pick<BatchPasses, 'params' | 'grad' | 'lossAndGradient'>;

const BACKENDS: Record<string, (layout: ParamLayout, nRows: number) => Passes> = {
  js: (layout, nRows) => new JsFusedMlp(layout, nRows, jsKernels),
  wasm: (layout, nRows) =>
    new WasmFusedMlp(loadWasmInstance(), layout, {
      capacity: nRows,
      lambda: 0,
      adam: { learningRate: 1e-3 },
    }),
  tape: (layout, nRows) => new TapePasses(layout, nRows),
};

describe.each(Object.keys(BACKENDS))('%s gradients vs finite differences', (backend) => {
  for (const { activation, hidden, lambda } of CASES) {
    test(`${activation} [${hidden.join(', ')}] lambda ${lambda}`, () => {
      const seed = 11;
      const nInputs = 3;
      const nRows = 7;
      const layout = paramLayout({ nInputs, hidden, activation, nOutputs: 1 });
      const rng = new Rng(seed);
      const x = normalData(rng, nRows * nInputs);
      const y = normalData(rng, nRows);
      const net = BACKENDS[backend](layout, nRows);
      net.params.set(initParams(layout, seed));
      // Non-zero biases so that every bias gradient is exercised away from the symmetric start.
      for (let p = 0; p < layout.size; p++) net.params[p] += 0.1 * rng.normal();

      net.lossAndGradient(x, y, nRows, lambda);
      const analytic = net.grad.slice();
      const eps = 1e-6;
      for (let p = 0; p < layout.size; p++) {
        const saved = net.params[p];
        net.params[p] = saved + eps;
        const up = net.lossAndGradient(x, y, nRows, lambda).loss;
        net.params[p] = saved - eps;
        const down = net.lossAndGradient(x, y, nRows, lambda).loss;
        net.params[p] = saved;
        const numeric = (up - down) / (2 * eps);
        const tol = 1e-6 * Math.max(1, Math.abs(numeric));
        const label = `${backend} seed ${seed}, parameter ${p}`;
        expect(Math.abs(analytic[p] - numeric), label).toBeLessThan(tol);
      }
    });
  }
});
