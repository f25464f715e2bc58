// Reverse-mode differentiation. `gradients` walks the recorded graph from an output back to
// the requested inputs in a deterministic reverse topological order, calling each op's VJP.
// The engine, never an op, sums broadcast cotangents back to input shapes, checks every VJP
// result and accumulates fan-out with the differentiable `add`.
import { AutodiffError, ShapeError } from '../core/errors.js';
import { formatShape, reductionAxes, shapesEqual, type Shape } from '../core/shape.js';
import { add } from './ops/add.js';
import { mul } from './ops/mul.js';
import { reshape } from './ops/reshape.js';
import { sum } from './ops/sum.js';
import { ones, Tensor, withGradMode, zeros } from './tensor.js';

export interface GradientsOptions {
  /** Cotangent of y, same shape as y; defaults to 1 and is required unless y has one element. */
  readonly dy?: Tensor;
  /** Record the backward pass so that the results can be differentiated again. */
  readonly createGraph?: boolean;
}

/**
 * Returns the cotangent of y with respect to each of xs: the gradient for a scalar y, the
 * vector-Jacobian product dyᵀ·∂y/∂x otherwise. Inputs y does not depend on get zeros.
 * Without createGraph the VJPs run with recording off and the results are constants.
 * Throws AutodiffError when y has more than one element and no dy is given, or when y was
 * not recorded (computed under noGrad or from constants only). Also throws AutodiffError
 * when an input is a constant, and ShapeError when dy's shape differs from y's.
 */
export function gradients(
  y: Tensor,
  xs: readonly Tensor[],
  opts: GradientsOptions = {},
): Tensor[] {
  // A constant y almost always means the forward pass ran under noGrad; silently returning
  // zeros would hide that. The functional API below, which records f itself, allows it.
  if (!y.requiresGrad) {
    throw new AutodiffError(
      `gradients: output must be recorded (computed from a param with grad mode on), ` +
        `got a constant of shape ${formatShape(y.shape)}`,
    );
  }
  return backprop(y, xs, opts, 'gradients');
}

/** `gradients` with the public function's name for error messages. */
function backprop(
  y: Tensor,
  xs: readonly Tensor[],
  opts: GradientsOptions,
  caller: string,
): Tensor[] {
  const dy = seedCotangent(y, opts.dy, caller);
  xs.forEach((x, i) => {
    if (!x.requiresGrad) {
      throw new AutodiffError(
        `${caller}: input ${i} must require gradients (a param or a recorded result), ` +
          `got a constant of shape ${formatShape(x.shape)}`,
      );
    }
  });

  const { order, relevant } = reverseTopologicalOrder(y, new Set(xs));
  const cotangents = new Map<Tensor, Tensor>([[y, dy]]);
  withGradMode(opts.createGraph ?? false, () => {
    for (const t of order) propagate(t, cotangents, relevant);
  });
  return xs.map((x) => cotangents.get(x) ?? zeros(x.shape));
}

function seedCotangent(y: Tensor, dy: Tensor | undefined, caller: string): Tensor {
  if (dy === undefined) {
    if (y.size !== 1) {
      throw new AutodiffError(
        `${caller}: output must be a scalar unless dy is given, got shape ${formatShape(y.shape)}`,
      );
    }
    return ones(y.shape);
  }
  if (!shapesEqual(dy.shape, y.shape)) {
    throw new ShapeError(
      `${caller}: dy must have the output's shape ${formatShape(y.shape)}, ` +
        `got ${formatShape(dy.shape)}`,
    );
  }
  return dy;
}

/**
 * Recorded tensors reachable from y, each before all of its inputs, keeping only those through
 * which some target is reached. Iterative post-order DFS over ordered inputs, so deep graphs
 * cannot overflow the call stack and the order is the same on every run.
 */
function reverseTopologicalOrder(
  y: Tensor,
  targets: ReadonlySet<Tensor>,
): { order: Tensor[]; relevant: Set<Tensor> } {
  const relevant = new Set<Tensor>();
  const visited = new Set<Tensor>([y]);
  const postOrder: Tensor[] = [];
  const stack: { t: Tensor; next: number }[] = [{ t: y, next: 0 }];

  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top.t.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const x = inputs[top.next++];
      if (x.requiresGrad && !visited.has(x)) {
        visited.add(x);
        stack.push({ t: x, next: 0 });
      }
      continue;
    }
    stack.pop();
    postOrder.push(top.t);
    // Inputs finish before their consumers, so their relevance is already known here.
    if (targets.has(top.t) || inputs.some((x) => relevant.has(x))) relevant.add(top.t);
  }

  const order = postOrder.reverse().filter((t) => relevant.has(t) && t.node !== null);
  return { order, relevant };
}

