// Workload W2: evaluation throughput of 500 fixed GP programs (10,629 nodes in all) over 8
// features on 1,000 and 10,000 rows. X[i][j] = 4 · u(8i + j) − 2, where u(n) is draw n of a
// counter-based splitmix64 stream with seed 3. One pass evaluates every program on all rows;
// work = Σ program length · rows. Each evaluator's per-program sums of finite outputs are checked
// against the reference sums shipped with the workload (relative tolerance 1e-9), then timed:
// the median of several samples after warm-up passes. A sample is one pass, or as many passes
// as fill about 50 ms, and records both wall-clock and process CPU time per pass: on a machine
// shared with other jobs the CPU time is the steadier of the two.
// Some programs take sin or cos of values near e^100, where one ulp of the argument changes the
// result completely, so no two exp implementations that differ by one ulp agree on their sums.
// A program counts as ill-conditioned when its sum moves by more than the tolerance once every
// primitive result is moved by one ulp. Those programs are counted apart and not checked.
// Run after `npm run build`: node dist/bench/w2.js <workload directory> [--passes 7]
//   [--evaluators relaxed,release,scalar,js]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createWasmKernels } from '../src/kernels/wasm.js';
import { relaxedSimdSupported } from '../src/kernels/wasm-module.js';
import { jsKernels } from '../src/kernels/js/index.js';
import { GpOp, type GpEvaluator, type GpProgramBatch } from '../src/kernels/types.js';

export type W2Evaluator = 'relaxed' | 'release' | 'scalar' | 'js';

export interface W2Options {
  /** Evaluators to time; default relaxed (where supported), release, scalar and js. */
  evaluators?: W2Evaluator[];
  /** Timed samples per case (the median is reported); default 7. */
  passes?: number;
  /** Untimed passes before timing; default 2. */
  warmupPasses?: number;
  log?: (line: string) => void;
}

export interface W2Result {
  evaluator: W2Evaluator;
  rows: number;
  /** Node·rows per second of the median pass. */
  nodeRowsPerSec: number;
  /** Median wall-clock seconds per pass. */
  secondsPerPass: number;
  /** Node·rows per second of process CPU time (user + system), median over the samples. */
  nodeRowsPerCpuSec: number;
  /** Timed samples behind each median. */
  passes: number;
  /** Largest relative difference between a well-conditioned program's sum and the reference. */
  maxRelativeError: number;
  /** Well-conditioned programs whose sum differs from the reference by more than 1e-9. */
  mismatches: number;
  /** Ill-conditioned programs, which are not checked (see illConditioned). */
  illConditioned: number;
}

/** Relative tolerance of the sum check. */
const SUM_TOLERANCE = 1e-9;
const N_FEATURES = 8;
const ROW_COUNTS = [1000, 10000];

const OPCODES: Readonly<Record<string, GpOp>> = {
  add: GpOp.Add,
  sub: GpOp.Sub,
  mul: GpOp.Mul,
  div: GpOp.Div,
  sin: GpOp.Sin,
  cos: GpOp.Cos,
  exp: GpOp.Exp,
  log: GpOp.Log,
  sqrt: GpOp.Sqrt,
};

interface Workload {
  readonly batch: GpProgramBatch;
  readonly totalNodes: number;
}

/** Parses the postfix token lists of the program file into one evaluator batch. */
export function loadW2Programs(dir: string): Workload {
  const file = JSON.parse(readFileSync(join(dir, 'w2_programs.json'), 'utf8')) as {
    programs: { postfix: (string | number)[] }[];
  };
  const ops: number[] = [];
  const args: number[] = [];
  const consts: number[] = [];
  const offsets = [0];
  for (const [q, program] of file.programs.entries()) {
    for (const token of program.postfix) {
      if (typeof token === 'number') {
        ops.push(GpOp.Const);
        args.push(consts.length);
        consts.push(token);
      } else if (/^X\d+$/.test(token)) {
        ops.push(GpOp.Var);
        args.push(Number(token.slice(1)));
      } else {
        const op = OPCODES[token];
        if (op === undefined) {
          throw new RangeError(
            `loadW2Programs: known token expected in program ${q}, got '${token}'`,
          );
        }
        ops.push(op);
        args.push(0);
      }
    }
    offsets.push(ops.length);
  }
  const batch: GpProgramBatch = {
    ops: Int32Array.from(ops),
    args: Int32Array.from(args),
    consts: Float64Array.from(consts),
    offsets: Int32Array.from(offsets),
  };
  return { batch, totalNodes: ops.length };
}

/**
 * Column-major W2 data x[j · nRows + i] = 4 · u(8i + j) − 2, with u(n) the splitmix64 draw
 * z = 3 + (n + 1) · 0x9E3779B97F4A7C15, then the two xor-shift-multiply rounds and a final
 * xor-shift, and u = (z >> 11) · 2^-53.
 */
