// The fused MLP passes and Adam running inside one WebAssembly instance (assembly/mlp.ts).
// The constructor lays out every buffer (parameters, Adam moments, activations, scratch,
// training and validation rows) in the instance's memory, growing it as needed. After that no
// call grows memory, so the typed-array views created once stay valid. A training step passes
// only integers to WebAssembly and allocates nothing on the JavaScript heap.
import { InputError } from '../core/errors.js';
import { Arena, type KernelExports, type WasmInstance } from '../kernels/wasm-module.js';
import type { LossTerms } from './fused-js.js';
import type { ParamLayout } from './layout.js';
import { ADAM_DEFAULTS, type AdamOptions } from './optim.js';
import { planRegions, STAT, writePlan, type Region } from './wasm-plan.js';

/** The MLP entry points of the kernel module (assembly/mlp.ts). Pointers are byte offsets. */
export interface MlpWasmExports extends KernelExports {
  mlpGemmScratchLength(m: number, k: number, n: number, transA: number): number;
  mlpLossAndGradient(plan: number, nRows: number): void;
  mlpAdam(plan: number): void;
  mlpTrainStep(
    plan: number,
    x: number,
    y: number,
    order: number,
    start: number,
    nRows: number,
  ): void;
  mlpEvaluate(
    plan: number,
    x: number,
    y: number,
    nRows: number,
    out: number,
    grads: number,
    jacobian: number,
  ): void;
}


export interface WasmMlpOptions {
  /** Maximum rows per forward or gradient pass; at least the minibatch size when training. */
  readonly capacity: number;
  readonly lambda: number;
  readonly adam: AdamOptions;
  /** Rows of training data that `setTrainingData` may store; 0 when not training. */
  readonly trainRows?: number;
  /** Rows of validation data that `setValidationData` may store. */
  readonly validRows?: number;
}

export class WasmFusedMlp {
  readonly layout: ParamLayout;
  readonly capacity: number;
  /** Parameters, a view into WebAssembly memory; writes take effect on the next pass. */
  readonly params: Float64Array;
  /** Gradient of the last pass, a view into WebAssembly memory. */
  readonly grad: Float64Array;
  /** Row order used by `trainStep` (a view; shuffle it in place). */
  readonly order: Int32Array;

  private readonly ex: MlpWasmExports;
  private readonly plan: number;
  private readonly stats: Float64Array;
  private readonly best: Float64Array;
  private readonly adamM: Float64Array;
  private readonly adamV: Float64Array;
  private readonly regions: Record<string, Region>;
  private readonly views: Record<string, Float64Array>;
  private nTrain = 0;
  private nValid = 0;

  /** Lays out every buffer in `instance`'s memory, which this object then owns. */
  constructor(instance: WasmInstance, layout: ParamLayout, opts: WasmMlpOptions) {
    if (layout.spec.nOutputs !== 1) {
      throw new InputError(`WasmFusedMlp: nOutputs must be 1, got ${layout.spec.nOutputs}`);
    }
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1) {
      throw new InputError(
        `WasmFusedMlp: capacity must be a positive integer, got ${opts.capacity}`,
      );
    }
    const ex = instance.exports as MlpWasmExports;
    this.ex = ex;
    this.layout = layout;
    this.capacity = opts.capacity;

    // Every allocation happens here, before any view is taken, so the views stay valid.
    const r = planRegions(new Arena(instance), layout, opts, this.scratchLength());
    this.regions = r.regions;
    this.plan = r.plan;

