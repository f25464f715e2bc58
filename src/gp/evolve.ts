// The generational loop, split into initPopulation, stepGeneration and recordStats. Every
// individual of every generation gets its own random stream, seeded by
// deriveSeed(seed, generation, index) before any work starts, so a run depends only on its
// seed and options, never on how evaluation is batched.
import { deriveSeed, Rng } from '../core/rng.js';
import { Archive } from './archive.js';
import { optimiseTermConstants, type FitData } from './constants.js';
import type { ProgramEvaluator } from './evaluate.js';
import { rampedTree, type GeneratorConfig } from './generate.js';
import { fitTerms, type Target } from './loss.js';
import type { Program } from './program.js';
import { splitTerms, termLength } from './terms.js';
import { penalisedLoss, tournament } from './select.js';
import {
  crossover,
  hoistMutation,
  pointMutation,
  subtreeMutation,
  withinLimits,
  type Limits,
} from './variation.js';

/** Probabilities of each variation operator; the rest of the mass is reproduction. */
export interface OperatorRates {
  readonly crossover: number;
  readonly subtreeMutation: number;
  readonly hoistMutation: number;
  readonly pointMutation: number;
}

export interface EvolutionConfig {
  readonly seed: number;
  readonly populationSize: number;
  readonly tournamentSize: number;
  readonly limits: Limits;
  readonly initDepth: readonly [number, number];
  readonly generator: GeneratorConfig;
  readonly parsimony: number;
  readonly rates: OperatorRates;
  /** Per-node replacement probability of point mutation. */
  readonly pointRate: number;
  /** Number of best individuals (by penalised loss) copied unchanged into the next generation. */
  readonly elitism: number;
  /** Constant fitting of new offspring, or null for none. */
  readonly constantFit: ConstantFitConfig | null;
  /** Most terms a program's root is split into, each with its own weight (see terms.ts). */
  readonly maxTerms: number;
}

/** Levenberg–Marquardt on the constants of a random share of offspring. */
export interface ConstantFitConfig {
  /** Probability that a new offspring gets its constants fitted. */
  readonly probability: number;
  /** Maximum Levenberg–Marquardt iterations per fit. */
  readonly iterations: number;
  readonly data: FitData;
}

export interface Individual {
  /** The program in canonical form: its terms joined by add (see terms.ts). */
  readonly program: Program;
  /** The model is a + Σ weights[k]·term_k over the program's terms. */
  readonly a: number;
  readonly weights: Float64Array;
  /** MSE of the model divided by the target variance; Infinity when invalid. */
  readonly loss: number;
  /** Program length plus two nodes for each term's weight beyond the first (termLength). */
  readonly length: number;
}

export interface EvolutionState {
  readonly generation: number;
  readonly population: readonly Individual[];
  readonly archive: Archive;
}

/** Scores programs on the training data and offers each to the archive. */
export type Scorer = (programs: readonly Program[]) => Individual[];

/** Attempts at producing an offspring within the limits before a parent copy is used. */
const LIMIT_ATTEMPTS = 3;

/**
 * Creates a scorer that splits each program into at most `maxTerms` terms, evaluates all terms
 * in one batch and fits the terms' weights by least squares.
 */
export function makeScorer(
  evaluator: ProgramEvaluator,
  target: Target,
  yVariance: number,
  maxTerms: number,
): Scorer {
  const scale = yVariance > 0 ? 1 / yVariance : 1;
  return (programs) => {
    const split = programs.map((program) => splitTerms(program, maxTerms));
    const out = new Array<Individual>(programs.length);
    evaluator.forEachGroup(
      split.map((s) => s.terms),
      (q, values) => {
        const fit = fitTerms(values, target);
        const { program, terms } = split[q];
        const length = termLength(program.length, terms.length);
        out[q] = { program, a: fit.a, weights: fit.weights, loss: fit.mse * scale, length };
      },
    );
    return out;
  };
}

function offerAll(archive: Archive, population: readonly Individual[]): void {
  for (const ind of population) archive.offer(ind);
  archive.prune();
}

/** Generation 0: ramped half-and-half trees, scored. */
export function initPopulation(config: EvolutionConfig, score: Scorer): EvolutionState {
  const [minDepth, maxDepth] = config.initDepth;
  const programs = new Array<Program>(config.populationSize);
  for (let i = 0; i < config.populationSize; i++) {
    const rng = new Rng(deriveSeed(config.seed, 0, i));
    programs[i] = rampedTree(config.generator, rng, minDepth, maxDepth, config.limits.maxLength);
  }
  const population = score(programs);
  const archive = new Archive();
  offerAll(archive, population);
  return { generation: 0, population, archive };
}

/** One offspring, or the index of the parent it copies unchanged (reproduction). */
type Offspring = { program: Program } | { copyOf: number };

type Operator =
  'crossover' | 'subtreeMutation' | 'hoistMutation' | 'pointMutation' | 'reproduction';

/** Returns the operator whose slice of the cumulative rates contains `roll` ∈ [0, 1). */
export function chooseOperator(roll: number, rates: OperatorRates): Operator {
  const order = ['crossover', 'subtreeMutation', 'hoistMutation', 'pointMutation'] as const;
  let edge = 0;
  for (const name of order) {
    edge += rates[name];
    if (roll < edge) return name;
  }
  return 'reproduction';
}

