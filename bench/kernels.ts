// Throughput of the numeric kernels: matmul GFLOP/s at 256 × 256 × 256 and GP evaluation in
// node·rows per second on random programs (10,000 rows, 8 features, 15–31 nodes).
// Run after `npm run build`: node dist/bench/kernels.js [seconds per measurement, default 1].
// Each figure is the best of repeated runs within the time budget, on one thread. GP figures
// depend strongly on the share of sin, cos, exp, log and tanh nodes, so two mixes are printed
// together with the cost of each primitive.
import { Rng } from '../src/core/rng.js';
import {
  Arena,
  GpOp,
  createWasmKernels,
  jsKernels,
  loadWasmInstance,
  relaxedSimdSupported,
} from '../src/kernels/index.js';
import type { GpProgramBatch, Kernels, WasmVariant } from '../src/kernels/index.js';
import { randomGpBatch } from '../src/kernels/js/random-programs.js';

const budgetSeconds = Number(process.argv[2] ?? 1);
if (!(budgetSeconds > 0)) {
  throw new RangeError(
    `bench/kernels: seconds per measurement must be positive, got ${process.argv[2]}`,
  );
}

/** Returns the shortest duration of fn in seconds over repeated runs within the budget. */
function bestSeconds(fn: () => void): number {
  fn();
  let best = Infinity;
  const end = performance.now() + budgetSeconds * 1000;
  let runs = 0;
  while (runs < 3 || performance.now() < end) {
    const start = performance.now();
    fn();
    best = Math.min(best, (performance.now() - start) / 1000);
    runs++;
  }
  return best;
}

function randomArray(rng: Rng, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal();
  return out;
}

const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/** Measures the matmul kernel alone, on buffers already in linear memory. */
function benchMatmulKernel(variant: WasmVariant, size: number): string[] {
  const instance = loadWasmInstance(variant);
  const arena = new Arena(instance);
  const rng = new Rng('bench-matmul');
  const elements = size * size;
  const a = arena.copyF64(randomArray(rng, elements));
  const b = arena.copyF64(randomArray(rng, elements));
  const c = arena.alloc(elements);
  const scratch = arena.alloc(instance.exports.matmulScratchLength(size, size, size));
  return TRANSPOSES.map(([transA, tB]) => {
    const ta = transA ? 1 : 0;
    const tb = tB ? 1 : 0;
    const run = () => instance.exports.matmul(a, b, c, size, size, size, ta, tb, scratch);
    const gflops = (2 * size ** 3) / bestSeconds(run) / 1e9;
    return `${transposeLabel(transA, tB)} ${gflops.toFixed(2)}`;
  });
}

/** Measures matmul through the Kernels interface, including the copies in and out. */
function benchMatmulApi(kernels: Kernels, size: number): string[] {
  const rng = new Rng('bench-matmul');
  const a = randomArray(rng, size * size);
  const b = randomArray(rng, size * size);
  const out = new Float64Array(size * size);
  return TRANSPOSES.map(([transA, transB]) => {
    const run = () => kernels.matmul(a, b, size, size, size, transA, transB, out);
    const gflops = (2 * size ** 3) / bestSeconds(run) / 1e9;
    return `${transposeLabel(transA, transB)} ${gflops.toFixed(2)}`;
  });
}

function transposeLabel(transA: boolean, transB: boolean): string {
  return `${transA ? 'aT' : 'a'}·${transB ? 'bT' : 'b'}`;
}

const GP_ROWS = 10_000;
const GP_FEATURES = 8;
const GP_PROGRAMS = 200;

function gpData(): Float64Array {
  const rng = new Rng('bench-gp-data');
  return randomArray(rng, GP_ROWS * GP_FEATURES);
}

/** Measures evaluate() of a whole batch, end to end, in node·rows per second. */
function benchGp(kernels: Kernels, x: Float64Array, batch: GpProgramBatch): number {
  const evaluator = kernels.createGpEvaluator(x, GP_ROWS, GP_FEATURES);
  const out = new Float64Array((batch.offsets.length - 1) * GP_ROWS);
  const seconds = bestSeconds(() => evaluator.evaluate(batch, out));
  evaluator.dispose();
  return (batch.ops.length * GP_ROWS) / seconds;
}

