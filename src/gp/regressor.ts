// fitSymbolicRegression: validates data and options, runs the generational loop and picks the
// final model from the Pareto front of length against loss.
import { InputError } from '../core/errors.js';
import type { ArchiveEntry } from './archive.js';
import { ProgramEvaluator } from './evaluate.js';
import { localBreeder, type Scorer } from './evolve.js';
import { makeTarget, scaledMse } from './loss.js';
import { FittedFormula } from './model.js';
import { SymbolicModel, type FrontEntry, type SymbolicRegressionModel } from './result.js';
import { constNode } from './program.js';
import { WorkerPool } from './pool.js';
import { polishFront, runEvolution, type RunResult } from './run.js';
import { resolveOptions, type ResolvedOptions, type SymbolicRegressionOptions } from './options.js';
import { evolutionConfig, trainingScorer, variance, type RegressionData } from './setup.js';

export type { RegressionData };

function checkData(name: string, data: RegressionData, nFeatures: number | null): void {
  const n = data.y.length;
  if (nFeatures !== null && data.columns.length !== nFeatures) {
    throw new InputError(
      `fitSymbolicRegression: ${name} must have ${nFeatures} feature columns like train, got ${data.columns.length}`,
    );
  }
  data.columns.forEach((column, j) => {
    if (column.length !== n) {
      throw new InputError(
        `fitSymbolicRegression: ${name} column ${j} must have ${n} rows like y, got ${column.length}`,
      );
    }
  });
  const all = [...data.columns, data.y];
  all.forEach((column, j) => {
    for (let i = 0; i < column.length; i++) {
      if (!Number.isFinite(column[i])) {
        const what = j === data.columns.length ? 'y' : `column ${j}`;
        throw new InputError(
          `fitSymbolicRegression: ${name} ${what} must be finite, got ${column[i]} at row ${i}`,
        );
      }
    }
  });
}

/** Normalised validation loss of a + b·p for every front entry. */
function validationLosses(entries: readonly ArchiveEntry[], valid: RegressionData): number[] {
  const evaluator = new ProgramEvaluator(valid.columns, valid.y.length);
  const yVariance = variance(valid.y);
  const scale = yVariance > 0 ? 1 / yVariance : 1;
  const losses = new Array<number>(entries.length);
  evaluator.forEach(
    entries.map((e) => e.program),
    (q, values) => (losses[q] = scaledMse(values, valid.y, entries[q].a, entries[q].b) * scale),
  );
  evaluator.dispose();
  return losses;
}

/**
 * Returns the final model's index: among entries, the shortest whose selection loss (validation
 * loss when given, else training loss) is within `tolerance` of the lowest.
 */
export function chooseModel(selectionLosses: readonly number[], tolerance: number): number {
  const lowest = Math.min(...selectionLosses);
  const index = selectionLosses.findIndex((loss) => loss <= lowest + tolerance);
  return index >= 0 ? index : 0;
}

/**
 * Smallest population size × training rows for which worker threads are started. Smaller runs
 * are too short to repay the startup, which took about 0.25 s from compiled JavaScript on a
 * loaded two-core machine.
 */
const MIN_PARALLEL_WORK = 100_000;

function checkInputs(train: RegressionData, valid: RegressionData | null): void {
  if (train.y.length < 2) {
    throw new InputError(
      `fitSymbolicRegression: train must have at least 2 rows, got ${train.y.length}`,
    );
  }
  checkData('train', train, null);
  if (valid === null) return;
  checkData('valid', valid, train.columns.length);
  if (valid.y.length === 0) {
    throw new InputError('fitSymbolicRegression: valid must have at least 1 row, got 0');
  }
}

/** Runs the evolution, breeding in worker threads when the run is large enough. */
function evolve(
  options: ResolvedOptions,
  train: RegressionData,
  score: Scorer,
  started: number,
): RunResult {
  const config = evolutionConfig(options, train);
  const local = localBreeder(config, score);
  const parallel =
    options.workers > 1 && options.populationSize * train.y.length >= MIN_PARALLEL_WORK;
  const pool = parallel ? WorkerPool.create(options.workers, options, train) : null;
  try {
    const breeder = pool === null ? local : pool.breeder(local);
    return runEvolution(options, config, score, breeder, started);
  } finally {
    pool?.close();
  }
}

/** Front entries with validation losses, printed formulas and the chosen index. */
function describeFront(
  entries: readonly ArchiveEntry[],
  train: RegressionData,
  valid: RegressionData | null,
  tolerance: number,
): { front: FrontEntry[]; chosenIndex: number } {
  const validLosses = valid === null ? null : validationLosses(entries, valid);
  const chosenIndex = chooseModel(validLosses ?? entries.map((e) => e.loss), tolerance);
  const yScale = Math.sqrt(variance(train.y));
  const front = entries.map((entry, k): FrontEntry => {
    const model = new FittedFormula(entry.program, entry.a, entry.b, train.columns.length, yScale);
    return {
      length: model.length,
      programLength: entry.program.length,
      loss: entry.loss,
      validationLoss: validLosses === null ? null : validLosses[k],
      formula: model.toInfix(),
      model,
    };
  });
  return { front, chosenIndex };
}

/**
 * Fits a formula y ≈ f(x) by genetic programming with linear scaling. `train` supplies the
 * data the programs are scored on; `valid` (optional) chooses the final model from the Pareto
 * front. Throws InputError for empty, ragged or non-finite data and RangeError for a bad option.
 */
export function fitSymbolicRegression(
  train: RegressionData,
  valid: RegressionData | null,
  opts: SymbolicRegressionOptions,
): SymbolicRegressionModel {
  const started = performance.now();
  checkInputs(train, valid);
  const options = resolveOptions(opts, train.columns.length);

  const { score, dispose } = trainingScorer(train);
  let run: RunResult;
  try {
    run = evolve(options, train, score, started);
    if (options.constantOptimisation !== null) {
      polishFront(run.state, train, score, options.constantOptimisation.finalIterations);
    }
  } finally {
    dispose();
  }

  const entries = run.state.archive.front();
  if (entries.length === 0) {
    // Every program had non-finite outputs: fall back to the constant model y = ȳ.
    entries.push({ program: [constNode(0)], a: makeTarget(train.y).mean, b: 0, loss: 1 });
  }
  const { front, chosenIndex } = describeFront(entries, train, valid, options.selectionTolerance);
  const { state, history, stopReason } = run;
  return new SymbolicModel(front, chosenIndex, state.generation, history, stopReason, started);
}
