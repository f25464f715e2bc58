// fitSymbolicRegression: validates data and options, runs the generational loop and picks the
// final model from the Pareto front of length against loss.
import { InputError } from '../core/errors.js';
import type { ArchiveEntry } from './archive.js';
import { ProgramEvaluator } from './evaluate.js';
import { localBreeder, type Scorer } from './evolve.js';
import { makeTarget, scaledMse } from './loss.js';
import { FittedFormula } from './model.js';
import { SymbolicModel, type FrontEntry, type SymbolicRegressionModel } from './result.js';
import { constNode, type Program } from './program.js';
import { splitTerms, weightedSum } from './terms.js';
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

/** A front entry as one program p with its scaling, so that the model is a + b·p. */
interface ScaledProgram {
  readonly program: Program;
  readonly a: number;
  readonly b: number;
}

/** Writes an entry's term weights into its program (see terms.ts weightedSum). */
function scaledProgram(entry: ArchiveEntry, maxTerms: number): ScaledProgram {
  const { terms } = splitTerms(entry.program, maxTerms);
  if (terms.length !== entry.weights.length) {
    throw new Error(
      `fitSymbolicRegression: ${entry.weights.length} terms expected in a front entry, ` +
        `got ${terms.length}`,
    );
  }
  const { program, slope } = weightedSum(terms, entry.weights);
  return { program, a: entry.a, b: slope };
}

/** Normalised validation loss of a + b·p for every front entry. */
function validationLosses(entries: readonly ScaledProgram[], valid: RegressionData): number[] {
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
  options: ResolvedOptions,
): { front: FrontEntry[]; chosenIndex: number } {
  const scaled = entries.map((entry) => scaledProgram(entry, options.maxTerms));
  const validLosses = valid === null ? null : validationLosses(scaled, valid);
  const selectionLosses = validLosses ?? entries.map((e) => e.loss);
  const tolerance = options.selectionTolerance ?? (valid === null ? 0.001 : 0);
  const chosenIndex = chooseModel(selectionLosses, tolerance);
  const yScale = Math.sqrt(variance(train.y));
  const front = entries.map((entry, k): FrontEntry => {
    const { program, a, b } = scaled[k];
    const model = new FittedFormula(program, a, b, train.columns.length, yScale);
    return {
      length: model.length,
      programLength: entry.length,
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

  const { score, dispose } = trainingScorer(train, options.maxTerms);
  let run: RunResult;
  try {
    run = evolve(options, train, score, started);
    if (options.constantOptimisation !== null) {
      const iterations = options.constantOptimisation.finalIterations;
      polishFront(run.state, train, score, iterations, options.maxTerms);
    }
  } finally {
    dispose();
  }

  const entries = run.state.archive.front();
  if (entries.length === 0) {
    // Every program had non-finite outputs: fall back to the constant model y = ȳ.
    const program = [constNode(0)];
    const a = makeTarget(train.y).mean;
    entries.push({ program, a, weights: new Float64Array(0), loss: 1, length: 1 });
  }
  const { front, chosenIndex } = describeFront(entries, train, valid, options);
  const { state, history, stopReason } = run;
  return new SymbolicModel(front, chosenIndex, state.generation, history, stopReason, started);
}
