// The GP primitive set as data: each primitive has a name, an arity, its evaluator opcode, its
// scalar semantics with the protection rule stated in words, its partial derivatives (used by
// constant fitting) and how it prints. The scalar rules are the ones the batch evaluators in
// src/kernels implement, so folding, fitting and evaluation agree on every input.
import { GpOp } from '../kernels/types.js';
import { gpDiv, gpExp, gpLog, GP_PROTECTION_THRESHOLD } from '../kernels/js/index.js';

export type PrimitiveName =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'sin'
  | 'cos'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'neg'
  | 'square'
  | 'tanh';

/** Infix form of a primitive: a binary operator with a precedence, a unary minus or a call. */
export type InfixForm =
  | {
      readonly kind: 'operator';
      readonly symbol: '+' | '-' | '*' | '/';
      readonly precedence: 1 | 2;
    }
  | { readonly kind: 'prefix-minus' }
  | { readonly kind: 'call'; readonly name: string };

export interface Primitive {
  readonly name: PrimitiveName;
  readonly arity: 1 | 2;
  readonly op: GpOp;
  /** Scalar value; `b` is ignored by unary primitives. */
  readonly apply: (a: number, b: number) => number;
  /** ∂y/∂a and ∂y/∂b at (a, b) with y = apply(a, b); the protected branches have zero slope. */
  readonly dA: (a: number, b: number, y: number) => number;
  readonly dB: (a: number, b: number, y: number) => number;
  /** The protection rule in words, with its threshold. */
  readonly protection: string;
  readonly infix: InfixForm;
  /** LaTeX for already-printed arguments (binary operators receive parenthesised operands). */
  readonly latex: (a: string, b: string) => string;
}

const zero = (): number => 0;

function binaryOperator(
  name: PrimitiveName,
  op: GpOp,
  symbol: '+' | '-' | '*' | '/',
  apply: (a: number, b: number) => number,
  dA: Primitive['dA'],
  dB: Primitive['dB'],
  protection: string,
  latex: Primitive['latex'],
): Primitive {
  const precedence = symbol === '+' || symbol === '-' ? 1 : 2;
  return {
    name,
    arity: 2,
    op,
    apply,
    dA,
    dB,
    protection,
    infix: { kind: 'operator', symbol, precedence },
    latex,
  };
}

function unaryCall(
  name: PrimitiveName,
  op: GpOp,
  apply: (a: number) => number,
  dA: (a: number, y: number) => number,
  protection: string,
  latex: (a: string) => string,
): Primitive {
  return {
    name,
    arity: 1,
    op,
    apply: (a) => apply(a),
    dA: (a, _b, y) => dA(a, y),
    dB: zero,
    protection,
    infix: { kind: 'call', name },
    latex: (a) => latex(a),
  };
}

const T = GP_PROTECTION_THRESHOLD;

/** Every primitive the evaluators support, keyed by name. */
export const PRIMITIVES: Readonly<Record<PrimitiveName, Primitive>> = {
  add: binaryOperator(
    'add',
    GpOp.Add,
    '+',
    (a, b) => a + b,
    () => 1,
    () => 1,
    'none',
    (a, b) => `${a} + ${b}`,
  ),
  sub: binaryOperator(
    'sub',
    GpOp.Sub,
    '-',
    (a, b) => a - b,
    () => 1,
    () => -1,
    'none',
    (a, b) => `${a} - ${b}`,
  ),
  mul: binaryOperator(
    'mul',
    GpOp.Mul,
    '*',
    (a, b) => a * b,
    (_a, b) => b,
    (a) => a,
    'none',
    (a, b) => `${a} \\cdot ${b}`,
  ),
  div: binaryOperator(
    'div',
    GpOp.Div,
    '/',
    gpDiv,
    (_a, b) => (Math.abs(b) > T ? 1 / b : 0),
    (a, b) => (Math.abs(b) > T ? -a / (b * b) : 0),
    `a / b if |b| > ${T}, else 1`,
    (a, b) => `\\frac{${a}}{${b}}`,
  ),
  sin: unaryCall(
    'sin',
    GpOp.Sin,
    Math.sin,
    (a) => Math.cos(a),
    'none (radians)',
    (a) => `\\sin\\left(${a}\\right)`,
  ),
  cos: unaryCall(
    'cos',
    GpOp.Cos,
    Math.cos,
    (a) => -Math.sin(a),
    'none (radians)',
    (a) => `\\cos\\left(${a}\\right)`,
  ),
  exp: unaryCall(
    'exp',
    GpOp.Exp,
    gpExp,
    (a, y) => (a > 100 ? 0 : y),
    'exp(min(a, 100))',
    (a) => `e^{${a}}`,
  ),
  log: unaryCall(
    'log',
    GpOp.Log,
    gpLog,
    (a) => (Math.abs(a) > T ? 1 / a : 0),
    `ln|a| if |a| > ${T}, else 0`,
    (a) => `\\ln\\left|${a}\\right|`,
  ),
  sqrt: unaryCall(
    'sqrt',
    GpOp.Sqrt,
    (a) => Math.sqrt(Math.abs(a)),
    (a, y) => (y > 0 ? Math.sign(a) / (2 * y) : 0),
    'sqrt(|a|)',
    (a) => `\\sqrt{\\left|${a}\\right|}`,
  ),
  neg: {
    name: 'neg',
    arity: 1,
    op: GpOp.Neg,
    apply: (a) => -a,
    dA: () => -1,
    dB: zero,
    protection: 'none',
    infix: { kind: 'prefix-minus' },
    latex: (a) => `-${a}`,
  },
  square: unaryCall(
    'square',
    GpOp.Square,
    (a) => a * a,
    (a) => 2 * a,
    'none',
    (a) => `\\left(${a}\\right)^{2}`,
  ),
  tanh: unaryCall(
    'tanh',
    GpOp.Tanh,
    Math.tanh,
    (_a, y) => 1 - y * y,
    'none',
    (a) => `\\tanh\\left(${a}\\right)`,
  ),
};

/** The function set used when none is given. */
export const DEFAULT_FUNCTION_SET: readonly PrimitiveName[] = [
  'add',
  'sub',
  'mul',
  'div',
  'sin',
  'cos',
  'exp',
  'log',
  'sqrt',
];

/** Primitive by evaluator opcode. */
export const PRIMITIVE_BY_OP: ReadonlyMap<GpOp, Primitive> = new Map(
  Object.values(PRIMITIVES).map((p) => [p.op, p]),
);

export function isPrimitiveName(name: string): name is PrimitiveName {
  return Object.prototype.hasOwnProperty.call(PRIMITIVES, name);
}

/**
 * Resolves a function set given by names. Throws RangeError for an empty set, an unknown name
 * or a duplicate.
 */
export function resolveFunctionSet(names: readonly string[]): Primitive[] {
  if (names.length === 0) {
    throw new RangeError('functionSet: at least one primitive expected, got an empty list');
  }
  const seen = new Set<string>();
  return names.map((name) => {
    if (!isPrimitiveName(name)) {
      const known = Object.keys(PRIMITIVES).join(', ');
      throw new RangeError(`functionSet: one of ${known} expected, got '${name}'`);
    }
    if (seen.has(name))
      throw new RangeError(`functionSet: unique names expected, got '${name}' twice`);
    seen.add(name);
    return PRIMITIVES[name];
  });
}
