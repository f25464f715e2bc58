// Fused MLP passes in plain TypeScript over the Kernels interface: forward, input gradient
// and the double-backward pass of MSE + λ · mean_b ‖∂f(x_b)/∂x_b‖², with no tape. This is the
// readable twin of assembly/mlp.ts and follows the same buffer plan; both must agree with the
// autodiff tape. Scalar output only. Buffers are sized once for `capacity` rows.
//
// Notation (hidden layers j = 1..L, layer i maps width n_i to n_{i+1}, h_0 = x):
//   forward         h_{i+1} = σ(h_i W_i + b_i),  f = h_L w_L + b_L,  s_j = σ'(z_j)
//   input gradient  u_L = s_L ⊙ w_L,  v_i = u_{i+1} W_iᵀ,  u_i = s_i ⊙ v_i,  G = v_0
//   penalty reverse dv_0 = (2λ / B) G;  du_{i+1} = dv_i W_i;  dW_i += dv_iᵀ u_{i+1};
//                   ds_{i+1} = du_{i+1} ⊙ v_{i+1};  dv_{i+1} = du_{i+1} ⊙ s_{i+1};
//                   dw_L += Σ_b dv_L  (v_L is w_L repeated on every row)
//   MSE reverse     df = 2 (f − y) / B;  dh_L = df w_Lᵀ;
//                   dz_j = s_j ⊙ (dh_j + q_j ⊙ ds_j)  with q = σ''/σ' (see activation.ts);
//                   dW_i += h_iᵀ dz_{i+1};  db_i = Σ_b dz_{i+1};  dh_i = dz_{i+1} W_iᵀ
import { InputError } from '../core/errors.js';
import type { Kernels } from '../kernels/index.js';
import { activateInPlace, curvatureRatio } from './activation.js';
import type { ParamLayout } from './layout.js';

/** Loss terms of one gradient evaluation: loss = mse + λ · penalty. */
export interface LossTerms {
  mse: number;
  penalty: number;
  loss: number;
}

export class JsFusedMlp {
  readonly layout: ParamLayout;
  readonly capacity: number;
  /** Parameters in the flat layout; callers may write them between passes. */
  readonly params: Float64Array;
  /** Gradient of the last `lossAndGradient` call, in the flat layout. */
  readonly grad: Float64Array;

  private readonly k: Kernels;
  private readonly nHidden: number;
  // Index j = 0..L. h[0] contains the input rows and v[0] is G. u[0] and s[0] are unused.
  private readonly h: Float64Array[];
  private readonly s: Float64Array[];
  private readonly u: Float64Array[];
  private readonly v: Float64Array[];
  private readonly dv: Float64Array[];
  private readonly ds: Float64Array[];
  private readonly f: Float64Array;
  private readonly df: Float64Array;
  private readonly rowScratch: Float64Array[];
  private readonly weightScratch: Float64Array;

  constructor(layout: ParamLayout, capacity: number, k: Kernels) {
    if (layout.spec.nOutputs !== 1) {
      throw new InputError(`JsFusedMlp: nOutputs must be 1, got ${layout.spec.nOutputs}`);
    }
    this.layout = layout;
    this.capacity = capacity;
    this.k = k;
    this.nHidden = layout.widths.length - 2;
    this.params = new Float64Array(layout.size);
    this.grad = new Float64Array(layout.size);

    const rowBuffers = (): Float64Array[] =>
      layout.widths.slice(0, -1).map((n) => new Float64Array(capacity * n));
    this.h = rowBuffers();
    this.s = rowBuffers();
    this.u = rowBuffers();
    this.v = rowBuffers();
    this.dv = rowBuffers();
    this.ds = rowBuffers();
    this.f = new Float64Array(capacity);
    this.df = new Float64Array(capacity);
    const maxWidth = Math.max(...layout.widths);
    this.rowScratch = [0, 1, 2].map(() => new Float64Array(capacity * maxWidth));
    let maxWeights = 0;
    for (let i = 0; i + 1 < layout.widths.length; i++) {
      maxWeights = Math.max(maxWeights, layout.widths[i] * layout.widths[i + 1]);
    }
    this.weightScratch = new Float64Array(maxWeights);
  }

