// Symbolic regression straight on the data, without a teacher: the baseline that distillation
// is compared with. The split and the standardisation are those of the distillation pipeline,
// so the same data and seed give the same training, validation and test rows.
import { deriveSeed, Rng } from '../core/rng.js';
import { countOf, MAX_FIT_ROWS, splitParts, unitMaps } from './pipeline.js';
import {
  r2Score,
  selectRows,
  Standardizer,
  toColumns,
  type Dataset,
} from '../data/index.js';
import {
  fitSymbolicRegression,
  type GenerationStats,
  type StopReason,
  type SymbolicRegressionModel,
  type SymbolicRegressionOptions,
} from '../gp/index.js';

/**
 * Maximum number of training rows the GP is fitted on. The distilled student has the same cap,
 * but its rows include noisy copies of the training rows, so it is fitted on fewer real rows.
 */
export const SR_MAX_ROWS = MAX_FIT_ROWS;

export interface SrOptions {
  seed: number;
  /** A fixed test set; without it the data is split 60/20/20 by the seed. */
  test?: Dataset;
  /** Wall-clock budget of the GP; it stops after the first generation that ends past it. */
  timeLimitSeconds?: number;
  /** Maximum number of training rows given to the GP (a seeded sample); default SR_MAX_ROWS. */
  maxRows?: number;
  /** Further GP options, such as population size, generations or worker threads. */
  gp?: Partial<Omit<SymbolicRegressionOptions, 'seed' | 'timeLimitSeconds' | 'onGeneration'>>;
  /** Receives progress lines: the split, then about one line per second of the GP. */
  log?: (line: string) => void;
}

/** One formula of the Pareto front, printed in the original units. */
export interface SrFrontEntry {
  length: number;
  /** Training MSE after linear scaling over the training target variance (1 − R²). */
  loss: number;
  /** The same on the validation rows. */
  validationLoss: number | null;
  formula: string;
}

export interface SrReport {
  dataset: string;
  target: string;
  /** Rows of --data plus rows of the fixed test file. */
  rows: number;
  features: number;
  featureNames: string[];
  split: { train: number; valid: number; test: number; fixedTest: boolean };
  /** Training rows the GP was fitted on (at most maxRows). */
  fitRows: number;
  seed: number;
  /** R² values on the original target scale. */
  trainR2: number;
  validR2: number;
  testR2: number;
  /** The chosen formula in original units, constants to 4 significant digits. */
  formula: string;
  /**
   * The same formula with constants to 17 significant digits: parsing it back reproduces the
   * model's predictions up to floating-point rounding.
   */
  formulaFullPrecision: string;
  latex: string;
  javascript: string;
  sympy: string;
  length: number;
  seconds: number;
  generations: number;
  stopReason: StopReason;
  front: SrFrontEntry[];
}

/** Splits, standardises, fits the GP to the training rows and scores it on every part. */
export function fitSr(data: Dataset, opts: SrOptions): SrReport {
  const log = opts.log ?? (() => {});
  const parts = splitParts(data, opts.seed, opts.test);
  const scaler = Standardizer.fit(parts.train);
  const fitSet = sampleRows(parts.train, opts.maxRows ?? SR_MAX_ROWS, opts.seed);
  log(
    `${data.name}: ${parts.train.nRows} training, ${parts.valid.nRows} validation, ` +
      `${parts.test.nRows} test rows, ${countOf(data.nFeatures, 'feature')}; fitting the GP on ` +
      `${fitSet.nRows} rows`,
  );

  const train = standardised(scaler, fitSet);
  const valid = standardised(scaler, parts.valid);
  const model = fitSymbolicRegression(train, valid, {
    ...opts.gp,
    seed: deriveSeed('sr', opts.seed),
    timeLimitSeconds: opts.timeLimitSeconds,
    onGeneration: generationLogger(log),
  });
  log(
    `sr: ${model.generations} generations in ${model.seconds.toFixed(1)} s ` +
      `(stop reason: ${model.stopReason})`,
  );

  const r2 = (ds: Dataset): number => r2Score(ds.y, predictOriginal(model, scaler, ds));
  const maps = unitMaps(scaler);
  return {
    dataset: data.name,
    target: data.targetName,
    rows: data.nRows + (opts.test?.nRows ?? 0),
    features: data.nFeatures,
    featureNames: [...data.featureNames],
    split: {
      train: parts.train.nRows,
      valid: parts.valid.nRows,
      test: parts.test.nRows,
      fixedTest: opts.test !== undefined,
    },
    fitRows: fitSet.nRows,
    seed: opts.seed,
    trainR2: r2(parts.train),
    validR2: r2(parts.valid),
    testR2: r2(parts.test),
    formula: model.toInfix(maps),
    formulaFullPrecision: model.toInfix({ ...maps, digits: 17 }),
    latex: model.toLatex(maps),
    javascript: model.toJavaScript(maps),
    // Piecewise protection rules, so the sympy expression equals the model everywhere.
    sympy: model.toSympy({ ...maps, protectedOps: true }),
    length: model.length,
    seconds: model.seconds,
    generations: model.generations,
    stopReason: model.stopReason,
    front: model.front.map((entry) => ({
      length: entry.length,
      loss: entry.loss,
      validationLoss: entry.validationLoss,
      formula: entry.model.toInfix(maps),
    })),
  };
}

/** Returns `ds` itself when it has at most `maxRows` rows, else a seeded sample in row order. */
function sampleRows(ds: Dataset, maxRows: number, seed: number): Dataset {
  if (ds.nRows <= maxRows) return ds;
  const rows = new Rng(deriveSeed('sr-rows', seed)).permutation(ds.nRows).subarray(0, maxRows);
  return selectRows(ds, rows.sort());
}

function standardised(
  scaler: Standardizer,
  ds: Dataset,
): { columns: Float64Array[]; y: Float64Array } {
  return {
    columns: toColumns(scaler.transformX(ds.x), ds.nRows, ds.nFeatures),
    y: scaler.transformY(ds.y),
  };
}

function predictOriginal(
  model: SymbolicRegressionModel,
  scaler: Standardizer,
  ds: Dataset,
): Float64Array {
  const columns = toColumns(scaler.transformX(ds.x), ds.nRows, ds.nFeatures);
  return scaler.inverseY(model.predict(columns));
}

/**
 * Builds an onGeneration callback that logs generation 0 and then at most one line per
 * `intervalSeconds`, so a fast run does not flood standard error.
 */
export function generationLogger(
  log: (line: string) => void,
  intervalSeconds = 1,
  now: () => number = () => performance.now(),
): (stats: GenerationStats) => void {
  let last = -Infinity;
  return (stats) => {
    const time = now();
    if (time - last < intervalSeconds * 1000) return;
    last = time;
    log(
      `sr: generation ${stats.generation}, best loss ${stats.bestLoss.toPrecision(4)}, ` +
        `front of ${stats.frontSize} formulas, ${stats.seconds.toFixed(1)} s`,
    );
  };
}
