// Workload W1 (see bench/w1.ts) timed in CPU time of this process rather than wall time, so
// that versions of the WebAssembly step can be compared on a machine whose cores other
// processes also use. Each step is timed alone with process.cpuUsage (user + system µs), and
// the report gives the median over every timed step. Several checkouts of this repository load
// side by side, each with its own build/release.wasm and src/nn/fused-wasm.ts, and run in
// alternating rounds within one process, so slow phases of the machine hit every version
// alike. CPU time still grows when another process shares the core's caches, so compare
// versions only within one run.
// Run from the repository root after `npm run asbuild`:
//   node --import ./test/experiment-ts-register.mjs bench/w1-cpu.ts
//        [small|medium ...] [--rounds R] [label=path/to/checkout ...]
// With no label=path argument it times this checkout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { KernelExports, WasmInstance } from '../src/kernels/wasm-module.js';
import type { WasmFusedMlp, WasmMlpOptions } from '../src/nn/fused-wasm.js';
import type { ParamLayout } from '../src/nn/layout.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout } from '../src/nn/layout.js';
import { sumOfSinesData } from '../src/nn/synthetic.js';
import { W1_SIZES, type W1Size } from './w1.js';

const W1_LAMBDA = 0.1;
const W1_LEARNING_RATE = 1e-3;
const N_BATCHES = 4;
/** Timed steps per case in one round; about 0.1 s to 0.4 s per case. */
const STEPS_PER_ROUND: Record<W1Size, number> = { small: 120, medium: 8 };
/** Untimed steps per case before the first round. */
const WARMUP_STEPS: Record<W1Size, number> = { small: 200, medium: 6 };

/** A checkout to time: its root directory contains build/release.wasm and src/nn/fused-wasm.ts. */
export interface CpuBuild {
  readonly label: string;
  readonly root: string;
}

type MlpConstructor = new (
  instance: WasmInstance,
  layout: ParamLayout,
  opts: WasmMlpOptions,
) => WasmFusedMlp;

/** A checkout's compiled module path and its WasmFusedMlp class. */
interface LoadedBuild {
  readonly wasm: string;
  readonly Mlp: MlpConstructor;
}

async function loadBuild(build: CpuBuild): Promise<LoadedBuild> {
  const source = pathToFileURL(join(build.root, 'src/nn/fused-wasm.ts')).href;
  const module = (await import(source)) as { WasmFusedMlp: MlpConstructor };
  return { wasm: join(build.root, 'build/release.wasm'), Mlp: module.WasmFusedMlp };
}

export interface CpuResult {
  readonly label: string;
  readonly size: W1Size;
  readonly kind: 'plain' | 'regularised';
  /** Median CPU µs and wall µs per step, and the number of timed steps. */
  readonly cpuUs: number;
  readonly wallUs: number;
  readonly steps: number;
}

/** Instantiates the module at `path` with the imports that build/*.wasm expect. */
function instanceFromFile(path: string): WasmInstance {
  const module = new WebAssembly.Module(readFileSync(path));
  const abort = (_m: number, _f: number, line: number, column: number): never => {
    throw new Error(`${path}: WebAssembly kernel aborted at ${line}:${column}`);
  };
  const instance = new WebAssembly.Instance(module, { env: { abort } });
  const exports = instance.exports as unknown as KernelExports;
  return { variant: 'release', exports, memory: exports.memory };
}

