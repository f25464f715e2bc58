// Structural checks for GP program batches, shared by the TypeScript and WebAssembly
// evaluators. The WebAssembly evaluator trusts its input, so these checks are what keeps a
// malformed batch from reading outside its buffers.
import { GpOp, type GpProgramBatch } from '../types.js';

/** Number of stack inputs each opcode pops; every opcode pushes one value. */
export const GP_ARITY: Readonly<Record<GpOp, 0 | 1 | 2>> = {
  [GpOp.Const]: 0,
  [GpOp.Var]: 0,
  [GpOp.Add]: 2,
  [GpOp.Sub]: 2,
  [GpOp.Mul]: 2,
  [GpOp.Div]: 2,
  [GpOp.Sin]: 1,
  [GpOp.Cos]: 1,
  [GpOp.Exp]: 1,
  [GpOp.Log]: 1,
  [GpOp.Sqrt]: 1,
  [GpOp.Neg]: 1,
  [GpOp.Square]: 1,
  [GpOp.Tanh]: 1,
};

/**
 * Validates a batch against a data set with `nFeatures` columns and returns the largest stack
 * depth any program reaches. Throws RangeError naming the program and node for an unknown
 * opcode, an out-of-range Var or Const argument, a stack underflow, or a program that does not
 * leave exactly one value.
 */
export function checkGpBatch(batch: GpProgramBatch, nFeatures: number): number {
  const { ops, args, consts, offsets } = batch;
  if (ops.length !== args.length) {
    throw new RangeError(
      `gp evaluate: ops and args must have equal lengths, got ${ops.length} and ${args.length}`,
    );
  }
  const nPrograms = offsets.length - 1;
  if (nPrograms < 0 || offsets[0] !== 0 || offsets[nPrograms] !== ops.length) {
    throw new RangeError(
      `gp evaluate: offsets must start at 0 and end at ${ops.length}, got [${offsets.join(', ')}]`,
    );
  }

  let maxDepth = 0;
  for (let q = 0; q < nPrograms; q++) {
    const start = offsets[q];
    const end = offsets[q + 1];
    if (end <= start) {
      throw new RangeError(
        `gp evaluate: program ${q} must have at least one node, got ${end - start}`,
      );
    }
    let depth = 0;
    for (let p = start; p < end; p++) {
      depth = checkNode(ops[p], args[p], depth, nFeatures, consts.length, q, p);
      maxDepth = Math.max(maxDepth, depth);
    }
    if (depth !== 1) {
      throw new RangeError(
        `gp evaluate: program ${q} must leave one value on the stack, got ${depth}`,
      );
    }
  }
  return maxDepth;
}

/** Returns the stack depth after node p, or throws if the node is invalid. */
function checkNode(
  op: number,
  arg: number,
  depth: number,
  nFeatures: number,
  nConsts: number,
  q: number,
  p: number,
): number {
  const where = `gp evaluate: program ${q} node ${p}`;
  const arity = GP_ARITY[op as GpOp];
  if (arity === undefined) throw new RangeError(`${where}: unknown opcode, got ${op}`);
  if (op === GpOp.Var && !(arg >= 0 && arg < nFeatures)) {
    throw new RangeError(`${where}: feature index must be in [0, ${nFeatures}), got ${arg}`);
  }
  if (op === GpOp.Const && !(arg >= 0 && arg < nConsts)) {
    throw new RangeError(`${where}: constant index must be in [0, ${nConsts}), got ${arg}`);
  }
  if (depth < arity) {
    throw new RangeError(`${where}: opcode ${op} needs ${arity} operands, got ${depth}`);
  }
  return depth - arity + 1;
}