function breed(config: EvolutionConfig, parents: readonly Individual[], rng: Rng): Offspring {
  const { tournamentSize: k, parsimony, limits, generator } = config;
  const first = tournament(parents, k, parsimony, rng);
  const parent = parents[first].program;
  const operator = chooseOperator(rng.uniform(), config.rates);
  if (operator === 'reproduction') return { copyOf: first };

  let make: () => Program;
  if (operator === 'crossover') {
    const donor = parents[tournament(parents, k, parsimony, rng)].program;
    make = () => crossover(parent, donor, rng);
  } else if (operator === 'subtreeMutation') {
    make = () => subtreeMutation(parent, generator, rng, Math.min(4, limits.maxDepth));
  } else if (operator === 'hoistMutation') {
    make = () => hoistMutation(parent, rng);
  } else {
    make = () => pointMutation(parent, generator, rng, config.pointRate);
  }

  const child = withinLimits(make, parent, limits, LIMIT_ATTEMPTS);
  return child === parent ? { copyOf: first } : { program: child };
}

/** Indices of the `count` best individuals by penalised loss (ties by index). */
function eliteIndices(
  population: readonly Individual[],
  count: number,
  parsimony: number,
): number[] {
  const order = population.map((_, i) => i);
  order.sort((p, q) => {
    const d = penalisedLoss(population[p], parsimony) - penalisedLoss(population[q], parsimony);
    return d !== 0 && !Number.isNaN(d) ? d : p - q;
  });
  return order.slice(0, count);
}

/**
 * Offspring for slot i of `generation`: bred from `parents` and, with the configured
 * probability, with its constants fitted. Depends only on the seed, the slot and the parents.
 */
export function makeOffspring(
  config: EvolutionConfig,
  parents: readonly Individual[],
  generation: number,
  i: number,
): Offspring {
  const rng = new Rng(deriveSeed(config.seed, generation, i));
  const child = breed(config, parents, rng);
  const fit = config.constantFit;
  if ('copyOf' in child || fit === null || rng.uniform() >= fit.probability) return child;
  const program = optimiseTermConstants(child.program, config.maxTerms, fit.data, fit.iterations);
  return { program };
}

/** A new individual, or the index of the parent copied into its slot. */
export type SlotResult = Individual | { readonly copyOf: number };

/**
 * Produces slots [from, to) of the next generation. Implementations may split the range over
 * threads, so each slot must depend only on (seed, generation, slot, parents).
 */
export type Breeder = (
  parents: readonly Individual[],
  generation: number,
  from: number,
  to: number,
) => SlotResult[];

/** Creates a breeder that runs in this thread and scores all new programs in one batch. */
export function localBreeder(config: EvolutionConfig, score: Scorer): Breeder {
  return (parents, generation, from, to) => {
    const results = new Array<SlotResult>(to - from);
    const fresh: Program[] = [];
    const freshSlots: number[] = [];
    for (let i = from; i < to; i++) {
      const child = makeOffspring(config, parents, generation, i);
      if ('copyOf' in child) {
        results[i - from] = child;
      } else {
        fresh.push(child.program);
        freshSlots.push(i - from);
      }
    }
    const scored = score(fresh);
    freshSlots.forEach((slot, k) => (results[slot] = scored[k]));
    return results;
  };
}

/** Builds the next generation: elites in the first slots, then offspring of the current one. */
export function stepGeneration(
  state: EvolutionState,
  config: EvolutionConfig,
  breeder: Breeder,
): EvolutionState {
  const generation = state.generation + 1;
  const parents = state.population;
  const size = config.populationSize;
  const elites = eliteIndices(parents, Math.min(config.elitism, size), config.parsimony);
  const results = breeder(parents, generation, elites.length, size);

  const next: Individual[] = elites.map((e) => parents[e]);
  const fresh: Individual[] = [];
  for (const result of results) {
    if ('copyOf' in result) {
      next.push(parents[result.copyOf]);
    } else {
      next.push(result);
      fresh.push(result);
    }
  }
  offerAll(state.archive, fresh);
  return { generation, population: next, archive: state.archive };
}

/** Progress figures reported after each generation. */
export interface GenerationStats {
  readonly generation: number;
  /** Lowest training loss in the archive (MSE after linear scaling over the target variance). */
  readonly bestLoss: number;
  readonly bestLength: number;
  readonly meanLength: number;
  /** Fraction of the population with non-finite outputs. */
  readonly invalidFraction: number;
  readonly frontSize: number;
  readonly seconds: number;
}

export function recordStats(state: EvolutionState, seconds: number): GenerationStats {
  const best = state.archive.best();
  let lengthSum = 0;
  let invalid = 0;
  for (const ind of state.population) {
    lengthSum += ind.length;
    if (!Number.isFinite(ind.loss)) invalid++;
  }
  const n = state.population.length;
  return {
    generation: state.generation,
    bestLoss: best?.loss ?? Infinity,
    bestLength: best?.program.length ?? 0,
    meanLength: lengthSum / n,
    invalidFraction: invalid / n,
    frontSize: state.archive.front().length,
    seconds,
  };
}
