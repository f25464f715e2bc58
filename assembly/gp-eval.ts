// Postfix GP evaluator over column-major data x[j * nRows + i] (feature j, row i).
// Rows are processed in batches of GP_BATCH_ROWS. For each batch every program runs as one
// postfix pass, each node writing its batch of values into a scratch stack slot. Var nodes
// read the data columns in place and Const nodes store one value, so neither copies a batch.
// An operation whose operands are all constants runs once instead of once per row.
// Primitive semantics follow GP_PRIMITIVE_SEMANTICS in src/kernels/js/gp-eval.ts, and the
// opcodes mirror the GpOp enum in src/kernels/types.ts.
import {
  broadcast, expBelowNormal, trigOutOfRange, vcos, vcosFast, vexp, vexpNormal, vlogPositiveNormal,
  vsin, vsinFast, vtanh,
} from './vmath';
import { laneSelect } from './madd';

const OP_CONST: i32 = 0;
const OP_VAR: i32 = 1;
const OP_ADD: i32 = 2;
const OP_SUB: i32 = 3;
const OP_MUL: i32 = 4;
const OP_DIV: i32 = 5;
const OP_SIN: i32 = 6;
const OP_COS: i32 = 7;
const OP_EXP: i32 = 8;
const OP_LOG: i32 = 9;
const OP_SQRT: i32 = 10;
const OP_NEG: i32 = 11;
const OP_SQUARE: i32 = 12;
const OP_TANH: i32 = 13;

/** Threshold of protected div and log; upper clamp of exp's argument. */
const PROTECTION_THRESHOLD: f64 = 0.001;
const EXP_MAX_ARGUMENT: f64 = 100.0;
// The same constants and ∞ in static memory, for broadcast into f64x2 lanes.
const THRESHOLD = memory.data<f64>([PROTECTION_THRESHOLD]);
const EXP_LIMIT = memory.data<f64>([EXP_MAX_ARGUMENT]);
const INFINITY = memory.data<f64>([Infinity]);
const ONE = memory.data<f64>([1.0]);
const THRESHOLD_BITS: u64 = reinterpret<u64>(PROTECTION_THRESHOLD);
const MAX_FINITE_BITS: u64 = reinterpret<u64>(f64.MAX_VALUE);
// Adding LOG_RANGE_SHIFT to the bits of |a| maps the first value above the threshold to the
// smallest i64, and bits at or below the threshold wrap around to the top of the i64 range.
// One signed comparison with LOG_RANGE_LIMIT then finds the lanes outside
// (threshold, largest finite].
const LOG_RANGE_SHIFT = memory.data<u64>([0x8000000000000000 - THRESHOLD_BITS - 1]);
const LOG_RANGE_LIMIT = memory.data<u64>([
  0x8000000000000000 + (MAX_FINITE_BITS - THRESHOLD_BITS - 1),
]);

/**
 * Rows per batch. A stack slot stores one batch (4 KiB). 512 rows ran about 2% faster than 256
 * on W2 (Node 20, Zen 4) because the per-node dispatch is spread over more rows.
 */
const GP_BATCH_ROWS: i32 = 512;

/** Bytes one step of an operand loop advances: two rows with SIMD, one row without. */
const STEP: usize = ASC_FEATURE_SIMD ? 16 : 8;

/**
 * Returns the number of f64 scratch values gpEvaluate needs for a stack of `maxDepth` slots.
 * Layout: maxDepth batch buffers, then maxDepth two-lane constant cells, then maxDepth operand
 * pointers and maxDepth operand steps (u32 each, so one f64 per slot for both).
 */
export function gpScratchLength(maxDepth: i32): i32 {
  return maxDepth * (GP_BATCH_ROWS + 2 + 1);
}

/**
 * Evaluates programs q = 0 .. nPrograms − 1 on every row: out[q * nRows + i] = program q on
 * row i. Program q is nodes offsets[q] .. offsets[q + 1] − 1 of (ops, args), i32 arrays; Const
 * reads consts[arg] (f64), Var reads column arg of x. The caller validates every program (known
 * opcodes, arguments in range, no stack underflow, one value left, depth ≤ maxDepth). x must
 * be readable one f64 past its end: the SIMD loops read whole pairs of rows.
 */
