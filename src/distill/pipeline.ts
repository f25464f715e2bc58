// The distillation pipeline: split and standardise the data, train one teacher per λ, fit a GP
// student to each teacher's predictions, and score both. Every random choice derives from the
// run's seed, so the same data, options and seed give the same report.
import { deriveSeed, Rng } from '../core/rng.js';
import { InputError } from '../core/errors.js';
import {
  checkCompatible,
  r2Score,
  splitDataset,
  splitTrainValid,
  Standardizer,
  toColumns,
  type Dataset,
} from '../data/index.js';
import { trainTeacher, type Teacher, type TeacherOptions } from '../nn/index.js';
import {
  fitSymbolicRegression,
  type InfixOptions,
  type SymbolicRegressionModel,
  type SymbolicRegressionOptions,
} from '../gp/index.js';

/** Standardised design matrix: row-major x [nRows, nFeatures] and target y [nRows]. */
export interface Matrix {
  x: Float64Array;
  y: Float64Array;
  nRows: number;
  nFeatures: number;
}

/** A dataset cut into training, validation and test rows, with the scaler fitted on training. */
export interface PreparedData {
  train: Dataset;
  valid: Dataset;
  test: Dataset;
  fixedTest: boolean;
  scaler: Standardizer;
  trainZ: Matrix;
  validZ: Matrix;
  testZ: Matrix;
}

export interface StudentOptions extends Partial<SymbolicRegressionOptions> {
  /**
   * Extra student inputs per training row, drawn as the row plus Gaussian noise of
   * `augmentNoise` standard deviations per feature and labelled by the teacher. 0 disables.
   */
  augment?: number;
  augmentNoise?: number;
  /** Maximum number of rows (training plus extra) the student is fitted on; more are subsampled. */
  maxRows?: number;
}

export interface DistillOptions {
  lambdas: number[];
  seed: number;
  /** A fixed test set; without it the data is split 60/20/20 by the seed. */
  test?: Dataset;
  log?: (line: string) => void;
  teacher?: Partial<TeacherOptions>;
  student?: StudentOptions;
}

export interface TeacherMetrics {
  trainR2: number;
  validR2: number;
  testR2: number;
  /** Mean over test rows of ‖∂f/∂x‖², in standardised units. */
  meanJacobianSq: number;
  epochs: number;
  seconds: number;
}

export interface StudentMetrics {
  validR2: number;
  testR2: number;
  /** R² of the student against the teacher's predictions on the test inputs. */
  fidelityR2: number;
  formula: string;
  length: number;
  seconds: number;
}

export interface DistillRun {
  lambda: number;
  teacher: TeacherMetrics;
  student: StudentMetrics;
}

export interface DistillReport {
  dataset: string;
  target: string;
  rows: number;
  features: number;
  featureNames: string[];
  split: { train: number; valid: number; test: number; fixedTest: boolean };
  seed: number;
  runs: DistillRun[];
}

/** Maximum number of rows a GP is fitted on, here and in `sr`; more are subsampled. */
export const MAX_FIT_ROWS = 2000;

export const DEFAULT_STUDENT: Required<Pick<StudentOptions, 'augment' | 'augmentNoise' | 'maxRows'>> =
  { augment: 1, augmentNoise: 0.1, maxRows: MAX_FIT_ROWS };

/**
 * Cuts `data` into training, validation and test rows for `seed`: 60/20/20, or, with a fixed
 * `test` set, 75/25 training and validation. `sr` and `distill` share it, so the same seed gives
 * both the same rows.
 */
export function splitParts(
  data: Dataset,
  seed: number,
  test?: Dataset,
): { train: Dataset; valid: Dataset; test: Dataset } {
  if (test === undefined) return splitDataset(data, deriveSeed('split', seed));
  checkCompatible(data, test);
  return { ...splitTrainValid(data, deriveSeed('split', seed)), test };
}

/** Printing options that turn a standardised formula into one in the data's own units. */
export function unitMaps(scaler: Standardizer): Required<
  Pick<InfixOptions, 'featureNames' | 'xShift' | 'xScale' | 'yShift' | 'yScale'>
> {
  return {
    featureNames: [...scaler.featureNames],
    xShift: [...scaler.xMean],
    xScale: [...scaler.xStd],
    yShift: scaler.yMean,
    yScale: scaler.yStd,
  };
}

/**
 * Splits `data` (or uses `test` as the fixed test set) and standardises with statistics of the
 * training rows only.
 */
export function prepareData(data: Dataset, seed: number, test?: Dataset): PreparedData {
  const parts = splitParts(data, seed, test);
  const scaler = Standardizer.fit(parts.train);
  const toMatrix = (ds: Dataset): Matrix => ({
    x: scaler.transformX(ds.x),
    y: scaler.transformY(ds.y),
    nRows: ds.nRows,
    nFeatures: ds.nFeatures,
  });
  return {
    ...parts,
    fixedTest: test !== undefined,
    scaler,
    trainZ: toMatrix(parts.train),
    validZ: toMatrix(parts.valid),
    testZ: toMatrix(parts.test),
  };
}

/** Trains the teacher for one λ and scores it on the original target scale. */
export function runTeacher(
  prep: PreparedData,
  lambda: number,
  seed: number,
  options: Partial<TeacherOptions> = {},
  log?: (line: string) => void,
): { teacher: Teacher; metrics: TeacherMetrics } {
  const teacher = trainTeacher(prep.trainZ, prep.validZ, { ...options, lambda, seed, log });
  const r2 = (ds: Dataset, z: Matrix): number =>
    r2Score(ds.y, prep.scaler.inverseY(teacher.predict(z.x, z.nRows)));
  return {
    teacher,
    metrics: {
      trainR2: r2(prep.train, prep.trainZ),
      validR2: r2(prep.valid, prep.validZ),
      testR2: r2(prep.test, prep.testZ),
      meanJacobianSq: teacher.meanJacobianSq(prep.testZ.x, prep.testZ.nRows),
      epochs: teacher.epochs,
      seconds: teacher.seconds,
    },
  };
}

