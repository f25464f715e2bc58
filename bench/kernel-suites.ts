// Kernel throughput suites on Benchmark.js. Matmul: c = a · b at 256 × 256 × 256 in f64, in
// GFLOP/s (2 · 256³ flops per call), for the WebAssembly kernel called directly on buffers
// already in its linear memory and for the TypeScript reference. GP evaluation: one call
// evaluates 500 random postfix programs of 15–31 nodes on 10,000 rows × 8 features, in
// node·rows per second, including the copy of the programs into the evaluator.
// NOTE: uniform random trees are not the programs evolution produces, and throughput depends
// on the share of sin, cos, exp and log nodes, so this figure and the W2 one differ.
import { Rng } from '../src/core/rng.js';
import { jsKernels } from '../src/kernels/js/index.js';
import { randomGpBatch } from '../src/kernels/js/random-programs.js';
import { GpOp, type GpProgramBatch, type Kernels } from '../src/kernels/types.js';
import { createWasmKernels } from '../src/kernels/wasm.js';
import { Arena, loadWasmInstance, type WasmVariant } from '../src/kernels/wasm-module.js';
import { measure, type MeasureOptions } from './measure.js';

/**
 * A kernel implementation: the relaxed-SIMD WebAssembly build, the SIMD build, the scalar
 * build, or the reference.
 */
export type KernelBackend = 'wasm-relaxed' | 'wasm-release' | 'wasm-scalar' | 'js';

/** Returns the WebAssembly build of a backend other than js. */
export function wasmVariantOf(backend: Exclude<KernelBackend, 'js'>): WasmVariant {
  if (backend === 'wasm-relaxed') return 'relaxed';
  if (backend === 'wasm-release') return 'release';
  return 'scalar';
}

export const MATMUL_SIZE = 256;

export interface MatmulResult {
  backend: KernelBackend;
  /** m = k = n. */
  size: number;
  medianUs: number;
  gflops: number;
  samples: number;
}

export const GP_ROWS = 10_000;
export const GP_FEATURES = 8;
export const GP_PROGRAMS = 500;

/** Outcome of the W2 check of per-program sums against the workload's reference sums. */
export interface W2Check {
  /** Well-conditioned programs whose sum differs from the reference, so 0 when the check passed. */
  mismatches: number;
  /** Programs too sensitive to rounding to check, which are skipped. */
  illConditioned: number;
  maxRelativeError: number;
}

export interface GpResult {
  /** Programs: 'random' for those of randomGpWorkload, 'W2' for the fixed ones of the W2 files. */
  workload: 'random' | 'W2';
  backend: KernelBackend;
  rows: number;
  features: number;
  /** Median µs per evaluation of every program on every row. */
  medianUs: number;
  nodeRowsPerSec: number;
  /** Number of timings behind the median: Benchmark.js cycles, or W2 passes. */
  samples: number;
  /** Present for W2 only. */
  check?: W2Check;
}

/** Returns length draws from the standard normal distribution. */
function normalArray(rng: Rng, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal();
  return out;
}

/** Builds the call that multiplies two fixed random 256 × 256 matrices with one backend. */
function matmulCall(backend: KernelBackend, a: Float64Array, b: Float64Array): () => void {
  const n = MATMUL_SIZE;
  if (backend === 'js') {
    const out = new Float64Array(n * n);
    return () => jsKernels.matmul(a, b, n, n, n, false, false, out);
  }
  const instance = loadWasmInstance(wasmVariantOf(backend));
  const arena = new Arena(instance);
  const aPtr = arena.copyF64(a);
  const bPtr = arena.copyF64(b);
  const cPtr = arena.alloc(n * n);
  const scratch = arena.alloc(instance.exports.matmulScratchLength(n, n, n));
  return () => instance.exports.matmul(aPtr, bPtr, cPtr, n, n, n, 0, 0, scratch);
}

/** Times matmul at 256 × 256 × 256 for each backend. */
export function runMatmulSuite(
  backends: readonly KernelBackend[],
  options: MeasureOptions,
): MatmulResult[] {
  const rng = new Rng('bench-matmul');
  const a = normalArray(rng, MATMUL_SIZE * MATMUL_SIZE);
  const b = normalArray(rng, MATMUL_SIZE * MATMUL_SIZE);
  const cases = backends.map((backend) => ({
    name: `matmul ${MATMUL_SIZE}³ ${backend}`,
    fn: matmulCall(backend, a, b),
  }));
  const flops = 2 * MATMUL_SIZE ** 3;
  return measure('matmul', cases, options).map((m, i) => ({
    backend: backends[i],
    size: MATMUL_SIZE,
    medianUs: m.medianSeconds * 1e6,
    gflops: flops / m.medianSeconds / 1e9,
    samples: m.samples,
  }));
}

/**
 * Builds the random GP workload: programs over the function set add, sub, mul, div, sin, cos,
 * exp, log, sqrt, with inner nodes binary with probability 4/9 (four of the nine primitives
 * are binary), and column-major data uniform in [−2, 2).
 */
export function randomGpWorkload(): { batch: GpProgramBatch; x: Float64Array } {
  const batch = randomGpBatch(new Rng('bench-gp-programs'), {
    nPrograms: GP_PROGRAMS,
    nFeatures: GP_FEATURES,
    minLength: 15,
    maxLength: 31,
    binaryProbability: 4 / 9,
    unaryOps: [GpOp.Sin, GpOp.Cos, GpOp.Exp, GpOp.Log, GpOp.Sqrt],
  });
  const rng = new Rng('bench-gp-data');
  const x = new Float64Array(GP_ROWS * GP_FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = 4 * rng.uniform() - 2;
  return { batch, x };
}

function kernelsFor(backend: KernelBackend): Kernels {
  if (backend === 'js') return jsKernels;
  return createWasmKernels(wasmVariantOf(backend));
}

/** Times the GP evaluator of each backend on the random workload. */
export function runGpSuite(
  backends: readonly KernelBackend[],
  options: MeasureOptions,
): GpResult[] {
  const { batch, x } = randomGpWorkload();
  const programs = batch.offsets.length - 1;
  const nodes = batch.ops.length;
  const evaluators = backends.map((backend) =>
    kernelsFor(backend).createGpEvaluator(x, GP_ROWS, GP_FEATURES),
  );
  try {
    const cases = backends.map((backend, i) => {
      const out = new Float64Array(programs * GP_ROWS);
      return {
        name: `gp ${GP_ROWS} rows ${backend}`,
        fn: () => void evaluators[i].evaluate(batch, out),
      };
    });
    return measure('gp', cases, options).map((m, i) => ({
      workload: 'random' as const,
      backend: backends[i],
      rows: GP_ROWS,
      features: GP_FEATURES,
      medianUs: m.medianSeconds * 1e6,
      nodeRowsPerSec: (nodes * GP_ROWS) / m.medianSeconds,
      samples: m.samples,
    }));
  } finally {
    for (const evaluator of evaluators) evaluator.dispose();
  }
}