export function gpEvaluate(
  x: usize, nRows: i32, ops: usize, args: usize, consts: usize, offsets: usize, nPrograms: i32,
  out: usize, scratch: usize, maxDepth: i32,
): void {
  assert(nRows >= 0, 'gpEvaluate: nRows must be non-negative');
  assert(nPrograms >= 0, 'gpEvaluate: nPrograms must be non-negative');
  assert(maxDepth >= 1, 'gpEvaluate: maxDepth must be at least 1');
  assert((scratch & 15) == 0, 'gpEvaluate: scratch must be 16-byte aligned');
  const cells = scratch + <usize>(maxDepth * GP_BATCH_ROWS) * 8;
  const pointers = cells + <usize>maxDepth * 16;
  const steps = pointers + <usize>maxDepth * 4;
  for (let r0 = 0; r0 < nRows; r0 += GP_BATCH_ROWS) {
    const len = min(GP_BATCH_ROWS, nRows - r0);
    for (let q = 0; q < nPrograms; q++) {
      const start = load<i32>(offsets + <usize>q * 4);
      const end = load<i32>(offsets + <usize>q * 4, 4);
      const dst = out + (<usize>q * <usize>nRows + <usize>r0) * 8;
      // The SIMD loops write whole pairs of rows, so the last nodes write into out directly
      // only when the batch has an even number of rows.
      const direct = !ASC_FEATURE_SIMD || (len & 1) == 0 ? dst : 0;
      runProgram(
        x, nRows, r0, len, ops, args, consts, start, end, scratch, cells, pointers, steps,
        maxDepth, direct,
      );
      const src = <usize>load<u32>(pointers);
      if (load<u32>(steps) == 0) {
        fillF64(dst, load<f64>(src), len);
      } else if (src != dst) {
        memory.copy(dst, src, <usize>len * 8);
      }
    }
  }
}

function fillF64(dst: usize, value: f64, len: i32): void {
  for (let i = 0; i < len; i++) store<f64>(dst + <usize>i * 8, value);
}

/**
 * Runs nodes start .. end − 1 on rows r0 .. r0 + len − 1. Stack slot s is described by
 * pointers[s] (first value) and steps[s] (bytes per step, 0 for a constant). On return, slot 0
 * describes the program's values. When `direct` is not 0, the last two nodes write their rows
 * there instead of into a stack buffer, which saves copying the result. The last node may be
 * fused into the one before it, and otherwise it reads that node's rows in place, each row
 * before overwriting it.
 */
function runProgram(
  x: usize, nRows: i32, r0: i32, len: i32, ops: usize, args: usize, consts: usize,
  start: i32, end: i32, buffers: usize, cells: usize, pointers: usize, steps: usize,
  maxDepth: i32, direct: usize,
): void {
  const nSteps = ASC_FEATURE_SIMD ? (len + 1) >> 1 : len;
  let top: i32 = -1;
  for (let p = start; p < end; p++) {
    const op = load<i32>(ops + <usize>p * 4);
    const arg = load<i32>(args + <usize>p * 4);
    if (op == OP_CONST) {
      top++;
      assert(top < maxDepth, 'gpEvaluate: stack deeper than maxDepth');
      const cell = cells + <usize>top * 16;
      const value = load<f64>(consts + <usize>arg * 8);
      store<f64>(cell, value);
      store<f64>(cell, value, 8);
      store<u32>(pointers + <usize>top * 4, <u32>cell);
      store<u32>(steps + <usize>top * 4, 0);
    } else if (op == OP_VAR) {
      top++;
      assert(top < maxDepth, 'gpEvaluate: stack deeper than maxDepth');
      const column = x + (<usize>arg * <usize>nRows + <usize>r0) * 8;
      store<u32>(pointers + <usize>top * 4, <u32>column);
      store<u32>(steps + <usize>top * 4, <u32>STEP);
    } else {
      const binary = op <= OP_DIV;
      assert(top >= (binary ? 1 : 0), 'gpEvaluate: stack underflow');
      if (binary) top--;
      const b = binary ? top + 1 : top;
      // A unary node right after this one takes this node's value as its operand.
      const next = p + 1 < end ? load<i32>(ops + <usize>(p + 1) * 4) : OP_CONST;
      const target = p + 2 >= end ? direct : 0;
      if (applyNode(op, next, top, b, nSteps, buffers, cells, pointers, steps, target)) p++;
    }
  }
}

