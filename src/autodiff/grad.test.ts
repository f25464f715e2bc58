import { describe, expect, test } from 'vitest';
import { AutodiffError, ShapeError } from '../core/errors.js';
import { NDArray } from '../core/ndarray.js';
import { broadcastShapes, type Shape } from '../core/shape.js';
import { deriveSeed, Rng } from '../core/rng.js';
import * as ad from './index.js';
import { sameShape, unaryForward } from './op.js';
import type { Tensor } from './tensor.js';

const values = (t: Tensor) => Array.from(t.data);

/** Element-wise comparison to 1e-14 relative, for results that pass through exp. */
function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(1e-14 * Math.abs(expected[i]));
  });
}

function randomTensor(rng: Rng, shape: Shape): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return ad.tensor(Float64Array.from({ length: size }, () => rng.normal()), shape);
}

// An op whose VJP is wrong in a chosen way, to exercise the engine's checks.
function brokenOp(name: string, vjp: (x: Tensor, dy: Tensor) => (Tensor | null)[]) {
  const op = ad.defineOp({
    name,
    shape: sameShape,
    forward: unaryForward('neg'),
    vjp: ({ inputs: [x], dy }) => vjp(x, dy),
  });
  return (x: Tensor) => ad.apply(op, [x]);
}

describe('gradients errors', () => {
  test('non-scalar output without dy', () => {
    const x = ad.param([[1, 2, 3], [4, 5, 6]]);
    const y = ad.mul(x, 2);
    expect(() => ad.gradients(y, [x])).toThrow(AutodiffError);
    expect(() => ad.gradients(y, [x])).toThrow(
      'gradients: output must be a scalar unless dy is given, got shape [2, 3]',
    );
    expect(() => ad.grad((a) => ad.exp(a))(x)).toThrow(
      'grad: output must be a scalar unless dy is given, got shape [2, 3]',
    );
  });

  test('dy with the wrong shape', () => {
    const x = ad.param([1, 2, 3]);
    const call = () => ad.gradients(ad.exp(x), [x], { dy: ad.ones([3, 1]) });
    expect(call).toThrow(ShapeError);
    expect(call).toThrow("gradients: dy must have the output's shape [3], got [3, 1]");
  });

  test('constant input', () => {
    const x = ad.param([1, 2]);
    const c = ad.tensor([3, 4]);
    expect(() => ad.gradients(ad.sum(ad.mul(x, c)), [x, c])).toThrow(
      'gradients: input 1 must require gradients (a param or a recorded result), ' +
        'got a constant of shape [2]',
    );
  });

  test('output computed under noGrad', () => {
    const x = ad.param([1, 2]);
    const y = ad.noGrad(() => ad.sum(ad.exp(x)));
    expect(() => ad.gradients(y, [x])).toThrow(AutodiffError);
    expect(() => ad.gradients(y, [x])).toThrow(/output must be recorded/);
  });

  test('VJP returning a wrong shape', () => {
    const f = brokenOp('badShape', (_x, dy) => [ad.sum(dy, 0, true)]);
    const x = ad.param([[1, 2], [3, 4]]);
    expect(() => ad.gradients(ad.sum(f(x)), [x])).toThrow(AutodiffError);
    expect(() => ad.gradients(ad.sum(f(x)), [x])).toThrow(
      "vjp of 'badShape' returned shape [1, 2] for input 0, expected [2, 2]",
    );
  });

  test('VJP returning a wrong count', () => {
    const f = brokenOp('badCount', (_x, dy) => [dy, dy]);
    const x = ad.param([1, 2]);
    expect(() => ad.gradients(ad.sum(f(x)), [x])).toThrow(
      "vjp of 'badCount' must return 1 cotangents, got 2",
    );
  });

  test('hvp with a mismatched direction', () => {
    const f = (x: Tensor) => ad.sum(ad.square(x));
    expect(() => ad.hvp(f, [ad.tensor([1, 2])], [ad.tensor([1, 2, 3])])).toThrow(
      'hvp: v 0 must have shape [2], got [3]',
    );
  });
});

