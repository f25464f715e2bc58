// Expression trees: the form programs take for simplification, printing and export. Unlike
// postfix programs they nest, which is what rewriting rules and printers want; conversion both
// ways is exact, and every primitive keeps its protected semantics.
import { assert } from '../core/errors.js';
import { constNode, opNode, varNode, type Node, type Program } from './program.js';
import { PRIMITIVES, type Primitive, type PrimitiveName } from './primitives.js';

export type Expr =
  | { readonly type: 'const'; readonly value: number }
  | { readonly type: 'var'; readonly feature: number }
  | { readonly type: 'call'; readonly primitive: Primitive; readonly args: readonly Expr[] };

export function constant(value: number): Expr {
  return { type: 'const', value };
}

export function variable(feature: number): Expr {
  return { type: 'var', feature };
}

export function call(name: PrimitiveName, ...args: Expr[]): Expr {
  const primitive = PRIMITIVES[name];
  assert(
    args.length === primitive.arity,
    () => `call: ${primitive.arity} arguments for '${name}' expected, got ${args.length}`,
  );
  return { type: 'call', primitive, args };
}

/** Converts a postfix program to an expression tree. */
export function programToExpr(program: Program): Expr {
  const stack: Expr[] = [];
  for (const node of program) {
    if (node.kind === 'const') {
      stack.push(constant(node.value));
    } else if (node.kind === 'var') {
      stack.push(variable(node.feature));
    } else {
      const args = stack.splice(stack.length - node.primitive.arity);
      stack.push({ type: 'call', primitive: node.primitive, args });
    }
  }
  assert(stack.length === 1, () => `programToExpr: one tree expected, got ${stack.length}`);
  return stack[0];
}

/** Converts an expression tree to a postfix program. */
export function exprToProgram(expr: Expr): Program {
  const out: Node[] = [];
  const emit = (e: Expr): number => {
    if (e.type === 'const') {
      out.push(constNode(e.value));
      return 1;
    }
    if (e.type === 'var') {
      out.push(varNode(e.feature));
      return 1;
    }
    let length = 1;
    for (const arg of e.args) length += emit(arg);
    out.push(opNode(e.primitive, length));
    return length;
  };
  emit(expr);
  return out;
}

/** Number of nodes. */
export function exprLength(expr: Expr): number {
  if (expr.type !== 'call') return 1;
  let n = 1;
  for (const arg of expr.args) n += exprLength(arg);
  return n;
}

/** Replaces every variable by `map(feature)`. */
export function substituteVariables(expr: Expr, map: (feature: number) => Expr): Expr {
  if (expr.type === 'var') return map(expr.feature);
  if (expr.type === 'const') return expr;
  return { ...expr, args: expr.args.map((arg) => substituteVariables(arg, map)) };
}

/** Returns a canonical key: two expressions share a key exactly when they are identical. */
export function exprKey(expr: Expr): string {
  if (expr.type === 'const') return `#${expr.value}`;
  if (expr.type === 'var') return `x${expr.feature}`;
  return `${expr.primitive.name}(${expr.args.map(exprKey).join(',')})`;
}

/** Value at one row of features, with the same scalar rules as the batch evaluators. */
export function evaluateExpr(expr: Expr, row: ArrayLike<number>): number {
  if (expr.type === 'const') return expr.value;
  if (expr.type === 'var') return row[expr.feature];
  const a = evaluateExpr(expr.args[0], row);
  const b = expr.args.length > 1 ? evaluateExpr(expr.args[1], row) : 0;
  return expr.primitive.apply(a, b);
}
