// Constant optimisation by Levenberg–Marquardt (Marquardt, "An algorithm for least-squares
// estimation of nonlinear parameters", 1963) on top of linear scaling. The parameters are the
// program's constants θ together with the scaling a, b; the residuals are y − (a + b·p(θ)).
// The Jacobian of p comes from a reverse pass over the program (jacobian.ts). A step is kept only when it
// lowers the squared error, so the result is never worse than the input program.
import { evaluateJacobian, forwardPass, reverseJacobian } from './jacobian.js';
import { fitTerms, linearScaling, makeTarget } from './loss.js';
import { splitTerms, weightedSum } from './terms.js';
import { constNode, type Node, type Program } from './program.js';

/** Training data for the optimiser: column-major features and the target. */
export interface FitData {
  readonly columns: readonly Float64Array[];
  readonly y: Float64Array;
}

/** Damped steps tried per Jacobian before the optimiser gives up. */
const MAX_TRIALS = 5;

/** Constants of a program in node order. */
export function programConstants(program: Program): number[] {
  const theta: number[] = [];
  for (const node of program) if (node.kind === 'const') theta.push(node.value);
  return theta;
}

/** The program with its constants replaced, in node order, by `theta`. */
export function withConstants(program: Program, theta: ArrayLike<number>): Program {
  let c = 0;
  return program.map((node): Node => (node.kind === 'const' ? constNode(theta[c++]) : node));
}

function sumSquares(y: Float64Array, p: Float64Array, a: number, b: number): number {
  let sse = 0;
  for (let i = 0; i < y.length; i++) {
    const r = y[i] - (a + b * p[i]);
    sse += r * r;
  }
  return Number.isFinite(sse) ? sse : Infinity;
}

/**
 * Solves the m × m system (A + λ·diag(A)) δ = g by Gaussian elimination with partial pivoting.
 * A tiny ridge keeps directions with zero curvature solvable. Returns null when δ is not finite.
 */
export function solveDamped(
  A: Float64Array,
  g: Float64Array,
  m: number,
  lambda: number,
): Float64Array | null {
  const M = new Float64Array(m * (m + 1));
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) M[r * (m + 1) + c] = A[r * m + c];
    M[r * (m + 1) + r] += lambda * A[r * m + r] + 1e-12;
    M[r * (m + 1) + m] = g[r];
  }
  const w = m + 1;
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++)
      if (Math.abs(M[r * w + col]) > Math.abs(M[pivot * w + col])) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < w; c++) {
        const t = M[col * w + c];
        M[col * w + c] = M[pivot * w + c];
        M[pivot * w + c] = t;
      }
    }
    const d = M[col * w + col];
    if (d === 0) return null;
    for (let r = col + 1; r < m; r++) {
      const f = M[r * w + col] / d;
      if (f !== 0) for (let c = col; c < w; c++) M[r * w + c] -= f * M[col * w + c];
    }
  }
  const delta = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = M[r * w + m];
    for (let c = r + 1; c < m; c++) s -= M[r * w + c] * delta[c];
    delta[r] = s / M[r * w + r];
    if (!Number.isFinite(delta[r])) return null;
  }
  return delta;
}

/**
 * Normal equations JᵀJ and Jᵀr for the parameters (θ, a) and, if `fitSlope`, b, with residual
 * r = y − (a + b·p). The model's derivatives are b·J_c for θ_c, 1 for a and p for b.
 */
function normalEquations(
  jacobian: readonly Float64Array[],
  p: Float64Array,
  y: Float64Array,
  a: number,
  b: number,
  fitSlope: boolean,
): { A: Float64Array; g: Float64Array; m: number } {
  const n = y.length;
  const k = jacobian.length;
  const m = fitSlope ? k + 2 : k + 1;
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) residual[i] = y[i] - (a + b * p[i]);
  const A = new Float64Array(m * m);
  const g = new Float64Array(m);
  const set = (r: number, c: number, value: number): void => {
    A[r * m + c] = value;
    A[c * m + r] = value;
  };
  for (let r = 0; r < k; r++) {
    const jr = jacobian[r];
    let sr = 0;
    let sum = 0;
    let sp = 0;
    for (let i = 0; i < n; i++) {
      sr += jr[i] * residual[i];
      sum += jr[i];
      sp += jr[i] * p[i];
    }
    g[r] = b * sr;
    for (let c = r; c < k; c++) {
      const jc = jacobian[c];
      let t = 0;
      for (let i = 0; i < n; i++) t += jr[i] * jc[i];
      set(r, c, b * b * t);
    }
    set(r, k, b * sum);
    if (fitSlope) set(r, k + 1, b * sp);
  }
  let sumR = 0;
  let sumP = 0;
  let sumPP = 0;
  let sumPR = 0;
  for (let i = 0; i < n; i++) {
    sumR += residual[i];
    sumP += p[i];
    sumPP += p[i] * p[i];
    sumPR += p[i] * residual[i];
  }
  g[k] = sumR;
  set(k, k, n);
  if (fitSlope) {
    g[k + 1] = sumPR;
    set(k, k + 1, sumP);
    set(k + 1, k + 1, sumPP);
  }
  return { A, g, m };
}

