// Options of fitSymbolicRegression, their defaults and their validation. Every value is checked
// once, up front, and a bad one is rejected with the option name and the value received.
import { availableParallelism } from 'node:os';
import type { GenerationStats, OperatorRates } from './evolve.js';
import { DEFAULT_FUNCTION_SET, resolveFunctionSet, type Primitive } from './primitives.js';

export interface SymbolicRegressionOptions {
  /** Seed of the whole run; equal seeds and options give identical results. */
  seed: number;
  /** Programs per generation; default 2000. */
  populationSize?: number;
  /** Generations after the initial one; default 60. */
  generations?: number;
  /** Tournament size; default 5. */
  tournamentSize?: number;
  /** Maximum depth (edges from root to deepest leaf); default 8. */
  maxDepth?: number;
  /** Maximum node count of a program, linear scaling not counted; default 60, at least 3. */
  maxLength?: number;
  /** Primitive names; default add, sub, mul, div, sin, cos, exp, log, sqrt. */
  functionSet?: string[];
  /** Penalty per node added to the normalised loss in tournaments; default 0.001. */
  parsimony?: number;
  /** Wall-clock budget; the run stops after the first generation that ends past it. */
  timeLimitSeconds?: number;
  /** Called after every generation, including generation 0. */
  onGeneration?: (s: GenerationStats) => void;
  /** Depth range of the initial ramped half-and-half trees; default [2, 6]. */
  initDepth?: [number, number];
  /** Probability that a random terminal is a constant; default 1 / (nFeatures + 1). */
  constProbability?: number;
  /** Range of random constants; default [-1, 1]. */
  constRange?: [number, number];
  /**
   * Operator probabilities; defaults: crossover 0.7, subtree mutation 0.1, hoist mutation
   * 0.05, point mutation 0.1, and the remaining 0.05 reproduction.
   */
  rates?: Partial<OperatorRates>;
  /** Per-node replacement probability of point mutation; default 0.1. */
  pointRate?: number;
  /** Best programs copied unchanged into each next generation; default 1. */
  elitism?: number;
  /**
   * Most terms a program's root sum is split into. Each term gets its own least-squares weight,
   * so the model is a + Σ w_k·term_k; default 4. 1 gives plain linear scaling a + b·p.
   */
  maxTerms?: number;
  /**
   * Tolerance of model selection, on the scale of 1 − R². The final model is the shortest front
   * entry whose validation loss is within this amount of the lowest; the default 0 picks the
   * entry with the lowest validation loss. Without validation data the training loss is used,
   * with a default of 0.001, because the lowest training loss always belongs to the longest entry.
   */
  selectionTolerance?: number;
  /**
   * Levenberg–Marquardt fitting of constants, or false for none. Each new offspring is fitted
   * with `probability` (default 0.1) for at most `iterations` iterations (default 10). At the
   * end every front entry is fitted for at most `finalIterations` (default 50). Offspring are
   * fitted on at most `maxRows` evenly spaced training rows (default 256), the front on all.
   */
  constantOptimisation?:
    | false
    | { probability?: number; iterations?: number; finalIterations?: number; maxRows?: number };
  /**
   * Stop after this many generations without a relative drop of at least 1e-6 in the best
   * training loss; default 20. Infinity disables it.
   */
  earlyStoppingGenerations?: number;
  /** Stop once the best training loss (1 − R² after linear scaling) is ≤ this; default 1e-12. */
  targetLoss?: number;
  /**
   * Worker threads that breed, fit and score offspring; default one per core
   * (os.availableParallelism()). 1 runs everything in the calling thread, and so does a run with
   * population size × training rows below 100 000. Results are the same for any count.
   */
  workers?: number;
}

export interface ResolvedConstantOptimisation {
  readonly probability: number;
  readonly iterations: number;
  readonly finalIterations: number;
  readonly maxRows: number;
}

export interface ResolvedOptions {
  readonly seed: number;
  readonly populationSize: number;
  readonly generations: number;
  readonly tournamentSize: number;
  readonly maxDepth: number;
  readonly maxLength: number;
  readonly functions: readonly Primitive[];
  readonly parsimony: number;
  readonly timeLimitSeconds: number;
  readonly onGeneration: ((s: GenerationStats) => void) | undefined;
  readonly initDepth: readonly [number, number];
  readonly constProbability: number;
  readonly constRange: readonly [number, number];
  readonly rates: OperatorRates;
  readonly pointRate: number;
  readonly elitism: number;
  readonly maxTerms: number;
  /** The given tolerance, or null for the default (which depends on validation data). */
  readonly selectionTolerance: number | null;
  readonly constantOptimisation: ResolvedConstantOptimisation | null;
  readonly earlyStoppingGenerations: number;
  readonly targetLoss: number;
  readonly workers: number;
}

function integerAtLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `fitSymbolicRegression: ${name} must be an integer ≥ ${min}, got ${value}`,
    );
  }
  return value;
}

function inRange(name: string, value: number, lo: number, hi: number): number {
  if (!(value >= lo && value <= hi)) {
    throw new RangeError(`fitSymbolicRegression: ${name} must be in [${lo}, ${hi}], got ${value}`);
  }
  return value;
}

