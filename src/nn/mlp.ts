// The generic MLP on the autodiff tape: the reference every fast path is checked against.
// Its parameter tensors view one flat Float64Array in the layout of layout.ts, so gradients
// listed in parameters() order concatenate to the flat gradient.
import { NDArray } from '../core/ndarray.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { fromNDArray, relu, softplus, tanh, type Tensor } from '../autodiff/index.js';
import type { Activation, ParamLayout } from './layout.js';
import { Linear } from './linear.js';

const ACTIVATION_FNS: Record<Activation, (x: Tensor) => Tensor> = { tanh, relu, softplus };

export class Mlp {
  readonly layout: ParamLayout;
  /** Storage of every parameter; the layers' tensors view it without copying. */
  readonly flat: Float64Array;
  readonly layers: readonly Linear[];

  /** Wraps `flat` (length layout.size, shared, not copied) as the network's parameters. */
  constructor(layout: ParamLayout, flat: Float64Array) {
    if (flat.length !== layout.size) {
      throw new ShapeError(
        `Mlp: flat parameters must have length ${layout.size}, got ${flat.length}`,
      );
    }
    this.layout = layout;
    this.flat = flat;
    const w = layout.widths;
    const layers: Linear[] = [];
    for (let i = 0; i + 1 < w.length; i++) {
      const wStart = layout.weightOffsets[i];
      const bStart = layout.biasOffsets[i];
      const weight = new NDArray(flat.subarray(wStart, wStart + w[i] * w[i + 1]), [w[i], w[i + 1]]);
      const bias = new NDArray(flat.subarray(bStart, bStart + w[i + 1]), [w[i + 1]]);
      layers.push(
        new Linear(
          fromNDArray(weight, { requiresGrad: true }),
          fromNDArray(bias, { requiresGrad: true }),
        ),
      );
    }
    this.layers = layers;
  }

  /** Returns every parameter tensor in flat-layout order. */
  parameters(): Tensor[] {
    return this.layers.flatMap((layer) => layer.parameters());
  }

  /** x [n, nInputs] -> [n, nOutputs]. Throws ShapeError on a wrong input width. */
  call(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.layout.widths[0]) {
      throw new ShapeError(
        `Mlp: input must have shape [n, ${this.layout.widths[0]}], got ${formatShape(x.shape)}`,
      );
    }
    const act = ACTIVATION_FNS[this.layout.spec.activation];
    const last = this.layers.length - 1;
    let h = x;
    for (let i = 0; i < last; i++) h = act(this.layers[i].call(h));
    return this.layers[last].call(h);
  }
}

/** Concatenates gradients given in parameters() order into one flat vector. */
export function flattenGradients(layout: ParamLayout, grads: readonly Tensor[]): Float64Array {
  const out = new Float64Array(layout.size);
  let offset = 0;
  for (const g of grads) {
    out.set(g.data, offset);
    offset += g.size;
  }
  if (offset !== layout.size) {
    throw new ShapeError(
      `flattenGradients: gradients must total ${layout.size} values, got ${offset}`,
    );
  }
  return out;
}
