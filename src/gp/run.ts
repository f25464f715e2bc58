// The run loop around the generation step: progress reports, the stopping rules (generation
// count, time budget, stalled best loss, target loss) and the final constant fit of the front.
import type { FitData } from './constants.js';
import { optimiseTermConstants } from './constants.js';
import {
  initPopulation,
  recordStats,
  stepGeneration,
  type Breeder,
  type EvolutionConfig,
  type EvolutionState,
  type GenerationStats,
  type Scorer,
} from './evolve.js';
import type { ResolvedOptions } from './options.js';

/** Reason a run ended. */
export type StopReason = 'generations' | 'time' | 'stalled' | 'target';

export interface RunResult {
  readonly state: EvolutionState;
  readonly history: GenerationStats[];
  readonly stopReason: StopReason;
}

/** Relative drop of the best loss that counts as progress for early stopping. */
const MIN_RELATIVE_GAIN = 1e-6;

/** Tracks the stopping rules from one generation's statistics to the next. */
class StopRules {
  private bestLoss = Infinity;
  private stalled = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly elapsed: () => number,
  ) {}

  /** Returns the reason to stop after the generation `stats` describes, or null to go on. */
  check(stats: GenerationStats): StopReason | null {
    if (stats.bestLoss < this.bestLoss * (1 - MIN_RELATIVE_GAIN) || this.bestLoss === Infinity) {
      this.stalled = 0;
    } else {
      this.stalled++;
    }
    this.bestLoss = Math.min(this.bestLoss, stats.bestLoss);

    if (stats.bestLoss <= this.options.targetLoss) return 'target';
    if (stats.generation >= this.options.generations) return 'generations';
    if (this.elapsed() >= this.options.timeLimitSeconds) return 'time';
    if (this.stalled >= this.options.earlyStoppingGenerations) return 'stalled';
    return null;
  }
}

/** Runs generations from the initial population until a stopping rule fires. */
export function runEvolution(
  options: ResolvedOptions,
  config: EvolutionConfig,
  score: Scorer,
  breeder: Breeder,
  started: number,
): RunResult {
  const elapsed = (): number => (performance.now() - started) / 1000;
  const rules = new StopRules(options, elapsed);
  const history: GenerationStats[] = [];

  let state = initPopulation(config, score);
  for (;;) {
    const stats = recordStats(state, elapsed());
    history.push(stats);
    options.onGeneration?.(stats);
    const stopReason = rules.check(stats);
    if (stopReason !== null) return { state, history, stopReason };
    state = stepGeneration(state, config, breeder);
  }
}

/**
 * Fits the constants of every front entry for up to `iterations` Levenberg–Marquardt
 * iterations and offers the results to the archive, which keeps whichever is better.
 */
export function polishFront(
  state: EvolutionState,
  data: FitData,
  score: Scorer,
  iterations: number,
  maxTerms: number,
): void {
  const programs = state.archive.front().map((entry) => entry.program);
  const fitted = programs.map((program) =>
    optimiseTermConstants(program, maxTerms, data, iterations),
  );
  const changed = fitted.filter((program, k) => program !== programs[k]);
  for (const individual of score(changed)) state.archive.offer(individual);
  state.archive.prune();
}
