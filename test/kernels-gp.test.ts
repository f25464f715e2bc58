// The WebAssembly GP evaluator against the TypeScript reference, for every build. Primitives
// built from exactly rounded operations (add, sub, mul, div, sqrt, neg, square and the
// protection rules) must agree bit for bit, and sin, cos, exp, log and tanh within 4 ulp.
// Random programs mixing all primitives can amplify those ulps without bound (sin of a huge
// value, a protection threshold crossed). They are therefore checked by counts, with
// non-finite disagreements counted apart from numeric ones.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import {
  GpOp,
  WASM_VARIANTS,
  createWasmKernels,
  jsKernels,
  type GpProgramBatch,
} from '../src/kernels/index.js';
import { randomGpBatch } from '../src/kernels/js/random-programs.js';
import { describeMismatch, firstBitMismatch, maxUlpDistance } from './kernels-compare.js';

/** Column values around every protection threshold, clamp and reduction limit. */
const SPECIAL_COLUMN = [
  0, -0, 0.001, -0.001, 0.0010000000000000002, 0.0009999999999999998, 1e-300, 5e-324, 0.5, -2,
  Math.PI, -Math.PI / 2, 100, 100.5, -700, -800, 709, 1e5, 524288, 524289, -1e7, 1e22, 1e300,
  Infinity, -Infinity, NaN,
];

const EXACT_UNARY = [GpOp.Sqrt, GpOp.Neg, GpOp.Square];
const ROUNDED_UNARY = [GpOp.Sin, GpOp.Cos, GpOp.Exp, GpOp.Log, GpOp.Tanh];
const BINARY = [GpOp.Add, GpOp.Sub, GpOp.Mul, GpOp.Div];
const ULP_BOUND = 4;

/** Column-major data: random normals at several scales, then the special values. */
function makeData(rng: Rng, nRows: number, nFeatures: number): Float64Array {
  const x = new Float64Array(nRows * nFeatures);
  const scales = [1e-3, 1, 3, 30];
  for (let j = 0; j < nFeatures; j++) {
    for (let i = 0; i < nRows; i++) {
      const special = i - (nRows - SPECIAL_COLUMN.length);
      x[j * nRows + i] =
        special >= 0
          ? SPECIAL_COLUMN[(special + j) % SPECIAL_COLUMN.length]
          : rng.normal() * scales[(i + j) % scales.length];
    }
  }
  return x;
}

/** Builds a batch from postfix programs written as [op, arg] pairs. */
function batchOf(programs: [GpOp, number][][], consts: number[]): GpProgramBatch {
  const nodes = programs.flat();
  const offsets = [0];
  for (const program of programs) offsets.push(offsets[offsets.length - 1] + program.length);
  return {
    ops: Int32Array.from(nodes.map(([op]) => op)),
    args: Int32Array.from(nodes.map(([, arg]) => arg)),
    consts: Float64Array.from(consts),
    offsets: Int32Array.from(offsets),
  };
}

/** Single-primitive programs over every feature, with variable and constant operands. */
function primitiveBatch(op: GpOp, nFeatures: number): GpProgramBatch {
  const consts = [0.0005, -3.5, 0];
  const programs: [GpOp, number][][] = [];
  const binary = BINARY.includes(op);
  for (let j = 0; j < nFeatures; j++) {
    const next = (j + 1) % nFeatures;
    if (binary) {
      programs.push([[GpOp.Var, j], [GpOp.Var, next], [op, 0]]);
      programs.push([[GpOp.Var, j], [GpOp.Const, j % consts.length], [op, 0]]);
      programs.push([[GpOp.Const, j % consts.length], [GpOp.Var, j], [op, 0]]);
    } else {
      programs.push([[GpOp.Var, j], [op, 0]]);
      programs.push([[GpOp.Var, j], [GpOp.Var, next], [GpOp.Mul, 0], [op, 0]]);
    }
  }
  // Constant-only programs run once per batch instead of once per row.
  for (let c = 0; c < consts.length; c++) {
    const operand: [GpOp, number][] = binary
      ? [[GpOp.Const, c], [GpOp.Const, (c + 1) % consts.length], [op, 0]]
      : [[GpOp.Const, c], [op, 0]];
    programs.push(operand);
  }
  return batchOf(programs, consts);
}

interface Agreement {
  identical: number;
  withinBound: number;
  numeric: number;
  nonFinite: number;
}

/** Classifies each value pair: identical, relative difference ≤ 1e-9, beyond it, non-finite. */
function classify(actual: Float64Array, expected: Float64Array): Agreement {
  const result: Agreement = { identical: 0, withinBound: 0, numeric: 0, nonFinite: 0 };
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) {
      result.identical++;
    } else if (!Number.isFinite(a) || !Number.isFinite(e)) {
      result.nonFinite++;
    } else if (Math.abs(a - e) <= 1e-9 * Math.abs(e)) {
      result.withinBound++;
    } else {
      result.numeric++;
    }
  }
  return result;
}

