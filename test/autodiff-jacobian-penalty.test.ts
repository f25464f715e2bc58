// The trainer's double-backprop step: an input-gradient (Jacobian) penalty on a tanh MLP,
// differentiated with respect to the weights, checked against central differences of the
// whole loss.
import { describe, expect, test } from 'vitest';
import { deriveSeed, Rng } from '../src/core/rng.js';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import { checkJacobian, randomTensor } from './gradcheck.js';

const SEED = deriveSeed('autodiff-jacobian-penalty');
const [N, D_IN, D_HIDDEN, D_OUT] = [6, 3, 5, 2];

function fixture(seed = SEED) {
  const rng = new Rng(seed);
  return {
    xData: randomTensor(rng, [N, D_IN]),
    target: randomTensor(rng, [N, D_OUT]),
    weights: [
      randomTensor(rng, [D_IN, D_HIDDEN], (r) => 0.7 * r.normal()),
      randomTensor(rng, [D_HIDDEN], (r) => 0.3 * r.normal()),
      randomTensor(rng, [D_HIDDEN, D_OUT], (r) => 0.7 * r.normal()),
      randomTensor(rng, [D_OUT], (r) => 0.3 * r.normal()),
    ],
  };
}

/** mse + λ · mean over rows of ‖∂(Σ out)/∂x_row‖², built the way the trainer builds it. */
function penalizedLoss(
  xData: Tensor,
  target: Tensor,
  lambda: number,
  [w1, b1, w2, b2]: readonly Tensor[],
): { loss: Tensor; gx: Tensor } {
  const x = ad.param(xData.data, xData.shape);
  const out = ad.add(ad.matmul(ad.tanh(ad.add(ad.matmul(x, w1), b1)), w2), b2);
  const mse = ad.mean(ad.square(ad.sub(out, target)));
  const gx = ad.gradients(ad.sum(out), [x], { createGraph: true })[0];
  const penalty = ad.mean(ad.sum(ad.square(gx), [1]));
  return { loss: ad.add(mse, ad.mul(lambda, penalty)), gx };
}

function weightGradients(lambda: number, seed = SEED): Tensor[] {
  const { xData, target, weights } = fixture(seed);
  const params = weights.map((w) => ad.param(w.data, w.shape));
  const { loss } = penalizedLoss(xData, target, lambda, params);
  return ad.gradients(loss, params);
}

describe('Jacobian-penalty loss', () => {
  test('weight gradients match finite differences of the loss', () => {
    const { xData, target, weights } = fixture();
    const params = weights.map((w) => ad.param(w.data, w.shape));
    const { loss } = penalizedLoss(xData, target, 0.5, params);
    const grads = ad.gradients(loss, params);

    // Central differences of the whole loss, one weight entry at a time.
    const lossAt = (ws: Tensor[]) => penalizedLoss(xData, target, 0.5, ws).loss.item();
    weights.forEach((w, i) => {
      for (let j = 0; j < w.size; j++) {
        const h = 1e-6 * Math.max(1, Math.abs(w.data[j]));
        const shifted = (delta: number) =>
          weights.map((v, p) => {
            if (p !== i) return v;
            const data = v.data.slice();
            data[j] += delta;
            return ad.tensor(data, v.shape);
          });
        const numeric = (lossAt(shifted(h)) - lossAt(shifted(-h))) / (2 * h);
        const context = `weight ${i} ${JSON.stringify(w.shape)} entry ${j}, seed ${SEED}`;
        expect(grads[i].data[j], context).toBeCloseTo(numeric, 7);
      }
    });
  });

  test('weight gradients pass the full Jacobian check', () => {
    const { xData, target, weights } = fixture();
    const f = (...ws: Tensor[]) => penalizedLoss(xData, target, 2, ws).loss;
    expect(checkJacobian(f, weights, { label: 'jacobian penalty loss', seed: SEED })).toEqual([]);
  });

  test('input gradient matches finite differences', () => {
    const { xData, target, weights } = fixture();
    const { gx } = penalizedLoss(xData, target, 1, weights);
    const [w1, b1, w2, b2] = weights;
    const out = (x: Tensor) =>
      ad.sum(ad.add(ad.matmul(ad.tanh(ad.add(ad.matmul(x, w1), b1)), w2), b2));
    const failures = checkJacobian(out, [xData], { label: 'sum of MLP output', seed: SEED });
    expect(failures).toEqual([]);
    expect(gx.shape).toEqual([N, D_IN]);
    expect(gx.requiresGrad).toBe(true);
    const [reference] = ad.grad(out)(xData);
    expect(Array.from(gx.data)).toEqual(Array.from(reference.data));
  });

  test('penalty changes all but the output bias gradient', () => {
    const plain = weightGradients(0);
    const penalized = weightGradients(1);
    const diffs = plain.map((g, i) =>
      g.data.reduce((acc, v, j) => acc + Math.abs(v - penalized[i].data[j]), 0),
    );
    diffs.slice(0, 3).forEach((diff, i) => {
      expect(diff, `weight ${i}, seed ${SEED}`).toBeGreaterThan(1e-6);
    });
    // ∂out/∂x does not involve b2, so the penalty adds exactly nothing to its gradient.
    expect(diffs[3], `output bias, seed ${SEED}`).toBe(0);
  });

  test('weight gradients are bit-identical across runs', () => {
    const first = weightGradients(1);
    const second = weightGradients(1);
    first.forEach((g, i) => expect(Array.from(second[i].data)).toEqual(Array.from(g.data)));
  });
});
