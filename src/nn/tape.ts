// Loss and exact flat parameter gradient of the teacher objective on the autodiff tape.
// This is the reference the fused TypeScript and WebAssembly passes are tested against.
import { gradients, tensor } from '../autodiff/index.js';
import type { LossTerms } from './fused-js.js';
import type { ParamLayout } from './layout.js';
import { teacherLoss } from './losses.js';
import { flattenGradients, Mlp } from './mlp.js';

/**
 * Evaluates MSE + λ · mean_b ‖∂f(x_b)/∂x_b‖² at `params` on x [nRows, nInputs], y [nRows] and
 * returns its terms with the gradient with respect to every parameter, in the flat layout.
 */
export function tapeLossAndGradient(
  layout: ParamLayout,
  params: Float64Array,
  x: Float64Array,
  y: Float64Array,
  nRows: number,
  lambda: number,
): LossTerms & { grad: Float64Array } {
  const model = new Mlp(layout, params);
  const xt = tensor(x.subarray(0, nRows * layout.widths[0]), [nRows, layout.widths[0]]);
  const yt = tensor(y.subarray(0, nRows), [nRows]);
  const terms = teacherLoss(model, xt, yt, lambda);
  const grads = gradients(terms.loss, model.parameters());
  return {
    loss: terms.loss.item(),
    mse: terms.mse.item(),
    penalty: terms.penalty.item(),
    grad: flattenGradients(layout, grads),
  };
}
