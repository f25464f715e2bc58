// Squared Frobenius norm of the input Jacobian of a vector-output MLP on the autodiff tape,
// exactly and by random projections. For an example with Jacobian J_b = ∂f(x_b)/∂x_b [m, d]
// and v drawn uniformly from the unit sphere in R^m, E[v vᵀ] = I / m, so
//   E[m · ‖v_bᵀ J_b‖²] = tr(J_b J_bᵀ) = ‖J_b‖²_F.
// One projection costs one backward pass (a vector-Jacobian product with cotangent rows v_b);
// the exact norm costs m of them. Both results can be built with createGraph, so a penalty
// on either can be differentiated again with respect to the weights.
import { add, fromNDArray, mul, square, sum, vjp, type Tensor } from '../autodiff/index.js';
import { NDArray } from '../core/ndarray.js';
import { InputError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { Mlp } from './mlp.js';

export interface JacobianNormOptions {
  /** Record the backward passes so that the result can be differentiated again. */
  readonly createGraph?: boolean;
}

/**
 * Records the model output [n, m] on x [n, d], also under noGrad, and returns its pullback,
 * which maps a cotangent dy [n, m] to the rows dy_bᵀ J_b [n, d].
 */
function recordOutput(model: Mlp, x: Tensor, createGraph: boolean | undefined) {
  const { y, vjp: pullback } = vjp((xLeaf) => model.call(xLeaf), [x], { createGraph });
  return {
    pullback: (dy: Tensor) => pullback(dy)[0],
    nRows: y.shape[0],
    nOutputs: y.shape[1],
  };
}

/** Σ_b ‖row b of g‖² / nRows as a scalar tensor. */
function meanRowNormSq(g: Tensor, nRows: number): Tensor {
  return mul(sum(square(g)), 1 / nRows);
}

/** mean_b ‖∂f(x_b)/∂x_b‖²_F exactly, with one backward pass per output. */
export function exactJacobianNormSq(
  model: Mlp,
  x: Tensor,
  opts: JacobianNormOptions = {},
): Tensor {
  const { pullback, nRows, nOutputs } = recordOutput(model, x, opts.createGraph);
  let total: Tensor | null = null;
  for (let k = 0; k < nOutputs; k++) {
    const basis = new Float64Array(nRows * nOutputs);
    for (let b = 0; b < nRows; b++) basis[b * nOutputs + k] = 1;
    const g = pullback(fromNDArray(new NDArray(basis, [nRows, nOutputs])));
    const term = meanRowNormSq(g, nRows);
    total = total === null ? term : add(total, term);
  }
  if (total === null) throw new InputError('exactJacobianNormSq: the model must have an output');
  return total;
}

/** Rows of independent directions drawn uniformly from the unit sphere in R^nOutputs. */
export function randomUnitRows(rng: Rng, nRows: number, nOutputs: number): Float64Array {
  const v = new Float64Array(nRows * nOutputs);
  for (let b = 0; b < nRows; b++) {
    let norm = 0;
    // A standard normal vector divided by its norm is uniform on the sphere; an all-zero draw
    // has probability 0 and is redrawn.
    while (norm === 0) {
      norm = 0;
      for (let k = 0; k < nOutputs; k++) {
        const z = rng.normal();
        v[b * nOutputs + k] = z;
        norm += z * z;
      }
    }
    const scale = 1 / Math.sqrt(norm);
    for (let k = 0; k < nOutputs; k++) v[b * nOutputs + k] *= scale;
  }
  return v;
}

/**
 * Unbiased estimate of mean_b ‖∂f(x_b)/∂x_b‖²_F from `nProjections` random unit directions per
 * example: the mean over projections of m · mean_b ‖v_bᵀ J_b‖². Throws InputError when
 * nProjections is not a positive integer.
 */
export function projectedJacobianNormSq(
  model: Mlp,
  x: Tensor,
  rng: Rng,
  nProjections = 1,
  opts: JacobianNormOptions = {},
): Tensor {
  if (!Number.isInteger(nProjections) || nProjections < 1) {
    throw new InputError(
      `projectedJacobianNormSq: nProjections must be a positive integer, got ${nProjections}`,
    );
  }
  const { pullback, nRows, nOutputs } = recordOutput(model, x, opts.createGraph);
  let total: Tensor | null = null;
  for (let q = 0; q < nProjections; q++) {
    const v = randomUnitRows(rng, nRows, nOutputs);
    const g = pullback(fromNDArray(new NDArray(v, [nRows, nOutputs])));
    const term = meanRowNormSq(g, nRows);
    total = total === null ? term : add(total, term);
  }
  return mul(total as Tensor, nOutputs / nProjections);
}
