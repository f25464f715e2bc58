import { describe, expect, test } from 'vitest';
import { AutodiffError, ShapeError } from '../core/errors.js';
import { param, tensor, zeros } from './tensor.js';

describe('tensor construction', () => {
  test('shapes are inferred', () => {
    expect(tensor(3).shape).toEqual([]);
    expect(tensor([1, 2, 3]).shape).toEqual([3]);
    expect(tensor([[1, 2, 3], [4, 5, 6]]).shape).toEqual([2, 3]);
    expect(tensor(Float64Array.of(1, 2)).shape).toEqual([2]);
    expect(tensor([]).shape).toEqual([0]);
  });

  test('explicit shape must match the values', () => {
    expect(tensor([1, 2, 3, 4, 5, 6], [2, 3]).shape).toEqual([2, 3]);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(
      'tensor: values must fill shape [2, 2] (4 values), got 3',
    );
  });

  test('ragged rows are rejected', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: every row must have 2 values, got row 1 with 1',
    );
  });

  test('values are copied from the caller', () => {
    const source = Float64Array.of(1, 2);
    const t = tensor(source);
    source[0] = 99;
    expect(t.data[0]).toBe(1);
  });

  test('param requires gradients and tensor does not', () => {
    expect(param([1, 2]).requiresGrad).toBe(true);
    expect(tensor([1, 2]).requiresGrad).toBe(false);
    expect(param([1, 2]).detach().requiresGrad).toBe(false);
  });

  test('item needs exactly one element', () => {
    expect(tensor(2.5).item()).toBe(2.5);
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => zeros([2]).item()).toThrow(AutodiffError);
    expect(() => zeros([2]).item()).toThrow('item: tensor must have one element, got shape [2]');
  });
});
