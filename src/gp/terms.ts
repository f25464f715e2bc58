// Programs read as a sum of terms, f = t_1 + … + t_k, each term getting its own least-squares
// weight: the model is a + Σ w_k·t_k (linear scaling of several subtrees, as in FFX and
// Operon's linear regression of terms). The canonical form splits the root over add and sub,
// strips constant factors (c·t, t·c, t / c, −t) off each term because its weight replaces them,
// drops constant terms because the intercept replaces them, and joins the remaining terms with
// add, in the order they were found.
import { GP_PROTECTION_THRESHOLD } from '../kernels/js/index.js';
import { PRIMITIVES } from './primitives.js';
import { childRoots, constNode, opNode, subtree, type Node, type Program } from './program.js';

/** A program in canonical form and the subtrees that are its terms, in order. */
export interface TermProgram {
  /** The terms joined by add; the input program itself when no term remains. */
  readonly program: Program;
  /** The terms; empty when every term was constant. */
  readonly terms: readonly Program[];
}

/** True when the subtree rooted at `root` contains no feature. */
function isConstant(program: Program, root: number): boolean {
  for (let p = root - program[root].length + 1; p <= root; p++) {
    if (program[p].kind === 'var') return false;
  }
  return true;
}

/** The root of the subtree left after stripping constant factors, sign changes and divisors. */
function stripFactors(program: Program, root: number): number {
  for (;;) {
    const node = program[root];
    if (node.kind !== 'op') return root;
    const name = node.primitive.name;
    if (name === 'neg') {
      root--;
      continue;
    }
    if (name !== 'mul' && name !== 'div') return root;
    const [left, right] = childRoots(program, root);
    const rightNode = program[right];
    if (rightNode.kind === 'const') {
      // Division by a constant at or below the protection threshold is the constant 1.
      if (name === 'div' && !(Math.abs(rightNode.value) > GP_PROTECTION_THRESHOLD)) return root;
      root = left;
    } else if (name === 'mul' && program[left].kind === 'const') {
      root = right;
    } else {
      return root;
    }
  }
}

function isSum(node: Node): boolean {
  return node.kind === 'op' && (node.primitive.name === 'add' || node.primitive.name === 'sub');
}

/**
 * Splits `program` into at most `maxTerms` terms. Terms are expanded in order, first to last:
 * a term whose root is add or sub (after stripping) is replaced by its two operands until the
 * count reaches `maxTerms`. Constant terms are dropped as soon as they appear, so they never
 * count, and splitting the returned program again gives the same terms.
 */
export function splitTerms(program: Program, maxTerms: number): TermProgram {
  const roots: number[] = [];
  const pending: number[] = [];
  const enqueueFront = (candidates: number[]): void => {
    const kept = candidates
      .map((root) => stripFactors(program, root))
      .filter((root) => !isConstant(program, root));
    pending.unshift(...kept);
  };
  enqueueFront([program.length - 1]);
  while (pending.length > 0) {
    const root = pending.shift() as number;
    if (isSum(program[root]) && roots.length + pending.length + 2 <= maxTerms) {
      enqueueFront(childRoots(program, root));
    } else {
      roots.push(root);
    }
  }
  if (roots.length === 0) return { program, terms: [] };
  const terms = roots.map((root) => subtree(program, root));
  return { program: joinTerms(terms), terms };
}

/** The terms joined by add into one program: ((t_1 + t_2) + t_3) + …. */
export function joinTerms(terms: readonly Program[]): Program {
  const out: Node[] = [...terms[0]];
  for (let k = 1; k < terms.length; k++) {
    out.push(...terms[k]);
    out.push(opNode(PRIMITIVES.add, out.length + 1));
  }
  return out;
}

/**
 * The program Σ w_k·t_k with the weights as constants, so that a + 1·(that program) is the
 * model. A single term keeps the form t with the weight as its slope, and no terms give the
 * constant 0 with slope 0.
 */
export function weightedSum(
  terms: readonly Program[],
  weights: ArrayLike<number>,
): { program: Program; slope: number } {
  if (terms.length === 0) return { program: [constNode(0)], slope: 0 };
  if (terms.length === 1) return { program: terms[0], slope: weights[0] };
  const scaled = terms.map((term, k): Program => [
    constNode(weights[k]),
    ...term,
    opNode(PRIMITIVES.mul, term.length + 2),
  ]);
  return { program: joinTerms(scaled), slope: 1 };
}

/**
 * Node count that stands for a program of `programLength` nodes with `nTerms` weighted terms:
 * each term beyond the first adds a weight and a multiplication to the printed formula.
 */
export function termLength(programLength: number, nTerms: number): number {
  return programLength + 2 * Math.max(0, nTerms - 1);
}
