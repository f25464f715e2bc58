// Test R² of the GP engine on fixed train/test splits of real data sets: NAME.seedK.train.csv
// and NAME.seedK.test.csv with a header row and the target last. Each split is fitted exactly as
// the `sr` command fits it, by fitSr with the test file and seed K. It holds out 25% of the
// training rows for model selection and standardises features and target on the rest. R² is
// measured on the raw target of the test file. GP options are the defaults plus one worker
// thread, unless flags change them. Ordinary least squares on all training rows is the baseline.
// Run after `npm run build`:
//   node dist/bench/gp-splits.js <splits directory> [dataset ...] [--seeds 3] [--time S]
//     [--workers 1] [--population N] [--generations N] [--no-constants] [--set name=JSON ...]
import { join } from 'node:path';
import { InputError } from '../src/core/errors.js';
import { fitSr } from '../src/distill/sr.js';
import { loadCsv, r2Score, type Dataset } from '../src/data/index.js';
import type { SymbolicRegressionOptions } from '../src/gp/index.js';

/** gplearn's median test R² on these splits, and OLS's, from the published reference runs. */
const REFERENCE: Readonly<Record<string, { gplearn: number; ols: number }>> = {
  airfoil: { gplearn: -4.115, ols: 0.509 },
  concrete: { gplearn: 0.564, ols: 0.574 },
  energy_efficiency_heating: { gplearn: 0.825, ols: 0.901 },
  yacht_hydrodynamics: { gplearn: 0.99, ols: 0.631 },
  real_estate_valuation: { gplearn: 0.384, ols: 0.588 },
  auto_mpg: { gplearn: 0.684, ols: 0.83 },
  boston_housing: { gplearn: 0.671, ols: 0.781 },
  ccpp: { gplearn: 0.877, ols: 0.929 },
};

const DEFAULT_DATASETS = Object.keys(REFERENCE);

interface SplitResult {
  readonly r2: number;
  readonly length: number;
  readonly seconds: number;
  /** CPU seconds of this process during the fit (user + system). */
  readonly cpuSeconds: number;
  readonly generations: number;
  readonly olsR2: number;
  readonly formula: string;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Solves the symmetric positive semi-definite system A·w = g (m × m, row-major) by Gaussian
 * elimination with partial pivoting.
 */
function solve(A: Float64Array, g: Float64Array, m: number): Float64Array {
  const M = Array.from({ length: m }, (_, r) => [...A.subarray(r * m, (r + 1) * m), g[r]]);
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r;
    [M[col], M[pivot]] = [M[pivot], M[col]];
    for (let r = col + 1; r < m; r++) {
      const f = M[r][col] / M[col][col];
      for (let c = col; c <= m; c++) M[r][c] -= f * M[col][c];
    }
  }
  const w = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = M[r][m];
    for (let c = r + 1; c < m; c++) s -= M[r][c] * w[c];
    w[r] = s / M[r][r];
  }
  return w;
}

/** Test R² of ordinary least squares with an intercept, fitted on every training row. */
function olsTestR2(train: Dataset, test: Dataset): number {
  const m = train.nFeatures + 1;
  const row = (ds: Dataset, i: number): number[] => [
    1,
    ...ds.x.subarray(i * ds.nFeatures, (i + 1) * ds.nFeatures),
  ];
  const A = new Float64Array(m * m);
  const g = new Float64Array(m);
  for (let i = 0; i < train.nRows; i++) {
    const r = row(train, i);
    for (let p = 0; p < m; p++) {
      g[p] += r[p] * train.y[i];
      for (let q = 0; q < m; q++) A[p * m + q] += r[p] * r[q];
    }
  }
  const w = solve(A, g, m);
  const prediction = Array.from({ length: test.nRows }, (_, i) =>
    row(test, i).reduce((s, v, p) => s + v * w[p], 0),
  );
  return r2Score(test.y, prediction);
}

function runSplit(
  dir: string,
  dataset: string,
  seed: number,
  timeLimitSeconds: number | undefined,
  gp: Partial<SymbolicRegressionOptions>,
): SplitResult {
  const train = loadCsv(join(dir, `${dataset}.seed${seed}.train.csv`), { name: dataset });
  const test = loadCsv(join(dir, `${dataset}.seed${seed}.test.csv`), {
    name: dataset,
    minRows: 1,
    allowConstantFeatures: true,
  });
  const cpu0 = process.cpuUsage();
  const report = fitSr(train, { seed, test, timeLimitSeconds, gp });
  const cpu = process.cpuUsage(cpu0);
  return {
    r2: report.testR2,
    length: report.length,
    seconds: report.seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    generations: report.generations,
    olsR2: olsTestR2(train, test),
    formula: report.formula,
  };
}

