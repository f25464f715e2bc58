// Hidden-layer activations written in terms of the cached output, for the fused passes.
// For h = σ(z) the fused passes need s = σ'(z) and q = σ''(z) / σ'(z):
//   tanh:     s = 1 − h²,              q = −2h
//   relu:     s = [z > 0] (0 at z = 0), q = 0
//   softplus: s = sigmoid(z),          q = 1 − s
// q lets the double-backward step write dz = s ⊙ (dh + q ⊙ ds) for every activation.
import { sigmoid, softplus } from '../kernels/js/index.js';
import type { Activation } from './layout.js';

/**
 * Applies the activation to z[0 .. len) in place, writing s = σ'(z) into `s`.
 */
export function activateInPlace(
  activation: Activation,
  z: Float64Array,
  s: Float64Array,
  len: number,
): void {
  switch (activation) {
    case 'tanh':
      for (let p = 0; p < len; p++) {
        const h = Math.tanh(z[p]);
        z[p] = h;
        s[p] = 1 - h * h;
      }
      break;
    case 'relu':
      for (let p = 0; p < len; p++) {
        const positive = z[p] > 0;
        z[p] = positive ? z[p] : 0;
        s[p] = positive ? 1 : 0;
      }
      break;
    case 'softplus':
      for (let p = 0; p < len; p++) {
        const x = z[p];
        z[p] = softplus(x);
        s[p] = sigmoid(x);
      }
      break;
  }
}

/** Returns q = σ''(z) / σ'(z) from the cached output h and derivative s. */
export function curvatureRatio(activation: Activation, h: number, s: number): number {
  switch (activation) {
    case 'tanh':
      return -2 * h;
    case 'relu':
      return 0;
    case 'softplus':
      return 1 - s;
  }
}