describe.each(WASM_VARIANTS)('%s build gp evaluator', (variant) => {
  const wasm = createWasmKernels(variant, { smallInputsToJs: false });
  const nFeatures = 8;
  // 301 rows: not a multiple of the two-row SIMD step, so the last column is read one past its
  // end; 513 rows: crosses from one 512-row batch into a second.
  const rowCounts = [1, 301, 513];

  const named = (ops: GpOp[]): [string, GpOp][] => ops.map((op) => [GpOp[op], op]);

  test.each(named([...EXACT_UNARY, ...BINARY]))('primitive %s matches bit for bit', (_, op) => {
    for (const nRows of rowCounts) {
      const x = makeData(new Rng(`gp-data-${nRows}`), nRows, nFeatures);
      const batch = primitiveBatch(op, nFeatures);
      const actual = wasm.createGpEvaluator(x, nRows, nFeatures).evaluate(batch);
      const expected = jsKernels.createGpEvaluator(x, nRows, nFeatures).evaluate(batch);
      const mismatch = firstBitMismatch(actual, expected);
      expect(mismatch, `${GpOp[op]}, ${nRows} rows: ${describeMismatch(mismatch)}`).toBeUndefined();
    }
  });

  test.each(named(ROUNDED_UNARY))(`primitive %s is within ${ULP_BOUND} ulp`, (_, op) => {
    for (const nRows of rowCounts) {
      const x = makeData(new Rng(`gp-data-${nRows}`), nRows, nFeatures);
      const batch = primitiveBatch(op, nFeatures);
      const actual = wasm.createGpEvaluator(x, nRows, nFeatures).evaluate(batch);
      const expected = jsKernels.createGpEvaluator(x, nRows, nFeatures).evaluate(batch);
      const { ulps, index } = maxUlpDistance(actual, expected);
      const values = `${actual[index]} vs ${expected[index]}`;
      const where = `${GpOp[op]}, ${nRows} rows, output ${index}: ${values}`;
      expect(ulps, where).toBeLessThanOrEqual(ULP_BOUND);
    }
  });

  // An even row count lets the last nodes of each program write straight into the output, an
  // odd one goes through a stack buffer.
  test.each([301, 302])('exact programs match bitwise, %i rows', (nRows) => {
    const rng = new Rng(`gp-exact-${variant}`);
    const x = makeData(rng, nRows, nFeatures);
    const batch = randomGpBatch(rng, {
      nPrograms: 3000,
      nFeatures,
      minLength: 1,
      maxLength: 31,
      unaryOps: EXACT_UNARY,
    });
    const actual = wasm.createGpEvaluator(x, nRows, nFeatures).evaluate(batch);
    const expected = jsKernels.createGpEvaluator(x, nRows, nFeatures).evaluate(batch);
    const mismatch = firstBitMismatch(actual, expected);
    const program = Math.floor((mismatch?.index ?? 0) / nRows);
    expect(mismatch, `program ${program}: ${describeMismatch(mismatch)}`).toBeUndefined();
  });

  test('programs with every primitive agree on nearly all values', () => {
    const rng = new Rng(`gp-mixed-${variant}`);
    const nRows = 301;
    const x = makeData(rng, nRows, nFeatures);
    const batch = randomGpBatch(rng, { nPrograms: 3000, nFeatures, minLength: 1, maxLength: 31 });
    const actual = wasm.createGpEvaluator(x, nRows, nFeatures).evaluate(batch);
    const expected = jsKernels.createGpEvaluator(x, nRows, nFeatures).evaluate(batch);
    const counts = classify(actual, expected);
    const summary = JSON.stringify(counts);
    // For these seeds about 0.1% of values disagree numerically and none in finiteness, well
    // inside both bounds. A wrong primitive or a broken stack would change whole programs.
    expect(counts.nonFinite / actual.length, summary).toBeLessThan(1e-3);
    expect(counts.numeric / actual.length, summary).toBeLessThan(5e-3);
    expect(counts.identical / actual.length, summary).toBeGreaterThan(0.8);
  });

  test('unary after another node matches two passes', () => {
    // The SIMD builds run some node pairs (any primitive, then a unary one on its value) in one
    // loop. Each value must equal the one the second node gives on the first node's output.
    const firsts = [...BINARY, GpOp.Sin, GpOp.Cos, GpOp.Exp, GpOp.Log, GpOp.Sqrt];
    const seconds = [GpOp.Sin, GpOp.Cos, GpOp.Exp, GpOp.Log, GpOp.Sqrt];
    // 301 rows: an odd number of two-row steps; 302 rows: results written straight into the
    // output; 513 rows: a one-row second batch.
    for (const nRows of [301, 302, 513]) {
      const x = makeData(new Rng(`gp-pairs-${nRows}`), nRows, nFeatures);
      const evaluator = wasm.createGpEvaluator(x, nRows, nFeatures);
      for (const first of firsts) {
        const operandSets: [GpOp, number][][] = BINARY.includes(first)
          ? [
              [[GpOp.Var, 0], [GpOp.Var, 1]],
              [[GpOp.Var, 2], [GpOp.Const, 0]],
              [[GpOp.Const, 1], [GpOp.Var, 3]],
            ]
          : [[[GpOp.Var, 4]]];
        for (const operands of operandSets) {
          const inner = evaluator.evaluate(batchOf([[...operands, [first, 0]]], [0.0005, -3.5]));
          const outer = wasm.createGpEvaluator(inner, nRows, 1);
          for (const second of seconds) {
            const pair = batchOf([[...operands, [first, 0], [second, 0]]], [0.0005, -3.5]);
            const together = evaluator.evaluate(pair);
            const apart = outer.evaluate(batchOf([[[GpOp.Var, 0], [second, 0]]], []));
            const mismatch = describeMismatch(firstBitMismatch(together, apart));
            const where = `${GpOp[first]} then ${GpOp[second]}, ${nRows} rows`;
            expect(mismatch, `${where}, operands ${JSON.stringify(operands)}`).toBe('none');
          }
        }
      }
    }
  });

  test('evaluate writes into out and rejects a short out', () => {
    const x = makeData(new Rng('gp-out'), 5, 2);
    const evaluator = wasm.createGpEvaluator(x, 5, 2);
    const batch = batchOf([[[GpOp.Var, 0], [GpOp.Var, 1], [GpOp.Add, 0]]], []);
    const out = new Float64Array(5).fill(7);
    expect(evaluator.evaluate(batch, out)).toBe(out);
    const expected = jsKernels.createGpEvaluator(x, 5, 2).evaluate(batch);
    expect(firstBitMismatch(out, expected)).toBeUndefined();
    expect(() => evaluator.evaluate(batch, new Float64Array(4))).toThrow(
      /gp evaluate: out must hold at least 5 values, got 4/,
    );
  });

  test('evaluate handles empty batches and empty data', () => {
    const evaluator = wasm.createGpEvaluator(new Float64Array(6), 3, 2);
    expect(evaluator.evaluate(batchOf([], [])).length).toBe(0);
    const noRows = wasm.createGpEvaluator(new Float64Array(0), 0, 2);
    expect(noRows.evaluate(batchOf([[[GpOp.Var, 1]]], [])).length).toBe(0);
  });

  test('evaluate rejects malformed programs', () => {
    const evaluator = wasm.createGpEvaluator(new Float64Array(6), 3, 2);
    const underflow = batchOf([[[GpOp.Var, 0], [GpOp.Sub, 0]]], []);
    expect(() => evaluator.evaluate(underflow)).toThrow(/needs 2 operands, got 1/);
    const badConst = batchOf([[[GpOp.Const, 1]]], [2]);
    expect(() => evaluator.evaluate(badConst)).toThrow(/constant index must be in \[0, 1\), got 1/);
    const badOp = batchOf([[[GpOp.Var, 0], [99 as GpOp, 0]]], []);
    expect(() => evaluator.evaluate(badOp)).toThrow(/unknown opcode, got 99/);
  });

  test('dispose makes evaluate throw', () => {
    const evaluator = wasm.createGpEvaluator(new Float64Array(4), 2, 2);
    evaluator.dispose();
    expect(() => evaluator.evaluate(batchOf([[[GpOp.Var, 0]]], []))).toThrow(/disposed/);
  });
});

