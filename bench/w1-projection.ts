// Cost of the input-Jacobian penalty of a vector-output MLP on the autodiff tape. The exact
// mean_b ‖J_b‖²_F takes one backward pass per output, the random-projection estimate one per
// projection. Each is followed by its gradient with respect to every weight (double backprop).
// Network: d 8 inputs, two tanh layers of 64, m linear outputs, batch 256, f64, inputs
// standard normal. Reported: median ms per evaluation of penalty and gradient.
// Run after `npm run build`: node dist/bench/w1-projection.js [m ...]
import { pathToFileURL } from 'node:url';
import Benchmark from 'benchmark';
import { gradients, tensor, type Tensor } from '../src/autodiff/index.js';
import { Rng } from '../src/core/rng.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout } from '../src/nn/layout.js';
import { Mlp } from '../src/nn/mlp.js';
import { exactJacobianNormSq, projectedJacobianNormSq } from '../src/nn/projection.js';

const N_INPUTS = 8;
const HIDDEN = [64, 64];
const BATCH = 256;

export interface ProjectionBenchResult {
  nOutputs: number;
  /** Median ms per evaluation of the exact norm and its weight gradient. */
  exactMs: number;
  /** The same with one random projection per example. */
  projectedMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function setup(nOutputs: number, seed: number): { model: Mlp; x: Tensor; rng: Rng } {
  const layout = paramLayout({ nInputs: N_INPUTS, hidden: HIDDEN, activation: 'tanh', nOutputs });
  const rng = new Rng(seed);
  const x = new Float64Array(BATCH * N_INPUTS);
  for (let p = 0; p < x.length; p++) x[p] = rng.normal();
  return {
    model: new Mlp(layout, initParams(layout, seed)),
    x: tensor(x, [BATCH, N_INPUTS]),
    rng,
  };
}

/** Times both penalties for each output count with Benchmark.js. */
export function runW1Projection(
  outputCounts: number[] = [1, 4, 16],
  opts: { maxTime?: number; log?: (line: string) => void } = {},
): ProjectionBenchResult[] {
  const suite = new Benchmark.Suite('W1 projection');
  for (const m of outputCounts) {
    const { model, x, rng } = setup(m, 1);
    const params = model.parameters();
    suite.add(`m ${m} exact`, () => {
      gradients(exactJacobianNormSq(model, x, { createGraph: true }), params);
    }, { maxTime: opts.maxTime ?? 2, minSamples: 5 });
    suite.add(`m ${m} projected`, () => {
      gradients(projectedJacobianNormSq(model, x, rng, 1, { createGraph: true }), params);
    }, { maxTime: opts.maxTime ?? 2, minSamples: 5 });
  }
  suite.on('cycle', (event: Benchmark.Event) => {
    opts.log?.(`w1-projection: ${String(event.target)}`);
  });
  suite.run({ async: false });

  const benches = Array.from(suite as unknown as ArrayLike<Benchmark>);
  const ms = (name: string) => {
    const bench = benches.find((b) => b.name === name);
    if (bench === undefined) throw new Error(`runW1Projection: no result for ${name}`);
    return median(bench.stats.sample) * 1e3;
  };
  return outputCounts.map((m) => ({
    nOutputs: m,
    exactMs: ms(`m ${m} exact`),
    projectedMs: ms(`m ${m} projected`),
  }));
}

function main(): void {
  const counts = process.argv.slice(2).map(Number).filter((m) => Number.isInteger(m) && m > 0);
  const results = runW1Projection(counts.length > 0 ? counts : undefined, { log: console.log });
  for (const r of results) {
    console.log(
      `m ${r.nOutputs}: exact ${r.exactMs.toFixed(1)} ms, one projection ` +
        `${r.projectedMs.toFixed(1)} ms, ratio ${(r.exactMs / r.projectedMs).toFixed(2)}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
