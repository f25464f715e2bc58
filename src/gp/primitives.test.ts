import { describe, expect, test } from 'vitest';
import { GP_ARITY } from '../kernels/index.js';
import { GpOp } from '../kernels/types.js';
import {
  DEFAULT_FUNCTION_SET,
  PRIMITIVE_BY_OP,
  PRIMITIVES,
  resolveFunctionSet,
  type PrimitiveName,
} from './primitives.js';

const PROBES = [1, 0, -1, 0.0005, -0.0005, 1e-300, 1e300, -1e300, 123.456];

describe('gp primitives', () => {
  test('opcodes and arities match the evaluators', () => {
    for (const primitive of Object.values(PRIMITIVES)) {
      expect(GP_ARITY[primitive.op], primitive.name).toBe(primitive.arity);
      expect(PRIMITIVE_BY_OP.get(primitive.op)).toBe(primitive);
    }
    const opcodes = Object.values(GpOp).filter((v) => typeof v === 'number');
    expect(PRIMITIVE_BY_OP.size).toBe(opcodes.length - 2);
  });

  test('protected primitives stay finite on probe values', () => {
    const protectedNames: PrimitiveName[] = [
      'div',
      'log',
      'sqrt',
      'exp',
      'sin',
      'cos',
      'tanh',
      'neg',
    ];
    for (const name of protectedNames) {
      for (const a of PROBES) {
        for (const b of PROBES) {
          const value = PRIMITIVES[name].apply(a, b);
          expect(Number.isFinite(value), `${name}(${a}, ${b}) = ${value}`).toBe(true);
        }
      }
    }
  });

  test('protection rules at their thresholds', () => {
    expect(PRIMITIVES.div.apply(3, 0.001)).toBe(1);
    expect(PRIMITIVES.div.apply(3, -0.002)).toBe(-1500);
    expect(PRIMITIVES.log.apply(0.001, 0)).toBe(0);
    expect(PRIMITIVES.log.apply(-Math.E, 0)).toBeCloseTo(1, 15);
    expect(PRIMITIVES.sqrt.apply(-4, 0)).toBe(2);
    expect(PRIMITIVES.exp.apply(1000, 0)).toBe(Math.exp(100));
    expect(PRIMITIVES.div.dA(1, 0.0005, 1)).toBe(0);
    expect(PRIMITIVES.exp.dA(101, 0, Math.exp(100))).toBe(0);
  });

  test('function sets resolve by name', () => {
    expect(resolveFunctionSet(DEFAULT_FUNCTION_SET).map((p) => p.name)).toEqual(
      DEFAULT_FUNCTION_SET,
    );
    expect(() => resolveFunctionSet([])).toThrow(/got an empty list/);
    expect(() => resolveFunctionSet(['add', 'add'])).toThrow(/got 'add' twice/);
    expect(() => resolveFunctionSet(['pow'])).toThrow(/got 'pow'/);
  });
});
