// The benchmark runner shared by `npm run bench` and `jacdistill bench`. It times the W1
// training steps, matmul and GP evaluation throughput, and optionally the random-projection
// estimator, all on one thread. The report records the machine and its load average.
import { cpus, loadavg, platform, arch } from 'node:os';
import {
  runGpSuite,
  runMatmulSuite,
  type GpResult,
  type KernelBackend,
  type MatmulResult,
} from './kernel-suites.js';
import { defaultVariant, type WasmVariant } from '../src/kernels/wasm-module.js';
import type { MeasureOptions } from './measure.js';
import { runW1, type W1Result } from './w1.js';
import { runW1Projection } from './w1-projection.js';
import { checkW2Dir, loadRunW2, runW2Gp, type RunW2 } from './w2-figure.js';

export { formatBenchTable } from './table.js';
export { checkW2Dir } from './w2-figure.js';
export type { GpResult, MatmulResult, W2Check } from './kernel-suites.js';

export interface BenchOptions {
  /** Smoke run: 0.05 s maxTime and few samples per case, so figures are rough. */
  quick?: boolean;
  /** Folder with the W2 workload files. When set, the GP figures come from W2 programs. */
  w2Dir?: string;
  /**
   * Also time the scalar WebAssembly build and the TypeScript reference for matmul and GP, and
   * the random-projection estimator against the exact Jacobian norm.
   */
  compare?: boolean;
  /** Receives progress lines. */
  log?: (line: string) => void;
}

export interface MachineInfo {
  /** os.cpus()[0].model. */
  cpuModel: string;
  /** Logical cores, os.cpus().length. */
  cores: number;
  nodeVersion: string;
  platform: string;
  arch: string;
  /** os.loadavg() when the run started: 1, 5 and 15 minute averages (all 0 on Windows). */
  loadAverage: number[];
}

export interface W1Row extends W1Result {
  /** regStepUs / plainStepUs. */
  ratio: number;
}

export interface ProjectionRow {
  /** Outputs m of the network; the exact norm takes m backward passes, the estimate one. */
  nOutputs: number;
  /** Median ms per evaluation of the exact penalty and its gradient with respect to the weights. */
  exactMs: number;
  /** The same with one random projection per example. */
  projectedMs: number;
  /** exactMs / projectedMs. */
  speedup: number;
}

export interface BenchReport {
  quick: boolean;
  /** ISO time at which the run started. */
  startedAt: string;
  machine: MachineInfo;
  /**
   * Benchmark.js maxTime of every case except the W2 passes, and minSamples of the matmul and
   * GP cases (the W1 and projection suites set their own).
   */
  settings: MeasureOptions;
  w1: W1Row[];
  /**
   * The WebAssembly build behind w1, matmulGflops and gpNodeRowsPerSec: relaxed where the
   * engine supports relaxed SIMD, else release.
   */
  wasmBuild: WasmVariant;
  /** GFLOP/s of that build's matmul at 256 × 256 × 256, median. */
  matmulGflops: number;
  /** Node·rows per second of that build's GP evaluator on 10,000 rows, median. */
  gpNodeRowsPerSec: number;
  /** Programs behind gpNodeRowsPerSec. */
  gpWorkload: 'W2' | 'random';
  matmul: MatmulResult[];
  gp: GpResult[];
  /** Present when compare is on. */
  projection?: ProjectionRow[];
}

const QUICK: Omit<MeasureOptions, 'log'> = { maxTime: 0.05, minSamples: 3 };
const FULL: Omit<MeasureOptions, 'log'> = { maxTime: 3, minSamples: 10 };
/** Backends timed only when compare is on. */
const SLOW_BACKENDS: KernelBackend[] = ['wasm-scalar', 'js'];
/** Output counts m of the projection benchmark. */
const PROJECTION_OUTPUTS = [1, 4, 16];

/** Reads the CPU model, core count, Node version and current load average. */
export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model ?? 'unknown',
    cores: cores.length,
    nodeVersion: process.version,
    platform: platform(),
    arch: arch(),
    loadAverage: loadavg(),
  };
}

/**
 * Runs every suite and returns the report. Throws before any timing when w2Dir lacks the W2
 * files (InputError) or the W2 runner cannot be loaded (Error). A W2 evaluator that fails the
 * sum check still gets its figures, with check.mismatches above 0 (see w2Failures).
 */
export async function runBenchmarks(options: BenchOptions = {}): Promise<BenchReport> {
  const quick = options.quick ?? false;
  const compare = options.compare ?? false;
  const log = options.log;
  let runW2: RunW2 | undefined;
  if (options.w2Dir !== undefined) {
    checkW2Dir(options.w2Dir);
    runW2 = await loadRunW2();
  }

  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const settings = quick ? QUICK : FULL;
  const measureOptions: MeasureOptions = { ...settings, log };
  const wasmBuild = defaultVariant();
  const fastest: KernelBackend = wasmBuild === 'relaxed' ? 'wasm-relaxed' : 'wasm-release';
  // The release build is timed beside the relaxed one, to show what fused multiply-adds gain.
  const backends: KernelBackend[] = [
    ...new Set<KernelBackend>([fastest, 'wasm-release', ...(compare ? SLOW_BACKENDS : [])]),
  ];

  log?.(`bench: W1 training steps (${quick ? 'quick' : 'full'} run)`);
  const w1 = runW1({ maxTime: settings.maxTime, log }).map((r) => ({
    ...r,
    ratio: r.regStepUs / r.plainStepUs,
  }));

  log?.('bench: matmul 256 × 256 × 256');
  const matmul = runMatmulSuite(backends, measureOptions);

  const gpWorkload = options.w2Dir === undefined ? 'random' : 'W2';
  log?.(`bench: GP evaluation on ${gpWorkload === 'W2' ? 'the W2 programs' : 'random programs'}`);
  const gp =
    options.w2Dir === undefined
      ? runGpSuite(backends, measureOptions)
      : await runW2Gp(options.w2Dir, backends, { quick, log, runW2 });

  let projection: ProjectionRow[] | undefined;
  if (compare) {
    log?.('bench: random-projection Jacobian estimator against the exact norm');
    projection = runW1Projection(PROJECTION_OUTPUTS, { maxTime: settings.maxTime, log }).map(
      (r) => ({ ...r, speedup: r.exactMs / r.projectedMs }),
    );
  }

  return {
    quick,
    startedAt,
    machine,
    settings,
    w1,
    wasmBuild,
    matmulGflops: figureOf(matmul, fastest, 'matmul').gflops,
    gpNodeRowsPerSec: figureOf(
      gp.filter((r) => r.rows === 10_000),
      fastest,
      'GP',
    ).nodeRowsPerSec,
    gpWorkload,
    matmul,
    gp,
    projection,
  };
}

function figureOf<T extends { backend: KernelBackend }>(
  results: readonly T[],
  backend: KernelBackend,
  suite: string,
): T {
  const result = results.find((r) => r.backend === backend);
  if (result === undefined) {
    throw new Error(`runBenchmarks: a ${backend} ${suite} result expected, got none`);
  }
  return result;
}

/** Returns one line per W2 result that failed the sum check, so none when all passed. */
export function w2Failures(report: BenchReport): string[] {
  return report.gp
    .filter((r) => r.check !== undefined && r.check.mismatches > 0)
    .map(
      (r) =>
        `W2 ${r.backend} on ${r.rows} rows: ${r.check?.mismatches} program sums differ from ` +
        'the reference, so its throughput is not valid',
    );
}