export function w2Data(nRows: number): Float64Array {
  const mask = (1n << 64n) - 1n;
  const x = new Float64Array(nRows * N_FEATURES);
  for (let i = 0; i < nRows; i++) {
    for (let j = 0; j < N_FEATURES; j++) {
      const n = BigInt(N_FEATURES * i + j);
      let z = (3n + (n + 1n) * 0x9e3779b97f4a7c15n) & mask;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
      z ^= z >> 31n;
      x[j * nRows + i] = 4 * (Number(z >> 11n) * 2 ** -53) - 2;
    }
  }
  return x;
}

function loadReference(dir: string, nRows: number): number[] {
  const path = join(dir, `w2_reference_rows${nRows}.json`);
  const file = JSON.parse(readFileSync(path, 'utf8')) as {
    per_program_sum_of_finite_outputs: number[];
  };
  return file.per_program_sum_of_finite_outputs;
}

/** Per-program sums of the finite outputs of a pass (out has nRows values per program). */
function finiteSums(out: Float64Array, nPrograms: number, nRows: number): number[] {
  const sums = new Array<number>(nPrograms);
  for (let q = 0; q < nPrograms; q++) {
    let sum = 0;
    for (let i = q * nRows; i < (q + 1) * nRows; i++) if (Number.isFinite(out[i])) sum += out[i];
    sums[q] = sum;
  }
  return sums;
}

/** Scalar value of one primitive (the W2 protection rules). */
function applyOp(op: GpOp, a: number, b: number): number {
  switch (op) {
    case GpOp.Add:
      return a + b;
    case GpOp.Sub:
      return a - b;
    case GpOp.Mul:
      return a * b;
    case GpOp.Div:
      return Math.abs(b) > 0.001 ? a / b : 1;
    case GpOp.Sin:
      return Math.sin(a);
    case GpOp.Cos:
      return Math.cos(a);
    case GpOp.Exp:
      return Math.exp(Math.min(a, 100));
    case GpOp.Log:
      return Math.abs(a) > 0.001 ? Math.log(Math.abs(a)) : 0;
    default:
      return Math.sqrt(Math.abs(a));
  }
}

/**
 * Per-program sums of finite outputs when every primitive result is multiplied by `factor`,
 * evaluated row by row with a scalar stack.
 */
function perturbedSums(
  batch: GpProgramBatch,
  x: Float64Array,
  nRows: number,
  factor: number,
): number[] {
  const { ops, args, consts, offsets } = batch;
  const sums: number[] = [];
  const stack = new Float64Array(64);
  for (let q = 0; q + 1 < offsets.length; q++) {
    let sum = 0;
    for (let i = 0; i < nRows; i++) {
      let top = -1;
      for (let p = offsets[q]; p < offsets[q + 1]; p++) {
        const op = ops[p] as GpOp;
        if (op === GpOp.Const) {
          stack[++top] = consts[args[p]];
        } else if (op === GpOp.Var) {
          stack[++top] = x[args[p] * nRows + i];
        } else if (op <= GpOp.Div) {
          top--;
          stack[top] = applyOp(op, stack[top], stack[top + 1]) * factor;
        } else {
          stack[top] = applyOp(op, stack[top], 0) * factor;
        }
      }
      if (Number.isFinite(stack[0])) sum += stack[0];
    }
    sums.push(sum);
  }
  return sums;
}

function relativeError(value: number, reference: number): number {
  return Math.abs(value - reference) / Math.max(Math.abs(reference), Number.MIN_VALUE);
}

/**
 * Flags the programs whose sum moves by more than SUM_TOLERANCE when every primitive result is
 * moved by one ulp up, or by one ulp down.
 */
export function illConditioned(batch: GpProgramBatch, x: Float64Array, nRows: number): boolean[] {
  const exact = perturbedSums(batch, x, nRows, 1);
  const up = perturbedSums(batch, x, nRows, 1 + 2 ** -52);
  const down = perturbedSums(batch, x, nRows, 1 - 2 ** -53);
  return exact.map(
    (sum, q) =>
      !(relativeError(up[q], sum) <= SUM_TOLERANCE && relativeError(down[q], sum) <= SUM_TOLERANCE),
  );
}

function compareSums(
  sums: number[],
  reference: number[],
  skip: readonly boolean[],
): { maxError: number; bad: number } {
  let maxError = 0;
  let bad = 0;
  for (let q = 0; q < reference.length; q++) {
    if (skip[q]) continue;
    const error = relativeError(sums[q], reference[q]);
    if (!(error <= SUM_TOLERANCE)) bad++;
    if (!(error <= maxError)) maxError = error;
  }
  return { maxError, bad };
}

