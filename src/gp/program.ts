// Programs as postfix node arrays. Every node caches the length of the subtree it roots, so the
// subtree of node r is the contiguous slice [r − length + 1, r] (children precede parents).
// Nodes are immutable and may be shared between programs; every edit builds a new array.
import { assert } from '../core/errors.js';
import type { Primitive } from './primitives.js';

export interface ConstNode {
  readonly kind: 'const';
  readonly value: number;
  readonly length: 1;
}

export interface VarNode {
  readonly kind: 'var';
  readonly feature: number;
  readonly length: 1;
}

export interface OpNode {
  readonly kind: 'op';
  readonly primitive: Primitive;
  readonly length: number;
}

export type Node = ConstNode | VarNode | OpNode;
export type Program = readonly Node[];

export function constNode(value: number): ConstNode {
  return { kind: 'const', value, length: 1 };
}

export function varNode(feature: number): VarNode {
  return { kind: 'var', feature, length: 1 };
}

export function opNode(primitive: Primitive, length: number): OpNode {
  return { kind: 'op', primitive, length };
}

export function arityOf(node: Node): number {
  return node.kind === 'op' ? node.primitive.arity : 0;
}

/** Index of the first node of the subtree rooted at `root`. */
export function subtreeStart(program: Program, root: number): number {
  return root - program[root].length + 1;
}

/** Roots of the children of node `root`, in argument order (first argument first). */
export function childRoots(program: Program, root: number): number[] {
  const n = arityOf(program[root]);
  const roots = new Array<number>(n);
  let p = root - 1;
  for (let c = n - 1; c >= 0; c--) {
    roots[c] = p;
    p -= program[p].length;
  }
  return roots;
}

/**
 * Recomputes every cached subtree length from the node kinds, reusing nodes whose length is
 * already right. Throws if the nodes do not form exactly one postfix tree.
 */
export function withLengths(nodes: readonly Node[]): Program {
  const lengths: number[] = [];
  const out = new Array<Node>(nodes.length);
  for (let p = 0; p < nodes.length; p++) {
    const node = nodes[p];
    const arity = arityOf(node);
    assert(
      lengths.length >= arity,
      () => `withLengths: ${arity} operands expected at node ${p}, got ${lengths.length}`,
    );
    let length = 1;
    for (let c = 0; c < arity; c++) length += lengths.pop() as number;
    lengths.push(length);
    out[p] = node.kind === 'op' && node.length !== length ? opNode(node.primitive, length) : node;
  }
  assert(
    lengths.length === 1,
    () => `withLengths: one tree expected, got ${lengths.length} subtrees`,
  );
  return out;
}

/** Returns a copy of `program` whose subtree at `root` is replaced by `replacement`. */
export function replaceSubtree(program: Program, root: number, replacement: Program): Program {
  const start = subtreeStart(program, root);
  const nodes = [...program.slice(0, start), ...replacement, ...program.slice(root + 1)];
  return withLengths(nodes);
}

/** Returns the subtree rooted at `root` as a program of its own. */
export function subtree(program: Program, root: number): Program {
  return program.slice(subtreeStart(program, root), root + 1);
}

/** Depth of every node's subtree: a terminal has depth 0, an operator 1 + its deepest child. */
export function subtreeDepths(program: Program): Int32Array {
  const depths = new Int32Array(program.length);
  const stack: number[] = [];
  for (let p = 0; p < program.length; p++) {
    const arity = arityOf(program[p]);
    let depth = 0;
    for (let c = 0; c < arity; c++) depth = Math.max(depth, (stack.pop() as number) + 1);
    depths[p] = depth;
    stack.push(depth);
  }
  return depths;
}

/** Depth of the whole program (edges on the longest root-to-leaf path). */
export function programDepth(program: Program): number {
  return subtreeDepths(program)[program.length - 1];
}

/**
 * Returns null for a well-formed program over `nFeatures` features, otherwise a description of
 * the first problem: stack arity, cached lengths, feature indices, constants.
 */
export function programProblem(program: Program, nFeatures: number): string | null {
  if (program.length === 0) return 'program is empty';
  const lengths: number[] = [];
  for (let p = 0; p < program.length; p++) {
    const node = program[p];
    const arity = arityOf(node);
    if (lengths.length < arity) return `node ${p} needs ${arity} operands, got ${lengths.length}`;
    let length = 1;
    for (let c = 0; c < arity; c++) length += lengths.pop() as number;
    if (node.length !== length) return `node ${p} caches length ${node.length}, expected ${length}`;
    if (
      node.kind === 'var' &&
      !(Number.isInteger(node.feature) && node.feature >= 0 && node.feature < nFeatures)
    ) {
      return `node ${p} reads feature ${node.feature}, expected an index in [0, ${nFeatures})`;
    }
    if (node.kind === 'const' && !Number.isFinite(node.value)) {
      return `node ${p} holds constant ${node.value}, expected a finite number`;
    }
    lengths.push(length);
  }
  if (lengths.length !== 1) return `program leaves ${lengths.length} values, expected 1`;
  return null;
}

/** Number of constant nodes. */
export function countConstants(program: Program): number {
  let n = 0;
  for (const node of program) if (node.kind === 'const') n++;
  return n;
}

/** Compact postfix text for messages and tests, e.g. `x0 0.5 mul sin`. */
export function formatPostfix(program: Program): string {
  return program
    .map((node) => {
      if (node.kind === 'const') return String(node.value);
      if (node.kind === 'var') return `x${node.feature}`;
      return node.primitive.name;
    })
    .join(' ');
}
