// Random program generation: grow, full and ramped half-and-half (Koza, "Genetic
// Programming", 1992, chapter 6.2). Trees are built depth-first, so nodes come out in postfix
// order with their subtree lengths known when each operator is pushed.
import type { Rng } from '../core/rng.js';
import { constNode, opNode, varNode, type Node, type Program } from './program.js';
import type { Primitive } from './primitives.js';

/** Building blocks of random programs. */
export interface GeneratorConfig {
  readonly functions: readonly Primitive[];
  readonly nFeatures: number;
  /** A terminal is a constant with this probability, otherwise a uniformly chosen feature. */
  readonly constProbability: number;
  /** Constants are drawn uniformly from [lo, hi). */
  readonly constRange: readonly [number, number];
}

export function randomTerminal(config: GeneratorConfig, rng: Rng): Node {
  if (config.nFeatures === 0 || rng.uniform() < config.constProbability) {
    const [lo, hi] = config.constRange;
    return constNode(lo + (hi - lo) * rng.uniform());
  }
  return varNode(rng.int(config.nFeatures));
}

/** Appends a tree of depth at most `depth` to `out` and returns its length. */
function buildTree(
  config: GeneratorConfig,
  rng: Rng,
  depth: number,
  full: boolean,
  out: Node[],
): number {
  const nFunctions = config.functions.length;
  // Grow picks among functions and terminals by their counts, as gplearn does. Every feature and
  // the constant generator count as terminals. Full always picks a function.
  const nTerminals = config.nFeatures + 1;
  const pickFunction = depth > 0 && (full || rng.int(nFunctions + nTerminals) < nFunctions);
  if (!pickFunction) {
    out.push(randomTerminal(config, rng));
    return 1;
  }
  const primitive = config.functions[rng.int(nFunctions)];
  let length = 1;
  for (let c = 0; c < primitive.arity; c++) length += buildTree(config, rng, depth - 1, full, out);
  out.push(opNode(primitive, length));
  return length;
}

/** Builds a tree whose leaves all lie at depth `depth` (a terminal for depth 0). */
export function fullTree(config: GeneratorConfig, rng: Rng, depth: number): Program {
  const out: Node[] = [];
  buildTree(config, rng, depth, true, out);
  return out;
}

/** A tree of depth at most `depth` with randomly shaped branches; the root is a function. */
export function growTree(config: GeneratorConfig, rng: Rng, depth: number): Program {
  const out: Node[] = [];
  if (depth === 0) {
    out.push(randomTerminal(config, rng));
    return out;
  }
  const primitive = config.functions[rng.int(config.functions.length)];
  let length = 1;
  for (let c = 0; c < primitive.arity; c++) length += buildTree(config, rng, depth - 1, false, out);
  out.push(opNode(primitive, length));
  return out;
}

/**
 * One member of a ramped half-and-half population: the depth is drawn uniformly from
 * [minDepth, maxDepth] and the method (grow or full) by a coin flip. Trees longer than
 * `maxLength` are redrawn at one level shallower each time, down to minDepth, then grown at
 * depth 1 (length ≤ 3), so the result always respects `maxLength` ≥ 3.
 */
export function rampedTree(
  config: GeneratorConfig,
  rng: Rng,
  minDepth: number,
  maxDepth: number,
  maxLength: number,
): Program {
  let depth = minDepth + rng.int(maxDepth - minDepth + 1);
  const full = rng.uniform() < 0.5;
  for (;;) {
    const tree = full ? fullTree(config, rng, depth) : growTree(config, rng, depth);
    if (tree.length <= maxLength) return tree;
    if (depth > minDepth) depth--;
    else if (depth > 1) depth = 1;
  }
}
