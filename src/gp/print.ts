// Printing of expression trees. One precedence engine serves every output language, and a dialect
// defines how a number, a variable and each primitive are written. In infix text the right operand
// of an operator with equal precedence is always parenthesised, so parseInfix rebuilds the same
// tree: a·(b/c) and (a·b)/c differ under protected division. Infix function names mean the
// protected primitives: log(a) is ln|a| (0 when |a| ≤ 0.001), sqrt(a) is sqrt(|a|), a / b is 1
// when |b| ≤ 0.001, exp(a) is exp(min(a, 100)).
import type { Expr } from './expr.js';
import type { Primitive } from './primitives.js';

/** Precedence levels: sums, products, unary minus, atoms and calls. */
export const SUM = 1;
export const PRODUCT = 2;
export const UNARY = 3;
export const ATOM = 4;

/** Printed text with the precedence of its outermost operation. */
export interface Printed {
  readonly text: string;
  readonly precedence: number;
}

/** Output language: the text of numbers, variables and primitive applications. */
export interface Dialect {
  number(value: number): Printed;
  variable(feature: number): Printed;
  /** Text of a primitive applied to printed arguments. */
  apply(primitive: Primitive, args: readonly Printed[]): Printed;
}

/** `value` rounded to `digits` significant digits, in the shortest text that parses back. */
export function formatNumber(value: number, digits: number): string {
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(Math.min(Math.max(digits, 1), 17)));
  return String(rounded);
}

/** Name of feature j: `featureNames[j]` when given, else `x<j>`. */
export function featureName(j: number, featureNames?: readonly string[]): string {
  return featureNames?.[j] ?? `x${j}`;
}

/** A number as an atom, or at unary-minus precedence when it is negative. */
export function printedNumber(text: string): Printed {
  return { text, precedence: text.startsWith('-') ? UNARY : ATOM };
}

function wrap(p: Printed, needed: boolean): string {
  return needed ? `(${p.text})` : p.text;
}

/**
 * Operand texts for an operator of `precedence`: a lower-precedence left operand is
 * parenthesised, and so is a right operand of lower or equal precedence or with a leading minus.
 */
export function operands(a: Printed, b: Printed, precedence: number): [string, string] {
  const left = wrap(a, a.precedence < precedence);
  const right = wrap(b, b.precedence <= precedence || b.text.startsWith('-'));
  return [left, right];
}

/** `a symbol b` at `precedence`, with operands parenthesised as `operands` decides. */
export function binaryOperator(
  a: Printed,
  b: Printed,
  symbol: string,
  precedence: number,
): Printed {
  const [left, right] = operands(a, b, precedence);
  return { text: `${left} ${symbol} ${right}`, precedence };
}

/** The operand of a unary minus: parenthesised unless it is an atom without a leading minus. */
export function minusOperand(a: Printed): string {
  return wrap(a, a.precedence < ATOM || a.text.startsWith('-'));
}

export function prefixMinus(a: Printed): Printed {
  return { text: `-${minusOperand(a)}`, precedence: UNARY };
}

/** Prints `expr` bottom-up in `dialect`. */
export function render(expr: Expr, dialect: Dialect): Printed {
  if (expr.type === 'const') return dialect.number(expr.value);
  if (expr.type === 'var') return dialect.variable(expr.feature);
  return dialect.apply(
    expr.primitive,
    expr.args.map((arg) => render(arg, dialect)),
  );
}

/** The infix dialect that parseInfix reads. */
export function infixDialect(featureNames: readonly string[] | undefined, digits: number): Dialect {
  return {
    number: (value) => printedNumber(formatNumber(value, digits)),
    variable: (j) => ({ text: featureName(j, featureNames), precedence: ATOM }),
    apply: (primitive, [a, b]) => {
      const form = primitive.infix;
      if (form.kind === 'call') return { text: `${form.name}(${a.text})`, precedence: ATOM };
      if (form.kind === 'prefix-minus') return prefixMinus(a);
      return binaryOperator(a, b, form.symbol, form.precedence === 1 ? SUM : PRODUCT);
    },
  };
}

/** Infix text of `expr` with constants to `digits` significant digits. */
export function printInfix(expr: Expr, featureNames?: readonly string[], digits = 4): string {
  return render(expr, infixDialect(featureNames, digits)).text;
}
