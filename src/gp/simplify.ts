// Algebraic simplification of expression trees, bottom-up:
//   - constant folding with the primitives' own protected rules;
//   - sums and constant multiples (add, sub, neg, mul or div by a constant) are flattened into
//     c0 + Σ cᵢ·tᵢ with like terms merged, so x − x, −(−x), 2x + 3x and nested constants
//     collapse;
//   - x·1, x·0, x/x, x·x and division by a constant are rewritten.
// Where the original value is finite, the result agrees with it up to floating-point rounding.
// The rules x·0 → 0 and x − x → 0 differ from the original only where x is infinite or NaN.
// x/x → 1 is exact because protected division returns 1 whenever |x| ≤ 0.001.
import { GP_PROTECTION_THRESHOLD } from '../kernels/index.js';
import { call, constant, exprKey, exprLength, type Expr } from './expr.js';

interface Term {
  coef: number;
  readonly expr: Expr;
}

/** c0 + Σ coef·expr over terms whose exprs are distinct and not constants. */
interface Linear {
  constant: number;
  readonly terms: Map<string, Term>;
}

export function simplify(expr: Expr): Expr {
  if (expr.type !== 'call') return expr;
  const args = expr.args.map(simplify);
  const node: Expr = { ...expr, args };
  if (args.every((arg) => arg.type === 'const')) {
    const a = (args[0] as { value: number }).value;
    const b = args.length > 1 ? (args[1] as { value: number }).value : 0;
    return constant(expr.primitive.apply(a, b));
  }
  if (isLinearOp(node)) return fromLinear(toLinear(node));
  return rewriteProduct(node);
}

/** True for the operators that the linear form absorbs. */
function isLinearOp(expr: Expr): boolean {
  if (expr.type !== 'call') return false;
  const name = expr.primitive.name;
  if (name === 'add' || name === 'sub' || name === 'neg') return true;
  if (name === 'mul') return expr.args[0].type === 'const' || expr.args[1].type === 'const';
  if (name === 'div') return isSafeDivisor(expr.args[1]);
  return false;
}

/** Tests for a constant divisor with |c| > threshold, where protected division is plain. */
function isSafeDivisor(expr: Expr): boolean {
  return expr.type === 'const' && Math.abs(expr.value) > GP_PROTECTION_THRESHOLD;
}

function emptyLinear(c: number): Linear {
  return { constant: c, terms: new Map() };
}

/** Adds scale·(linear form of expr) into acc. */
function accumulate(acc: Linear, expr: Expr, scale: number): void {
  if (expr.type === 'const') {
    acc.constant += scale * expr.value;
    return;
  }
  if (expr.type === 'call' && isLinearOp(expr)) {
    const [a, b] = expr.args;
    switch (expr.primitive.name) {
      case 'add':
        accumulate(acc, a, scale);
        accumulate(acc, b, scale);
        return;
      case 'sub':
        accumulate(acc, a, scale);
        accumulate(acc, b, -scale);
        return;
      case 'neg':
        accumulate(acc, a, -scale);
        return;
      case 'mul':
        if (a.type === 'const') accumulate(acc, b, scale * a.value);
        else accumulate(acc, a, scale * (b as { value: number }).value);
        return;
      case 'div':
        accumulate(acc, a, scale / (b as { value: number }).value);
        return;
    }
  }
  const key = exprKey(expr);
  const existing = acc.terms.get(key);
  if (existing === undefined) acc.terms.set(key, { coef: scale, expr });
  else existing.coef += scale;
}

function toLinear(expr: Expr): Linear {
  const acc = emptyLinear(0);
  accumulate(acc, expr, 1);
  return acc;
}

/** |coef|·expr, written without a multiplication when |coef| = 1. */
function scaledTerm(magnitude: number, expr: Expr): Expr {
  return magnitude === 1 ? expr : call('mul', constant(magnitude), expr);
}

/**
 * Rebuilds a sum, choosing the shorter of c0 + Σ cᵢ·tᵢ and c0 + k·Σ (cᵢ/k)·tᵢ with k the
 * first coefficient, so a constant multiple of a long sum is not distributed over its terms.
 */
function fromLinear(lin: Linear): Expr {
  const terms = [...lin.terms.values()].filter((t) => t.coef !== 0 && !Number.isNaN(t.coef));
  if (terms.length === 0) return constant(lin.constant);
  const distributed = addConstant(buildSum(terms), lin.constant);
  const k = terms[0].coef;
  if (terms.length < 2 || Math.abs(k) === 1) return distributed;

  const inner = buildSum(terms.map((t) => ({ coef: t.coef / k, expr: t.expr })));
  const factored = addConstant(call('mul', constant(k), inner), lin.constant);
  return exprLength(factored) < exprLength(distributed) ? factored : distributed;
}

/** Σ coef·expr with a positive term first when there is one and negative ones subtracted. */
function buildSum(terms: Term[]): Expr {
  const ordered = [...terms];
  const firstPositive = ordered.findIndex((t) => t.coef > 0);
  if (firstPositive > 0) ordered.unshift(...ordered.splice(firstPositive, 1));

  const head = ordered[0];
  let sum: Expr;
  if (head.coef > 0) sum = scaledTerm(head.coef, head.expr);
  else if (head.coef === -1) sum = call('neg', head.expr);
  else sum = call('mul', constant(head.coef), head.expr);
  for (const term of ordered.slice(1)) {
    const part = scaledTerm(Math.abs(term.coef), term.expr);
    sum = term.coef > 0 ? call('add', sum, part) : call('sub', sum, part);
  }
  return sum;
}

function addConstant(sum: Expr, c: number): Expr {
  if (c > 0) return call('add', sum, constant(c));
  if (c < 0) return call('sub', sum, constant(-c));
  return sum;
}

/** Rules for products and quotients that the linear form does not cover. */
function rewriteProduct(expr: Expr & { type: 'call' }): Expr {
  const [a, b] = expr.args;
  const name = expr.primitive.name;
  if (name === 'div' && b.type === 'const') return constant(1);
  if (name === 'div' && exprKey(a) === exprKey(b)) return constant(1);
  if (name === 'mul' && exprKey(a) === exprKey(b)) return call('square', a);
  return expr;
}