/**
 * Applies op to slot a (and slot b for binary ops), writing slot a. When every operand is a
 * constant the loop runs one step into a's constant cell; otherwise nSteps into a's buffer.
 * If the pair (op, next) has a fused loop, that loop applies the unary opcode next as well and
 * this returns true, so the caller skips the next node.
 */
// @ts-ignore: decorator
@inline function applyNode(
  op: i32, next: i32, a: i32, b: i32, nSteps: i32, buffers: usize, cells: usize,
  pointers: usize, steps: usize, target: usize,
): bool {
  const aPtr = <usize>load<u32>(pointers + <usize>a * 4);
  const aStep = <usize>load<u32>(steps + <usize>a * 4);
  const bPtr = <usize>load<u32>(pointers + <usize>b * 4);
  const bStep = <usize>load<u32>(steps + <usize>b * 4);
  let dst: usize;
  let count = nSteps;
  if ((aStep | bStep) == 0) {
    dst = cells + <usize>a * 16;
    count = 1;
  } else if (target != 0) {
    dst = target;
  } else {
    dst = buffers + <usize>(a * GP_BATCH_ROWS) * 8;
  }
  let fused = false;
  if (ASC_FEATURE_SIMD && count > 1 && fusedLoop(op, next, aPtr, aStep, bPtr, bStep, dst, count)) {
    fused = true;
  } else if (op <= OP_DIV) {
    binaryLoop(op, aPtr, aStep, bPtr, bStep, dst, count);
  } else {
    unaryLoop(op, aPtr, aStep, dst, count);
  }
  store<u32>(pointers + <usize>a * 4, <u32>dst);
  store<u32>(steps + <usize>a * 4, count == 1 && (aStep | bStep) == 0 ? 0 : <u32>STEP);
  return fused;
}

/** dst[s] = op(a[s], b[s]) for `count` steps; a constant operand has step 0. */
function binaryLoop(
  op: i32, a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, count: i32,
): void {
  if (ASC_FEATURE_SIMD) {
    switch (op) {
      case OP_ADD: runAdd(a, aStep, b, bStep, dst, count); break;
      case OP_SUB: runSub(a, aStep, b, bStep, dst, count); break;
      case OP_MUL: runMul(a, aStep, b, bStep, dst, count); break;
      default: runDiv(a, aStep, b, bStep, dst, count);
    }
  } else {
    for (let s = 0; s < count; s++) {
      store<f64>(dst, binaryScalar(op, load<f64>(a), load<f64>(b)));
      a += aStep; b += bStep; dst += 8;
    }
  }
}

// One loop per opcode, so the opcode is a constant inside each loop body.
function runAdd(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, count: i32): void {
  binaryRun(OP_ADD, a, aStep, b, bStep, dst, count);
}
function runSub(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, count: i32): void {
  binaryRun(OP_SUB, a, aStep, b, bStep, dst, count);
}
function runMul(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, count: i32): void {
  binaryRun(OP_MUL, a, aStep, b, bStep, dst, count);
}
function runDiv(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, count: i32): void {
  binaryRun(OP_DIV, a, aStep, b, bStep, dst, count);
}

/**
 * The binary loop for one compile-time opcode. A constant operand is loaded once. Columns are
 * read at one shared byte index, four steps per iteration, because the loop overhead dominated
 * add, sub and mul.
 */
