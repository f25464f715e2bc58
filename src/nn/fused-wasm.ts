// The fused MLP passes and Adam running inside one WebAssembly instance (assembly/mlp.ts).
// The constructor lays out every buffer (parameters, Adam moments, activations, scratch,
// training and validation rows) in the instance's memory, growing it as needed. After that no
// call grows memory, so the typed-array views created once stay valid. A training step passes
// only integers to WebAssembly and allocates nothing on the JavaScript heap.
import { InputError } from '../core/errors.js';
import { Arena, type KernelExports, type WasmInstance } from '../kernels/wasm-module.js';
import type { LossTerms } from './fused-js.js';
import type { Activation, ParamLayout } from './layout.js';
import { ADAM_DEFAULTS, type AdamOptions } from './optim.js';

/** The MLP entry points of the kernel module (assembly/mlp.ts). Pointers are byte offsets. */
export interface MlpWasmExports extends KernelExports {
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

// Slot numbers of the plan table and the stats block; they mirror assembly/mlp.ts.
const PLAN = {
  hidden: 0,
  activation: 1,
  capacity: 2,
  params: 3,
  grad: 4,
  adamM: 5,
  adamV: 6,
  nParams: 7,
  scratch: 8,
  y: 9,
  f: 10,
  stats: 11,
  levels: 16,
} as const;
const LEVEL = { stride: 10, width: 0, hd: 1, s: 2, v: 3, t: 4, zu: 5, w: 6, b: 7, wt: 8 } as const;
const STAT = {
  lambda: 0,
  learningRate: 1,
  beta1: 2,
  beta2: 3,
  epsilon: 4,
  beta1Power: 5,
  beta2Power: 6,
  mse: 7,
  penalty: 8,
  loss: 9,
  sumSquaredError: 10,
  sumJacobianSq: 11,
  count: 16,
} as const;
const ACTIVATION_CODES: Record<Activation, number> = { tanh: 0, relu: 1, softplus: 2 };

export interface WasmMlpOptions {
  /** Maximum rows per forward or gradient pass (the minibatch size for training). */
  readonly capacity: number;
  readonly lambda: number;
  readonly adam: AdamOptions;
  /** Rows of training data that `setTrainingData` may store; 0 when not training. */
  readonly trainRows?: number;
  /** Rows of validation data that `setValidationData` may store. */
  readonly validRows?: number;
}

/** A buffer in linear memory: byte offset and length in f64 or i32 elements. */
interface Region {
  readonly ptr: number;
  readonly length: number;
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

  private scratchLength(): number {
    const w = this.layout.widths;
    const B = this.capacity;
    let size = 0;
    for (let i = 0; i + 2 < w.length; i++) {
      const [a, b] = [w[i], w[i + 1]];
      for (const [m, k, n] of [
        [B, a, b],
        [B, b, a],
        [a, 2 * B, b],
      ]) {
        size = Math.max(size, this.ex.matmulScratchLength(m, k, n));
      }
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
   * allocates nothing.
   */
  trainStep(start: number, nRows: number): void {
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

/** Places every buffer; `levelN` keys hold level N's buffers in plan-slot order. */
function planRegions(
  arena: Arena,
  layout: ParamLayout,
  opts: WasmMlpOptions,
  scratchLength: number,
): { regions: Record<string, Region>; plan: number; planLength: number } {
  const w = layout.widths;
  const L = w.length - 2;
  const B = opts.capacity;
  const d = w[0];
  const planLength = PLAN.levels + (L + 2) * LEVEL.stride;
  const plan = arena.allocBytes(planLength * 4);
  const f64 = (length: number): Region => ({ ptr: arena.alloc(length), length });
  const regions: Record<string, Region> = {
    stats: f64(STAT.count),
    params: f64(layout.size),
    grad: f64(layout.size),
    adamM: f64(layout.size),
    adamV: f64(layout.size),
    best: f64(layout.size),
    scratch: f64(scratchLength),
    batchY: f64(B),
    f: f64(B),
  };
  for (let j = 0; j <= L; j++) {
    regions[`level${j}`] = f64(2 * B * w[j]);
    regions[`level${j}.v`] = f64(B * w[j]);
    if (j === 0) continue;
    regions[`level${j}.s`] = f64(B * w[j]);
    regions[`level${j}.t`] = f64(B * w[j]);
    regions[`level${j}.zu`] = f64(2 * B * w[j]);
  }
  for (let j = 0; j < L; j++) regions[`level${j}.wt`] = f64(w[j] * w[j + 1]);
  const trainRows = opts.trainRows ?? 0;
  const validRows = opts.validRows ?? 0;
  regions.trainX = f64(trainRows * d);
  regions.trainY = f64(trainRows);
  regions.order = { ptr: arena.allocBytes(trainRows * 4), length: trainRows };
  regions.validX = f64(validRows * d);
  regions.validY = f64(validRows);
  regions.stageX = f64(B * d);
  regions.stageOut = f64(B);
  regions.stageGrad = f64(B * d);
  return { regions, plan, planLength };
}

function writePlan(
  table: Int32Array,
  layout: ParamLayout,
  capacity: number,
  regions: Record<string, Region>,
): void {
  const w = layout.widths;
  const L = w.length - 2;
  const params = regions.params.ptr;
  table[PLAN.hidden] = L;
  table[PLAN.activation] = ACTIVATION_CODES[layout.spec.activation];
  table[PLAN.capacity] = capacity;
  table[PLAN.params] = params;
  table[PLAN.grad] = regions.grad.ptr;
  table[PLAN.adamM] = regions.adamM.ptr;
  table[PLAN.adamV] = regions.adamV.ptr;
  table[PLAN.nParams] = layout.size;
  table[PLAN.scratch] = regions.scratch.ptr;
  table[PLAN.y] = regions.batchY.ptr;
  table[PLAN.f] = regions.f.ptr;
  table[PLAN.stats] = regions.stats.ptr;
  for (let j = 0; j <= L + 1; j++) {
    const base = PLAN.levels + j * LEVEL.stride;
    table[base + LEVEL.width] = w[j];
    if (j > L) break;
    table[base + LEVEL.hd] = regions[`level${j}`].ptr;
    table[base + LEVEL.v] = regions[`level${j}.v`].ptr;
    if (j > 0) {
      table[base + LEVEL.s] = regions[`level${j}.s`].ptr;
      table[base + LEVEL.t] = regions[`level${j}.t`].ptr;
      table[base + LEVEL.zu] = regions[`level${j}.zu`].ptr;
    }
    table[base + LEVEL.w] = params + 8 * layout.weightOffsets[j];
    if (j < L) table[base + LEVEL.wt] = regions[`level${j}.wt`].ptr;
    table[base + LEVEL.b] = params + 8 * layout.biasOffsets[j];
  }
}
