// Export of expression trees as LaTeX, as JavaScript function source and as a Python script
// that builds a sympy expression. The JavaScript source keeps the protected semantics exactly.
// LaTeX shows ln|a| and sqrt(|a|) but not the thresholds. The sympy script can do either (see
// SympyOptions.protectedOps).
import type { Expr } from './expr.js';
import {
  ATOM,
  featureName,
  formatNumber,
  minusOperand,
  operands,
  prefixMinus,
  printedNumber,
  PRODUCT,
  render,
  SUM,
  UNARY,
  type Dialect,
  type Printed,
} from './print.js';
import type { Primitive, PrimitiveName } from './primitives.js';

function precedenceOf(primitive: Primitive): number {
  return primitive.infix.kind === 'operator' && primitive.infix.precedence === 1 ? SUM : PRODUCT;
}

const LATEX_SPECIAL = /[\\{}_^#$%&~]/g;

/** A feature name as LaTeX: `x_{j}` by default, otherwise the name in upright text. */
function latexName(j: number, featureNames?: readonly string[]): string {
  const name = featureNames?.[j];
  if (name === undefined) return `x_{${j}}`;
  const escaped = name.replace(LATEX_SPECIAL, (ch) => (ch === '\\' ? '\\backslash{}' : `\\${ch}`));
  return `\\text{${escaped}}`;
}

/** A number in LaTeX, with an exponent written as a power of ten. */
function latexNumber(value: number, digits: number): Printed {
  const text = formatNumber(value, digits);
  const match = /^(-?[\d.]+)e([+-]\d+)$/.exec(text);
  if (match === null) return printedNumber(text);
  const exponent = Number(match[2]);
  return { text: `${match[1]} \\cdot 10^{${exponent}}`, precedence: PRODUCT };
}

function latexDialect(featureNames: readonly string[] | undefined, digits: number): Dialect {
  return {
    number: (value) => latexNumber(value, digits),
    variable: (j) => ({ text: latexName(j, featureNames), precedence: ATOM }),
    apply: (primitive, [a, b]) => {
      const form = primitive.infix;
      if (primitive.name === 'div')
        return { text: primitive.latex(a.text, b.text), precedence: ATOM };
      if (form.kind === 'operator') {
        const precedence = precedenceOf(primitive);
        const [left, right] = operands(a, b, precedence);
        return { text: primitive.latex(left, right), precedence };
      }
      if (form.kind === 'prefix-minus')
        return { text: primitive.latex(minusOperand(a), ''), precedence: UNARY };
      return { text: primitive.latex(a.text, ''), precedence: ATOM };
    },
  };
}

/** LaTeX math (without delimiters) for `expr`. */
export function printLatex(expr: Expr, featureNames?: readonly string[], digits = 4): string {
  return render(expr, latexDialect(featureNames, digits)).text;
}

/** Helpers the JavaScript source defines when it uses them, with the protected rules. */
const JS_HELPERS: Partial<Record<PrimitiveName, string>> = {
  div: 'const div = (a, b) => (Math.abs(b) > 0.001 ? a / b : 1);',
  log: 'const log = (a) => (Math.abs(a) > 0.001 ? Math.log(Math.abs(a)) : 0);',
  exp: 'const exp = (a) => Math.exp(a > 100 ? 100 : a);',
  sqrt: 'const sqrt = (a) => Math.sqrt(Math.abs(a));',
  square: 'const square = (a) => a * a;',
};

function jsDialect(used: Set<PrimitiveName>, digits: number): Dialect {
  return {
    number: (value) => printedNumber(formatNumber(value, digits)),
    variable: (j) => ({ text: `x[${j}]`, precedence: ATOM }),
    apply: (primitive, [a, b]) => {
      const form = primitive.infix;
      if (JS_HELPERS[primitive.name] !== undefined) {
        used.add(primitive.name);
        const args = b === undefined ? a.text : `${a.text}, ${b.text}`;
        return { text: `${primitive.name}(${args})`, precedence: ATOM };
      }
      if (form.kind === 'operator') {
        const [left, right] = operands(a, b, precedenceOf(primitive));
        return { text: `${left} ${form.symbol} ${right}`, precedence: precedenceOf(primitive) };
      }
      if (form.kind === 'prefix-minus') return prefixMinus(a);
      return { text: `Math.${primitive.name}(${a.text})`, precedence: ATOM };
    },
  };
}

/**
 * Source of a JavaScript function `name(x)` that returns the formula's value for the feature
 * array x (x[j] is feature j), with the protected primitives defined inside it.
 */
export function printJavaScript(
  expr: Expr,
  featureNames?: readonly string[],
  digits = 17,
  name = 'formula',
): string {
  const used = new Set<PrimitiveName>();
  const body = render(expr, jsDialect(used, digits)).text;
  const nFeatures = featureNames?.length ?? 0;
  const legend = Array.from(
    { length: nFeatures },
    (_, j) => `x[${j}] = ${featureName(j, featureNames)}`,
  );
  const lines = [`function ${name}(x) {`];
  if (legend.length > 0) lines.push(`  // ${legend.join(', ')}`);
  for (const helper of Object.keys(JS_HELPERS) as PrimitiveName[]) {
    if (used.has(helper)) lines.push(`  ${JS_HELPERS[helper]}`);
  }
  lines.push(`  return ${body};`, '}');
  return lines.join('\n');
}

export interface SympyOptions {
  readonly featureNames?: readonly string[];
  /** Significant digits of constants; default 17 (exact). */
  readonly digits?: number;
  /**
   * Write the protection rules as sympy.Piecewise and sympy.Min so the expression equals the
   * program everywhere; default false, which writes plain a/b, log|a| and exp(a).
   */
  readonly protectedOps?: boolean;
}

/** Python keywords, and the names the sympy script itself binds. */
const PYTHON_RESERVED = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class',
  'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if',
  'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'sympy', 'expr',
]);