// @ts-ignore: decorator
@inline function binaryRun(
  op: i32, a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, count: i32,
): void {
  const bytes = <usize>count << 4;
  let i: usize = 0;
  if (aStep == 0) {
    const va = v128.load(a);
    for (; i + 64 <= bytes; i += 64) {
      v128.store(dst + i, binaryVector(op, va, v128.load(b + i)));
      v128.store(dst + i, binaryVector(op, va, v128.load(b + i, 16)), 16);
      v128.store(dst + i, binaryVector(op, va, v128.load(b + i, 32)), 32);
      v128.store(dst + i, binaryVector(op, va, v128.load(b + i, 48)), 48);
    }
    for (; i < bytes; i += 16) v128.store(dst + i, binaryVector(op, va, v128.load(b + i)));
  } else if (bStep == 0) {
    const vb = v128.load(b);
    for (; i + 64 <= bytes; i += 64) {
      v128.store(dst + i, binaryVector(op, v128.load(a + i), vb));
      v128.store(dst + i, binaryVector(op, v128.load(a + i, 16), vb), 16);
      v128.store(dst + i, binaryVector(op, v128.load(a + i, 32), vb), 32);
      v128.store(dst + i, binaryVector(op, v128.load(a + i, 48), vb), 48);
    }
    for (; i < bytes; i += 16) v128.store(dst + i, binaryVector(op, v128.load(a + i), vb));
  } else {
    for (; i + 64 <= bytes; i += 64) {
      v128.store(dst + i, binaryVector(op, v128.load(a + i), v128.load(b + i)));
      v128.store(dst + i, binaryVector(op, v128.load(a + i, 16), v128.load(b + i, 16)), 16);
      v128.store(dst + i, binaryVector(op, v128.load(a + i, 32), v128.load(b + i, 32)), 32);
      v128.store(dst + i, binaryVector(op, v128.load(a + i, 48), v128.load(b + i, 48)), 48);
    }
    for (; i < bytes; i += 16) {
      v128.store(dst + i, binaryVector(op, v128.load(a + i), v128.load(b + i)));
    }
  }
}

/** One GP binary primitive on two rows (see GP_PRIMITIVE_SEMANTICS). */
// @ts-ignore: decorator
@inline function binaryVector(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case OP_ADD: return f64x2.add(a, b);
    case OP_SUB: return f64x2.sub(a, b);
    case OP_MUL: return f64x2.mul(a, b);
    default: {
      const safe = f64x2.gt(f64x2.abs(b), broadcast(THRESHOLD));
      return laneSelect(f64x2.div(a, b), broadcast(ONE), safe);
    }
  }
}

/** dst[s] = op(a[s]) for `count` steps; a constant operand has step 0. */
function unaryLoop(op: i32, a: usize, aStep: usize, dst: usize, count: i32): void {
  if (ASC_FEATURE_SIMD) {
    switch (op) {
      case OP_SIN: runSin(a, aStep, dst, count); break;
      case OP_COS: runCos(a, aStep, dst, count); break;
      case OP_EXP: runExp(a, aStep, dst, count); break;
      case OP_LOG: runLog(a, aStep, dst, count); break;
      case OP_SQRT: runSqrt(a, aStep, dst, count); break;
      case OP_NEG: runNeg(a, aStep, dst, count); break;
      case OP_SQUARE: runSquare(a, aStep, dst, count); break;
      default: runTanh(a, aStep, dst, count);
    }
  } else {
    for (let s = 0; s < count; s++) {
      store<f64>(dst, unaryScalar(op, load<f64>(a)));
      a += aStep; dst += 8;
    }
  }
}

// One loop per opcode, so the opcode is a constant inside each loop body.
function runSin(a: usize, aStep: usize, dst: usize, count: i32): void {
  unaryRun(OP_SIN, a, aStep, dst, count);
}
function runCos(a: usize, aStep: usize, dst: usize, count: i32): void {
  unaryRun(OP_COS, a, aStep, dst, count);
}
function runExp(a: usize, aStep: usize, dst: usize, count: i32): void {
  unaryRun(OP_EXP, a, aStep, dst, count);
}
function runLog(a: usize, aStep: usize, dst: usize, count: i32): void {
  unaryRun(OP_LOG, a, aStep, dst, count);
}
function runSqrt(a: usize, aStep: usize, dst: usize, count: i32): void {
  unaryRun(OP_SQRT, a, aStep, dst, count);
}
function runNeg(a: usize, aStep: usize, dst: usize, count: i32): void {
  unaryRun(OP_NEG, a, aStep, dst, count);
}
function runSquare(a: usize, aStep: usize, dst: usize, count: i32): void {
  unaryRun(OP_SQUARE, a, aStep, dst, count);
}
function runTanh(a: usize, aStep: usize, dst: usize, count: i32): void {
  unaryRun(OP_TANH, a, aStep, dst, count);
}

/**
 * The unary loop for one compile-time opcode, four steps per iteration. One test per iteration
 * finds whether any lane needs unaryFallback (see needsFallback). If so, each pair of that
 * iteration takes the path its own lanes need, so a value never depends on the rows beside its
 * pair. Four independent polynomial evaluations keep the multiply-add pipes busier than two,
 * although some values spill. With four steps instead of two, sin and cos ran about 15% faster
 * and exp about 6%, while eight steps ran about 20% slower than four (Node 20, Zen 4).
 */