function createEvaluator(name: W2Evaluator, x: Float64Array, nRows: number): GpEvaluator {
  const kernels = name === 'js' ? jsKernels : createWasmKernels(name);
  return kernels.createGpEvaluator(x, nRows, N_FEATURES);
}

function median(values: number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Times one evaluator on one row count after checking its sums. */
function runCase(
  name: W2Evaluator,
  workload: Workload,
  data: Float64Array,
  nRows: number,
  reference: number[],
  skip: readonly boolean[],
  passes: number,
  warmupPasses: number,
): W2Result {
  const { batch, totalNodes } = workload;
  const nPrograms = batch.offsets.length - 1;
  const evaluator = createEvaluator(name, data, nRows);
  const out = new Float64Array(nPrograms * nRows);
  try {
    evaluator.evaluate(batch, out);
    const sums = finiteSums(out, nPrograms, nRows);
    const { maxError, bad } = compareSums(sums, reference, skip);
    for (let w = 0; w < warmupPasses; w++) evaluator.evaluate(batch, out);
    const t0 = performance.now();
    evaluator.evaluate(batch, out);
    const passesPerSample = Math.max(1, Math.ceil(0.05 / ((performance.now() - t0) / 1000)));
    const seconds: number[] = [];
    const cpuSeconds: number[] = [];
    for (let k = 0; k < passes; k++) {
      const wall0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (let r = 0; r < passesPerSample; r++) evaluator.evaluate(batch, out);
      const cpu = process.cpuUsage(cpu0);
      seconds.push((performance.now() - wall0) / 1000 / passesPerSample);
      cpuSeconds.push((cpu.user + cpu.system) / 1e6 / passesPerSample);
    }
    const secondsPerPass = median(seconds);
    const work = totalNodes * nRows;
    return {
      evaluator: name,
      rows: nRows,
      nodeRowsPerSec: work / secondsPerPass,
      secondsPerPass,
      nodeRowsPerCpuSec: work / median(cpuSeconds),
      passes,
      maxRelativeError: maxError,
      mismatches: bad,
      illConditioned: skip.filter(Boolean).length,
    };
  } finally {
    evaluator.dispose();
  }
}

/**
 * Checks and times W2 for every evaluator and row count. `dir` contains w2_programs.json and
 * w2_reference_rows{1000,10000}.json. Results with mismatches > 0 failed the sum check.
 */
export function runW2(dir: string, options: W2Options = {}): W2Result[] {
  const evaluators =
    options.evaluators ??
    ([...(relaxedSimdSupported() ? ['relaxed'] : []), 'release', 'scalar', 'js'] as W2Evaluator[]);
  const passes = options.passes ?? 7;
  const warmupPasses = options.warmupPasses ?? 2;
  if (!Number.isInteger(passes) || passes < 1) {
    throw new RangeError(`runW2: passes must be a positive integer, got ${passes}`);
  }
  const workload = loadW2Programs(dir);
  const results: W2Result[] = [];
  for (const nRows of ROW_COUNTS) {
    const reference = loadReference(dir, nRows);
    const nPrograms = workload.batch.offsets.length - 1;
    if (reference.length !== nPrograms) {
      throw new RangeError(
        `runW2: ${nPrograms} reference sums expected for ${nRows} rows, got ${reference.length}`,
      );
    }
    const data = w2Data(nRows);
    const skip = illConditioned(workload.batch, data, nRows);
    for (const name of evaluators) {
      const result = runCase(name, workload, data, nRows, reference, skip, passes, warmupPasses);
      options.log?.(formatResult(result));
      results.push(result);
    }
  }
  return results;
}

export function formatResult(r: W2Result): string {
  const verdict = r.mismatches === 0 ? 'sums match' : `${r.mismatches} sums differ`;
  const check = `${verdict} (${r.illConditioned} ill-conditioned programs not checked)`;
  return (
    `${r.evaluator.padEnd(7)} ${String(r.rows).padStart(6)} rows: ` +
    `${r.nodeRowsPerSec.toExponential(2)} node·rows/s (${r.nodeRowsPerCpuSec.toExponential(2)} per ` +
    `CPU second), ${(r.secondsPerPass * 1000).toFixed(2)} ms per pass (median of ${r.passes}), ` +
    `${check}, max relative error ${r.maxRelativeError.toExponential(1)}`
  );
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const passes = Number(flag('--passes') ?? 7);
  const evaluators = flag('--evaluators')?.split(',') as W2Evaluator[] | undefined;
  const [dir] = args;
  if (dir === undefined) throw new Error('w2: a workload directory expected, got none');
  const results = runW2(dir, { passes, evaluators, log: (line) => console.log(line) });
  if (results.some((r) => r.mismatches > 0)) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