describe('gradients results', () => {
  test('unused input gets zeros', () => {
    const [x, unused] = [ad.param([1, 2]), ad.param([[1, 2, 3]])];
    const [, g] = ad.gradients(ad.sum(ad.exp(x)), [x, unused]);
    expect(g.shape).toEqual([1, 3]);
    expect(values(g)).toEqual([0, 0, 0]);
  });

  test('constant function has zero gradient', () => {
    const [g] = ad.grad(() => ad.tensor(3))(ad.tensor([1, 2]));
    expect(values(g)).toEqual([0, 0]);
  });

  test('fan-out is accumulated', () => {
    // y = Σ (x·x + x): dy/dx = 2x + 1.
    const x = ad.param([1, -2, 3]);
    const [g] = ad.gradients(ad.sum(ad.add(ad.mul(x, x), x)), [x]);
    expect(values(g)).toEqual([3, -3, 7]);
  });

  test('broadcast cotangents are summed back', () => {
    const a = ad.param([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    const [b, c, s] = [ad.param([1, 2, 3, 4]), ad.param([[1], [2], [3]]), ad.param(2)];
    const y = ad.sum(ad.mul(ad.add(ad.add(a, b), c), s));
    const [ga, gb, gc, gs] = ad.gradients(y, [a, b, c, s]);
    expect(values(ga)).toEqual(new Array(12).fill(2));
    expect(gb.shape).toEqual([4]);
    expect(values(gb)).toEqual([6, 6, 6, 6]);
    expect(gc.shape).toEqual([3, 1]);
    expect(values(gc)).toEqual([8, 8, 8]);
    expect(gs.shape).toEqual([]);
    expect(gs.item()).toBe(78 + 30 + 24);
  });

  test('gradient shapes match for random broadcastable shapes', () => {
    const seed = deriveSeed('broadcast shapes');
    const rng = new Rng(seed);
    for (let trial = 0; trial < 40; trial++) {
      const full = Array.from({ length: 1 + rng.int(3) }, () => 1 + rng.int(4));
      const squeeze = (shape: number[]) =>
        shape.slice(rng.int(shape.length + 1)).map((d) => (rng.uniform() < 0.4 ? 1 : d));
      const [sa, sb] = [squeeze(full), squeeze(full)];
      const a = ad.param(randomTensor(rng, sa).data, sa);
      const b = ad.param(randomTensor(rng, sb).data, sb);
      const out = broadcastShapes(sa, sb);
      const [ga, gb] = ad.gradients(ad.sum(ad.mul(a, b)), [a, b]);
      const shapes = [sa, sb, out].map((s) => JSON.stringify(s));
      const context = `a ${shapes[0]}, b ${shapes[1]}, out ${shapes[2]}, seed ${seed}`;
      expect(ga.shape, context).toEqual(sa);
      expect(gb.shape, context).toEqual(sb);
    }
  });

  test('vjp is linear in the cotangent', () => {
    const seed = deriveSeed('vjp linearity');
    const rng = new Rng(seed);
    const [x, w] = [randomTensor(rng, [4, 3]), randomTensor(rng, [3, 2])];
    const { vjp } = ad.vjp((a, b) => ad.tanh(ad.matmul(a, b)), [x, w]);
    const [c1, c2] = [randomTensor(rng, [4, 2]), randomTensor(rng, [4, 2])];
    const combined = vjp(ad.add(ad.mul(c1, 2), ad.mul(c2, -3)));
    const [d1, d2] = [vjp(c1), vjp(c2)];
    combined.forEach((g, i) => {
      const expected = ad.add(ad.mul(d1[i], 2), ad.mul(d2[i], -3));
      g.data.forEach((v, j) => {
        expect(v, `input ${i}[${j}], seed ${seed}`).toBeCloseTo(expected.data[j], 12);
      });
    });
  });

  test('one-element output needs no dy', () => {
    const x = ad.param([1, 2]);
    const y = ad.sum(ad.square(ad.reshape(x, [1, 2])), 1, true);
    expect(y.shape).toEqual([1, 1]);
    expect(values(ad.gradients(y, [x])[0])).toEqual([2, 4]);
  });

  test('gradient of y with respect to itself', () => {
    const x = ad.param([1, 2]);
    const y = ad.sum(ad.exp(x));
    const [gy, gx] = ad.gradients(y, [y, x]);
    expect(gy.item()).toBe(1);
    // The WebAssembly exp kernel is within a few ulp of Math.exp, not bit-identical.
    expectClose(values(gx), [Math.exp(1), Math.exp(2)]);
  });

  test('gradient of a recorded intermediate', () => {
    const x = ad.param([1, 2]);
    const h = ad.mul(x, 3);
    const [gh, gx] = ad.gradients(ad.sum(ad.square(h)), [h, x]);
    expect(values(gh)).toEqual([6, 12]);
    expect(values(gx)).toEqual([18, 36]);
  });

  test('same inputs give bit-identical gradients', () => {
    const run = () => {
      const rng = new Rng(deriveSeed('determinism'));
      const [x, w] = [randomTensor(rng, [5, 4]), randomTensor(rng, [4, 3])];
      const f = (a: Tensor, b: Tensor) => {
        const h = ad.tanh(ad.matmul(a, b));
        return ad.mean(ad.add(ad.mul(h, h), ad.sigmoid(h)));
      };
      return [...ad.grad(f)(x, w), ...ad.hvp(f, [x, w], [x, w])];
    };
    const [first, second] = [run(), run()];
    first.forEach((g, i) => expect(values(second[i])).toEqual(values(g)));
  });

  test('deep chains do not overflow the stack', () => {
    const x = ad.param(0.5);
    let y: Tensor = x;
    for (let i = 0; i < 20_000; i++) y = ad.add(ad.mul(y, 0.9999), 0.0001);
    const [g] = ad.gradients(y, [x]);
    expect(g.item()).toBeCloseTo(0.9999 ** 20_000, 10);
  });
});

describe('higher order', () => {
  test('grad of grad of x^4', () => {
    const f = (x: Tensor) => ad.sum(ad.pow(x, 4));
    const df = (x: Tensor) => ad.sum(ad.grad(f, { createGraph: true })(x)[0]);
    const d2f = (x: Tensor) => ad.sum(ad.grad(df, { createGraph: true })(x)[0]);
    const x = ad.tensor([1, -2, 0.5]);
    expect(values(ad.grad(df)(x)[0])).toEqual([12, 48, 3]);
    expect(values(ad.grad(d2f)(x)[0])).toEqual([24, -48, 12]);
  });

  test('createGraph controls recording of results', () => {
    const x = ad.param([1, 2]);
    const y = ad.sum(ad.exp(x));
    const [constant] = ad.gradients(y, [x]);
    const [recorded] = ad.gradients(y, [x], { createGraph: true });
    expect(constant.requiresGrad).toBe(false);
    expect(constant.node).toBeNull();
    expect(recorded.requiresGrad).toBe(true);
    expect(values(recorded)).toEqual(values(constant));
  });

  test('hvp of a linear function is zero', () => {
    const w = ad.tensor([[1, 2], [3, 4]]);
    const f = (x: Tensor) => ad.sum(ad.matmul(x, w));
    const [hv] = ad.hvp(f, [ad.tensor([[1, 1]])], [ad.tensor([[1, 0]])]);
    expect(values(hv)).toEqual([0, 0]);
  });

  test('hvp of a quadratic form', () => {
    // f(x) = xᵀAx with A = [[2, 1], [0, 3]]: H = A + Aᵀ = [[4, 1], [1, 6]].
    const a = ad.tensor([[2, 1], [0, 3]]);
    const f = (x: Tensor) =>
      ad.sum(ad.matmul(ad.matmul(ad.reshape(x, [1, 2]), a), ad.reshape(x, [2, 1])));
    const [hv] = ad.hvp(f, [ad.tensor([0.3, -0.7])], [ad.tensor([1, 2])]);
    expect(values(hv)).toEqual([6, 13]);
  });
});

describe('functional API', () => {
  test('argnums selects the differentiated arguments', () => {
    const f = (a: Tensor, b: Tensor) => ad.sum(ad.mul(a, b));
    const grads = ad.grad(f, { argnums: [1] })(ad.tensor([1, 2]), ad.tensor([3, 4]));
    expect(grads).toHaveLength(1);
    expect(values(grads[0])).toEqual([1, 2]);
    expect(() => ad.grad(f, { argnums: [2] })(ad.tensor(1), ad.tensor(2))).toThrow(
      'grad: argnums must be in [0, 2), got 2',
    );
  });

  test('valueAndGrad returns a detached value', () => {
    const { value, grads } = ad.valueAndGrad((x) => ad.sum(ad.square(x)))(ad.tensor([1, 2]));
    expect(value.item()).toBe(5);
    expect(value.requiresGrad).toBe(false);
    expect(values(grads[0])).toEqual([2, 4]);
  });

  test('vjp records f even inside noGrad', () => {
    const { y, vjp } = ad.noGrad(() => ad.vjp((x) => ad.exp(x), [ad.tensor([0, 1])]));
    expect(y.requiresGrad).toBe(true);
    expectClose(values(vjp(ad.ones([2]))[0]), [1, Math.E]);
  });
});

describe('noGrad', () => {
  test('records nothing inside', () => {
    const x = ad.param([1, 2]);
    const y = ad.noGrad(() => ad.tanh(ad.mul(x, 2)));
    expect(y.node).toBeNull();
    expect(y.requiresGrad).toBe(false);
    expect(ad.isGradEnabled()).toBe(true);
  });

  test('restores grad mode after a throw', () => {
    expect(() =>
      ad.noGrad(() => {
        throw new Error('inner failure');
      }),
    ).toThrow('inner failure');
    expect(ad.isGradEnabled()).toBe(true);
    expect(ad.mul(ad.param(1), 2).node?.op).toBe('mul');
  });

  test('backward pass without createGraph leaves nothing recorded', () => {
    const x = ad.param([1, 2, 3]);
    const [g] = ad.gradients(ad.sum(ad.tanh(x)), [x]);
    expect(g.node).toBeNull();
    expect(ad.isGradEnabled()).toBe(true);
  });
});

test('NDArray inputs are shared, not copied', () => {
  const nd = new NDArray(Float64Array.of(1, 2), [2]);
  const t = ad.fromNDArray(nd, { requiresGrad: true });
  expect(t.data).toBe(nd.data);
  expect(t.requiresGrad).toBe(true);
});
