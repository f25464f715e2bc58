// The Kernels interface over one WebAssembly instance. Each call copies its inputs into the
// instance's arena, runs the kernel, copies the result out and releases the arena to where it
// was, so calls leave no allocations behind. Each GP evaluator owns a separate instance, which
// keeps its data set resident until dispose().
import type {
  BinaryKernel,
  GpEvaluator,
  GpProgramBatch,
  Kernels,
  UnaryKernel,
} from './types.js';
import { jsKernels } from './js/index.js';
import { checkGpBatch } from './js/gp-program.js';
import {
  Arena,
  defaultVariant,
  loadWasmInstance,
  type KernelExports,
  type WasmInstance,
  type WasmVariant,
} from './wasm-module.js';

type UnaryExport = (x: number, y: number, len: number) => void;
type BinaryExport = (a: number, b: number, y: number, len: number) => void;

/**
 * Rows × programs per gpEvaluate call. The output buffer (512 KiB) stays in the L2 cache, so
 * copying each chunk out to JavaScript is about 5% faster on W2 than with an 8 MiB buffer.
 */
const GP_OUTPUT_CHUNK_VALUES = 1 << 16;

// Below these sizes a WebAssembly call costs more than the work (measured with Node 20: about
// 0.2 µs per elementwise call and 0.8 µs per matmul call). The kernels listed in
// EXACT_UNARY, and binary, backward, sumMiddle, transpose and matmul, return bit-identical
// results in the TypeScript reference, so small inputs run there when `smallInputsToJs` is on.
const SMALL_ELEMENTWISE = 32;
const SMALL_MATMUL_FLOPS = 512;
const EXACT_UNARY: ReadonlySet<UnaryKernel> = new Set(['neg', 'sqrt', 'relu', 'square']);

export interface WasmKernelsOptions {
  /**
   * Run small calls of the kernels whose results are bit-identical in both backends with the
   * TypeScript reference (default true). Tests of the WebAssembly kernels turn it off.
   */
  readonly smallInputsToJs?: boolean;
}

/** The WebAssembly backend, with its instance and arena exposed for tests and diagnostics. */
export interface WasmKernels extends Kernels {
  readonly instance: WasmInstance;
  readonly arena: Arena;
}