function makeStep(
  build: LoadedBuild,
  size: W1Size,
  lambda: number,
  seed: number,
): (i: number) => void {
  const { nInputs, hidden, batch } = W1_SIZES[size];
  const spec = { nInputs, hidden: [hidden, hidden], activation: 'tanh' as const, nOutputs: 1 };
  const layout = paramLayout(spec);
  const data = sumOfSinesData(batch * N_BATCHES, nInputs, seed);
  const net = new build.Mlp(instanceFromFile(build.wasm), layout, {
    capacity: batch,
    lambda,
    adam: { learningRate: W1_LEARNING_RATE },
    trainRows: data.nRows,
  });
  net.params.set(initParams(layout, seed));
  net.setTrainingData(data.x, data.y, data.nRows);
  return (i) => net.trainStep((i % N_BATCHES) * batch, batch);
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Case {
  readonly label: string;
  readonly size: W1Size;
  readonly kind: 'plain' | 'regularised';
  readonly step: (i: number) => void;
  readonly cpu: Float64Array;
  readonly wall: Float64Array;
  counter: number;
}

/** Times `steps` steps of one case, appending each step's CPU and wall µs. */
function timeSteps(c: Case, steps: number): void {
  for (let s = 0; s < steps; s++) {
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    c.step(c.counter);
    const cpu = process.cpuUsage(cpu0);
    c.wall[c.counter] = (performance.now() - wall0) * 1000;
    c.cpu[c.counter] = cpu.user + cpu.system;
    c.counter++;
  }
}

/** Runs every size, kind and build in `rounds` alternating rounds; returns the medians. */
export async function runW1Cpu(
  builds: readonly CpuBuild[],
  sizes: readonly W1Size[],
  rounds: number,
  seed = 1,
): Promise<CpuResult[]> {
  const loaded = await Promise.all(builds.map(loadBuild));
  const cases: Case[] = [];
  for (const size of sizes) {
    for (const [kind, lambda] of [['plain', 0], ['regularised', W1_LAMBDA]] as const) {
      for (const [b, build] of builds.entries()) {
        const step = makeStep(loaded[b], size, lambda, seed);
        for (let i = 0; i < WARMUP_STEPS[size]; i++) step(i);
        const total = rounds * STEPS_PER_ROUND[size];
        const cpu = new Float64Array(total);
        const wall = new Float64Array(total);
        cases.push({ label: build.label, size, kind, step, cpu, wall, counter: 0 });
      }
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) timeSteps(c, STEPS_PER_ROUND[c.size]);
  }
  return cases.map((c) => ({
    label: c.label,
    size: c.size,
    kind: c.kind,
    cpuUs: median(c.cpu),
    wallUs: median(c.wall),
    steps: c.counter,
  }));
}

function parseArgs(args: readonly string[]) {
  const sizes: W1Size[] = [];
  const builds: CpuBuild[] = [];
  let rounds = 10;
  for (let a = 0; a < args.length; a++) {
    const arg = args[a];
    if (arg === 'small' || arg === 'medium') sizes.push(arg);
    else if (arg === '--rounds') rounds = Number(args[++a]);
    else if (arg.includes('=')) {
      const [label, root] = arg.split('=', 2);
      builds.push({ label, root });
    } else {
      throw new Error(`w1-cpu: expected small, medium, --rounds R or label=path, got ${arg}`);
    }
  }
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`w1-cpu: --rounds must be a positive integer, got ${rounds}`);
  }
  if (builds.length === 0) {
    builds.push({ label: 'this checkout', root: fileURLToPath(new URL('..', import.meta.url)) });
  }
  return { sizes: sizes.length > 0 ? sizes : (['small', 'medium'] as W1Size[]), builds, rounds };
}

async function main(): Promise<void> {
  const { sizes, builds, rounds } = parseArgs(process.argv.slice(2));
  const results = await runW1Cpu(builds, sizes, rounds);
  for (const size of sizes) {
    for (const build of builds) {
      const find = (kind: string) =>
        results.find((r) => r.size === size && r.label === build.label && r.kind === kind)!;
      const plain = find('plain');
      const reg = find('regularised');
      console.log(
        `W1 ${size} ${build.label}: plain ${plain.cpuUs.toFixed(0)} µs CPU ` +
          `(${plain.wallUs.toFixed(0)} wall), regularised ${reg.cpuUs.toFixed(0)} µs CPU ` +
          `(${reg.wallUs.toFixed(0)} wall), ratio ${(reg.cpuUs / plain.cpuUs).toFixed(2)}, ` +
          `${plain.steps} steps each`,
      );
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
