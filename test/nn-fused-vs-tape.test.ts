// The fused passes (TypeScript twin and WebAssembly) against the autodiff tape: the loss terms
// and every parameter gradient must agree to 1e-10, relative to the largest entry of each
// weight matrix or bias vector.
import { describe, expect, test } from 'vitest';
import { jsKernels } from '../src/kernels/index.js';
import { JsFusedMlp, type LossTerms } from '../src/nn/fused-js.js';
import { WasmFusedMlp } from '../src/nn/fused-wasm.js';
import { loadWasmInstance, type WasmVariant } from '../src/kernels/wasm-module.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout, type Activation, type ParamLayout } from '../src/nn/layout.js';
import { sumOfSinesData } from '../src/nn/synthetic.js';
import { tapeLossAndGradient } from '../src/nn/tape.js';
import { blockErrors } from './nn-compare.js';

const RTOL = 1e-10;

interface Case {
  readonly name: string;
  readonly nInputs: number;
  readonly hidden: number[];
  readonly nRows: number;
  readonly activation: Activation;
}

const SMALL: Case[] = [
  { name: 'small 1 hidden', nInputs: 8, hidden: [64], nRows: 256, activation: 'tanh' },
  { name: 'small 2 hidden', nInputs: 8, hidden: [64, 64], nRows: 256, activation: 'tanh' },
  { name: 'small 3 hidden', nInputs: 8, hidden: [64, 48, 32], nRows: 256, activation: 'tanh' },
  { name: 'small softplus', nInputs: 8, hidden: [64, 64], nRows: 256, activation: 'softplus' },
  { name: 'small relu', nInputs: 8, hidden: [64, 64], nRows: 256, activation: 'relu' },
];
/** Widths that are not multiples of the 4 × 4 tiles, so every edge path runs. */
const ODD: Case = {
  name: 'odd widths',
  nInputs: 3,
  hidden: [5, 7, 2],
  nRows: 9,
  activation: 'tanh',
};
const MEDIUM: Case = {
  name: 'medium',
  nInputs: 16,
  hidden: [256, 256],
  nRows: 1024,
  activation: 'tanh',
};

/** Fails with the block name when any block's max error exceeds RTOL times its max entry. */
function expectGradientsClose(
  layout: ParamLayout,
  found: Float64Array,
  expected: Float64Array,
  label: string,
) {
  for (const { block, maxErr, maxRef } of blockErrors(layout, found, expected)) {
    expect(maxErr, `${label}: gradient of ${block}, max |ref| ${maxRef}`).toBeLessThanOrEqual(
      RTOL * maxRef,
    );
  }
}

function expectTermsClose(found: LossTerms, expected: LossTerms, label: string) {
  for (const key of ['mse', 'penalty', 'loss'] as const) {
    const tol = RTOL * Math.abs(expected[key]);
    expect(Math.abs(found[key] - expected[key]), `${label}: ${key}`).toBeLessThanOrEqual(tol);
  }
}

function runCase(c: Case, lambda: number, seed: number) {
  const { nInputs, hidden, activation } = c;
  const layout = paramLayout({ nInputs, hidden, activation, nOutputs: 1 });
  const params = initParams(layout, seed);
  // Non-zero biases, so that bias gradients are not trivially symmetric.
  for (let p = 0; p < layout.size; p++) params[p] += 0.01 * Math.sin(p);
  const data = sumOfSinesData(c.nRows, c.nInputs, seed + 1);
  const reference = tapeLossAndGradient(layout, params, data.x, data.y, c.nRows, lambda);
  return { layout, params, data, reference };
}

describe('fused js twin vs tape', () => {
  for (const c of SMALL) {
    for (const lambda of [0, 0.1]) {
      test(`${c.name}, lambda ${lambda}`, () => {
        const seed = 3;
        const { layout, params, data, reference } = runCase(c, lambda, seed);
        const net = new JsFusedMlp(layout, c.nRows, jsKernels);
        net.params.set(params);
        const terms = net.lossAndGradient(data.x, data.y, c.nRows, lambda);
        const label = `${c.name} seed ${seed} lambda ${lambda}`;
        expectTermsClose(terms, reference, label);
        expectGradientsClose(layout, net.grad, reference.grad, label);
      });
    }
  }

  test('medium, lambda 0.1', () => {
    const seed = 5;
    const { layout, params, data, reference } = runCase(MEDIUM, 0.1, seed);
    const net = new JsFusedMlp(layout, MEDIUM.nRows, jsKernels);
    net.params.set(params);
    const terms = net.lossAndGradient(data.x, data.y, MEDIUM.nRows, 0.1);
    expectTermsClose(terms, reference, `medium seed ${seed}`);
    expectGradientsClose(layout, net.grad, reference.grad, `medium seed ${seed}`);
  });
});

const VARIANTS: WasmVariant[] = ['relaxed', 'release', 'debug', 'scalar'];
/** Builds that run every case; the others run the two-layer cases only. */
const FULL_VARIANTS: WasmVariant[] = ['relaxed', 'release'];

describe.each(VARIANTS)('fused wasm (%s build) vs tape', (variant) => {
  // The debug and scalar builds run the two-layer cases only, to keep the file fast.
  const full = FULL_VARIANTS.includes(variant);
  const small = full ? SMALL : SMALL.filter((c) => c.hidden.length === 2);
  const cases = [ODD, ...small];
  for (const c of cases) {
    for (const lambda of [0, 0.1]) {
      test(`${c.name}, lambda ${lambda}`, () => {
        const seed = 3;
        const { layout, params, data, reference } = runCase(c, lambda, seed);
        const net = new WasmFusedMlp(loadWasmInstance(variant), layout, {
          capacity: c.nRows,
          lambda,
          adam: { learningRate: 1e-3 },
        });
        net.params.set(params);
        const terms = net.lossAndGradient(data.x, data.y, c.nRows, lambda);
        const label = `${variant} ${c.name} seed ${seed} lambda ${lambda}`;
        expectTermsClose(terms, reference, label);
        expectGradientsClose(layout, net.grad, reference.grad, label);
      });
    }
  }

  if (full) {
    test('medium, lambda 0.1', () => {
      const seed = 5;
      const { layout, params, data, reference } = runCase(MEDIUM, 0.1, seed);
      const net = new WasmFusedMlp(loadWasmInstance(variant), layout, {
        capacity: MEDIUM.nRows,
        lambda: 0.1,
        adam: { learningRate: 1e-3 },
      });
      net.params.set(params);
      const terms = net.lossAndGradient(data.x, data.y, MEDIUM.nRows, 0.1);
      expectTermsClose(terms, reference, `wasm medium seed ${seed}`);
      expectGradientsClose(layout, net.grad, reference.grad, `wasm medium seed ${seed}`);
    });
  }
});
