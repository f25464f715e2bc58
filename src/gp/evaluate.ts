// Batch evaluation of programs through the kernel evaluator: programs are packed into one
// opcode batch and evaluated over all rows in a single postfix pass per program. Work is cut
// into chunks of programs so the output buffer stays bounded for large data sets.
import { getKernels, type GpEvaluator, type GpProgramBatch } from '../kernels/index.js';
import { GpOp } from '../kernels/types.js';
import type { Program } from './program.js';

/** Upper bound on program × row values held in one output buffer. */
const MAX_CHUNK_VALUES = 1 << 22;

/** Packs programs into the evaluator's batch layout (one consts slot per constant node). */
export function packPrograms(programs: readonly Program[]): GpProgramBatch {
  let nNodes = 0;
  let nConsts = 0;
  for (const program of programs) {
    nNodes += program.length;
    for (const node of program) if (node.kind === 'const') nConsts++;
  }

  const ops = new Int32Array(nNodes);
  const args = new Int32Array(nNodes);
  const consts = new Float64Array(nConsts);
  const offsets = new Int32Array(programs.length + 1);
  let p = 0;
  let k = 0;
  programs.forEach((program, q) => {
    offsets[q] = p;
    for (const node of program) {
      if (node.kind === 'const') {
        ops[p] = GpOp.Const;
        args[p] = k;
        consts[k++] = node.value;
      } else if (node.kind === 'var') {
        ops[p] = GpOp.Var;
        args[p] = node.feature;
      } else {
        ops[p] = node.primitive.op;
      }
      p++;
    }
  });
  offsets[programs.length] = p;
  return { ops, args, consts, offsets };
}

/** Column-major copy x[j * nRows + i] of feature columns of equal length. */
export function columnMajor(columns: readonly Float64Array[], nRows: number): Float64Array {
  const x = new Float64Array(columns.length * nRows);
  columns.forEach((column, j) => x.set(column, j * nRows));
  return x;
}

/** Evaluates programs on one data set, reusing the kernel evaluator across calls. */
export class ProgramEvaluator {
  readonly nRows: number;
  readonly nFeatures: number;
  private readonly evaluator: GpEvaluator;

  /** `columns`: nFeatures arrays of nRows values each (checked by the caller). */
  constructor(columns: readonly Float64Array[], nRows: number) {
    this.nRows = nRows;
    this.nFeatures = columns.length;
    this.evaluator = getKernels().createGpEvaluator(
      columnMajor(columns, nRows),
      nRows,
      columns.length,
    );
  }

  /**
   * Calls `visit(q, values)` for every program q with its outputs on all rows; `values` is a
   * view that is overwritten after the call returns.
   */
  forEach(programs: readonly Program[], visit: (q: number, values: Float64Array) => void): void {
    const chunk = Math.max(1, Math.floor(MAX_CHUNK_VALUES / Math.max(1, this.nRows)));
    let out: Float64Array | undefined;
    for (let q0 = 0; q0 < programs.length; q0 += chunk) {
      const part = programs.slice(q0, q0 + chunk);
      const size = part.length * this.nRows;
      if (out === undefined || out.length < size) out = new Float64Array(size);
      const values = this.evaluator.evaluate(packPrograms(part), out.subarray(0, size));
      for (let q = 0; q < part.length; q++) {
        visit(q0 + q, values.subarray(q * this.nRows, (q + 1) * this.nRows));
      }
    }
  }

  /**
   * Calls `visit(g, values)` for every group g of programs with the outputs of its programs on
   * all rows, in order. The arrays are views that the next call overwrites. A group is never
   * split across evaluator calls.
   */
  forEachGroup(
    groups: readonly (readonly Program[])[],
    visit: (g: number, values: Float64Array[]) => void,
  ): void {
    const nRows = this.nRows;
    const limit = Math.max(1, Math.floor(MAX_CHUNK_VALUES / Math.max(1, nRows)));
    let out: Float64Array | undefined;
    let g0 = 0;
    while (g0 < groups.length) {
      let g1 = g0;
      const part: Program[] = [];
      const fits = (g: number): boolean => part.length === 0 || part.length + groups[g].length <= limit;
      while (g1 < groups.length && fits(g1)) {
        part.push(...groups[g1]);
        g1++;
      }
      const size = part.length * nRows;
      if (out === undefined || out.length < size) out = new Float64Array(size);
      const values =
        part.length > 0 ? this.evaluator.evaluate(packPrograms(part), out.subarray(0, size)) : out;
      let q = 0;
      for (let g = g0; g < g1; g++) {
        const columns = groups[g].map(() => values.subarray(q * nRows, ++q * nRows));
        visit(g, columns);
      }
      g0 = g1;
    }
  }

  /** Outputs of one program on all rows (a fresh array). */
  evaluateOne(program: Program): Float64Array {
    return this.evaluator.evaluate(packPrograms([program])).slice(0, this.nRows);
  }

  dispose(): void {
    this.evaluator.dispose();
  }
}