/** Passes the cotangent of t to the inputs of the op that produced t. */
function propagate(t: Tensor, cotangents: Map<Tensor, Tensor>, relevant: ReadonlySet<Tensor>) {
  const node = t.node;
  const dy = cotangents.get(t);
  if (node === null || dy === undefined) return;

  const needsGrad = node.inputs.map((x) => relevant.has(x));
  if (!needsGrad.includes(true)) return;
  const dxs = node.backward(t, dy, needsGrad);
  if (dxs.length !== node.inputs.length) {
    throw new AutodiffError(
      `vjp of '${node.op}' must return ${node.inputs.length} cotangents, got ${dxs.length}`,
    );
  }

  node.inputs.forEach((x, i) => {
    const dx = dxs[i];
    if (dx === null) return;
    checkCotangentShape(dx.shape, x.shape, node.op, i);
    if (!needsGrad[i]) return;
    const fitted = unbroadcast(dx, x.shape);
    const previous = cotangents.get(x);
    cotangents.set(x, previous === undefined ? fitted : add(previous, fitted));
  });
}

/** Throws unless a cotangent of shape `found` equals `expected` or is a broadcast of it. */
function checkCotangentShape(found: Shape, expected: Shape, op: string, i: number): void {
  const lead = found.length - expected.length;
  const ok = lead >= 0 && expected.every((d, j) => d === found[j + lead] || d === 1);
  if (!ok) {
    throw new AutodiffError(
      `vjp of '${op}' returned shape ${formatShape(found)} for input ${i}, ` +
        `expected ${formatShape(expected)}`,
    );
  }
}

/** Sums a broadcast cotangent over its stretched axes, back to the input's shape. */
function unbroadcast(dx: Tensor, shape: Shape): Tensor {
  if (shapesEqual(dx.shape, shape)) return dx;
  return reshape(sum(dx, reductionAxes(dx.shape, shape)), shape);
}

/** Marks a constant as a fresh leaf that requires gradients; tracked tensors pass through. */
function asLeaf(x: Tensor): Tensor {
  return x.requiresGrad ? x : new Tensor(x.value, null, true);
}

/** Runs `fn` with graph recording off (restored afterwards, also on throw). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Evaluates y = f(...xs) with recording on and returns y with a function mapping a cotangent
 * dy (shape of y) to the cotangents of xs. Constant xs are treated as fresh leaves.
 */
export function vjp(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  opts: { createGraph?: boolean } = {},
): { y: Tensor; vjp(dy: Tensor): Tensor[] } {
  const leaves = xs.map(asLeaf);
  const y = withGradMode(true, () => f(...leaves));
  return {
    y,
    vjp: (dy) => backprop(y, leaves, { dy, createGraph: opts.createGraph }, 'vjp'),
  };
}

export interface GradOptions {
  /** Record the backward pass so that the gradients can be differentiated again. */
  readonly createGraph?: boolean;
  /** Positions of the arguments to differentiate with respect to; all when omitted. */
  readonly argnums?: readonly number[];
}

/**
 * Returns a function computing f's value and gradients with respect to the arguments in
 * argnums. f must return a scalar (AutodiffError otherwise). Without createGraph the value
 * is detached from the graph.
 */
export function valueAndGrad(
  f: (...xs: Tensor[]) => Tensor,
  opts: GradOptions = {},
): (...xs: Tensor[]) => { value: Tensor; grads: Tensor[] } {
  return (...xs) => {
    const argnums = checkArgnums(opts.argnums ?? xs.map((_, i) => i), xs.length);
    const args = xs.map((x, i) => (argnums.includes(i) ? asLeaf(x) : x));
    const value = withGradMode(true, () => f(...args));
    const wrt = argnums.map((i) => args[i]);
    const grads = backprop(value, wrt, { createGraph: opts.createGraph }, 'grad');
    return { value: opts.createGraph ? value : value.detach(), grads };
  };
}

/** Returns a function computing the gradients of scalar-valued f; see valueAndGrad. */
export function grad(
  f: (...xs: Tensor[]) => Tensor,
  opts: GradOptions = {},
): (...xs: Tensor[]) => Tensor[] {
  const both = valueAndGrad(f, opts);
  return (...xs) => both(...xs).grads;
}

function checkArgnums(argnums: readonly number[], nArgs: number): number[] {
  argnums.forEach((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= nArgs) {
      throw new RangeError(`grad: argnums must be in [0, ${nArgs}), got ${i}`);
    }
  });
  return [...argnums];
}

/**
 * Hessian-vector products of scalar-valued f at xs by double backprop: for each input i,
 * Σ_j (∂²f / ∂x_i ∂x_j) · v_j. Each v_j must have the shape of x_j (ShapeError otherwise).
 */
export function hvp(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  vs: readonly Tensor[],
): Tensor[] {
  if (vs.length !== xs.length) {
    throw new RangeError(
      `hvp: expected one direction per input (${xs.length}), got ${vs.length}`,
    );
  }
  vs.forEach((v, i) => {
    if (!shapesEqual(v.shape, xs[i].shape)) {
      throw new ShapeError(
        `hvp: v ${i} must have shape ${formatShape(xs[i].shape)}, got ${formatShape(v.shape)}`,
      );
    }
  });

  if (xs.length === 0) return [];
  const leaves = xs.map(asLeaf);
  const directional = withGradMode(true, () => {
    const y = f(...leaves);
    const gs = backprop(y, leaves, { createGraph: true }, 'hvp');
    return gs.map((g, i) => sum(mul(g, vs[i]))).reduce((acc, term) => add(acc, term));
  });
  if (!directional.requiresGrad) return xs.map((x) => zeros(x.shape));
  return backprop(directional, leaves, {}, 'hvp');
}
