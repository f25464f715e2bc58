// The generational loop, split into initPopulation, stepGeneration and recordStats. Every
// individual of every generation gets its own random stream, seeded by
// deriveSeed(seed, generation, index) before any work starts, so a run depends only on its
// seed and options, never on how evaluation is batched.
import { deriveSeed, Rng } from '../core/rng.js';
import { Archive } from './archive.js';
import type { ProgramEvaluator } from './evaluate.js';
import { rampedTree, type GeneratorConfig } from './generate.js';
import { linearScaling, type Target } from './loss.js';
import type { Program } from './program.js';
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
}

export interface Individual {
  readonly program: Program;
  readonly a: number;
  readonly b: number;
  /** MSE after linear scaling divided by the target variance; Infinity when invalid. */
  readonly loss: number;
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

/** A scorer that evaluates programs in one batch and applies linear scaling. */
export function makeScorer(evaluator: ProgramEvaluator, target: Target, yVariance: number): Scorer {
  const scale = yVariance > 0 ? 1 / yVariance : 1;
  return (programs) => {
    const out = new Array<Individual>(programs.length);
    evaluator.forEach(programs, (q, values) => {
      const fit = linearScaling(values, target);
      const program = programs[q];
      out[q] = { program, a: fit.a, b: fit.b, loss: fit.mse * scale, length: program.length };
    });
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

/** The operator whose slice of the cumulative rates contains `roll` ∈ [0, 1). */
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

/** The next generation: elites, then offspring bred from the current population. */
export function stepGeneration(
  state: EvolutionState,
  config: EvolutionConfig,
  score: Scorer,
): EvolutionState {
  const generation = state.generation + 1;
  const parents = state.population;
  const next = new Array<Individual>(config.populationSize);
  const fresh: Program[] = [];
  const freshSlots: number[] = [];

  const elites = eliteIndices(
    parents,
    Math.min(config.elitism, config.populationSize),
    config.parsimony,
  );
  elites.forEach((e, i) => (next[i] = parents[e]));
  for (let i = elites.length; i < config.populationSize; i++) {
    const rng = new Rng(deriveSeed(config.seed, generation, i));
    const child = breed(config, parents, rng);
    if ('copyOf' in child) {
      next[i] = parents[child.copyOf];
    } else {
      fresh.push(child.program);
      freshSlots.push(i);
    }
  }

  const scored = score(fresh);
  freshSlots.forEach((slot, k) => (next[slot] = scored[k]));
  offerAll(state.archive, scored);
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
