// Gradient checks against central finite differences in f64, used by the autodiff suites.
// Each check returns a list of failure messages, empty when it passes. Every message names
// the label (op and case), the input and output shapes and the seed. Non-finite values are
// reported separately from numeric disagreement.
import { formatShape, type Shape } from '../src/core/shape.js';
import { Rng } from '../src/core/rng.js';
import {
  add,
  hvp,
  mul,
  noGrad,
  sum,
  tensor,
  valueAndGrad,
  vjp,
  type Tensor,
} from '../src/autodiff/index.js';

export type TensorFn = (...xs: Tensor[]) => Tensor;

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-6, atol: 1e-9 };

/** What a failure message needs to identify the case. */
export interface CheckCase {
  readonly label: string;
  readonly seed: number | string;
  readonly tolerance?: Tolerance;
}

/** Relative finite-difference step: about 1e-6 of the entry's magnitude, at least 1e-6. */
const RELATIVE_STEP = 1e-6;
const MAX_REPORTED = 5;

export function randomTensor(rng: Rng, shape: Shape, sample = (r: Rng) => r.normal()): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = sample(rng);
  return tensor(data, shape);
}

function describe(c: CheckCase, xs: readonly Tensor[], y?: Tensor): string {
  const inputs = xs.map((x) => formatShape(x.shape)).join(', ');
  const output = y === undefined ? '' : ` -> ${formatShape(y.shape)}`;
  return `${c.label} (inputs ${inputs}${output}, seed ${c.seed})`;
}

/** Compares one analytic value with its numeric estimate; returns a reason or null. */
function compare(analytic: number, numeric: number, tol: Tolerance): string | null {
  if (!Number.isFinite(analytic) || !Number.isFinite(numeric)) {
    if (Object.is(analytic, numeric)) return null;
    return `non-finite: analytic ${analytic}, numeric ${numeric}`;
  }
  const diff = Math.abs(analytic - numeric);
  const bound = tol.atol + tol.rtol * Math.max(Math.abs(analytic), Math.abs(numeric));
  if (diff <= bound) return null;
  const gap = `|diff| ${diff.toExponential(2)} > ${bound.toExponential(2)}`;
  return `analytic ${analytic}, numeric ${numeric}, ${gap}`;
}

/**
 * Evaluates f on constant inputs. Grad mode stays on because f may differentiate internally
 * (a gradient penalty does); with constant inputs only what f creates itself is recorded.
 */
function evaluate(f: TensorFn, xs: readonly Tensor[]): Tensor {
  return f(...xs);
}

/** xs with entry j of input i moved by delta. */
function perturbed(xs: readonly Tensor[], i: number, j: number, delta: number): Tensor[] {
  return xs.map((x, p) => {
    if (p !== i) return x;
    const data = x.data.slice();
    data[j] += delta;
    return tensor(data, x.shape);
  });
}

/** Jacobian of f with respect to input i by central differences, [outSize, inSize] row-major. */
export function numericJacobian(f: TensorFn, xs: readonly Tensor[], i: number): Float64Array {
  const outSize = evaluate(f, xs).size;
  const inSize = xs[i].size;
  const jac = new Float64Array(outSize * inSize);
  for (let j = 0; j < inSize; j++) {
    const h = RELATIVE_STEP * Math.max(1, Math.abs(xs[i].data[j]));
    const plus = evaluate(f, perturbed(xs, i, j, h)).data;
    const minus = evaluate(f, perturbed(xs, i, j, -h)).data;
    for (let k = 0; k < outSize; k++) jac[k * inSize + j] = (plus[k] - minus[k]) / (2 * h);
  }
  return jac;
}

/** Jacobians of f with respect to every input, one VJP per output entry (basis cotangents). */
export function vjpJacobians(f: TensorFn, xs: readonly Tensor[]): Float64Array[] {
  const { y, vjp: pullback } = vjp(f, xs);
  const jacs = xs.map((x) => new Float64Array(y.size * x.size));
  for (let k = 0; k < y.size; k++) {
    const basis = new Float64Array(y.size);
    basis[k] = 1;
    const dxs = pullback(tensor(basis, y.shape));
    dxs.forEach((dx, i) => jacs[i].set(dx.data, k * xs[i].size));
  }
  return jacs;
}

/** Full-Jacobian check of every input: VJP rows against central-difference columns. */
export function checkJacobian(f: TensorFn, xs: readonly Tensor[], c: CheckCase): string[] {
  const tol = c.tolerance ?? DEFAULT_TOLERANCE;
  const y = evaluate(f, xs);
  const analytic = vjpJacobians(f, xs);
  const failures: string[] = [];
  xs.forEach((x, i) => {
    const numeric = numericJacobian(f, xs, i);
    for (let p = 0; p < numeric.length; p++) {
      const reason = compare(analytic[i][p], numeric[p], tol);
      if (reason === null) continue;
      const [k, j] = [Math.floor(p / x.size), p % x.size];
      failures.push(`${describe(c, xs, y)}: d y[${k}] / d x${i}[${j}]: ${reason}`);
    }
  });
  return summarize(failures);
}

