// Hand-computed cases for the TypeScript reference kernels, which are the oracle for the
// WebAssembly backend and so need an oracle of their own.
import { describe, expect, test } from 'vitest';
import { GpOp, jsKernels as k } from './index.js';

describe('js reference kernels', () => {
  test('matmul all transpose variants', () => {
    // a = [[1, 2, 3], [4, 5, 6]], b = [[1, 0], [0, 1], [1, 1]], a · b = [[4, 5], [10, 11]]
    const a = new Float64Array([1, 2, 3, 4, 5, 6]);
    const aT = new Float64Array([1, 4, 2, 5, 3, 6]);
    const b = new Float64Array([1, 0, 0, 1, 1, 1]);
    const bT = new Float64Array([1, 0, 1, 0, 1, 1]);
    const expected = [4, 5, 10, 11];
    expect(Array.from(k.matmul(a, b, 2, 3, 2))).toEqual(expected);
    expect(Array.from(k.matmul(aT, b, 2, 3, 2, true, false))).toEqual(expected);
    expect(Array.from(k.matmul(a, bT, 2, 3, 2, false, true))).toEqual(expected);
    expect(Array.from(k.matmul(aT, bT, 2, 3, 2, true, true))).toEqual(expected);
  });

  test('matmul overwrites out and handles k = 0', () => {
    const out = new Float64Array([7, 7, 7, 7]);
    const c = k.matmul(new Float64Array(0), new Float64Array(0), 2, 0, 2, false, false, out);
    expect(c).toBe(out);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
  });

  test('unary, pow and binary values', () => {
    const x = new Float64Array([-2, 0, 3]);
    expect(Array.from(k.unary('relu', x))).toEqual([0, 0, 3]);
    expect(Array.from(k.unary('neg', x))).toEqual([2, -0, -3]);
    expect(Array.from(k.unary('square', x))).toEqual([4, 0, 9]);
    expect(k.unary('sigmoid', new Float64Array([0]))[0]).toBe(0.5);
    expect(k.unary('softplus', new Float64Array([0]))[0]).toBeCloseTo(Math.LN2, 15);
    expect(k.unary('softplus', new Float64Array([1000]))[0]).toBe(1000);
    expect(k.unary('sigmoid', new Float64Array([-1000]))[0]).toBe(0);
    expect(Array.from(k.powScalar(x, 3))).toEqual([-8, 0, 27]);
    const y = new Float64Array([4, 5, 6]);
    expect(Array.from(k.binary('div', x, y))).toEqual([-0.5, 0, 0.5]);
    expect(Array.from(k.binary('sub', x, y))).toEqual([-6, -5, -3]);
  });

  test('backward kernels', () => {
    const dy = new Float64Array([2, 3, 4]);
    expect(Array.from(k.tanhBackward(new Float64Array([0, 0.5, -1]), dy))).toEqual([2, 2.25, 0]);
    expect(Array.from(k.reluBackward(new Float64Array([-1, 0, 1]), dy))).toEqual([0, 0, 4]);
  });

  test('sumMiddle and transpose', () => {
    const x = Float64Array.from({ length: 12 }, (_, i) => i + 1);
    // x as [2, 3, 2]: out[0] = [1+3+5, 2+4+6], out[1] = [7+9+11, 8+10+12]
    expect(Array.from(k.sumMiddle(x, 2, 3, 2))).toEqual([9, 12, 27, 30]);
    expect(Array.from(k.transpose(x.subarray(0, 6), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  test('gp evaluator applies protected primitives', () => {
    // columns: x0 = [1, 2, 0], x1 = [10, 20, 30]
    const ev = k.createGpEvaluator(new Float64Array([1, 2, 0, 10, 20, 30]), 3, 2);
    const batch = {
      ops: new Int32Array([GpOp.Var, GpOp.Var, GpOp.Div, GpOp.Const, GpOp.Log, GpOp.Var, GpOp.Exp]),
      args: new Int32Array([1, 0, 0, 0, 0, 1, 0]),
      consts: new Float64Array([0.0001]),
      offsets: new Int32Array([0, 3, 5, 7]),
    };
    const y = ev.evaluate(batch);
    expect(Array.from(y.subarray(0, 3))).toEqual([10, 10, 1]);
    expect(Array.from(y.subarray(3, 6))).toEqual([0, 0, 0]);
    expect(Array.from(y.subarray(6, 9))).toEqual([Math.exp(10), Math.exp(20), Math.exp(30)]);
    ev.dispose();
  });

  test('gp evaluator rejects malformed programs', () => {
    const ev = k.createGpEvaluator(new Float64Array(4), 2, 2);
    const base = { consts: new Float64Array(0), offsets: new Int32Array([0, 2]) };
    const underflow = {
      ...base,
      ops: new Int32Array([GpOp.Var, GpOp.Add]),
      args: new Int32Array(2),
    };
    expect(() => ev.evaluate(underflow)).toThrow(/needs 2 operands, got 1/);
    const badVar = {
      ...base,
      ops: new Int32Array([GpOp.Var, GpOp.Neg]),
      args: new Int32Array([2, 0]),
    };
    expect(() => ev.evaluate(badVar)).toThrow(/feature index must be in \[0, 2\), got 2/);
    const twoLeft = { ...base, ops: new Int32Array([GpOp.Var, GpOp.Var]), args: new Int32Array(2) };
    expect(() => ev.evaluate(twoLeft)).toThrow(/leave one value on the stack, got 2/);
  });
});
