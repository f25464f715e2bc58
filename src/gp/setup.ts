// Shared setup of a run, used by fitSymbolicRegression and by worker threads alike: the data
// type, the evolution config built from resolved options, and the training-set scorer.
import { ProgramEvaluator } from './evaluate.js';
import { makeScorer, type EvolutionConfig, type Scorer } from './evolve.js';
import { makeTarget } from './loss.js';
import type { ResolvedOptions } from './options.js';

/** Column-major features (one array per feature) and the target, all of equal length. */
export interface RegressionData {
  columns: Float64Array[];
  y: Float64Array;
}

export function variance(y: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i] - mean) * (y[i] - mean);
  return ss / y.length;
}

/** At most `maxRows` rows of `data`, evenly spaced from the first row on. */
export function evenlySpacedRows(data: RegressionData, maxRows: number): RegressionData {
  const n = data.y.length;
  if (n <= maxRows) return data;
  const rows = Array.from({ length: maxRows }, (_, k) => Math.floor((k * n) / maxRows));
  const pick = (column: Float64Array): Float64Array => Float64Array.from(rows, (i) => column[i]);
  return { columns: data.columns.map(pick), y: pick(data.y) };
}

export function evolutionConfig(options: ResolvedOptions, data: RegressionData): EvolutionConfig {
  const nFeatures = data.columns.length;
  return {
    seed: options.seed,
    populationSize: options.populationSize,
    tournamentSize: options.tournamentSize,
    limits: { maxDepth: options.maxDepth, maxLength: options.maxLength },
    initDepth: options.initDepth,
    generator: {
      functions: options.functions,
      nFeatures,
      constProbability: options.constProbability,
      constRange: options.constRange,
    },
    parsimony: options.parsimony,
    rates: options.rates,
    pointRate: options.pointRate,
    elitism: options.elitism,
    maxTerms: options.maxTerms,
    constantFit:
      options.constantOptimisation === null
        ? null
        : {
            probability: options.constantOptimisation.probability,
            iterations: options.constantOptimisation.iterations,
            data: evenlySpacedRows(data, options.constantOptimisation.maxRows),
          },
  };
}

/** A scorer on the training data; call dispose when the run ends. */
export function trainingScorer(
  train: RegressionData,
  maxTerms: number,
): { score: Scorer; dispose: () => void } {
  const evaluator = new ProgramEvaluator(train.columns, train.y.length);
  const score = makeScorer(evaluator, makeTarget(train.y), variance(train.y), maxTerms);
  return { score, dispose: () => evaluator.dispose() };
}