/** Measures nanoseconds per row of one primitive, from chains of 8 applications to a column. */
function benchPrimitive(kernels: Kernels, x: Float64Array, op: GpOp): number {
  const binary = op <= GpOp.Div;
  const programs: number[] = [];
  const args: number[] = [];
  const offsets = [0];
  for (let q = 0; q < 20; q++) {
    programs.push(GpOp.Var);
    args.push(q % GP_FEATURES);
    for (let step = 0; step < 8; step++) {
      if (binary) {
        programs.push(GpOp.Var, op);
        args.push((q + step + 1) % GP_FEATURES, 0);
      } else {
        programs.push(op);
        args.push(0);
      }
    }
    offsets.push(programs.length);
  }
  const batch: GpProgramBatch = {
    ops: Int32Array.from(programs),
    args: Int32Array.from(args),
    consts: new Float64Array(0),
    offsets: Int32Array.from(offsets),
  };
  const evaluator = kernels.createGpEvaluator(x, GP_ROWS, GP_FEATURES);
  const out = new Float64Array(20 * GP_ROWS);
  const seconds = bestSeconds(() => evaluator.evaluate(batch, out));
  evaluator.dispose();
  return (seconds * 1e9) / (20 * 8 * GP_ROWS);
}

function countOps(batch: GpProgramBatch): string {
  const counts = new Map<string, number>();
  for (const op of batch.ops) counts.set(GpOp[op], (counts.get(GpOp[op]) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${name} ${count}`).join(', ');
}

function main(): void {
  console.log(`kernels benchmark, best of repeated runs within ${budgetSeconds} s each`);
  console.log(`node ${process.version}, ${process.arch}`);

  console.log('\nmatmul 256 × 256 × 256, GFLOP/s');
  for (const variant of ['release', 'scalar'] as const) {
    console.log(`  ${variant} kernel: ${benchMatmulKernel(variant, 256).join(', ')}`);
  }
  const viaKernels = benchMatmulApi(createWasmKernels('release'), 256);
  console.log(`  release via Kernels: ${viaKernels.join(', ')}`);
  console.log(`  js reference: ${benchMatmulApi(jsKernels, 256).slice(0, 1).join(', ')}`);

  const x = gpData();
  const mixes: [string, GpProgramBatch][] = [
    [
      'every primitive, inner nodes binary with probability 0.6',
      randomGpBatch(new Rng('bench-gp-programs'), {
        nPrograms: GP_PROGRAMS,
        nFeatures: GP_FEATURES,
        minLength: 15,
        maxLength: 31,
      }),
    ],
    [
      'add sub mul div sin cos exp log sqrt, binary with probability 4/9',
      randomGpBatch(new Rng('bench-gp-programs'), {
        nPrograms: GP_PROGRAMS,
        nFeatures: GP_FEATURES,
        minLength: 15,
        maxLength: 31,
        binaryProbability: 4 / 9,
        unaryOps: [GpOp.Sin, GpOp.Cos, GpOp.Exp, GpOp.Log, GpOp.Sqrt],
      }),
    ],
  ];
  const backends: [string, Kernels][] = [
    ['release', createWasmKernels('release')],
    ['scalar', createWasmKernels('scalar')],
    ['js reference', jsKernels],
  ];
  for (const [label, batch] of mixes) {
    console.log(
      `\nGP evaluate, ${GP_PROGRAMS} random programs of 15–31 nodes ` +
        `(${batch.ops.length} in all), ${GP_ROWS} rows, ${GP_FEATURES} features, node·rows/s`,
    );
    console.log(`  primitives: ${label}`);
    console.log(`  node counts: ${countOps(batch)}`);
    for (const [name, kernels] of backends) {
      console.log(`  ${name}: ${(benchGp(kernels, x, batch) / 1e9).toFixed(3)}e9`);
    }
  }

  console.log('\nGP primitive cost, ns per row');
  const variants: WasmVariant[] = relaxedSimdSupported() ? ['relaxed', 'release'] : ['release'];
  for (const variant of variants) {
    const kernels = createWasmKernels(variant);
    const costs: string[] = [];
    for (let op = GpOp.Add; op <= GpOp.Tanh; op++) {
      costs.push(`${GpOp[op]} ${benchPrimitive(kernels, x, op).toFixed(2)}`);
    }
    console.log(`  ${variant}: ${costs.join(', ')}`);
  }
}

main();
