// Table-driven gradient checks for every primitive op in ALL_OPS and for the composites:
// full Jacobians and VJPs of VJPs against central differences, the inner-product check on
// larger inputs, Hessian-vector products and Hessian symmetry.
import { describe, expect, test } from 'vitest';
import type { Shape } from '../src/core/shape.js';
import { deriveSeed, Rng } from '../src/core/rng.js';
import * as ad from '../src/autodiff/index.js';
import type { Tensor } from '../src/autodiff/index.js';
import {
  checkHessianSymmetry,
  checkHvp,
  checkInnerProduct,
  checkJacobian,
  checkSecondOrder,
  contracted,
  randomTensor,
  type TensorFn,
  type Tolerance,
} from './gradcheck.js';

type Sampler = (rng: Rng) => number;

const normal: Sampler = (r) => r.normal();
const positive: Sampler = (r) => 0.3 + 2.7 * r.uniform();
/** Magnitude in [0.2, 2] with a random sign: keeps kinks and poles out of the step's reach. */
const awayFromZero: Sampler = (r) => (r.uniform() < 0.5 ? -1 : 1) * (0.2 + 1.8 * r.uniform());
const nearZero: Sampler = (r) => 0.1 * (2 * r.uniform() - 1);

interface OpSpec {
  /** Name of the op in ALL_OPS, or of the composite. */
  readonly op: string;
  readonly label: string;
  readonly fn: TensorFn;
  readonly shapes: readonly Shape[];
  /** Shapes for the inner-product check; the small shapes when omitted. */
  readonly largeShapes?: readonly Shape[];
  /** One sampler per input; normal draws when omitted. */
  readonly samplers?: readonly Sampler[];
  readonly tolerance?: Tolerance;
}

function unary(op: string, fn: (x: Tensor) => Tensor, sampler: Sampler = normal): OpSpec[] {
  return [
    {
      op,
      label: `${op} [3, 4]`,
      fn,
      shapes: [[3, 4]],
      largeShapes: [[40, 25]],
      samplers: [sampler],
    },
    { op, label: `${op} scalar`, fn, shapes: [[]], samplers: [sampler] },
  ];
}

/** Same-shape and broadcasting cases of a binary op; b's sampler sets its domain. */
function binary(
  op: string,
  fn: (a: Tensor, b: Tensor) => Tensor,
  samplerA: Sampler = normal,
  samplerB: Sampler = normal,
): OpSpec[] {
  const samplers = [samplerA, samplerB];
  const cases: [string, Shape, Shape][] = [
    ['same shape', [3, 4], [3, 4]],
    ['row broadcast', [3, 4], [4]],
    ['column broadcast', [3, 1], [1, 4]],
    ['rank-3 broadcast', [2, 1, 3], [4, 1]],
    ['scalar tensor', [], [2, 3]],
  ];
  return cases.map(([name, a, b]) => ({
    op,
    label: `${op} ${name}`,
    fn,
    shapes: [a, b],
    largeShapes: name === 'same shape' ? [[30, 20], [30, 20]] : undefined,
    samplers,
  }));
}