function parseArgs(argv: string[]): {
  dir: string;
  datasets: string[];
  nSeeds: number;
  timeLimitSeconds: number | undefined;
  gp: Partial<SymbolicRegressionOptions>;
} {
  const args = [...argv];
  const flag = (name: string): number | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args.splice(at, 2)[1]) : undefined;
  };
  const nSeeds = flag('--seeds') ?? 3;
  const timeLimitSeconds = flag('--time');
  const gp: Partial<SymbolicRegressionOptions> = { workers: flag('--workers') ?? 1 };
  const populationSize = flag('--population');
  if (populationSize !== undefined) gp.populationSize = populationSize;
  const generations = flag('--generations');
  if (generations !== undefined) gp.generations = generations;
  // --set name=JSON sets any other option, e.g. --set maxTerms=4.
  for (let at = args.indexOf('--set'); at >= 0; at = args.indexOf('--set')) {
    const [name, value] = args.splice(at, 2)[1].split('=');
    (gp as Record<string, unknown>)[name] = JSON.parse(value);
  }
  const noConstants = args.indexOf('--no-constants');
  if (noConstants >= 0) {
    args.splice(noConstants, 1);
    gp.constantOptimisation = false;
  }
  const [dir, ...chosen] = args;
  if (dir === undefined) {
    throw new InputError(
      'gp-splits: missing splits directory; usage: node dist/bench/gp-splits.js SPLITS_DIR ' +
        '[dataset ...] [--seeds N] [--time S]',
    );
  }
  const datasets = chosen.length > 0 ? chosen : DEFAULT_DATASETS;
  return { dir, datasets, nSeeds, timeLimitSeconds, gp };
}

function main(): void {
  const { dir, datasets, nSeeds, timeLimitSeconds, gp } = parseArgs(process.argv.slice(2));
  const summary: string[] = [];
  const medians: { r2: number; length: number; seconds: number; cpuSeconds: number }[] = [];
  let beatsOls = 0;
  for (const dataset of datasets) {
    const runs: SplitResult[] = [];
    for (let seed = 0; seed < nSeeds; seed++) {
      const run = runSplit(dir, dataset, seed, timeLimitSeconds, gp);
      runs.push(run);
      console.log(
        `  ${dataset} seed ${seed}: R² ${run.r2.toFixed(3)}, OLS ${run.olsR2.toFixed(3)}, ` +
          `length ${run.length}, ${run.seconds.toFixed(1)} s (${run.cpuSeconds.toFixed(1)} s CPU), ` +
          `${run.generations} generations: ` +
          run.formula,
      );
    }
    const r2 = median(runs.map((run) => run.r2));
    const length = median(runs.map((run) => run.length));
    const seconds = median(runs.map((run) => run.seconds));
    const cpuSeconds = median(runs.map((run) => run.cpuSeconds));
    const ols = median(runs.map((run) => run.olsR2));
    const gplearn = REFERENCE[dataset]?.gplearn;
    medians.push({ r2, length, seconds, cpuSeconds });
    if (r2 > ols) beatsOls++;
    summary.push(
      `| ${dataset} | ${r2.toFixed(3)} | ${length} | ${seconds.toFixed(1)} | ` +
        `${cpuSeconds.toFixed(1)} | ${ols.toFixed(3)} | ` +
        `${gplearn === undefined ? '' : gplearn.toFixed(3)} |`,
    );
  }
  console.log(
    '\n| dataset | test R² | length | fit seconds | fit CPU seconds | OLS test R² | gplearn test R² |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const line of summary) console.log(line);
  console.log(
    `| median | ${median(medians.map((m) => m.r2)).toFixed(3)} | ` +
      `${median(medians.map((m) => m.length))} | ` +
      `${median(medians.map((m) => m.seconds)).toFixed(1)} | ` +
      `${median(medians.map((m) => m.cpuSeconds)).toFixed(1)} | | |`,
  );
  console.log(`\nBeats OLS on ${beatsOls} of ${datasets.length} data sets (medians over splits).`);
}

try {
  main();
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  console.error(err.message);
  process.exitCode = 2;
}