function summarize(failures: string[]): string[] {
  if (failures.length <= MAX_REPORTED) return failures;
  const rest = `… and ${failures.length - MAX_REPORTED} more`;
  return [...failures.slice(0, MAX_REPORTED), rest];
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Inner-product check for inputs of any size: with random tangents t and cotangent c,
 * <vjp(c), t> must equal <c, (f(x + εt) − f(x − εt)) / 2ε>. The tolerance is relative to
 * Σ|vjp(c) · t|, the size the sum could have without cancellation.
 */
export function checkInnerProduct(
  f: TensorFn,
  xs: readonly Tensor[],
  rng: Rng,
  c: CheckCase,
): string[] {
  const tol = c.tolerance ?? DEFAULT_TOLERANCE;
  const { y, vjp: pullback } = vjp(f, xs);
  const cotangent = randomTensor(rng, y.shape);
  const tangents = xs.map((x) => randomTensor(rng, x.shape));
  const dxs = pullback(cotangent);

  let lhs = 0;
  let scale = 0;
  dxs.forEach((dx, i) => {
    lhs += dot(dx.data, tangents[i].data);
    for (let j = 0; j < dx.size; j++) scale += Math.abs(dx.data[j] * tangents[i].data[j]);
  });
  const step = (sign: number) =>
    evaluate(f, xs.map((x, i) => noGrad(() => add(x, mul(tangents[i], sign * RELATIVE_STEP)))));
  const plus = step(1).data;
  const minus = step(-1).data;
  let rhs = 0;
  for (let k = 0; k < y.size; k++) {
    rhs += (cotangent.data[k] * (plus[k] - minus[k])) / (2 * RELATIVE_STEP);
  }

  const reason = compare(lhs, rhs, { rtol: 0, atol: tol.atol + tol.rtol * Math.max(scale, 1) });
  return reason === null ? [] : [`${describe(c, xs, y)}: <vjp(c), t> vs <c, Jt>: ${reason}`];
}

/**
 * The function (x..., c) ↦ vjp(f, x)(c)[i], built with createGraph so that it can itself be
 * differentiated; checking it checks the VJP of the VJP of f.
 */
export function vjpOfInput(f: TensorFn, nInputs: number, i: number): TensorFn {
  return (...args) => {
    const xs = args.slice(0, nInputs);
    const cotangent = args[nInputs];
    return vjp(f, xs, { createGraph: true }).vjp(cotangent)[i];
  };
}

/** Second-order check: the full-Jacobian check applied to each input's VJP of f. */
export function checkSecondOrder(
  f: TensorFn,
  xs: readonly Tensor[],
  rng: Rng,
  c: CheckCase,
): string[] {
  const y = evaluate(f, xs);
  const cotangent = randomTensor(rng, y.shape);
  return xs.flatMap((_, i) =>
    checkJacobian(vjpOfInput(f, xs.length, i), [...xs, cotangent], {
      ...c,
      label: `VJP of VJP of ${c.label} (input ${i})`,
    }),
  );
}

/** The scalar Σ f(x) · c for a fixed cotangent c; its Hessian mixes all second derivatives of f. */
export function contracted(f: TensorFn, cotangent: Tensor): TensorFn {
  return (...xs) => sum(mul(f(...xs), cotangent));
}

/** hvp(g, x, v) against the central difference (∇g(x + εv) − ∇g(x − εv)) / 2ε. */
export function checkHvp(g: TensorFn, xs: readonly Tensor[], rng: Rng, c: CheckCase): string[] {
  const tol = c.tolerance ?? DEFAULT_TOLERANCE;
  const vs = xs.map((x) => randomTensor(rng, x.shape));
  const analytic = hvp(g, xs, vs);
  const gradAt = (sign: number) =>
    valueAndGrad(g)(...xs.map((x, i) => noGrad(() => add(x, mul(vs[i], sign * RELATIVE_STEP)))))
      .grads;
  const plus = gradAt(1);
  const minus = gradAt(-1);

  const failures: string[] = [];
  analytic.forEach((hv, i) => {
    for (let j = 0; j < hv.size; j++) {
      const numeric = (plus[i].data[j] - minus[i].data[j]) / (2 * RELATIVE_STEP);
      const reason = compare(hv.data[j], numeric, tol);
      if (reason !== null) failures.push(`hvp of ${describe(c, xs)}: (Hv)${i}[${j}]: ${reason}`);
    }
  });
  return summarize(failures);
}

/** Symmetry of the Hessian: uᵀ(Hv) must equal vᵀ(Hu) for random u and v. */
export function checkHessianSymmetry(
  g: TensorFn,
  xs: readonly Tensor[],
  rng: Rng,
  c: CheckCase,
): string[] {
  const tol = c.tolerance ?? DEFAULT_TOLERANCE;
  const us = xs.map((x) => randomTensor(rng, x.shape));
  const vs = xs.map((x) => randomTensor(rng, x.shape));
  const hv = hvp(g, xs, vs);
  const hu = hvp(g, xs, us);
  let uHv = 0;
  let vHu = 0;
  let scale = 0;
  xs.forEach((_, i) => {
    uHv += dot(us[i].data, hv[i].data);
    vHu += dot(vs[i].data, hu[i].data);
    for (let j = 0; j < hv[i].size; j++) scale += Math.abs(us[i].data[j] * hv[i].data[j]);
  });
  const reason = compare(uHv, vHu, { rtol: 0, atol: tol.atol + tol.rtol * Math.max(scale, 1) });
  if (reason === null) return [];
  return [`Hessian symmetry of ${describe(c, xs)}: uᵀHv vs vᵀHu: ${reason}`];
}