    const buffer = ex.memory.buffer;
    const f64 = (reg: Region) => new Float64Array(buffer, reg.ptr, reg.length);
    this.views = {};
    const viewed = ['trainX', 'trainY', 'validX', 'validY', 'stageX', 'stageOut', 'stageGrad'];
    for (const name of viewed) this.views[name] = f64(this.regions[name]);
    this.params = f64(this.regions.params);
    this.grad = f64(this.regions.grad);
    this.adamM = f64(this.regions.adamM);
    this.adamV = f64(this.regions.adamV);
    this.best = f64(this.regions.best);
    this.stats = f64(this.regions.stats);
    this.order = new Int32Array(buffer, this.regions.order.ptr, this.regions.order.length);
    writePlan(new Int32Array(buffer, this.plan, r.planLength), layout, this.capacity, this.regions);
    this.writeHyperparameters(opts);
  }

  /** Scratch of the weight-gradient products dW_i = [h_i; dv_i]ᵀ [dz_{i+1}; u_{i+1}]. */
  private scratchLength(): number {
    const w = this.layout.widths;
    let size = 0;
    for (let i = 0; i + 2 < w.length; i++) {
      size = Math.max(size, this.ex.mlpGemmScratchLength(w[i], 2 * this.capacity, w[i + 1], 1));
    }
    return size;
  }

  private writeHyperparameters(opts: WasmMlpOptions): void {
    const s = this.stats;
    s[STAT.lambda] = opts.lambda;
    s[STAT.learningRate] = opts.adam.learningRate;
    s[STAT.beta1] = opts.adam.beta1 ?? ADAM_DEFAULTS.beta1;
    s[STAT.beta2] = opts.adam.beta2 ?? ADAM_DEFAULTS.beta2;
    s[STAT.epsilon] = opts.adam.epsilon ?? ADAM_DEFAULTS.epsilon;
    this.resetAdam();
  }

  /** Clears the Adam moments and step count. */
  resetAdam(): void {
    this.adamM.fill(0);
    this.adamV.fill(0);
    this.stats[STAT.beta1Power] = 1;
    this.stats[STAT.beta2Power] = 1;
  }

  get learningRate(): number {
    return this.stats[STAT.learningRate];
  }

  set learningRate(value: number) {
    this.stats[STAT.learningRate] = value;
  }

  get lambda(): number {
    return this.stats[STAT.lambda];
  }

  set lambda(value: number) {
    this.stats[STAT.lambda] = value;
  }

  /** Loss terms of the last gradient pass or training step. */
  lastLossTerms(): LossTerms {
    const s = this.stats;
    return { mse: s[STAT.mse], penalty: s[STAT.penalty], loss: s[STAT.loss] };
  }

  /**
   * Computes loss and exact gradient (into `grad`) on nRows ≤ capacity rows of x [nRows, d]
   * and y [nRows] at the current parameters and the given λ.
   */
  lossAndGradient(x: Float64Array, y: Float64Array, nRows: number, lambda: number): LossTerms {
    this.checkRows('lossAndGradient', nRows, this.capacity);
    const d = this.layout.widths[0];
    const xBatch = new Float64Array(this.ex.memory.buffer, this.regions.level0.ptr, nRows * d);
    xBatch.set(x.subarray(0, nRows * d));
    const yBatch = new Float64Array(this.ex.memory.buffer, this.regions.batchY.ptr, nRows);
    yBatch.set(y.subarray(0, nRows));
    const saved = this.lambda;
    this.lambda = lambda;
    this.ex.mlpLossAndGradient(this.plan, nRows);
    this.lambda = saved;
    return this.lastLossTerms();
  }

  /** Applies one Adam step from the current gradient. */
  adamStep(): void {
    this.ex.mlpAdam(this.plan);
  }

  /** Copies the training rows into WebAssembly memory and resets `order` to 0 .. nRows − 1. */
  setTrainingData(x: Float64Array, y: Float64Array, nRows: number): void {
    this.checkRows('setTrainingData', nRows, this.regions.trainY.length);
    this.views.trainX.set(x.subarray(0, nRows * this.layout.widths[0]));
    this.views.trainY.set(y.subarray(0, nRows));
    for (let b = 0; b < nRows; b++) this.order[b] = b;
    this.nTrain = nRows;
  }

  /** Copies the validation rows into WebAssembly memory. */
  setValidationData(x: Float64Array, y: Float64Array, nRows: number): void {
    this.checkRows('setValidationData', nRows, this.regions.validY.length);
    this.views.validX.set(x.subarray(0, nRows * this.layout.widths[0]));
    this.views.validY.set(y.subarray(0, nRows));
    this.nValid = nRows;
  }

  /**
   * Applies one Adam step on training rows order[start .. start + nRows). Passes only integers and
   * allocates nothing. Throws RangeError unless 1 ≤ nRows ≤ capacity and the rows lie within the
   * stored training rows.
   */
  trainStep(start: number, nRows: number): void {
    if (
      !(Number.isInteger(start) && Number.isInteger(nRows)) ||
      start < 0 ||
      nRows < 1 ||
      nRows > this.capacity ||
      start + nRows > this.nTrain
    ) {
      throw new RangeError(
        `WasmFusedMlp.trainStep: rows [start, start + nRows) must lie in [0, ${this.nTrain}) ` +
          `with 1 ≤ nRows ≤ ${this.capacity}, got start ${start}, nRows ${nRows}`,
      );
    }
    const { trainX, trainY, order } = this.regions;
    this.ex.mlpTrainStep(this.plan, trainX.ptr, trainY.ptr, order.ptr, start, nRows);
  }

  /** Mean squared error on the stored validation rows. */
  validationMse(): number {
    const { validX, validY } = this.regions;
    this.ex.mlpEvaluate(this.plan, validX.ptr, validY.ptr, this.nValid, 0, 0, 0);
    return this.stats[STAT.sumSquaredError] / this.nValid;
  }

  /** Number of stored training rows. */
  get trainRows(): number {
    return this.nTrain;
  }

  saveBest(): void {
    this.best.set(this.params);
  }

  restoreBest(): void {
    this.params.set(this.best);
  }

  /** f(x_b) for every row of x [nRows, d]. */
  predict(x: Float64Array, nRows: number): Float64Array {
    const out = new Float64Array(nRows);
    this.evaluateStaged(x, nRows, (start, count) => {
      out.set(this.views.stageOut.subarray(0, count), start);
    }, false);
    return out;
  }

  /** ∂f(x_b)/∂x_b for every row, as [nRows, d]. */
  inputGradients(x: Float64Array, nRows: number): Float64Array {
    const d = this.layout.widths[0];
    const out = new Float64Array(nRows * d);
    this.evaluateStaged(x, nRows, (start, count) => {
      out.set(this.views.stageGrad.subarray(0, count * d), start * d);
    }, true);
    return out;
  }

  /** mean_b ‖∂f(x_b)/∂x_b‖² over the rows of x. */
  meanJacobianSq(x: Float64Array, nRows: number): number {
    let sum = 0;
    this.evaluateStaged(x, nRows, () => {
      sum += this.stats[STAT.sumJacobianSq];
    }, true);
    return sum / nRows;
  }

  /** Runs mlpEvaluate on chunks of at most `capacity` rows copied through the staging buffers. */
  private evaluateStaged(
    x: Float64Array,
    nRows: number,
    collect: (start: number, count: number) => void,
    withGradient: boolean,
  ): void {
    const d = this.layout.widths[0];
    if (x.length < nRows * d) {
      throw new InputError(`WasmFusedMlp: x must hold ${nRows * d} values, got ${x.length}`);
    }
    const { stageX, stageOut, stageGrad } = this.regions;
    for (let start = 0; start < nRows; start += this.capacity) {
      const count = Math.min(this.capacity, nRows - start);
      this.views.stageX.set(x.subarray(start * d, (start + count) * d));
      const grads = withGradient ? stageGrad.ptr : 0;
      const jacobian = withGradient ? 1 : 0;
      this.ex.mlpEvaluate(this.plan, stageX.ptr, 0, count, stageOut.ptr, grads, jacobian);
      collect(start, count);
    }
  }

  private checkRows(op: string, nRows: number, max: number): void {
    if (!Number.isInteger(nRows) || nRows < 1 || nRows > max) {
      throw new InputError(
        `WasmFusedMlp.${op}: nRows must be an integer in [1, ${max}], got ${nRows}`,
      );
    }
  }
}