// @ts-ignore: decorator
@inline function unaryRun(op: i32, a: usize, aStep: usize, dst: usize, count: i32): void {
  let s = 0;
  for (; s + 3 < count; s += 4) {
    const x0 = unaryOperand(op, v128.load(a));
    const x1 = unaryOperand(op, v128.load(a + aStep));
    const x2 = unaryOperand(op, v128.load(a + (aStep << 1)));
    const x3 = unaryOperand(op, v128.load(a + aStep * 3));
    const rare = v128.or(
      v128.or(needsFallback(op, x0), needsFallback(op, x1)),
      v128.or(needsFallback(op, x2), needsFallback(op, x3)),
    );
    if (hasFallback(op) && v128.any_true(rare)) {
      // Reloading the operands here keeps x0 .. x3 out of this branch, so V8 does not spill
      // them to the stack on the common path to survive the calls into Math.
      v128.store(dst, unaryPair(op, v128.load(a)));
      v128.store(dst, unaryPair(op, v128.load(a + aStep)), 16);
      v128.store(dst, unaryPair(op, v128.load(a + (aStep << 1))), 32);
      v128.store(dst, unaryPair(op, v128.load(a + aStep * 3)), 48);
    } else {
      const y0 = unaryVector(op, x0);
      const y1 = unaryVector(op, x1);
      const y2 = unaryVector(op, x2);
      const y3 = unaryVector(op, x3);
      v128.store(dst, y0);
      v128.store(dst, y1, 16);
      v128.store(dst, y2, 32);
      v128.store(dst, y3, 48);
    }
    a += aStep << 2;
    dst += 64;
  }
  for (; s < count; s++) {
    v128.store(dst, unaryPair(op, v128.load(a)));
    a += aStep;
    dst += 16;
  }
}

/** The argument op's vector code takes: exp's clamped to EXP_MAX_ARGUMENT, log's |a|. */
// @ts-ignore: decorator
@inline function unaryOperand(op: i32, v: v128): v128 {
  // pmin(v, limit) is limit < v ? limit : v, so NaN stays NaN.
  if (op == OP_EXP) return f64x2.pmin(v, broadcast(EXP_LIMIT));
  if (op == OP_LOG) return f64x2.abs(v);
  return v;
}

/** Whether some arguments of op need unaryFallback. */
// @ts-ignore: decorator
@inline function hasFallback(op: i32): bool {
  return op == OP_SIN || op == OP_COS || op == OP_EXP || op == OP_LOG;
}

/** A mask of the lanes of x (from unaryOperand) that unaryVector cannot take. */
// @ts-ignore: decorator
@inline function needsFallback(op: i32, x: v128): v128 {
  if (op == OP_SIN || op == OP_COS) return trigOutOfRange(x);
  if (op == OP_EXP) return expBelowNormal(x);
  // log sends |a| at or below the threshold, ∞ and NaN to the fallback. Compared as integers,
  // the bits of non-negative f64s order like their values, and those of ∞ and NaN lie above
  // all others.
  if (op == OP_LOG) {
    return i64x2.gt_s(i64x2.add(x, broadcast(LOG_RANGE_SHIFT)), broadcast(LOG_RANGE_LIMIT));
  }
  return f64x2.splat(0);
}

/**
 * Protected log of m = |a| for every lane, ∞ and NaN included. vlogPositiveNormal gives
 * 1024 · ln 2 for ∞, which adding ∞ corrects, and the final mask turns NaN lanes into 0.
 */
// @ts-ignore: decorator
@inline function logEveryLane(m: v128): v128 {
  const infinity = broadcast(INFINITY);
  const value = vlogPositiveNormal(m);
  const infinite = v128.and(f64x2.eq(m, infinity), infinity);
  return v128.and(f64x2.add(value, infinite), f64x2.gt(m, broadcast(THRESHOLD)));
}

/** op on two rows for every argument, through Math.sin, Math.cos, vexp or logEveryLane. */
// @ts-ignore: decorator
@inline function unaryFallback(op: i32, x: v128): v128 {
  if (op == OP_SIN) return vsin(x);
  if (op == OP_COS) return vcos(x);
  if (op == OP_LOG) return logEveryLane(x);
  return vexp(x);
}

