// Training backends behind one interface. The loop in train.ts shuffles `order`, calls
// trainStep per minibatch and validationMse per epoch, and does not depend on where the
// numbers live. HostBackend drives batch passes whose buffers are JavaScript arrays (the fused
// TypeScript twin or the tape) with the JavaScript Adam. WasmFusedMlp implements the interface
// itself.
import type { LossTerms } from './fused-js.js';
import type { ParamLayout } from './layout.js';
import { Adam, type AdamOptions } from './optim.js';

export interface TrainingBackend {
  /** Row order of the training data; shuffle it in place between epochs. */
  readonly order: Int32Array;
  /** One Adam step on training rows order[start .. start + nRows). */
  trainStep(start: number, nRows: number): void;
  validationMse(): number;
  saveBest(): void;
  restoreBest(): void;
  predict(x: Float64Array, nRows: number): Float64Array;
  inputGradients(x: Float64Array, nRows: number): Float64Array;
  meanJacobianSq(x: Float64Array, nRows: number): number;
}

/** Batch passes over at most `capacity` rows with parameters and gradient in flat layout. */
export interface BatchPasses {
  readonly layout: ParamLayout;
  readonly capacity: number;
  readonly params: Float64Array;
  readonly grad: Float64Array;
  lossAndGradient(x: Float64Array, y: Float64Array, nRows: number, lambda: number): LossTerms;
  predictBatch(x: Float64Array, nRows: number, out: Float64Array): void;
  inputGradientsBatch(x: Float64Array, nRows: number, out: Float64Array): void;
}

export interface RowData {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly nRows: number;
}

export class HostBackend implements TrainingBackend {
  readonly order: Int32Array;
  private readonly passes: BatchPasses;
  private readonly adam: Adam;
  private readonly lambda: number;
  private readonly train: RowData;
  private readonly valid: RowData;
  private readonly best: Float64Array;
  private readonly batchX: Float64Array;
  private readonly batchY: Float64Array;

  constructor(
    passes: BatchPasses,
    train: RowData,
    valid: RowData,
    lambda: number,
    adam: AdamOptions,
  ) {
    this.passes = passes;
    this.train = train;
    this.valid = valid;
    this.lambda = lambda;
    this.adam = new Adam(passes.layout.size, adam);
    this.order = Int32Array.from({ length: train.nRows }, (_, b) => b);
    this.best = passes.params.slice();
    this.batchX = new Float64Array(passes.capacity * passes.layout.widths[0]);
    this.batchY = new Float64Array(passes.capacity);
  }

  trainStep(start: number, nRows: number): void {
    const d = this.passes.layout.widths[0];
    for (let b = 0; b < nRows; b++) {
      const row = this.order[start + b];
      this.batchX.set(this.train.x.subarray(row * d, (row + 1) * d), b * d);
      this.batchY[b] = this.train.y[row];
    }
    this.passes.lossAndGradient(this.batchX, this.batchY, nRows, this.lambda);
    this.adam.step(this.passes.params, this.passes.grad);
  }

  validationMse(): number {
    const f = this.predict(this.valid.x, this.valid.nRows);
    let sum = 0;
    for (let b = 0; b < f.length; b++) sum += (f[b] - this.valid.y[b]) ** 2;
    return sum / this.valid.nRows;
  }

  saveBest(): void {
    this.best.set(this.passes.params);
  }

  restoreBest(): void {
    this.passes.params.set(this.best);
  }

  predict(x: Float64Array, nRows: number): Float64Array {
    const out = new Float64Array(nRows);
    this.chunked(x, nRows, 1, out, (xs, n, o) => this.passes.predictBatch(xs, n, o));
    return out;
  }

  inputGradients(x: Float64Array, nRows: number): Float64Array {
    const d = this.passes.layout.widths[0];
    const out = new Float64Array(nRows * d);
    this.chunked(x, nRows, d, out, (xs, n, o) => this.passes.inputGradientsBatch(xs, n, o));
    return out;
  }

  meanJacobianSq(x: Float64Array, nRows: number): number {
    const g = this.inputGradients(x, nRows);
    let sum = 0;
    for (let p = 0; p < g.length; p++) sum += g[p] * g[p];
    return sum / nRows;
  }

  /** Runs `pass` on chunks of at most capacity rows; each row writes `width` outputs. */
  private chunked(
    x: Float64Array,
    nRows: number,
    width: number,
    out: Float64Array,
    pass: (x: Float64Array, nRows: number, out: Float64Array) => void,
  ): void {
    const d = this.passes.layout.widths[0];
    for (let start = 0; start < nRows; start += this.passes.capacity) {
      const count = Math.min(this.passes.capacity, nRows - start);
      const xs = x.subarray(start * d, (start + count) * d);
      pass(xs, count, out.subarray(start * width, (start + count) * width));
    }
  }
}