/**
 * Python identifiers for the features: invalid characters become '_', a reserved name gets a
 * trailing '_', and duplicates get a suffix.
 */
export function pythonNames(nFeatures: number, featureNames?: readonly string[]): string[] {
  const seen = new Set<string>();
  return Array.from({ length: nFeatures }, (_, j) => {
    let name = featureName(j, featureNames).replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(name)) name = `_${name}`;
    // A keyword would not parse, and `sympy` or `expr` would shadow the script's own names.
    if (PYTHON_RESERVED.has(name)) name = `${name}_`;
    let unique = name;
    for (let k = 2; seen.has(unique); k++) unique = `${name}_${k}`;
    seen.add(unique);
    return unique;
  });
}

function sympyCall(primitive: Primitive, a: string, b: string, protectedOps: boolean): string {
  const abs = `sympy.Abs(${a})`;
  switch (primitive.name) {
    case 'div':
      return `sympy.Piecewise(((${a})/(${b}), sympy.Abs(${b}) > 0.001), (1, True))`;
    case 'log':
      return protectedOps
        ? `sympy.Piecewise((sympy.log(${abs}), ${abs} > 0.001), (0, True))`
        : `sympy.log(${abs})`;
    case 'exp':
      return protectedOps ? `sympy.exp(sympy.Min(${a}, 100))` : `sympy.exp(${a})`;
    case 'sqrt':
      return `sympy.sqrt(${abs})`;
    case 'square':
      return `(${a})**2`;
    default:
      return `sympy.${primitive.name}(${a})`;
  }
}

function sympyDialect(names: readonly string[], digits: number, protectedOps: boolean): Dialect {
  return {
    number: (value) => printedNumber(formatNumber(value, digits)),
    variable: (j) => ({ text: names[j], precedence: ATOM }),
    apply: (primitive, [a, b]) => {
      const form = primitive.infix;
      const protectedDiv = primitive.name === 'div' && protectedOps;
      if (form.kind === 'operator' && !protectedDiv) {
        const precedence = precedenceOf(primitive);
        const [left, right] = operands(a, b, precedence);
        return { text: `${left} ${form.symbol} ${right}`, precedence };
      }
      if (form.kind === 'prefix-minus') return prefixMinus(a);
      return { text: sympyCall(primitive, a.text, b?.text ?? '', protectedOps), precedence: ATOM };
    },
  };
}

/**
 * A self-contained Python script that defines the feature symbols and `expr`, the formula as a
 * sympy expression. Feature names are turned into Python identifiers (see pythonNames).
 */
export function printSympy(expr: Expr, nFeatures: number, opts: SympyOptions = {}): string {
  const names = pythonNames(nFeatures, opts.featureNames);
  const text = render(
    expr,
    sympyDialect(names, opts.digits ?? 17, opts.protectedOps ?? false),
  ).text;
  const lines = ['import sympy', ''];
  if (names.length > 0) {
    const targets = names.length === 1 ? `${names[0]},` : names.join(', ');
    lines.push(`${targets} = sympy.symbols('${names.join(' ')}', real=True)`);
  }
  lines.push(`expr = ${text}`);
  return lines.join('\n');
}
