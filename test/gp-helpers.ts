// Shared fixtures for the GP suites: random data, random programs and a slow recursive
// reference evaluator written from the primitive rules, independent of src/kernels and of
// the scalar functions in src/gp/primitives.ts.
import { Rng } from '../src/core/rng.js';
import { rampedTree, type GeneratorConfig } from '../src/gp/generate.js';
import { PRIMITIVES, type PrimitiveName } from '../src/gp/primitives.js';
import type { Program } from '../src/gp/program.js';

export const ALL_PRIMITIVE_NAMES = Object.keys(PRIMITIVES) as PrimitiveName[];

export function generatorConfig(
  nFeatures: number,
  names: readonly PrimitiveName[] = ALL_PRIMITIVE_NAMES,
): GeneratorConfig {
  return {
    functions: names.map((name) => PRIMITIVES[name]),
    nFeatures,
    constProbability: 0.3,
    constRange: [-2, 2],
  };
}

/** Feature columns with values in [-3, 3), some rows exactly 0 to hit protection branches. */
export function randomColumns(rng: Rng, nFeatures: number, nRows: number): Float64Array[] {
  return Array.from({ length: nFeatures }, () => {
    const column = new Float64Array(nRows);
    for (let i = 0; i < nRows; i++) column[i] = rng.uniform() < 0.05 ? 0 : 6 * rng.uniform() - 3;
    return column;
  });
}

export function randomPrograms(
  seed: number,
  count: number,
  nFeatures: number,
  maxDepth = 6,
): Program[] {
  const rng = new Rng(seed);
  const config = generatorConfig(nFeatures);
  return Array.from({ length: count }, () => rampedTree(config, rng, 1, maxDepth, 200));
}

/** The protected rules, restated here as the oracle's own definition. */
function applyReference(name: PrimitiveName, a: number, b: number): number {
  switch (name) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return Math.abs(b) > 0.001 ? a / b : 1;
    case 'sin':
      return Math.sin(a);
    case 'cos':
      return Math.cos(a);
    case 'exp':
      return Math.exp(Math.min(a, 100));
    case 'log':
      return Math.abs(a) > 0.001 ? Math.log(Math.abs(a)) : 0;
    case 'sqrt':
      return Math.sqrt(Math.abs(a));
    case 'neg':
      return -a;
    case 'square':
      return a * a;
    case 'tanh':
      return Math.tanh(a);
  }
}

/**
 * Value of the subtree rooted at node `root` on row i, by recursion over the postfix array.
 * It finds children by scanning arities, without the cached subtree lengths.
 */
export function referenceValue(
  program: Program,
  columns: readonly Float64Array[],
  i: number,
): number {
  const evalAt = (root: number): [number, number] => {
    const node = program[root];
    if (node.kind === 'const') return [node.value, root];
    if (node.kind === 'var') return [columns[node.feature][i], root];
    if (node.primitive.arity === 1) {
      const [a, start] = evalAt(root - 1);
      return [applyReference(node.primitive.name, a, 0), start];
    }
    const [b, startB] = evalAt(root - 1);
    const [a, startA] = evalAt(startB - 1);
    return [applyReference(node.primitive.name, a, b), startA];
  };
  return evalAt(program.length - 1)[0];
}

export function referenceValues(program: Program, columns: readonly Float64Array[]): Float64Array {
  const n = columns[0].length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = referenceValue(program, columns, i);
  return out;
}

/** |a − b| ≤ atol + rtol·max(|a|, |b|). */
export function close(a: number, b: number, rtol: number, atol: number): boolean {
  return Math.abs(a - b) <= atol + rtol * Math.max(Math.abs(a), Math.abs(b));
}
