// Rates of the MLP step's matrix products (mlpGemm, assembly/mlp-gemm.ts) on the shapes of
// workload W1 (see bench/w1.ts), in GMAC/s of CPU time: the median over rounds of
// multiply-adds divided by process.cpuUsage time. A plain product packs b into panels first,
// as the step does once per pass for each weight matrix; a transposed one packs both operands.
// Run from the repository root after `npm run asbuild`:
//   node --import ./test/experiment-ts-register.mjs bench/w1-gemm.ts
import { pathToFileURL } from 'node:url';
import { Arena, loadWasmInstance } from '../src/kernels/wasm-module.js';
import { Rng } from '../src/core/rng.js';

/** name, m, k, n, transA: c [m, n] = a [m, k] · b [k, n], or aᵀ · b with a stored [k, m]. */
const SHAPES: [string, number, number, number, boolean][] = [
  ['small x · W0', 256, 8, 64, false],
  ['small h · W1', 256, 64, 64, false],
  ['small u · W0ᵀ', 256, 64, 8, false],
  ['small dW1', 64, 512, 64, true],
  ['small dW0', 8, 512, 64, true],
  ['medium x · W0', 1024, 16, 256, false],
  ['medium h · W1', 1024, 256, 256, false],
  ['medium u · W0ᵀ', 1024, 256, 16, false],
  ['medium dW1', 256, 2048, 256, true],
  ['medium dW0', 16, 2048, 256, true],
];

const ROUNDS = 7;
/** Multiply-adds per timed round, about 20 ms. */
const MACS_PER_ROUND = 2e8;

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Returns the median GMAC/s of mlpGemm on one shape. */
export function gemmRate(m: number, k: number, n: number, transA: boolean): number {
  const instance = loadWasmInstance();
  const ex = instance.exports;
  const arena = new Arena(instance);
  const rng = new Rng(m * 7 + k * 3 + n);
  const random = (length: number) => Float64Array.from({ length }, () => rng.normal());
  const a = arena.copyF64(random(m * k));
  const b = arena.copyF64(random(k * n));
  const c = arena.alloc(m * n);
  const flag = transA ? 1 : 0;
  const scratch = arena.alloc(ex.mlpGemmScratchLength(m, k, n, flag));
  const reps = Math.max(1, Math.round(MACS_PER_ROUND / (m * k * n)));
  const run = () => {
    for (let r = 0; r < reps; r++) ex.mlpGemm(a, b, c, m, k, n, flag, scratch);
  };
  run();
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = cpuMicros();
    run();
    rates.push((m * k * n * reps) / (cpuMicros() - start) / 1e3);
  }
  rates.sort((x, y) => x - y);
  return rates[ROUNDS >> 1];
}

function main(): void {
  for (const [name, m, k, n, transA] of SHAPES) {
    const shape = `${m} x ${k} x ${n}${transA ? ', a transposed' : ''}`;
    const rate = gemmRate(m, k, n, transA);
    console.log(`${name.padEnd(16)} ${shape.padEnd(30)} ${rate.toFixed(2)} GMAC/s`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
