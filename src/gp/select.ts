// Tournament selection on the penalised loss: loss + parsimony · length (lower is better). The
// parsimony term is linear in the node count and on the scale of the normalised loss, so
// parsimony 0.001 trades one node for a 0.001 drop in 1 − R².
import type { Rng } from '../core/rng.js';

export interface Scored {
  readonly loss: number;
  readonly length: number;
}

export function penalisedLoss(s: Scored, parsimony: number): number {
  return s.loss + parsimony * s.length;
}

/**
 * Index of the winner of a tournament among `size` members drawn with replacement. Ties go to
 * the earlier draw, so the result depends only on the random stream.
 */
export function tournament(
  population: readonly Scored[],
  size: number,
  parsimony: number,
  rng: Rng,
): number {
  let best = rng.int(population.length);
  let bestLoss = penalisedLoss(population[best], parsimony);
  for (let t = 1; t < size; t++) {
    const i = rng.int(population.length);
    const loss = penalisedLoss(population[i], parsimony);
    if (loss < bestLoss) {
      best = i;
      bestLoss = loss;
    }
  }
  return best;
}
