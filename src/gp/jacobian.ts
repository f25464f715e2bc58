// Derivatives of a program's output with respect to its constants, for constant fitting. The
// forward pass stores every node's values over all rows. The reverse pass then sends adjoints
// from the root to the leaves, so the whole Jacobian costs about two evaluations whatever the
// number of constants. Every node has one parent, so each adjoint is set exactly once.
// Protected branches (div by a small number, log near 0, exp above its clamp) have zero slope,
// because their values are flat there.
import { applyColumn, chainColumn } from './columns.js';
import { childRoots, type Program } from './program.js';

/** Outputs p[i] and the Jacobian columns ∂p/∂θ_c for the program's constants θ in node order. */
export interface JacobianResult {
  readonly values: Float64Array;
  readonly jacobian: Float64Array[];
}

/**
 * Values of every node over all rows, with the program's constants replaced by `theta`. A
 * feature node's values are a view of its data column, so callers must not write to them.
 */
export function forwardPass(
  program: Program,
  theta: ArrayLike<number>,
  columns: readonly Float64Array[],
  nRows: number,
): Float64Array[] {
  const values = new Array<Float64Array>(program.length);
  let c = 0;
  program.forEach((node, p) => {
    if (node.kind === 'const') {
      values[p] = new Float64Array(nRows).fill(theta[c++]);
    } else if (node.kind === 'var') {
      // A view, not a copy: node values are only read, by applyColumn and reverseJacobian.
      values[p] = columns[node.feature].subarray(0, nRows);
    } else {
      const roots = childRoots(program, p);
      const a = values[roots[0]];
      const b = roots.length > 1 ? values[roots[1]] : null;
      values[p] = applyColumn(node.primitive, a, b, nRows);
    }
  });
  return values;
}

/** For each node, whether its subtree contains a constant. */
function constantSubtrees(program: Program): boolean[] {
  const has: boolean[] = [];
  program.forEach((node, p) => {
    has[p] =
      node.kind === 'const' || (node.kind === 'op' && childRoots(program, p).some((r) => has[r]));
  });
  return has;
}

/**
 * Jacobian columns ∂p/∂θ_c, in node order of the constants, from the node values that
 * forwardPass returned for the same program.
 */
export function reverseJacobian(program: Program, values: readonly Float64Array[]): Float64Array[] {
  const nRows = values[0].length;
  const root = program.length - 1;
  const has = constantSubtrees(program);
  const adjoints = new Array<Float64Array | undefined>(program.length);
  adjoints[root] = new Float64Array(nRows).fill(1);
  const jacobian: Float64Array[] = [];
  for (let p = root; p >= 0; p--) {
    const node = program[p];
    const adjoint = adjoints[p];
    if (adjoint === undefined) continue;
    if (node.kind === 'const') jacobian.push(adjoint);
    if (node.kind !== 'op') continue;

    const roots = childRoots(program, p);
    const a = values[roots[0]];
    const b = roots.length > 1 ? values[roots[1]] : null;
    const y = values[p];
    roots.forEach((r, k) => {
      if (has[r]) adjoints[r] = chainColumn(node.primitive, k, a, b, y, adjoint);
    });
  }
  // The reverse walk meets constants last-first; the Jacobian lists them in node order.
  return jacobian.reverse();
}

/**
 * Evaluates `program` on column-major data with its constants replaced by `theta` (in node
 * order) and, when `withJacobian` is true, the derivative of every output by every constant.
 */
export function evaluateJacobian(
  program: Program,
  theta: ArrayLike<number>,
  columns: readonly Float64Array[],
  nRows: number,
  withJacobian: boolean,
): JacobianResult {
  const values = forwardPass(program, theta, columns, nRows);
  const jacobian = withJacobian ? reverseJacobian(program, values) : [];
  return { values: values[program.length - 1], jacobian };
}