function resolveRates(rates: Partial<OperatorRates> = {}): OperatorRates {
  const merged: OperatorRates = {
    crossover: rates.crossover ?? 0.7,
    subtreeMutation: rates.subtreeMutation ?? 0.1,
    hoistMutation: rates.hoistMutation ?? 0.05,
    pointMutation: rates.pointMutation ?? 0.1,
  };
  let total = 0;
  for (const [name, rate] of Object.entries(merged)) total += inRange(`rates.${name}`, rate, 0, 1);
  if (total > 1 + 1e-12) {
    throw new RangeError(
      `fitSymbolicRegression: operator rates must sum to at most 1, got ${total}`,
    );
  }
  return merged;
}

function resolveConstantOptimisation(
  value: SymbolicRegressionOptions['constantOptimisation'],
): ResolvedConstantOptimisation | null {
  if (value === false) return null;
  const requested = value ?? {};
  const name = 'constantOptimisation';
  return {
    probability: inRange(`${name}.probability`, requested.probability ?? 0.1, 0, 1),
    iterations: integerAtLeast(`${name}.iterations`, requested.iterations ?? 10, 0),
    finalIterations: integerAtLeast(`${name}.finalIterations`, requested.finalIterations ?? 50, 0),
    maxRows: integerAtLeast(`${name}.maxRows`, requested.maxRows ?? 256, 1),
  };
}

function resolveEarlyStopping(value: number | undefined): number {
  const generations = value ?? 20;
  if (generations !== Infinity) integerAtLeast('earlyStoppingGenerations', generations, 1);
  return generations;
}

function resolveInitDepth(
  initDepth: [number, number],
  maxDepth: number,
): readonly [number, number] {
  const [lo, hi] = initDepth;
  integerAtLeast('initDepth[0]', lo, 1);
  if (!Number.isInteger(hi) || hi < lo || hi > maxDepth) {
    throw new RangeError(
      `fitSymbolicRegression: initDepth[1] must be an integer in [${lo}, ${maxDepth}], got ${hi}`,
    );
  }
  return [lo, hi];
}

/** Defaults filled in and every value validated; throws RangeError naming the option. */
export function resolveOptions(
  opts: SymbolicRegressionOptions,
  nFeatures: number,
): ResolvedOptions {
  if (!Number.isFinite(opts.seed)) {
    throw new RangeError(`fitSymbolicRegression: seed must be a finite number, got ${opts.seed}`);
  }
  const maxDepth = integerAtLeast('maxDepth', opts.maxDepth ?? 8, 1);
  const [constLo, constHi] = opts.constRange ?? [-1, 1];
  if (!(Number.isFinite(constLo) && Number.isFinite(constHi) && constLo <= constHi)) {
    throw new RangeError(
      `fitSymbolicRegression: constRange must be finite [lo, hi] with lo ≤ hi, got [${constLo}, ${constHi}]`,
    );
  }
  const timeLimitSeconds = opts.timeLimitSeconds ?? Infinity;
  if (!(timeLimitSeconds > 0)) {
    throw new RangeError(
      `fitSymbolicRegression: timeLimitSeconds must be > 0, got ${timeLimitSeconds}`,
    );
  }
  const populationSize = integerAtLeast('populationSize', opts.populationSize ?? 2000, 2);

  return {
    seed: opts.seed,
    populationSize,
    generations: integerAtLeast('generations', opts.generations ?? 60, 0),
    tournamentSize: integerAtLeast('tournamentSize', opts.tournamentSize ?? 5, 1),
    maxDepth,
    maxLength: integerAtLeast('maxLength', opts.maxLength ?? 60, 3),
    functions: resolveFunctionSet(opts.functionSet ?? DEFAULT_FUNCTION_SET),
    parsimony: inRange('parsimony', opts.parsimony ?? 0.001, 0, Infinity),
    timeLimitSeconds,
    onGeneration: opts.onGeneration,
    initDepth: resolveInitDepth(
      opts.initDepth ?? [Math.min(2, maxDepth), Math.min(6, maxDepth)],
      maxDepth,
    ),
    constProbability: inRange(
      'constProbability',
      opts.constProbability ?? 1 / (nFeatures + 1),
      0,
      1,
    ),
    constRange: [constLo, constHi],
    rates: resolveRates(opts.rates),
    pointRate: inRange('pointRate', opts.pointRate ?? 0.1, 0, 1),
    elitism: inRange('elitism', integerAtLeast('elitism', opts.elitism ?? 1, 0), 0, populationSize),
    maxTerms: integerAtLeast('maxTerms', opts.maxTerms ?? 4, 1),
    selectionTolerance:
      opts.selectionTolerance === undefined
        ? null
        : inRange('selectionTolerance', opts.selectionTolerance, 0, Infinity),
    constantOptimisation: resolveConstantOptimisation(opts.constantOptimisation),
    earlyStoppingGenerations: resolveEarlyStopping(opts.earlyStoppingGenerations),
    targetLoss: inRange('targetLoss', opts.targetLoss ?? 1e-12, 0, Infinity),
    workers: integerAtLeast('workers', opts.workers ?? availableParallelism(), 1),
  };
}