/**
 * Builds the student's training set: the training inputs, optional noisy copies of them, all
 * labelled by the teacher (standardised units), subsampled to at most `maxRows` rows.
 */
export function studentTrainingSet(
  prep: PreparedData,
  teacher: Teacher,
  seed: number,
  options: StudentOptions = {},
): Matrix {
  const { augment, augmentNoise, maxRows } = { ...DEFAULT_STUDENT, ...options };
  const base = prep.trainZ;
  const d = base.nFeatures;
  const rng = new Rng(deriveSeed('augment', seed));
  const nExtra = Math.round(augment * base.nRows);
  const nAll = base.nRows + nExtra;
  const x = new Float64Array(nAll * d);
  x.set(base.x);
  for (let r = 0; r < nExtra; r++) {
    const src = rng.int(base.nRows);
    for (let j = 0; j < d; j++) {
      x[(base.nRows + r) * d + j] = base.x[src * d + j] + augmentNoise * rng.normal();
    }
  }
  let nRows = nAll;
  let rows = x;
  if (nAll > maxRows) {
    const order = rng.permutation(nAll).subarray(0, maxRows).sort();
    rows = new Float64Array(maxRows * d);
    order.forEach((src, i) => rows.set(x.subarray(src * d, src * d + d), i * d));
    nRows = maxRows;
  }
  return { x: rows, y: teacher.predict(rows, nRows), nRows, nFeatures: d };
}

/** Fits the GP student to the teacher and scores it against the true target and the teacher. */
export function runStudent(
  prep: PreparedData,
  teacher: Teacher,
  seed: number,
  options: StudentOptions = {},
): { model: SymbolicRegressionModel; metrics: StudentMetrics } {
  const fitSet = studentTrainingSet(prep, teacher, seed, options);
  const validTeacher = teacher.predict(prep.validZ.x, prep.validZ.nRows);
  const columnsOf = (m: { x: Float64Array; nRows: number; nFeatures: number }): Float64Array[] =>
    toColumns(m.x, m.nRows, m.nFeatures);
  const { augment: _a, augmentNoise: _n, maxRows: _m, ...gpOptions } = options;
  const model = fitSymbolicRegression(
    { columns: columnsOf(fitSet), y: fitSet.y },
    { columns: columnsOf(prep.validZ), y: validTeacher },
    { ...gpOptions, seed: deriveSeed('student', seed) },
  );

  const { scaler } = prep;
  const predictOriginal = (z: Matrix): Float64Array => scaler.inverseY(model.predict(columnsOf(z)));
  const testStudent = predictOriginal(prep.testZ);
  const testTeacher = scaler.inverseY(teacher.predict(prep.testZ.x, prep.testZ.nRows));
  const formula = model.toInfix(unitMaps(scaler));
  return {
    model,
    metrics: {
      validR2: r2Score(prep.valid.y, predictOriginal(prep.validZ)),
      testR2: r2Score(prep.test.y, testStudent),
      fidelityR2: r2Score(testTeacher, testStudent),
      formula,
      length: model.length,
      seconds: model.seconds,
    },
  };
}

/** Runs the whole pipeline once per λ on the same split and returns every figure. */
export function distill(data: Dataset, opts: DistillOptions): DistillReport {
  validateLambdas(opts.lambdas);
  const log = opts.log ?? (() => {});
  const prep = prepareData(data, opts.seed, opts.test);
  log(
    `${data.name}: ${prep.train.nRows} training, ${prep.valid.nRows} validation, ` +
      `${prep.test.nRows} test rows, ${countOf(data.nFeatures, 'feature')}`,
  );

  const runs: DistillRun[] = [];
  for (const lambda of opts.lambdas) {
    log(`λ = ${lambda}: training the teacher`);
    const t = runTeacher(prep, lambda, deriveSeed('teacher', opts.seed), opts.teacher, log);
    log(`λ = ${lambda}: teacher test R² ${t.metrics.testR2.toFixed(4)}; fitting the student`);
    const s = runStudent(prep, t.teacher, deriveSeed('student', opts.seed, lambda), opts.student);
    log(`λ = ${lambda}: student test R² ${s.metrics.testR2.toFixed(4)}`);
    runs.push({ lambda, teacher: t.metrics, student: s.metrics });
  }

  return {
    dataset: data.name,
    target: data.targetName,
    rows: data.nRows + (opts.test ? opts.test.nRows : 0),
    features: data.nFeatures,
    featureNames: [...data.featureNames],
    split: {
      train: prep.train.nRows,
      valid: prep.valid.nRows,
      test: prep.test.nRows,
      fixedTest: prep.fixedTest,
    },
    seed: opts.seed,
    runs,
  };
}

/** Formats a count with its noun, such as `1 feature` or `12 features`. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function validateLambdas(lambdas: readonly number[]): void {
  if (lambdas.length === 0) {
    throw new InputError('distill: at least one λ value expected, got none; e.g. --lambda 0,0.01');
  }
  for (const lambda of lambdas) {
    if (!(Number.isFinite(lambda) && lambda >= 0)) {
      throw new InputError(
        `distill: λ must be a finite non-negative number, got ${lambda}; e.g. --lambda 0,0.01`,
      );
    }
  }
}
