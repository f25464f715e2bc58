// Adam over one flat parameter vector, kept apart from the model: it reads only parameter and
// gradient arrays. The bias corrections use running products β^t rather than Math.pow, the
// same arithmetic as the WebAssembly step, so both backends follow one formula:
//   m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²,
//   θ ← θ − a · m / (sqrt(v) · c + ε),  a = lr / (1 − β1^t),  c = 1 / sqrt(1 − β2^t).
// That is lr · m̂ / (sqrt(v̂) + ε) with the bias-corrected moments m̂ and v̂, arranged so that
// each parameter takes one division and one square root.

export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** First and second moment estimates, one entry per parameter. */
  readonly m: Float64Array;
  readonly v: Float64Array;
  private beta1Power = 1;
  private beta2Power = 1;

  constructor(size: number, opts: AdamOptions) {
    this.learningRate = opts.learningRate;
    this.beta1 = opts.beta1 ?? ADAM_DEFAULTS.beta1;
    this.beta2 = opts.beta2 ?? ADAM_DEFAULTS.beta2;
    this.epsilon = opts.epsilon ?? ADAM_DEFAULTS.epsilon;
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** Updates params in place from grad (same length as the moments). */
  step(params: Float64Array, grad: Float64Array): void {
    const { beta1, beta2, epsilon, learningRate, m, v } = this;
    this.beta1Power *= beta1;
    this.beta2Power *= beta2;
    const stepSize = learningRate / (1 - this.beta1Power);
    const rootScale = 1 / Math.sqrt(1 - this.beta2Power);
    for (let p = 0; p < m.length; p++) {
      const g = grad[p];
      m[p] = beta1 * m[p] + (1 - beta1) * g;
      v[p] = beta2 * v[p] + (1 - beta2) * g * g;
      params[p] -= (stepSize * m[p]) / (Math.sqrt(v[p]) * rootScale + epsilon);
    }
  }
}