  /** Writes f(x_b) for `nRows` ≤ capacity rows of x [nRows, nInputs] into out [nRows]. */
  predictBatch(x: Float64Array, nRows: number, out: Float64Array): void {
    this.forward(x, nRows);
    out.set(this.f.subarray(0, nRows));
  }

  /** Writes ∂f(x_b)/∂x_b for `nRows` ≤ capacity rows into out [nRows, nInputs]. */
  inputGradientsBatch(x: Float64Array, nRows: number, out: Float64Array): void {
    this.forward(x, nRows);
    this.inputGradient(nRows);
    out.set(this.v[0].subarray(0, nRows * this.layout.widths[0]));
  }

  /**
   * Computes MSE + λ · mean_b ‖∂f(x_b)/∂x_b‖² on `nRows` ≤ capacity rows and its exact gradient
   * with respect to every parameter, written into `grad`.
   */
  lossAndGradient(x: Float64Array, y: Float64Array, nRows: number, lambda: number): LossTerms {
    this.grad.fill(0);
    this.forward(x, nRows);
    let penalty = 0;
    if (lambda !== 0) {
      this.inputGradient(nRows);
      penalty = this.penaltyReverse(nRows, lambda);
    }
    const mse = this.mseReverse(y, nRows, lambda !== 0);
    return { mse, penalty, loss: mse + lambda * penalty };
  }

  private weights(i: number): Float64Array {
    const w = this.layout.widths;
    const start = this.layout.weightOffsets[i];
    return this.params.subarray(start, start + w[i] * w[i + 1]);
  }

  private forward(x: Float64Array, nRows: number): void {
    const w = this.layout.widths;
    const L = this.nHidden;
    this.h[0].set(x.subarray(0, nRows * w[0]));
    for (let i = 0; i < L; i++) {
      const z = this.h[i + 1];
      const n = w[i + 1];
      const zRows = z.subarray(0, nRows * n);
      this.k.matmul(this.h[i], this.weights(i), nRows, w[i], n, false, false, zRows);
      const bias = this.layout.biasOffsets[i];
      for (let b = 0; b < nRows; b++) {
        for (let j = 0; j < n; j++) z[b * n + j] += this.params[bias + j];
      }
      activateInPlace(this.layout.spec.activation, z, this.s[i + 1], nRows * n);
    }
    const nL = w[L];
    const wOut = this.layout.weightOffsets[L];
    const bOut = this.params[this.layout.biasOffsets[L]];
    const hL = this.h[L];
    for (let b = 0; b < nRows; b++) {
      let sum = 0;
      for (let j = 0; j < nL; j++) sum += hL[b * nL + j] * this.params[wOut + j];
      this.f[b] = sum + bOut;
    }
  }

  private inputGradient(nRows: number): void {
    const w = this.layout.widths;
    const L = this.nHidden;
    const wOut = this.layout.weightOffsets[L];
    const nL = w[L];
    for (let b = 0; b < nRows; b++) {
      for (let j = 0; j < nL; j++) {
        this.u[L][b * nL + j] = this.s[L][b * nL + j] * this.params[wOut + j];
      }
    }
    for (let i = L - 1; i >= 0; i--) {
      const vi = this.v[i].subarray(0, nRows * w[i]);
      this.k.matmul(this.u[i + 1], this.weights(i), nRows, w[i + 1], w[i], false, true, vi);
      if (i > 0) {
        for (let p = 0; p < nRows * w[i]; p++) this.u[i][p] = this.s[i][p] * vi[p];
      }
    }
  }