/** One GP unary primitive on two rows (see GP_PRIMITIVE_SEMANTICS), x from unaryOperand. */
// @ts-ignore: decorator
@inline function unaryVector(op: i32, x: v128): v128 {
  switch (op) {
    case OP_SIN: return vsinFast(x);
    case OP_COS: return vcosFast(x);
    case OP_EXP: return vexpNormal(x);
    case OP_LOG: {
      // x = |a| is finite and above the threshold here, because logEveryLane takes the other
      // lanes (see needsFallback). Leaving them out saves four operations and a constant per
      // step: log ran about 15% faster (Node 20, Zen 4).
      return vlogPositiveNormal(x);
    }
    case OP_SQRT: return f64x2.sqrt(f64x2.abs(x));
    case OP_NEG: return f64x2.neg(x);
    case OP_SQUARE: return f64x2.mul(x, x);
    default: return vtanh(x);
  }
}

/**
 * Runs op and then the unary opcode next on each step, when that pair has a fused loop, and
 * returns whether it had one. Each step computes exactly what the two separate loops compute.
 * Only pairs with sqrt are fused, because sqrt occupies the divider for several cycles and in
 * one loop that time overlaps the neighbour's multiply-adds. On Node 20 (Zen 4), sin then sqrt
 * cost about 15% less fused than apart, while fusing two polynomial primitives, or a binary
 * one and a polynomial one, ran slower than separate loops.
 */
function fusedLoop(
  op: i32, next: i32, a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, count: i32,
): bool {
  if (next == OP_SQRT) {
    switch (op) {
      case OP_ADD: runAddSqrt(a, aStep, b, bStep, dst, count); return true;
      case OP_SUB: runSubSqrt(a, aStep, b, bStep, dst, count); return true;
      case OP_MUL: runMulSqrt(a, aStep, b, bStep, dst, count); return true;
      case OP_DIV: runDivSqrt(a, aStep, b, bStep, dst, count); return true;
      case OP_SIN: runSinSqrt(a, aStep, b, bStep, dst, count); return true;
      case OP_COS: runCosSqrt(a, aStep, b, bStep, dst, count); return true;
      case OP_EXP: runExpSqrt(a, aStep, b, bStep, dst, count); return true;
      case OP_LOG: runLogSqrt(a, aStep, b, bStep, dst, count); return true;
      case OP_SQRT: runSqrtSqrt(a, aStep, b, bStep, dst, count); return true;
      default: return false;
    }
  }
  if (op == OP_SQRT) {
    switch (next) {
      case OP_SIN: runSqrtSin(a, aStep, b, bStep, dst, count); return true;
      case OP_COS: runSqrtCos(a, aStep, b, bStep, dst, count); return true;
      case OP_EXP: runSqrtExp(a, aStep, b, bStep, dst, count); return true;
      case OP_LOG: runSqrtLog(a, aStep, b, bStep, dst, count); return true;
      default: return false;
    }
  }
  return false;
}

// One loop per pair of opcodes, so both opcodes are constants inside each loop body.
function runAddSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_ADD, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runSubSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_SUB, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runMulSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_MUL, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runDivSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_DIV, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runSinSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_SIN, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runCosSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_COS, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runExpSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_EXP, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runLogSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_LOG, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runSqrtSqrt(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_SQRT, OP_SQRT, a, aStep, b, bStep, dst, n);
}
function runSqrtSin(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_SQRT, OP_SIN, a, aStep, b, bStep, dst, n);
}
function runSqrtCos(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_SQRT, OP_COS, a, aStep, b, bStep, dst, n);
}
function runSqrtExp(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_SQRT, OP_EXP, a, aStep, b, bStep, dst, n);
}
function runSqrtLog(a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  fusedRun(OP_SQRT, OP_LOG, a, aStep, b, bStep, dst, n);
}

/**
 * The fused loop for compile-time opcodes op (any) and next (unary), four steps per iteration
 * as in unaryRun. b is unused if op is unary.
 */