/** Creates the WebAssembly backend on a fresh instance of the given build. */
export function createWasmKernels(
  variant: WasmVariant = defaultVariant(),
  options: WasmKernelsOptions = {},
): WasmKernels {
  const routeSmall = options.smallInputsToJs ?? true;
  /** Returns true if a call of this size goes to the reference; checks out's length first. */
  const small = (op: string, len: number, out?: Float64Array, outLen = len): boolean => {
    if (!routeSmall || len >= SMALL_ELEMENTWISE) return false;
    if (out !== undefined) checkLength(op, 'out', out, outLen);
    return true;
  };
  const instance = loadWasmInstance(variant);
  const arena = new Arena(instance);
  const wasm = instance.exports;
  const unaryExports: Record<UnaryKernel, UnaryExport> = {
    neg: wasm.unaryNeg,
    exp: wasm.unaryExp,
    log: wasm.unaryLog,
    sqrt: wasm.unarySqrt,
    tanh: wasm.unaryTanh,
    relu: wasm.unaryRelu,
    softplus: wasm.unarySoftplus,
    sigmoid: wasm.unarySigmoid,
    square: wasm.unarySquare,
  };
  const binaryExports: Record<BinaryKernel, BinaryExport> = {
    add: wasm.binaryAdd,
    sub: wasm.binarySub,
    mul: wasm.binaryMul,
    div: wasm.binaryDiv,
  };

  /** Runs fn and then frees everything it allocated, also when it throws. */
  function scoped<T>(fn: () => T): T {
    const mark = arena.mark();
    try {
      return fn();
    } finally {
      arena.release(mark);
    }
  }

  /** Copies len values at ptr into out (allocated when missing) and returns it. */
  function copyOut(op: string, ptr: number, len: number, out?: Float64Array): Float64Array {
    const result = out ?? new Float64Array(len);
    checkLength(op, 'out', result, len);
    arena.readF64(ptr, len, result);
    return result;
  }

  function mapUnary(
    op: string,
    run: (x: number, y: number, len: number) => void,
    x: Float64Array,
    out?: Float64Array,
  ): Float64Array {
    return scoped(() => {
      const len = x.length;
      const xPtr = arena.copyF64(x);
      const yPtr = arena.alloc(len);
      run(xPtr, yPtr, len);
      return copyOut(op, yPtr, len, out);
    });
  }

  function mapBinary(
    op: string,
    run: BinaryExport,
    a: Float64Array,
    b: Float64Array,
    out?: Float64Array,
  ): Float64Array {
    if (a.length !== b.length) {
      throw new RangeError(
        `${op}: inputs must have equal lengths, got ${a.length} and ${b.length}`,
      );
    }
    return scoped(() => {
      const len = a.length;
      const aPtr = arena.copyF64(a);
      const bPtr = arena.copyF64(b);
      const yPtr = arena.alloc(len);
      run(aPtr, bPtr, yPtr, len);
      return copyOut(op, yPtr, len, out);
    });
  }

  return {
    name: 'wasm',
    instance,
    arena,

    matmul(a, b, m, k, n, transA = false, transB = false, out) {
      checkDims('matmul', { m, k, n });
      checkLength('matmul', 'a', a, m * k);
      checkLength('matmul', 'b', b, k * n);
      if (routeSmall && m * k * n < SMALL_MATMUL_FLOPS) {
        if (out !== undefined) checkLength('matmul', 'out', out, m * n);
        return jsKernels.matmul(a, b, m, k, n, transA, transB, out);
      }
      return scoped(() => {
        const aPtr = arena.copyF64(a.subarray(0, m * k));
        const bPtr = arena.copyF64(b.subarray(0, k * n));
        const cPtr = arena.alloc(m * n);
        const scratch = arena.alloc(wasm.matmulScratchLength(m, k, n));
        wasm.matmul(aPtr, bPtr, cPtr, m, k, n, transA ? 1 : 0, transB ? 1 : 0, scratch);
        return copyOut('matmul', cPtr, m * n, out);
      });
    },

    unary(op, x, out) {
      const run = unaryExports[op];
      if (run === undefined) throw new RangeError(`unary: unknown kernel '${op}'`);
      if (EXACT_UNARY.has(op) && small(op, x.length, out)) return jsKernels.unary(op, x, out);
      return mapUnary(op, run, x, out);
    },

    powScalar(x, p, out) {
      if ((p === 1 || p === 2) && small('powScalar', x.length, out)) {
        return jsKernels.powScalar(x, p, out);
      }
      return mapUnary('powScalar', (xPtr, yPtr, len) => wasm.powScalar(xPtr, yPtr, len, p), x, out);
    },

    binary(op, a, b, out) {
      const run = binaryExports[op];
      if (run === undefined) throw new RangeError(`binary: unknown kernel '${op}'`);
      if (a.length === b.length && small(op, a.length, out)) return jsKernels.binary(op, a, b, out);
      return mapBinary(op, run, a, b, out);
    },

    tanhBackward(y, dy, out) {
      if (y.length === dy.length && small('tanhBackward', y.length, out)) {
        return jsKernels.tanhBackward(y, dy, out);
      }
      return mapBinary('tanhBackward', wasm.tanhBackward, y, dy, out);
    },

    reluBackward(x, dy, out) {
      if (x.length === dy.length && small('reluBackward', x.length, out)) {
        return jsKernels.reluBackward(x, dy, out);
      }
      return mapBinary('reluBackward', wasm.reluBackward, x, dy, out);
    },

    sumMiddle(x, outer, mid, inner, out) {
      checkDims('sumMiddle', { outer, mid, inner });
      checkLength('sumMiddle', 'x', x, outer * mid * inner);
      if (small('sumMiddle', outer * mid * inner, out, outer * inner)) {
        return jsKernels.sumMiddle(x, outer, mid, inner, out);
      }
      return scoped(() => {
        const xPtr = arena.copyF64(x.subarray(0, outer * mid * inner));
        const yPtr = arena.alloc(outer * inner);
        wasm.sumMiddle(xPtr, yPtr, outer, mid, inner);
        return copyOut('sumMiddle', yPtr, outer * inner, out);
      });
    },

    transpose(x, m, n, out) {
      checkDims('transpose', { m, n });
      checkLength('transpose', 'x', x, m * n);
      if (small('transpose', m * n, out)) return jsKernels.transpose(x, m, n, out);
      return scoped(() => {
        const xPtr = arena.copyF64(x.subarray(0, m * n));
        const yPtr = arena.alloc(m * n);
        wasm.transpose(xPtr, yPtr, m, n);
        return copyOut('transpose', yPtr, m * n, out);
      });
    },

    createGpEvaluator(x, nRows, nFeatures) {
      return new WasmGpEvaluator(variant, x, nRows, nFeatures);
    },
  };
}

