// Compact transfer form of programs and scored individuals for worker threads: programs in the
// evaluator's batch layout (typed arrays, cheap to copy between threads) and the scores beside
// them. Decoding rebuilds identical programs, constants included bit for bit.
import type { GpProgramBatch } from '../kernels/index.js';
import { GpOp } from '../kernels/types.js';
import { packPrograms } from './evaluate.js';
import type { Individual, SlotResult } from './evolve.js';
import { constNode, opNode, varNode, withLengths, type Node, type Program } from './program.js';
import { PRIMITIVE_BY_OP } from './primitives.js';

export interface WireIndividuals {
  readonly programs: GpProgramBatch;
  readonly a: Float64Array;
  /** Every individual's term weights, one after another. */
  readonly weights: Float64Array;
  /** Start of individual k's weights in `weights`, and the end after the last one. */
  readonly weightOffsets: Int32Array;
  readonly loss: Float64Array;
  readonly length: Int32Array;
}

/** Slot results: copyOf[k] is the copied parent's index, or −1 for the next new individual. */
export interface WireSlots {
  readonly copyOf: Int32Array;
  readonly individuals: WireIndividuals;
}

/** The programs of a batch, in order. Throws for an opcode without a primitive. */
export function unpackPrograms(batch: GpProgramBatch): Program[] {
  const programs: Program[] = [];
  for (let q = 0; q + 1 < batch.offsets.length; q++) {
    const nodes: Node[] = [];
    for (let p = batch.offsets[q]; p < batch.offsets[q + 1]; p++) {
      const op = batch.ops[p] as GpOp;
      if (op === GpOp.Const) {
        nodes.push(constNode(batch.consts[batch.args[p]]));
      } else if (op === GpOp.Var) {
        nodes.push(varNode(batch.args[p]));
      } else {
        const primitive = PRIMITIVE_BY_OP.get(op);
        if (primitive === undefined)
          throw new RangeError(`unpackPrograms: known opcode expected, got ${op}`);
        nodes.push(opNode(primitive, 0));
      }
    }
    programs.push(withLengths(nodes));
  }
  return programs;
}

export function packIndividuals(individuals: readonly Individual[]): WireIndividuals {
  const weightOffsets = new Int32Array(individuals.length + 1);
  individuals.forEach((ind, k) => (weightOffsets[k + 1] = weightOffsets[k] + ind.weights.length));
  const weights = new Float64Array(weightOffsets[individuals.length]);
  individuals.forEach((ind, k) => weights.set(ind.weights, weightOffsets[k]));
  return {
    programs: packPrograms(individuals.map((ind) => ind.program)),
    a: Float64Array.from(individuals, (ind) => ind.a),
    weights,
    weightOffsets,
    loss: Float64Array.from(individuals, (ind) => ind.loss),
    length: Int32Array.from(individuals, (ind) => ind.length),
  };
}

export function unpackIndividuals(wire: WireIndividuals): Individual[] {
  return unpackPrograms(wire.programs).map((program, k) => ({
    program,
    a: wire.a[k],
    weights: wire.weights.slice(wire.weightOffsets[k], wire.weightOffsets[k + 1]),
    loss: wire.loss[k],
    length: wire.length[k],
  }));
}

export function packSlots(results: readonly SlotResult[]): WireSlots {
  const fresh: Individual[] = [];
  const copyOf = Int32Array.from(results, (result) => {
    if ('copyOf' in result) return result.copyOf;
    fresh.push(result);
    return -1;
  });
  return { copyOf, individuals: packIndividuals(fresh) };
}

export function unpackSlots(wire: WireSlots): SlotResult[] {
  const fresh = unpackIndividuals(wire.individuals);
  let k = 0;
  return Array.from(wire.copyOf, (parent): SlotResult =>
    parent >= 0 ? { copyOf: parent } : fresh[k++],
  );
}

/** Typed arrays of a wire value, for a postMessage transfer list. */
export function transferables(wire: WireIndividuals): ArrayBuffer[] {
  const { ops, args, consts, offsets } = wire.programs;
  const { a, weights, weightOffsets, loss, length } = wire;
  return [ops, args, consts, offsets, a, weights, weightOffsets, loss, length].map(
    (v) => v.buffer as ArrayBuffer,
  );
}
