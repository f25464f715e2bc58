// Workload W1: one Jacobian-regularised training step of an MLP with d inputs, two hidden tanh
// layers of width h and a linear scalar output, in f64, on one thread. Plain step: forward,
// MSE, backward to every weight, Adam (lr 1e-3). Regularised step: the same with
// loss = MSE + 0.1 · mean_b ‖∂f(x_b)/∂x_b‖², exact by double backprop (the fused WebAssembly
// pass). Sizes: small d 8, h 64, batch 256; medium d 16, h 256, batch 1024. Inputs standard
// normal, target Σ_j sin(x_j). Reported: median µs per step over Benchmark.js samples, each
// sample being the mean of a cycle of steps after Benchmark.js's own warm-up.
// Run after `npm run build`: node dist/bench/w1.js [small|medium ...]
import { pathToFileURL } from 'node:url';
import Benchmark from 'benchmark';
import { loadWasmInstance } from '../src/kernels/wasm-module.js';
import { getKernels } from '../src/kernels/index.js';
import { HostBackend } from '../src/nn/backend.js';
import { JsFusedMlp } from '../src/nn/fused-js.js';
import { WasmFusedMlp } from '../src/nn/fused-wasm.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout } from '../src/nn/layout.js';
import { sumOfSinesData } from '../src/nn/synthetic.js';

export type W1Size = 'small' | 'medium';

export const W1_SIZES: Record<W1Size, { nInputs: number; hidden: number; batch: number }> = {
  small: { nInputs: 8, hidden: 64, batch: 256 },
  medium: { nInputs: 16, hidden: 256, batch: 1024 },
};

/** Penalty weight of the regularised step. */
const W1_LAMBDA = 0.1;
const W1_LEARNING_RATE = 1e-3;
/** Distinct batches cycled through, so consecutive steps see different rows. */
const N_BATCHES = 4;

export interface W1Options {
  /** Sizes to run; default both. */
  sizes?: W1Size[];
  /** 'wasm' (default) or 'js' (the TypeScript twin, much slower). */
  backend?: 'wasm' | 'js';
  /** Benchmark.js maxTime per case in seconds; default 3. */
  maxTime?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface W1Result {
  size: W1Size;
  nInputs: number;
  hidden: number;
  batch: number;
  /** Median µs per step. */
  plainStepUs: number;
  regStepUs: number;
  /** Number of Benchmark.js samples behind each median. */
  plainSamples: number;
  regSamples: number;
}

/** Something that runs one full training step (batch selection, pass, Adam). */
type StepRunner = (batchIndex: number) => void;

function makeStep(size: W1Size, lambda: number, backend: 'wasm' | 'js', seed: number): StepRunner {
  const { nInputs, hidden, batch } = W1_SIZES[size];
  const spec = { nInputs, hidden: [hidden, hidden], activation: 'tanh' as const, nOutputs: 1 };
  const layout = paramLayout(spec);
  const data = sumOfSinesData(batch * N_BATCHES, nInputs, seed);
  const adam = { learningRate: W1_LEARNING_RATE };
  if (backend === 'wasm') {
    const net = new WasmFusedMlp(loadWasmInstance(), layout, {
      capacity: batch,
      lambda,
      adam,
      trainRows: data.nRows,
    });
    net.params.set(initParams(layout, seed));
    net.setTrainingData(data.x, data.y, data.nRows);
    return (i) => net.trainStep((i % N_BATCHES) * batch, batch);
  }
  const passes = new JsFusedMlp(layout, batch, getKernels());
  passes.params.set(initParams(layout, seed));
  const host = new HostBackend(passes, data, data, lambda, adam);
  return (i) => host.trainStep((i % N_BATCHES) * batch, batch);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs W1 with Benchmark.js and returns the median step times per size. */
export function runW1(opts: W1Options = {}): W1Result[] {
  const sizes = opts.sizes ?? ['small', 'medium'];
  const backend = opts.backend ?? 'wasm';
  const seed = opts.seed ?? 1;
  const maxTime = opts.maxTime ?? 3;
  const suite = new Benchmark.Suite('W1');
  for (const size of sizes) {
    for (const [kind, lambda] of [
      ['plain', 0],
      ['regularised', W1_LAMBDA],
    ] as const) {
      const step = makeStep(size, lambda, backend, seed);
      let counter = 0;
      suite.add(`${size} ${kind}`, () => step(counter++), { maxTime, minSamples: 10 });
    }
  }
  suite.on('cycle', (event: Benchmark.Event) => opts.log?.(`w1: ${String(event.target)}`));
  suite.run({ async: false });

  const medianUs = (name: string) => {
    // A Suite is array-like over its benchmarks.
    const bench = Array.from(suite as unknown as ArrayLike<Benchmark>).find((b) => b.name === name);
    if (bench === undefined) throw new Error(`runW1: no result for ${name}`);
    return { us: median(bench.stats.sample) * 1e6, samples: bench.stats.sample.length };
  };
  return sizes.map((size) => {
    const plain = medianUs(`${size} plain`);
    const reg = medianUs(`${size} regularised`);
    return {
      size,
      ...W1_SIZES[size],
      plainStepUs: plain.us,
      regStepUs: reg.us,
      plainSamples: plain.samples,
      regSamples: reg.samples,
    };
  });
}

function main(): void {
  const args = process.argv.slice(2);
  const sizes = args.filter((a): a is W1Size => a === 'small' || a === 'medium');
  const results = runW1({ sizes: sizes.length > 0 ? sizes : undefined, log: console.log });
  for (const r of results) {
    console.log(
      `W1 ${r.size} (d ${r.nInputs}, h ${r.hidden}, batch ${r.batch}): plain ` +
        `${r.plainStepUs.toFixed(0)} µs, regularised ${r.regStepUs.toFixed(0)} µs, ratio ` +
        `${(r.regStepUs / r.plainStepUs).toFixed(2)}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
