// Test R² of the GP engine on fixed train/test splits of real data sets (CSV files with a
// header row and the target last). Features and target are standardised on the training rows;
// the last quarter of the training rows is held out as validation data for model selection.
// Run after `npm run build`:
//   node dist/bench/gp-splits.js <splits directory> [dataset ...] [--seeds 3] [--time 20]
//     [--population 1000] [--no-constants]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fitSymbolicRegression,
  type RegressionData,
  type SymbolicRegressionOptions,
} from '../src/gp/index.js';

const DEFAULT_DATASETS = [
  'airfoil',
  'concrete',
  'energy_efficiency_heating',
  'yacht_hydrodynamics',
  'real_estate_valuation',
  'auto_mpg',
  'boston_housing',
  'ccpp',
];

interface Table {
  readonly names: string[];
  readonly rows: number[][];
}

function readTable(path: string): Table {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = lines[0].split(',');
  const rows = lines.slice(1).map((line) => line.split(',').map(Number));
  return { names, rows };
}

/** Column j of rows as an array. */
function column(rows: number[][], j: number): Float64Array {
  return Float64Array.from(rows, (row) => row[j]);
}

function meanAndScale(v: Float64Array): [number, number] {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return [mean, sd > 0 ? sd : 1];
}

function rSquared(y: Float64Array, prediction: Float64Array): number {
  const [mean] = meanAndScale(y);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i] - prediction[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

function median(values: number[]): number {
  const sorted = [...values].sort((p, q) => p - q);
  return sorted[Math.floor(sorted.length / 2)];
}

function runSplit(
  dir: string,
  dataset: string,
  seed: number,
  options: Partial<SymbolicRegressionOptions>,
): string[] {
  const train = readTable(join(dir, `${dataset}.seed${seed}.train.csv`));
  const test = readTable(join(dir, `${dataset}.seed${seed}.test.csv`));
  const nFeatures = train.names.length - 1;
  const features = Array.from({ length: nFeatures }, (_, j) => column(train.rows, j));
  const xMaps = features.map(meanAndScale);
  const [yShift, yScale] = meanAndScale(column(train.rows, nFeatures));
  const standardise = (rows: number[][]): RegressionData => ({
    columns: xMaps.map(([m, s], j) => column(rows, j).map((v) => (v - m) / s)),
    y: column(rows, nFeatures).map((v) => (v - yShift) / yScale),
  });

  const nFit = Math.floor(0.75 * train.rows.length);
  const model = fitSymbolicRegression(
    standardise(train.rows.slice(0, nFit)),
    standardise(train.rows.slice(nFit)),
    { ...options, seed },
  );
  const testData = standardise(test.rows);
  const prediction = model.predict(testData.columns).map((v) => yShift + yScale * v);
  const r2 = rSquared(column(test.rows, nFeatures), prediction);
  const formula = model.toInfix({
    featureNames: train.names.slice(0, nFeatures),
    xShift: xMaps.map(([m]) => m),
    xScale: xMaps.map(([, s]) => s),
    yShift,
    yScale,
  });
  return [
    r2.toFixed(3),
    String(model.length),
    model.seconds.toFixed(1),
    String(model.generations),
    formula,
  ];
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number): number => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
  };
  const nSeeds = flag('--seeds', 3);
  const timeLimit = flag('--time', 20);
  const noConstants = args.indexOf('--no-constants');
  if (noConstants >= 0) args.splice(noConstants, 1);
  const populationSize = flag('--population', 1000);
  const options: Partial<SymbolicRegressionOptions> = {
    timeLimitSeconds: timeLimit,
    populationSize,
  };
  if (noConstants >= 0) options.constantOptimisation = false;
  const [dir, ...chosen] = args;
  if (dir === undefined) throw new Error('gp-splits: a splits directory expected, got none');
  const datasets = chosen.length > 0 ? chosen : DEFAULT_DATASETS;

  console.log('dataset | median test R² | median length | median seconds');
  for (const dataset of datasets) {
    const runs = Array.from({ length: nSeeds }, (_, seed) => runSplit(dir, dataset, seed, options));
    for (const [k, run] of runs.entries())
      console.log(`  ${dataset} seed ${k}: ${run.join(' | ')}`);
    const med = (i: number): number => median(runs.map((run) => Number(run[i])));
    console.log(`${dataset} | ${med(0).toFixed(3)} | ${med(1)} | ${med(2).toFixed(1)}`);
  }
}

main();
