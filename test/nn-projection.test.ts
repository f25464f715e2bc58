// Random-projection estimates of mean_b ‖∂f(x_b)/∂x_b‖²_F on a vector-output MLP: the exact
// norm against finite differences, and the mean of many estimates (and of their weight
// gradients) against the exact values within a few standard errors.
import { describe, expect, test } from 'vitest';
import { gradients, noGrad, tensor } from '../src/autodiff/index.js';
import { Rng } from '../src/core/rng.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout } from '../src/nn/layout.js';
import { teacherLoss } from '../src/nn/losses.js';
import { flattenGradients, Mlp } from '../src/nn/mlp.js';
import {
  exactJacobianNormSq,
  projectedJacobianNormSq,
  randomUnitRows,
} from '../src/nn/projection.js';

const SEED = 21;
const N_ROWS = 5;
const N_INPUTS = 3;

function setup(nOutputs: number) {
  const layout = paramLayout({ nInputs: N_INPUTS, hidden: [6, 5], activation: 'tanh', nOutputs });
  const rng = new Rng(SEED);
  const params = initParams(layout, SEED);
  for (let p = 0; p < layout.size; p++) params[p] += 0.3 * rng.normal();
  const xData = new Float64Array(N_ROWS * N_INPUTS);
  for (let p = 0; p < xData.length; p++) xData[p] = rng.normal();
  return { layout, model: new Mlp(layout, params), x: tensor(xData, [N_ROWS, N_INPUTS]), rng };
}

/** mean_b ‖J_b‖²_F with J from central differences of the model output. */
function finiteDifferenceNormSq(model: Mlp, xData: Float64Array, nOutputs: number): number {
  const eps = 1e-6;
  let total = 0;
  for (let b = 0; b < N_ROWS; b++) {
    for (let j = 0; j < N_INPUTS; j++) {
      const shifted = (delta: number) => {
        const row = xData.slice(b * N_INPUTS, (b + 1) * N_INPUTS);
        row[j] += delta;
        return noGrad(() => model.call(tensor(row, [1, N_INPUTS]))).data;
      };
      const up = shifted(eps);
      const down = shifted(-eps);
      for (let k = 0; k < nOutputs; k++) total += ((up[k] - down[k]) / (2 * eps)) ** 2;
    }
  }
  return total / N_ROWS;
}

describe('Jacobian norm by projections', () => {
  test('exact norm matches finite differences', () => {
    const { model, x } = setup(4);
    const exact = exactJacobianNormSq(model, x).item();
    const numeric = finiteDifferenceNormSq(model, x.data, 4);
    expect(Math.abs(exact - numeric), `seed ${SEED}`).toBeLessThan(1e-6 * Math.max(1, numeric));
  });

  test('exact norm of a scalar output equals the teacher penalty', () => {
    const { model, x } = setup(1);
    const y = tensor(new Float64Array(N_ROWS), [N_ROWS]);
    const penalty = teacherLoss(model, x, y, 1).penalty.item();
    expect(exactJacobianNormSq(model, x).item()).toBeCloseTo(penalty, 12);
  });

  test('random directions have unit length', () => {
    const v = randomUnitRows(new Rng(SEED), 50, 7);
    for (let b = 0; b < 50; b++) {
      let norm = 0;
      for (let k = 0; k < 7; k++) norm += v[b * 7 + k] ** 2;
      expect(norm).toBeCloseTo(1, 12);
    }
  });

  for (const nProjections of [1, 3]) {
    test(`mean of ${nProjections}-projection estimates matches the exact norm`, () => {
      const nOutputs = 6;
      const { model, x, rng } = setup(nOutputs);
      const exact = exactJacobianNormSq(model, x).item();
      const draws = 3000;
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < draws; i++) {
        const e = noGrad(() => projectedJacobianNormSq(model, x, rng, nProjections)).item();
        sum += e;
        sumSq += e * e;
      }
      const mean = sum / draws;
      const standardError = Math.sqrt((sumSq / draws - mean * mean) / draws);
      const label =
        `seed ${SEED}, ${draws} draws, exact ${exact}, mean ${mean}, ` +
        `standard error ${standardError}`;
      expect(standardError, label).toBeGreaterThan(0);
      expect(Math.abs(mean - exact), label).toBeLessThan(4 * standardError);
    });
  }

  test('mean weight gradient of the estimate matches the exact gradient', () => {
    const nOutputs = 4;
    const { layout, model, x, rng } = setup(nOutputs);
    const params = model.parameters();
    const exactGrad = flattenGradients(
      layout,
      gradients(exactJacobianNormSq(model, x, { createGraph: true }), params),
    );
    const draws = 1500;
    const sum = new Float64Array(layout.size);
    const sumSq = new Float64Array(layout.size);
    for (let i = 0; i < draws; i++) {
      const estimate = projectedJacobianNormSq(model, x, rng, 1, { createGraph: true });
      const g = flattenGradients(layout, gradients(estimate, params));
      for (let p = 0; p < layout.size; p++) {
        sum[p] += g[p];
        sumSq[p] += g[p] * g[p];
      }
    }
    for (let p = 0; p < layout.size; p++) {
      const mean = sum[p] / draws;
      const standardError = Math.sqrt(Math.max(0, sumSq[p] / draws - mean * mean) / draws);
      // Parameters the norm does not depend on (the output bias) have zero gradient exactly.
      const tol = 5 * standardError + 1e-12;
      expect(Math.abs(mean - exactGrad[p]), `seed ${SEED}, parameter ${p}`).toBeLessThan(tol);
    }
  });
});
