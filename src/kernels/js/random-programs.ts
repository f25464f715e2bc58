// Random GP program batches for differential tests and benchmarks of the evaluators.
// Programs are uniform random trees of an exact length; they are not a model of the programs
// that evolution produces.
import type { Rng } from '../../core/rng.js';
import { GpOp, type GpProgramBatch } from '../types.js';

/** Every binary GP primitive. */
export const GP_BINARY_OPS: readonly GpOp[] = [GpOp.Add, GpOp.Sub, GpOp.Mul, GpOp.Div];
/** Every unary GP primitive. */
export const GP_UNARY_OPS: readonly GpOp[] = [
  GpOp.Sin,
  GpOp.Cos,
  GpOp.Exp,
  GpOp.Log,
  GpOp.Sqrt,
  GpOp.Neg,
  GpOp.Square,
  GpOp.Tanh,
];

export interface RandomBatchOptions {
  readonly nPrograms: number;
  readonly nFeatures: number;
  /** Node counts are drawn uniformly from [minLength, maxLength]. */
  readonly minLength: number;
  readonly maxLength: number;
  /** Probability that an inner node with room for two children is binary (default 0.6). */
  readonly binaryProbability?: number;
  /** Probability that a terminal is a variable rather than a constant (default 0.7). */
  readonly variableProbability?: number;
  /** Unary primitives to draw from (default GP_UNARY_OPS). */
  readonly unaryOps?: readonly GpOp[];
}

/**
 * Builds a batch of random postfix programs. Constants are uniform in [−5, 5], and operators
 * are uniform within the binary and the unary primitive sets.
 */
export function randomGpBatch(rng: Rng, options: RandomBatchOptions): GpProgramBatch {
  const ops: number[] = [];
  const args: number[] = [];
  const consts: number[] = [];
  const offsets = [0];
  const binaryProbability = options.binaryProbability ?? 0.6;
  const variableProbability = options.variableProbability ?? 0.7;
  const unaryOps = options.unaryOps ?? GP_UNARY_OPS;

  // Postfix emission of a random tree with exactly `length` nodes, using an explicit stack of
  // pending work so no recursion depth limit applies.
  const emitTree = (length: number): void => {
    const work: { length: number; op: GpOp | null }[] = [{ length, op: null }];
    while (work.length > 0) {
      const item = work.pop()!;
      if (item.op !== null) {
        ops.push(item.op);
        args.push(0);
      } else if (item.length === 1) {
        emitTerminal();
      } else if (item.length >= 3 && rng.uniform() < binaryProbability) {
        const left = 1 + rng.int(item.length - 2);
        const op = GP_BINARY_OPS[rng.int(GP_BINARY_OPS.length)];
        // Popped in reverse: left subtree, right subtree, then the operator.
        work.push({ length: 0, op });
        work.push({ length: item.length - 1 - left, op: null });
        work.push({ length: left, op: null });
      } else {
        const op = unaryOps[rng.int(unaryOps.length)];
        work.push({ length: 0, op }, { length: item.length - 1, op: null });
      }
    }
  };
  const emitTerminal = (): void => {
    if (rng.uniform() < variableProbability) {
      ops.push(GpOp.Var);
      args.push(rng.int(options.nFeatures));
    } else {
      ops.push(GpOp.Const);
      args.push(consts.length);
      consts.push(rng.uniform() * 10 - 5);
    }
  };

  for (let q = 0; q < options.nPrograms; q++) {
    emitTree(options.minLength + rng.int(options.maxLength - options.minLength + 1));
    offsets.push(ops.length);
  }
  return {
    ops: Int32Array.from(ops),
    args: Int32Array.from(args),
    consts: Float64Array.from(consts),
    offsets: Int32Array.from(offsets),
  };
}