/** Parameters, error and derivatives at the current point of the optimiser. */
interface Point {
  readonly theta: number[];
  readonly a: number;
  readonly b: number;
  readonly sse: number;
  readonly values: Float64Array;
  readonly jacobian: readonly Float64Array[];
}

/**
 * Tries damped steps from `point`, raising λ after each failure, and returns the first point
 * with a lower error and the λ to continue with, or null after MAX_TRIALS failures.
 */
function dampedStep(
  program: Program,
  data: FitData,
  point: Point,
  lambda: number,
  fitSlope: boolean,
): { point: Point; lambda: number } | null {
  const { columns, y } = data;
  const k = point.theta.length;
  const { A, g, m } = normalEquations(point.jacobian, point.values, y, point.a, point.b, fitSlope);
  let damping = lambda;
  for (let trial = 0; trial < MAX_TRIALS; trial++) {
    const delta = solveDamped(A, g, m, damping);
    if (delta !== null) {
      const theta = point.theta.map((v, c) => v + delta[c]);
      const a = point.a + delta[k];
      const b = fitSlope ? point.b + delta[k + 1] : point.b;
      const nodeValues = forwardPass(program, theta, columns, y.length);
      const values = nodeValues[program.length - 1];
      const sse = sumSquares(y, values, a, b);
      if (sse < point.sse) {
        const jacobian = reverseJacobian(program, nodeValues);
        const next = { theta, a, b, sse, values, jacobian };
        return { point: next, lambda: Math.max(damping / 3, 1e-12) };
      }
    }
    damping *= 4;
  }
  return null;
}

/**
 * Runs at most `iterations` Levenberg–Marquardt iterations (one Jacobian each) on the
 * constants of `program` and the scaling a + b·p; with `fitSlope` false, b stays 1. Returns the
 * program with improved constants, or `program` itself when it has no constants, its output is
 * not finite, or no step lowered the error.
 */
export function optimiseConstants(
  program: Program,
  data: FitData,
  iterations: number,
  fitSlope = true,
): Program {
  const theta = programConstants(program);
  if (theta.length === 0 || iterations <= 0) return program;
  const { columns, y } = data;

  const { values, jacobian } = evaluateJacobian(program, theta, columns, y.length, true);
  const fit = linearScaling(values, makeTarget(y));
  if (!Number.isFinite(fit.mse)) return program;
  const b = fitSlope ? fit.b : 1;
  const a = fitSlope ? fit.a : fit.a + (fit.b - 1) * mean(values);
  const initialSse = sumSquares(y, values, a, b);
  let point: Point = { theta, a, b, sse: initialSse, values, jacobian };
  let lambda = 1e-3;

  for (let it = 0; it < iterations; it++) {
    const step = dampedStep(program, data, point, lambda, fitSlope);
    if (step === null) break;
    const gain = point.sse - step.point.sse;
    point = step.point;
    lambda = step.lambda;
    if (gain <= 1e-12 * (point.sse + gain)) break;
  }
  return point.sse < initialSse ? withConstants(program, point.theta) : program;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * Fits the constants of a program read as a sum of at most `maxTerms` weighted terms (see
 * terms.ts). With two or more terms, the least-squares weights are written into the program as
 * constants, and all constants are fitted together with the intercept. The returned program
 * carries those weights; scoring strips them again and refits them. A program of one term is
 * fitted by optimiseConstants with its slope.
 */
export function optimiseTermConstants(
  program: Program,
  maxTerms: number,
  data: FitData,
  iterations: number,
): Program {
  const { terms } = splitTerms(program, maxTerms);
  if (terms.length <= 1) return optimiseConstants(program, data, iterations);
  const n = data.y.length;
  const values = terms.map((term) => {
    const nodeValues = forwardPass(term, programConstants(term), data.columns, n);
    return nodeValues[term.length - 1];
  });
  const fit = fitTerms(values, makeTarget(data.y));
  if (!Number.isFinite(fit.mse)) return program;
  const weighted = weightedSum(terms, fit.weights).program;
  const fitted = optimiseConstants(weighted, data, iterations, false);
  return fitted === weighted ? program : fitted;
}