// @ts-ignore: decorator
@inline function fusedRun(
  op: i32, next: i32, a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, count: i32,
): void {
  let s = 0;
  for (; s + 3 < count; s += 4) {
    let y0: v128;
    let y1: v128;
    let y2: v128;
    let y3: v128;
    if (op <= OP_DIV) {
      y0 = binaryVector(op, v128.load(a), v128.load(b));
      y1 = binaryVector(op, v128.load(a + aStep), v128.load(b + bStep));
      y2 = binaryVector(op, v128.load(a + (aStep << 1)), v128.load(b + (bStep << 1)));
      y3 = binaryVector(op, v128.load(a + aStep * 3), v128.load(b + bStep * 3));
    } else {
      const x0 = unaryOperand(op, v128.load(a));
      const x1 = unaryOperand(op, v128.load(a + aStep));
      const x2 = unaryOperand(op, v128.load(a + (aStep << 1)));
      const x3 = unaryOperand(op, v128.load(a + aStep * 3));
      const rare = v128.or(
        v128.or(needsFallback(op, x0), needsFallback(op, x1)),
        v128.or(needsFallback(op, x2), needsFallback(op, x3)),
      );
      if (hasFallback(op) && v128.any_true(rare)) {
        y0 = unaryPair(op, v128.load(a));
        y1 = unaryPair(op, v128.load(a + aStep));
        y2 = unaryPair(op, v128.load(a + (aStep << 1)));
        y3 = unaryPair(op, v128.load(a + aStep * 3));
      } else {
        y0 = unaryVector(op, x0);
        y1 = unaryVector(op, x1);
        y2 = unaryVector(op, x2);
        y3 = unaryVector(op, x3);
      }
    }
    const x0 = unaryOperand(next, y0);
    const x1 = unaryOperand(next, y1);
    const x2 = unaryOperand(next, y2);
    const x3 = unaryOperand(next, y3);
    const rare = v128.or(
      v128.or(needsFallback(next, x0), needsFallback(next, x1)),
      v128.or(needsFallback(next, x2), needsFallback(next, x3)),
    );
    if (hasFallback(next) && v128.any_true(rare)) {
      v128.store(dst, unaryChecked(next, x0));
      v128.store(dst, unaryChecked(next, x1), 16);
      v128.store(dst, unaryChecked(next, x2), 32);
      v128.store(dst, unaryChecked(next, x3), 48);
    } else {
      const z0 = unaryVector(next, x0);
      const z1 = unaryVector(next, x1);
      const z2 = unaryVector(next, x2);
      const z3 = unaryVector(next, x3);
      v128.store(dst, z0);
      v128.store(dst, z1, 16);
      v128.store(dst, z2, 32);
      v128.store(dst, z3, 48);
    }
    a += aStep << 2;
    b += bStep << 2;
    dst += 64;
  }
  for (; s < count; s++) {
    let y: v128;
    if (op <= OP_DIV) {
      y = binaryVector(op, v128.load(a), v128.load(b));
    } else {
      y = unaryPair(op, v128.load(a));
    }
    v128.store(dst, unaryPair(next, y));
    a += aStep;
    b += bStep;
    dst += 16;
  }
}

/** op on two rows, through unaryFallback where some lane needs it. */
// @ts-ignore: decorator
@inline function unaryPair(op: i32, v: v128): v128 {
  return unaryChecked(op, unaryOperand(op, v));
}

/** unaryPair for x from unaryOperand. */
// @ts-ignore: decorator
@inline function unaryChecked(op: i32, x: v128): v128 {
  if (hasFallback(op) && v128.any_true(needsFallback(op, x))) return unaryFallback(op, x);
  return unaryVector(op, x);
}

// @ts-ignore: decorator
@inline function binaryScalar(op: i32, a: f64, b: f64): f64 {
  switch (op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    default: return Math.abs(b) > PROTECTION_THRESHOLD ? a / b : 1;
  }
}

// @ts-ignore: decorator
@inline function unaryScalar(op: i32, a: f64): f64 {
  switch (op) {
    case OP_SIN: return Math.sin(a);
    case OP_COS: return Math.cos(a);
    case OP_EXP: return Math.exp(a > EXP_MAX_ARGUMENT ? EXP_MAX_ARGUMENT : a);
    case OP_LOG: {
      const m = Math.abs(a);
      return m > PROTECTION_THRESHOLD ? Math.log(m) : 0;
    }
    case OP_SQRT: return Math.sqrt(Math.abs(a));
    case OP_NEG: return -a;
    case OP_SQUARE: return a * a;
    default: return Math.tanh(a);
  }
}
