// Reference GP evaluator: one postfix pass per program over batches of rows, each node writing
// a batch of values into a scratch stack slot. Data is column-major, x[j * nRows + i].
import type { GpEvaluator, GpProgramBatch } from '../types.js';
import { GpOp } from '../types.js';
import { checkGpBatch } from './gp-program.js';

/**
 * The one definition of every GP primitive, as stated rules per opcode. The TypeScript and the
 * WebAssembly evaluators both implement exactly these rules. For binary primitives a is the
 * deeper stack operand and b the top. NaN fails every comparison, so div(a, NaN) = 1 and
 * log(NaN) = 0, while exp(NaN) = NaN.
 */
export const GP_PRIMITIVE_SEMANTICS: Readonly<Record<GpOp, string>> = {
  [GpOp.Const]: 'push consts[arg]',
  [GpOp.Var]: 'push feature column arg',
  [GpOp.Add]: 'a + b',
  [GpOp.Sub]: 'a - b',
  [GpOp.Mul]: 'a * b',
  [GpOp.Div]: 'a / b if |b| > 0.001, else 1',
  [GpOp.Sin]: 'sin(a), a in radians',
  [GpOp.Cos]: 'cos(a), a in radians',
  [GpOp.Exp]: 'exp(min(a, 100))',
  [GpOp.Log]: 'ln|a| if |a| > 0.001, else 0',
  [GpOp.Sqrt]: 'sqrt(|a|)',
  [GpOp.Neg]: '-a',
  [GpOp.Square]: 'a * a',
  [GpOp.Tanh]: 'tanh(a)',
};

/** Threshold of protected div and log (see GP_PRIMITIVE_SEMANTICS). */
export const GP_PROTECTION_THRESHOLD = 0.001;
/** Upper clamp on the argument of the protected exp primitive (see GP_PRIMITIVE_SEMANTICS). */
export const GP_EXP_MAX_ARGUMENT = 100;

/** Protected division (see GP_PRIMITIVE_SEMANTICS). */
export function gpDiv(a: number, b: number): number {
  return Math.abs(b) > GP_PROTECTION_THRESHOLD ? a / b : 1;
}

/** Protected logarithm (see GP_PRIMITIVE_SEMANTICS). */
export function gpLog(a: number): number {
  const m = Math.abs(a);
  return m > GP_PROTECTION_THRESHOLD ? Math.log(m) : 0;
}

/** Clamped exponential (see GP_PRIMITIVE_SEMANTICS); NaN stays NaN. */
export function gpExp(a: number): number {
  return Math.exp(a > GP_EXP_MAX_ARGUMENT ? GP_EXP_MAX_ARGUMENT : a);
}

/** Rows per batch, which is the length of each stack slot's buffer. */
const BATCH_ROWS = 256;

/** Creates the reference evaluator over column-major x: [nFeatures columns of nRows]. */
export function createGpEvaluator(x: Float64Array, nRows: number, nFeatures: number): GpEvaluator {
  const data = x.slice(0, nRows * nFeatures);
  const stack: Float64Array[] = [];
  return {
    nRows,
    nFeatures,
    evaluate(batch: GpProgramBatch, out?: Float64Array): Float64Array {
      const maxDepth = checkGpBatch(batch, nFeatures);
      while (stack.length < maxDepth) stack.push(new Float64Array(BATCH_ROWS));
      const nPrograms = batch.offsets.length - 1;
      const y = out ?? new Float64Array(nPrograms * nRows);
      for (let q = 0; q < nPrograms; q++) {
        for (let r0 = 0; r0 < nRows; r0 += BATCH_ROWS) {
          const len = Math.min(BATCH_ROWS, nRows - r0);
          runProgram(batch, q, data, nRows, r0, len, stack);
          y.set(stack[0].subarray(0, len), q * nRows + r0);
        }
      }
      return y;
    },
    dispose(): void {
      stack.length = 0;
    },
  };
}

/** Runs program q on rows r0 .. r0 + len − 1, leaving its values in stack[0]. */
function runProgram(
  batch: GpProgramBatch,
  q: number,
  x: Float64Array,
  nRows: number,
  r0: number,
  len: number,
  stack: Float64Array[],
): void {
  let top = -1;
  for (let p = batch.offsets[q]; p < batch.offsets[q + 1]; p++) {
    const op = batch.ops[p] as GpOp;
    if (op === GpOp.Const) {
      stack[++top].fill(batch.consts[batch.args[p]], 0, len);
    } else if (op === GpOp.Var) {
      const col = batch.args[p] * nRows + r0;
      stack[++top].set(x.subarray(col, col + len));
    } else if (op <= GpOp.Div) {
      applyBinary(op, stack[top - 1], stack[top], len);
      top--;
    } else {
      applyUnary(op, stack[top], len);
    }
  }
}

/** a[i] = op(a[i], b[i]) for i < len. */
function applyBinary(op: GpOp, a: Float64Array, b: Float64Array, len: number): void {
  switch (op) {
    case GpOp.Add:
      for (let i = 0; i < len; i++) a[i] = a[i] + b[i];
      break;
    case GpOp.Sub:
      for (let i = 0; i < len; i++) a[i] = a[i] - b[i];
      break;
    case GpOp.Mul:
      for (let i = 0; i < len; i++) a[i] = a[i] * b[i];
      break;
    case GpOp.Div:
      for (let i = 0; i < len; i++) a[i] = gpDiv(a[i], b[i]);
      break;
    default:
      throw new RangeError(`gp evaluate: binary opcode expected, got ${op}`);
  }
}

/** a[i] = op(a[i]) for i < len. */
function applyUnary(op: GpOp, a: Float64Array, len: number): void {
  switch (op) {
    case GpOp.Sin:
      for (let i = 0; i < len; i++) a[i] = Math.sin(a[i]);
      break;
    case GpOp.Cos:
      for (let i = 0; i < len; i++) a[i] = Math.cos(a[i]);
      break;
    case GpOp.Exp:
      for (let i = 0; i < len; i++) a[i] = gpExp(a[i]);
      break;
    case GpOp.Log:
      for (let i = 0; i < len; i++) a[i] = gpLog(a[i]);
      break;
    case GpOp.Sqrt:
      for (let i = 0; i < len; i++) a[i] = Math.sqrt(Math.abs(a[i]));
      break;
    case GpOp.Neg:
      for (let i = 0; i < len; i++) a[i] = -a[i];
      break;
    case GpOp.Square:
      for (let i = 0; i < len; i++) a[i] = a[i] * a[i];
      break;
    case GpOp.Tanh:
      for (let i = 0; i < len; i++) a[i] = Math.tanh(a[i]);
      break;
    default:
      throw new RangeError(`gp evaluate: unary opcode expected, got ${op}`);
  }
}