/** GP evaluator holding its data set in its own instance's memory until dispose(). */
class WasmGpEvaluator implements GpEvaluator {
  readonly nRows: number;
  readonly nFeatures: number;
  private wasm: KernelExports | null;
  private arena: Arena | null;
  private readonly dataPtr: number;

  constructor(variant: WasmVariant, x: Float64Array, nRows: number, nFeatures: number) {
    checkDims('createGpEvaluator', { nRows, nFeatures });
    checkLength('createGpEvaluator', 'x', x, nRows * nFeatures);
    this.nRows = nRows;
    this.nFeatures = nFeatures;
    const instance = loadWasmInstance(variant);
    this.wasm = instance.exports;
    this.arena = new Arena(instance);
    // Two extra zeros: the SIMD kernel reads rows in pairs, one past the last row.
    const size = nRows * nFeatures;
    this.dataPtr = this.arena.alloc(size + 2);
    this.arena.f64(this.dataPtr, size + 2).fill(0).set(x.subarray(0, size));
  }

  evaluate(batch: GpProgramBatch, out?: Float64Array): Float64Array {
    const wasm = this.wasm;
    const arena = this.arena;
    if (wasm === null || arena === null) {
      throw new Error('gp evaluate: evaluator was disposed, create a new one');
    }
    const maxDepth = checkGpBatch(batch, this.nFeatures);
    const nPrograms = batch.offsets.length - 1;
    const nRows = this.nRows;
    const result = out ?? new Float64Array(nPrograms * nRows);
    checkLength('gp evaluate', 'out', result, nPrograms * nRows);
    if (nPrograms === 0 || nRows === 0) return result;

    const mark = arena.mark();
    try {
      const ops = arena.copyI32(batch.ops);
      const args = arena.copyI32(batch.args);
      const consts = arena.copyF64(batch.consts, Math.max(1, batch.consts.length));
      const offsets = arena.copyI32(batch.offsets);
      const scratch = arena.alloc(wasm.gpScratchLength(maxDepth));
      const chunk = Math.max(1, Math.floor(GP_OUTPUT_CHUNK_VALUES / nRows));
      const outPtr = arena.alloc(Math.min(chunk, nPrograms) * nRows);
      for (let q0 = 0; q0 < nPrograms; q0 += chunk) {
        const count = Math.min(chunk, nPrograms - q0);
        const chunkOffsets = offsets + q0 * 4;
        wasm.gpEvaluate(
          this.dataPtr, nRows, ops, args, consts, chunkOffsets, count, outPtr, scratch, maxDepth,
        );
        result.set(arena.f64(outPtr, count * nRows), q0 * nRows);
      }
    } finally {
      arena.release(mark);
    }
    return result;
  }

  dispose(): void {
    this.arena?.reset();
    this.arena = null;
    this.wasm = null;
  }
}

function checkDims(op: string, dims: Record<string, number>): void {
  for (const [name, value] of Object.entries(dims)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${value}`);
    }
  }
}

function checkLength(op: string, name: string, array: Float64Array, needed: number): void {
  if (array.length < needed) {
    throw new RangeError(`${op}: ${name} must hold at least ${needed} values, got ${array.length}`);
  }
}