const SPECS: readonly OpSpec[] = [
  ...binary('add', ad.add),
  { op: 'add', label: 'add number', fn: (x) => ad.add(x, 2.5), shapes: [[2, 3]] },
  ...binary('sub', ad.sub),
  { op: 'sub', label: 'sub from number', fn: (x) => ad.sub(1, x), shapes: [[2, 3]] },
  ...unary('neg', ad.neg),
  ...binary('mul', ad.mul),
  { op: 'mul', label: 'mul by number', fn: (x) => ad.mul(3, x), shapes: [[2, 3]] },
  { op: 'mul', label: 'mul self', fn: (x) => ad.mul(x, x), shapes: [[2, 3]] },
  ...binary('div', ad.div, normal, awayFromZero),
  {
    op: 'div',
    label: 'div number by tensor',
    fn: (x) => ad.div(1, x),
    shapes: [[2, 3]],
    samplers: [awayFromZero],
  },
  ...unary('exp', ad.exp),
  ...unary('log', ad.log, positive),
  ...unary('square', ad.square),
  ...unary('sqrt', ad.sqrt, positive),
  ...unary('pow', (x) => ad.pow(x, 3)),
  ...[2.5, 0.5, -1.5].map((p) => ({
    op: 'pow',
    label: `pow ${p}`,
    fn: (x: Tensor) => ad.pow(x, p),
    shapes: [[2, 3]],
    samplers: [positive],
  })),
  { op: 'pow', label: 'pow 1', fn: (x) => ad.pow(x, 1), shapes: [[2, 3]] },
  { op: 'pow', label: 'pow 0', fn: (x) => ad.pow(x, 0), shapes: [[2, 3]] },
  ...unary('tanh', ad.tanh),
  ...unary('sigmoid', ad.sigmoid, (r) => 3 * r.normal()),
  ...unary('softplus', ad.softplus, (r) => 3 * r.normal()),
  ...unary('relu', ad.relu, awayFromZero),
  ...binary('greater', ad.greater, awayFromZero, nearZero),
  { op: 'matmul', label: 'matmul [3, 4] x [4, 2]', fn: ad.matmul, shapes: [[3, 4], [4, 2]],
    largeShapes: [[20, 30], [30, 10]] },
  { op: 'matmul', label: 'matmul [1, 3] x [3, 1]', fn: ad.matmul, shapes: [[1, 3], [3, 1]] },
  { op: 'matmul', label: 'matmul [2, 5] x [5, 3]', fn: ad.matmul, shapes: [[2, 5], [5, 3]] },
  { op: 'transpose', label: 'transpose 2-D', fn: (x) => ad.transpose(x), shapes: [[3, 4]],
    largeShapes: [[40, 25]] },
  { op: 'transpose', label: 'transpose perm [2, 0, 1]', fn: (x) => ad.transpose(x, [2, 0, 1]),
    shapes: [[2, 3, 4]] },
  { op: 'reshape', label: 'reshape [3, 4] to [2, 6]', fn: (x) => ad.reshape(x, [2, 6]),
    shapes: [[3, 4]] },
  { op: 'reshape', label: 'reshape with -1', fn: (x) => ad.reshape(x, [-1, 2]), shapes: [[2, 3]] },
  { op: 'broadcastTo', label: 'broadcastTo new axis', fn: (x) => ad.broadcastTo(x, [2, 3]),
    shapes: [[3]] },
  { op: 'broadcastTo', label: 'broadcastTo size-1 axis', fn: (x) => ad.broadcastTo(x, [2, 1, 3]),
    shapes: [[2, 1, 1]] },
  { op: 'broadcastTo', label: 'broadcastTo from scalar', fn: (x) => ad.broadcastTo(x, [2, 2]),
    shapes: [[]] },
  { op: 'sum', label: 'sum all', fn: (x) => ad.sum(x), shapes: [[3, 4]], largeShapes: [[40, 25]] },
  { op: 'sum', label: 'sum axis 0', fn: (x) => ad.sum(x, 0), shapes: [[3, 4]] },
  { op: 'sum', label: 'sum axis -1 keepDims', fn: (x) => ad.sum(x, [-1], true), shapes: [[3, 4]] },
  { op: 'sum', label: 'sum axes [0, 2]', fn: (x) => ad.sum(x, [0, 2]), shapes: [[2, 3, 4]] },
  { op: 'sum', label: 'sum axes [1, 2] keepDims', fn: (x) => ad.sum(x, [1, 2], true),
    shapes: [[2, 3, 4]] },
  { op: 'mean', label: 'mean all', fn: (x) => ad.mean(x), shapes: [[3, 4]] },
  { op: 'mean', label: 'mean axis 1 keepDims', fn: (x) => ad.mean(x, 1, true), shapes: [[3, 4]] },
  {
    op: 'layer',
    label: 'tanh layer',
    fn: (x, w, b) => ad.tanh(ad.add(ad.matmul(x, w), b)),
    shapes: [[4, 3], [3, 2], [2]],
    largeShapes: [[16, 8], [8, 5], [5]],
  },
];

function sampleInputs(spec: OpSpec, rng: Rng, shapes: readonly Shape[]): Tensor[] {
  return shapes.map((shape, i) => randomTensor(rng, shape, spec.samplers?.[i] ?? normal));
}

function setup(spec: OpSpec, purpose: string) {
  const seed = deriveSeed('autodiff-ops', spec.label, purpose);
  const rng = new Rng(seed);
  const check = { label: spec.label, seed, tolerance: spec.tolerance };
  return { rng, check };
}

describe('op registry', () => {
  test('op names are unique', () => {
    const names = ad.ALL_OPS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);
  });

  test('every op has a gradient spec', () => {
    const covered = new Set(SPECS.map((s) => s.op));
    const missing = ad.ALL_OPS.map((op) => op.name).filter((name) => !covered.has(name));
    expect(missing).toEqual([]);
  });

  test('spec labels are unique', () => {
    expect(new Set(SPECS.map((s) => s.label)).size).toBe(SPECS.length);
  });
});

describe.each(SPECS)('$label', (spec) => {
  test('vjp matches finite differences', () => {
    const { rng, check } = setup(spec, 'jacobian');
    expect(checkJacobian(spec.fn, sampleInputs(spec, rng, spec.shapes), check)).toEqual([]);
  });

  test('inner-product check holds', () => {
    const { rng, check } = setup(spec, 'inner product');
    const xs = sampleInputs(spec, rng, spec.largeShapes ?? spec.shapes);
    expect(checkInnerProduct(spec.fn, xs, rng, check)).toEqual([]);
  });

  test('VJP of VJP matches finite differences', () => {
    const { rng, check } = setup(spec, 'second order');
    expect(checkSecondOrder(spec.fn, sampleInputs(spec, rng, spec.shapes), rng, check)).toEqual([]);
  });

  test('hvp matches difference of gradients', () => {
    const { rng, check } = setup(spec, 'hvp');
    const xs = sampleInputs(spec, rng, spec.shapes);
    const cotangent = randomTensor(rng, ad.noGrad(() => spec.fn(...xs)).shape);
    expect(checkHvp(contracted(spec.fn, cotangent), xs, rng, check)).toEqual([]);
  });

  test('Hessian is symmetric', () => {
    const { rng, check } = setup(spec, 'symmetry');
    const xs = sampleInputs(spec, rng, spec.shapes);
    const cotangent = randomTensor(rng, ad.noGrad(() => spec.fn(...xs)).shape);
    expect(checkHessianSymmetry(contracted(spec.fn, cotangent), xs, rng, check)).toEqual([]);
  });
});
