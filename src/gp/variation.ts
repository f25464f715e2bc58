// Variation operators: subtree crossover and subtree, point and hoist mutation. All are pure:
// they read their parents and return a new program (or a parent itself, which is immutable).
// `withinLimits` retries an operator and falls back to the first parent when every offspring
// breaks the depth or length limit.
import type { Rng } from '../core/rng.js';
import { growTree, randomTerminal, type GeneratorConfig } from './generate.js';
import {
  opNode,
  programDepth,
  replaceSubtree,
  subtree,
  withLengths,
  type Node,
  type Program,
} from './program.js';

/** Size limits every offspring must respect. */
export interface Limits {
  readonly maxDepth: number;
  readonly maxLength: number;
}

/**
 * Picks a random subtree root, biased to operators as Koza proposed: an operator node with
 * probability 0.9 when the program has one, otherwise a terminal.
 */
export function pickSubtreeRoot(program: Program, rng: Rng): number {
  let nOps = 0;
  for (const node of program) if (node.kind === 'op') nOps++;
  const wantOp = nOps > 0 && rng.uniform() < 0.9;
  const nCandidates = wantOp ? nOps : program.length - nOps;
  let k = rng.int(nCandidates);
  for (let p = 0; p < program.length; p++) {
    if ((program[p].kind === 'op') === wantOp && k-- === 0) return p;
  }
  throw new Error(
    `pickSubtreeRoot: a candidate node expected, got none in ${program.length} nodes`,
  );
}

/** Replaces a random subtree of `parent` with a random subtree of `donor`. */
export function crossover(parent: Program, donor: Program, rng: Rng): Program {
  const root = pickSubtreeRoot(parent, rng);
  const donorRoot = pickSubtreeRoot(donor, rng);
  return replaceSubtree(parent, root, subtree(donor, donorRoot));
}

/** Replaces a random subtree of `parent` with a newly grown tree of depth ≤ `depth`. */
export function subtreeMutation(
  parent: Program,
  config: GeneratorConfig,
  rng: Rng,
  depth: number,
): Program {
  const root = pickSubtreeRoot(parent, rng);
  return replaceSubtree(parent, root, growTree(config, rng, depth));
}

/**
 * Hoist mutation (Kinnear, 1994): picks a random subtree, then a random subtree inside it,
 * and puts the inner one in the outer one's place. The result is never longer than the parent.
 */
export function hoistMutation(parent: Program, rng: Rng): Program {
  const root = pickSubtreeRoot(parent, rng);
  const outer = subtree(parent, root);
  const inner = subtree(outer, pickSubtreeRoot(outer, rng));
  return replaceSubtree(parent, root, inner);
}

/**
 * Point mutation: each node is replaced with probability `rate` by a node of the same arity,
 * an operator by another primitive of the set and a terminal by a random terminal. Operators
 * whose arity has no alternative in the set stay as they are.
 */
export function pointMutation(
  parent: Program,
  config: GeneratorConfig,
  rng: Rng,
  rate: number,
): Program {
  const nodes: Node[] = parent.slice();
  let changed = false;
  for (let p = 0; p < nodes.length; p++) {
    if (rng.uniform() >= rate) continue;
    const node = nodes[p];
    if (node.kind !== 'op') {
      nodes[p] = randomTerminal(config, rng);
      changed = true;
      continue;
    }
    const same = config.functions.filter((f) => f.arity === node.primitive.arity);
    const replacement = same[rng.int(same.length)];
    if (replacement !== node.primitive) {
      nodes[p] = opNode(replacement, node.length);
      changed = true;
    }
  }
  return changed ? withLengths(nodes) : parent;
}

/** True when `program` respects both limits. */
export function fitsLimits(program: Program, limits: Limits): boolean {
  return program.length <= limits.maxLength && programDepth(program) <= limits.maxDepth;
}

/**
 * Runs `make` up to `attempts` times and returns the first offspring within the limits, or
 * `fallback` (a parent) when none fits.
 */
export function withinLimits(
  make: () => Program,
  fallback: Program,
  limits: Limits,
  attempts: number,
): Program {
  for (let t = 0; t < attempts; t++) {
    const child = make();
    if (fitsLimits(child, limits)) return child;
  }
  return fallback;
}