  /** Reverse of the input-gradient pass for the penalty term; returns mean_b ‖G_b‖². */
  private penaltyReverse(nRows: number, lambda: number): number {
    const w = this.layout.widths;
    const L = this.nHidden;
    const d = w[0];
    const g = this.v[0];
    const scale = (2 * lambda) / nRows;
    let sumSq = 0;
    for (let p = 0; p < nRows * d; p++) {
      sumSq += g[p] * g[p];
      this.dv[0][p] = scale * g[p];
    }

    const du = this.rowScratch[0];
    const wOut = this.layout.weightOffsets[L];
    for (let i = 0; i < L; i++) {
      const n = w[i + 1];
      const duRows = du.subarray(0, nRows * n);
      this.k.matmul(this.dv[i], this.weights(i), nRows, w[i], n, false, false, duRows);
      this.accumulateWeightGrad(i, this.dv[i], this.u[i + 1], nRows);
      const s = this.s[i + 1];
      for (let b = 0; b < nRows; b++) {
        for (let j = 0; j < n; j++) {
          const p = b * n + j;
          const next = i + 1 < L ? this.v[i + 1][p] : this.params[wOut + j];
          this.ds[i + 1][p] = du[p] * next;
          this.dv[i + 1][p] = du[p] * s[p];
        }
      }
    }
    const nL = w[L];
    for (let b = 0; b < nRows; b++) {
      for (let j = 0; j < nL; j++) this.grad[wOut + j] += this.dv[L][b * nL + j];
    }
    return sumSq / nRows;
  }

  /** Reverse of the forward pass for the MSE term plus the penalty's ds; returns the MSE. */
  private mseReverse(y: Float64Array, nRows: number, withPenalty: boolean): number {
    const w = this.layout.widths;
    const L = this.nHidden;
    const nL = w[L];
    const wOut = this.layout.weightOffsets[L];
    let sumSq = 0;
    let dbOut = 0;
    for (let b = 0; b < nRows; b++) {
      const r = this.f[b] - y[b];
      sumSq += r * r;
      this.df[b] = (2 * r) / nRows;
      dbOut += this.df[b];
    }
    this.grad[this.layout.biasOffsets[L]] += dbOut;

    let dh = this.rowScratch[1];
    let dhNext = this.rowScratch[2];
    for (let b = 0; b < nRows; b++) {
      for (let j = 0; j < nL; j++) {
        this.grad[wOut + j] += this.h[L][b * nL + j] * this.df[b];
        dh[b * nL + j] = this.df[b] * this.params[wOut + j];
      }
    }
    for (let i = L - 1; i >= 0; i--) {
      const n = w[i + 1];
      this.combineIntoDz(i + 1, dh, nRows * n, withPenalty);
      this.accumulateWeightGrad(i, this.h[i], dh, nRows);
      const bias = this.layout.biasOffsets[i];
      for (let b = 0; b < nRows; b++) {
        for (let j = 0; j < n; j++) this.grad[bias + j] += dh[b * n + j];
      }
      if (i > 0) {
        const out = dhNext.subarray(0, nRows * w[i]);
        this.k.matmul(dh, this.weights(i), nRows, n, w[i], false, true, out);
        [dh, dhNext] = [dhNext, dh];
      }
    }
    return sumSq / nRows;
  }

  /** Overwrites dh with dz_j = s_j ⊙ (dh_j + q_j ⊙ ds_j) for hidden layer j. */
  private combineIntoDz(j: number, dh: Float64Array, len: number, withPenalty: boolean): void {
    const act = this.layout.spec.activation;
    const h = this.h[j];
    const s = this.s[j];
    const ds = this.ds[j];
    for (let p = 0; p < len; p++) {
      const extra = withPenalty ? curvatureRatio(act, h[p], s[p]) * ds[p] : 0;
      dh[p] = s[p] * (dh[p] + extra);
    }
  }

  /** grad(W_i) += aᵀ c for a [nRows, n_i], c [nRows, n_{i+1}]. */
  private accumulateWeightGrad(i: number, a: Float64Array, c: Float64Array, nRows: number): void {
    const w = this.layout.widths;
    const size = w[i] * w[i + 1];
    const prod = this.weightScratch.subarray(0, size);
    this.k.matmul(a, c, w[i], nRows, w[i + 1], true, false, prod);
    const start = this.layout.weightOffsets[i];
    for (let p = 0; p < size; p++) this.grad[start + p] += prod[p];
  }
}
