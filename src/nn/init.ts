// Seeded weight initialisation into the flat parameter layout.
// Glorot uniform (a = sqrt(6 / (fanIn + fanOut))) for tanh and softplus layers and for the
// linear output layer; He uniform (a = sqrt(6 / fanIn)) for relu layers. Biases start at 0.
import { Rng } from '../core/rng.js';
import type { ParamLayout } from './layout.js';

/** Returns freshly initialised parameters for `layout`; the same seed gives the same values. */
export function initParams(layout: ParamLayout, seed: number): Float64Array {
  const rng = new Rng(seed);
  const params = new Float64Array(layout.size);
  const nLayers = layout.widths.length - 1;
  for (let i = 0; i < nLayers; i++) {
    const fanIn = layout.widths[i];
    const fanOut = layout.widths[i + 1];
    const isHidden = i < nLayers - 1;
    const limit =
      isHidden && layout.spec.activation === 'relu'
        ? Math.sqrt(6 / fanIn)
        : Math.sqrt(6 / (fanIn + fanOut));
    const start = layout.weightOffsets[i];
    for (let p = 0; p < fanIn * fanOut; p++) params[start + p] = (2 * rng.uniform() - 1) * limit;
  }
  return params;
}
