import { describe, expect, test } from 'vitest';
import { ShapeError } from '../../core/errors.js';
import * as ad from '../index.js';
import type { Tensor } from '../tensor.js';

const values = (t: Tensor) => Array.from(t.data);
const gradOf = (f: (x: Tensor) => Tensor, x: Tensor) => ad.grad((a) => ad.sum(f(a)))(x)[0];

describe('forward values', () => {
  test('binary ops broadcast', () => {
    const a = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(values(ad.add(a, ad.tensor([10, 20, 30])))).toEqual([11, 22, 33, 14, 25, 36]);
    expect(values(ad.sub(ad.tensor([[1], [2]]), a))).toEqual([0, -1, -2, -2, -3, -4]);
    expect(values(ad.mul(2, a))).toEqual([2, 4, 6, 8, 10, 12]);
    expect(values(ad.div(a, ad.tensor([[1], [2]])))).toEqual([1, 2, 3, 2, 2.5, 3]);
    expect(ad.add(a, ad.tensor([[1], [2]])).shape).toEqual([2, 3]);
  });

  test('matmul', () => {
    const y = ad.matmul(ad.tensor([[1, 2], [3, 4], [5, 6]]), ad.tensor([[1, 0, 2], [0, 1, 3]]));
    expect(y.shape).toEqual([3, 3]);
    expect(values(y)).toEqual([1, 2, 8, 3, 4, 18, 5, 6, 28]);
  });

  test('sum and mean over axes', () => {
    const x = ad.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    expect(ad.sum(x).item()).toBe(78);
    expect(values(ad.sum(x, 1))).toEqual([9, 12, 27, 30]);
    expect(ad.sum(x, [0, 2], true).shape).toEqual([1, 3, 1]);
    expect(values(ad.sum(x, [0, 2]))).toEqual([18, 26, 34]);
    expect(values(ad.sum(x, [-1, 0]))).toEqual([18, 26, 34]);
    expect(values(ad.sum(x, []))).toEqual(values(x));
    expect(values(ad.mean(x, [0, 1]))).toEqual([6, 7]);
    expect(ad.mean(x, 2, true).shape).toEqual([2, 3, 1]);
  });

  test('transpose, reshape, broadcastTo', () => {
    const x = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(values(ad.transpose(x))).toEqual([1, 4, 2, 5, 3, 6]);
    const cube = ad.reshape(ad.tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), [2, 3, 2]);
    expect(values(ad.transpose(cube, [2, 0, 1]))).toEqual([0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11]);
    expect(ad.reshape(x, [-1]).shape).toEqual([6]);
    expect(ad.reshape(x, [3, -1]).shape).toEqual([3, 2]);
    expect(values(ad.broadcastTo(ad.tensor([[1], [2]]), [2, 2, 3]))).toEqual([
      1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
    ]);
  });

  test('pow by a constant', () => {
    expect(values(ad.pow(ad.tensor([4, 9]), 0.5))).toEqual([2, 3]);
    expect(values(ad.pow(ad.tensor([2, -3]), 3))).toEqual([8, -27]);
    expect(values(gradOf((x) => ad.pow(x, 0), ad.tensor([0, 2])))).toEqual([0, 0]);
  });
});

describe('shape errors', () => {
  test('binary ops name both shapes', () => {
    const call = () => ad.add(ad.tensor([1, 2, 3]), ad.tensor([1, 2]));
    expect(call).toThrow(ShapeError);
    expect(call).toThrow('add: shapes must be broadcast-compatible, got [3] and [2]');
  });

  test('matmul', () => {
    expect(() => ad.matmul(ad.zeros([3, 4]), ad.zeros([5, 2]))).toThrow(
      'matmul: inner dimensions must match, got a [3, 4] and b [5, 2]',
    );
    expect(() => ad.matmul(ad.zeros([3]), ad.zeros([3, 2]))).toThrow(
      'matmul: both operands must be 2-D, got a [3] and b [3, 2]',
    );
  });

  test('reshape, transpose, broadcastTo, sum, pow', () => {
    expect(() => ad.reshape(ad.zeros([2, 3]), [4, 2])).toThrow(
      'reshape: target shape must have 6 elements like [2, 3], got [4, 2]',
    );
    expect(() => ad.reshape(ad.zeros([2, 3]), [-1, -1])).toThrow(ShapeError);
    expect(() => ad.reshape(ad.zeros([2, 3]), [-1, 4])).toThrow(ShapeError);
    expect(() => ad.transpose(ad.zeros([2, 3]), [0, 0])).toThrow(
      'transpose: perm must be a permutation of the 2 axes of [2, 3], got [0, 0]',
    );
    expect(() => ad.broadcastTo(ad.zeros([2, 3]), [3, 3])).toThrow(ShapeError);
    expect(() => ad.broadcastTo(ad.zeros([2, 3]), [3])).toThrow(
      'broadcastTo: input must broadcast to [3], got [2, 3]',
    );
    expect(() => ad.sum(ad.zeros([2, 3]), [1, -1])).toThrow(
      'sum: axes must be distinct, got [1, -1]',
    );
    expect(() => ad.sum(ad.zeros([2, 3]), 2)).toThrow('sum: axis must be in [-2, 2), got 2');
    expect(() => ad.pow(ad.zeros([2]), Number.NaN)).toThrow(RangeError);
  });
});

describe('kinks', () => {
  test('relu subgradient at 0 is 0', () => {
    const x = ad.tensor([-1, 0, 1e-300, 2]);
    expect(values(gradOf(ad.relu, x))).toEqual([0, 0, 1, 1]);
    expect(values(ad.relu(x))).toEqual([0, 0, 1e-300, 2]);
  });

  test('relu second derivative is 0 at the kink', () => {
    const [hv] = ad.hvp((x) => ad.sum(ad.relu(x)), [ad.tensor([-1, 0, 1])], [ad.ones([3])]);
    expect(values(hv)).toEqual([0, 0, 0]);
  });

  test('greater is 0 on ties and passes no gradient', () => {
    const a = ad.tensor([1, 2, 3]);
    const b = ad.tensor([2, 2, 2]);
    expect(values(ad.greater(a, b))).toEqual([0, 0, 1]);
    const [ga, gb] = ad.grad((p, q) => ad.sum(ad.greater(p, q)))(a, b);
    expect(values(ga)).toEqual([0, 0, 0]);
    expect(values(gb)).toEqual([0, 0, 0]);
  });
});

describe('numerical stability', () => {
  test('softplus stays finite and accurate for large |x|', () => {
    const x = ad.tensor([-1000, -40, 0, 40, 1000]);
    const y = values(ad.softplus(x));
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(Math.exp(-40), 30);
    expect(y[1]).toBeGreaterThan(0);
    expect(y[2]).toBeCloseTo(Math.LN2, 15);
    expect(y[3]).toBe(40);
    expect(y[4]).toBe(1000);
  });

  test('softplus derivatives stay finite for large |x|', () => {
    const x = ad.tensor([-1000, 0, 1000]);
    expect(values(gradOf(ad.softplus, x))).toEqual([0, 0.5, 1]);
    const [hv] = ad.hvp((a) => ad.sum(ad.softplus(a)), [x], [ad.ones([3])]);
    expect(values(hv)).toEqual([0, 0.25, 0]);
  });

  test('sigmoid and tanh saturate without NaN', () => {
    const x = ad.tensor([-1000, 1000]);
    expect(values(ad.sigmoid(x))).toEqual([0, 1]);
    expect(values(gradOf(ad.sigmoid, x))).toEqual([0, 0]);
    expect(values(gradOf(ad.tanh, x))).toEqual([0, 0]);
  });
});