test('release and debug builds agree bit for bit', () => {
  // Same source, different optimisation: WebAssembly arithmetic is deterministic, so only NaN
  // payloads could differ, and the comparison treats every NaN as equal.
  const rng = new Rng('gp-builds');
  const nRows = 301;
  const x = makeData(rng, nRows, 8);
  const batch = randomGpBatch(rng, { nPrograms: 1000, nFeatures: 8, minLength: 1, maxLength: 31 });
  const release = createWasmKernels('release').createGpEvaluator(x, nRows, 8).evaluate(batch);
  const debug = createWasmKernels('debug').createGpEvaluator(x, nRows, 8).evaluate(batch);
  expect(describeMismatch(firstBitMismatch(release, debug))).toBe('none');
});

test('gp evaluator splits large outputs into chunks of programs', () => {
  // 2^18 rows: an output chunk of 2^20 values fits 4 programs, so 9 programs take 3 calls.
  const nRows = 1 << 18;
  const rng = new Rng('gp-chunks');
  const x = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) x[i] = rng.normal();
  const programs: [GpOp, number][][] = [];
  for (let q = 0; q < 9; q++) programs.push([[GpOp.Var, 0], [GpOp.Const, q], [GpOp.Mul, 0]]);
  const batch = batchOf(programs, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const actual = createWasmKernels('release').createGpEvaluator(x, nRows, 1).evaluate(batch);
  const expected = jsKernels.createGpEvaluator(x, nRows, 1).evaluate(batch);
  expect(describeMismatch(firstBitMismatch(actual, expected))).toBe('none');
});
