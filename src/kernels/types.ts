// The Kernels interface: numeric building blocks over flat row-major Float64Arrays.
// Two implementations share it: WebAssembly (assembly/, loaded by wasm.ts) and the plain
// TypeScript reference in js/, which is the oracle in tests and the fallback.
// Callers validate shapes and lengths; kernels assume valid input and never throw on data.

export type UnaryKernel =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'tanh'
  | 'relu'
  | 'softplus'
  | 'sigmoid'
  | 'square';

export type BinaryKernel = 'add' | 'sub' | 'mul' | 'div';

/** GP primitive opcodes shared by the TypeScript and WebAssembly evaluators. */
export enum GpOp {
  Const = 0,
  Var = 1,
  Add = 2,
  Sub = 3,
  Mul = 4,
  Div = 5,
  Sin = 6,
  Cos = 7,
  Exp = 8,
  Log = 9,
  Sqrt = 10,
  Neg = 11,
  Square = 12,
  Tanh = 13,
}

/**
 * A batch of postfix programs. Node p of the batch is (ops[p], args[p]): for Const, args[p]
 * indexes `consts`; for Var, args[p] is the feature index; otherwise args[p] is unused.
 * Program q occupies nodes offsets[q] .. offsets[q + 1] - 1.
 */
export interface GpProgramBatch {
  readonly ops: Int32Array;
  readonly args: Int32Array;
  readonly consts: Float64Array;
  readonly offsets: Int32Array;
}

/** Evaluator bound to one column-major data set, reused across many program batches. */
export interface GpEvaluator {
  readonly nRows: number;
  readonly nFeatures: number;
  /** out[q * nRows + i] = value of program q on row i. Non-finite values are returned as is. */
  evaluate(batch: GpProgramBatch, out?: Float64Array): Float64Array;
  dispose(): void;
}

export interface Kernels {
  readonly name: 'wasm' | 'js';

  /**
   * c = op(a) · op(b), c: [m, n]. a is [m, k] row-major, or [k, m] when transA;
   * b is [k, n], or [n, k] when transB.
   */
  matmul(
    a: Float64Array,
    b: Float64Array,
    m: number,
    k: number,
    n: number,
    transA?: boolean,
    transB?: boolean,
    out?: Float64Array,
  ): Float64Array;

  unary(op: UnaryKernel, x: Float64Array, out?: Float64Array): Float64Array;
  /** Elementwise x^p for a constant p. */
  powScalar(x: Float64Array, p: number, out?: Float64Array): Float64Array;
  /** Elementwise on equal lengths; broadcasting is done by the caller. */
  binary(op: BinaryKernel, a: Float64Array, b: Float64Array, out?: Float64Array): Float64Array;

  /** Derivative kernels from cached forward values: out = dy · (1 − y²) for y = tanh(x). */
  tanhBackward(y: Float64Array, dy: Float64Array, out?: Float64Array): Float64Array;
  /** out = dy · [x > 0] (the subgradient at 0 is 0). */
  reluBackward(x: Float64Array, dy: Float64Array, out?: Float64Array): Float64Array;

  /** x viewed as [outer, mid, inner]; out[o, i] = Σ_j x[o, j, i], length outer · inner. */
  sumMiddle(
    x: Float64Array,
    outer: number,
    mid: number,
    inner: number,
    out?: Float64Array,
  ): Float64Array;
  /** x: [m, n] -> out: [n, m]. */
  transpose(x: Float64Array, m: number, n: number, out?: Float64Array): Float64Array;

  /** Evaluator for GP programs over column-major data x[j * nRows + i] (feature j, row i). */
  createGpEvaluator(x: Float64Array, nRows: number, nFeatures: number): GpEvaluator;
}
