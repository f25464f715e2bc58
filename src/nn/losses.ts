// Teacher losses on the autodiff tape: MSE and the exact input-Jacobian penalty by double
// backprop. The penalty of a scalar-output network is mean_b ‖∂f(x_b)/∂x_b‖²; for a vector
// output it is the same with the squared Frobenius norm of each example's Jacobian.
import {
  add,
  fromNDArray,
  gradients,
  mean,
  mul,
  reshape,
  square,
  sub,
  sum,
  tensor,
  type Tensor,
} from '../autodiff/index.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import type { Mlp } from './mlp.js';

/** mean((prediction − target)²) for prediction [n, 1] or [n] and target [n]. */
export function mseLoss(prediction: Tensor, target: Tensor): Tensor {
  const n = target.shape[0];
  if (target.rank !== 1 || prediction.size !== n) {
    throw new ShapeError(
      `mseLoss: prediction [n, 1] or [n] and target [n] must match, got prediction ` +
        `${formatShape(prediction.shape)} and target ${formatShape(target.shape)}`,
    );
  }
  return mean(square(sub(reshape(prediction, [n]), target)));
}

/** Terms of the regularised loss, each a recorded scalar tensor. */
export interface TeacherLossTerms {
  readonly loss: Tensor;
  readonly mse: Tensor;
  /** mean_b ‖∂f(x_b)/∂x_b‖²; a constant 0 when λ = 0 (the penalty is then not built). */
  readonly penalty: Tensor;
}

/**
 * Builds MSE + λ · mean_b ‖∂f(x_b)/∂x_b‖² for a scalar-output model on x [n, d], y [n]. The
 * input gradient is taken with createGraph, so differentiating `loss` with respect to the
 * parameters is exact double backprop.
 */
export function teacherLoss(model: Mlp, x: Tensor, y: Tensor, lambda: number): TeacherLossTerms {
  const xLeaf = fromNDArray(x.value, { requiresGrad: true });
  const output = model.call(xLeaf);
  const mse = mseLoss(output, y);
  if (lambda === 0) return { loss: mse, mse, penalty: tensor(0) };

  const [gx] = gradients(sum(output), [xLeaf], { createGraph: true });
  const penalty = mean(sum(square(gx), [1]));
  return { loss: add(mse, mul(penalty, lambda)), mse, penalty };
}
