// Loss and exact flat parameter gradient of the teacher objective on the autodiff tape.
// This is the reference the fused TypeScript and WebAssembly passes are tested against.
import { gradients, noGrad, param, sum, tensor } from '../autodiff/index.js';
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

/**
 * The tape reference behind the same batch interface as the fused passes, so the trainer can
 * run on it. Slow: every call builds and walks a graph.
 */
export class TapePasses {
  readonly layout: ParamLayout;
  readonly capacity: number;
  readonly params: Float64Array;
  readonly grad: Float64Array;
  private readonly model: Mlp;

  constructor(layout: ParamLayout, capacity: number) {
    this.layout = layout;
    this.capacity = capacity;
    this.params = new Float64Array(layout.size);
    this.grad = new Float64Array(layout.size);
    this.model = new Mlp(layout, this.params);
  }

  lossAndGradient(x: Float64Array, y: Float64Array, nRows: number, lambda: number): LossTerms {
    const result = tapeLossAndGradient(this.layout, this.params, x, y, nRows, lambda);
    this.grad.set(result.grad);
    return result;
  }

  predictBatch(x: Float64Array, nRows: number, out: Float64Array): void {
    const xt = this.inputTensor(x, nRows);
    out.set(noGrad(() => this.model.call(xt)).data);
  }

  inputGradientsBatch(x: Float64Array, nRows: number, out: Float64Array): void {
    const xLeaf = param(this.inputTensor(x, nRows).data, [nRows, this.layout.widths[0]]);
    const [gx] = gradients(sum(this.model.call(xLeaf)), [xLeaf]);
    out.set(gx.data);
  }

  private inputTensor(x: Float64Array, nRows: number) {
    const d = this.layout.widths[0];
    return tensor(x.subarray(0, nRows * d), [nRows, d]);
  }
}
