// Infix printing of expression trees. Parentheses follow precedence, and the right operand of
// an operator with equal precedence is always parenthesised, so parseInfix rebuilds the same
// tree: a·(b/c) and (a·b)/c differ under protected division. Function names mean the protected
// primitives: log(a) is ln|a| (0 when |a| ≤ 0.001), sqrt(a) is sqrt(|a|), a / b is 1 when
// |b| ≤ 0.001, exp(a) is exp(min(a, 100)).
import type { Expr } from './expr.js';

/** Precedence levels: sums, products, unary minus, atoms and calls. */
const SUM = 1;
const PRODUCT = 2;
const UNARY = 3;
const ATOM = 4;

interface Printed {
  readonly text: string;
  readonly precedence: number;
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

function wrap(p: Printed, needed: boolean): string {
  return needed ? `(${p.text})` : p.text;
}

function printNode(expr: Expr, names: readonly string[] | undefined, digits: number): Printed {
  if (expr.type === 'const') {
    const text = formatNumber(expr.value, digits);
    return { text, precedence: text.startsWith('-') ? UNARY : ATOM };
  }
  if (expr.type === 'var') return { text: featureName(expr.feature, names), precedence: ATOM };

  const args = expr.args.map((arg) => printNode(arg, names, digits));
  const form = expr.primitive.infix;
  if (form.kind === 'call') return { text: `${form.name}(${args[0].text})`, precedence: ATOM };
  if (form.kind === 'prefix-minus') {
    const a = args[0];
    return {
      text: `-${wrap(a, a.precedence < ATOM || a.text.startsWith('-'))}`,
      precedence: UNARY,
    };
  }

  const [a, b] = args;
  const prec = form.precedence === 1 ? SUM : PRODUCT;
  const left = wrap(a, a.precedence < prec);
  const right = wrap(b, b.precedence <= prec || b.text.startsWith('-'));
  return { text: `${left} ${form.symbol} ${right}`, precedence: prec };
}

/** Infix text of `expr` with constants to `digits` significant digits. */
export function printInfix(expr: Expr, featureNames?: readonly string[], digits = 4): string {
  return printNode(expr, featureNames, digits).text;
}
