// The WebAssembly kernels against the TypeScript reference, for the relaxed, release, debug and
// scalar builds. Kernels built only from exactly rounded operations, or summing in the reference
// order, must agree bit for bit. exp, log, tanh, sigmoid, softplus and pow are compared in ulps.
// The relaxed build's matmul may fuse each multiply-add, so it is held to the error bound of a
// sum of k products instead of bit equality.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import {
  WASM_VARIANTS,
  createWasmKernels,
  jsKernels,
  type BinaryKernel,
  type UnaryKernel,
} from '../src/kernels/index.js';
import {
  describeMismatch,
  firstBitMismatch,
  firstBoundMismatch,
  maxUlpDistance,
  type Mismatch,
} from './kernels-compare.js';

/** Values that exercise every branch: signed zeros, subnormals, overflow and underflow edges. */
const SPECIAL_VALUES = [
  0, -0, 5e-324, -5e-324, 1e-310, 2.2250738585072014e-308, 1e-20, -1e-20, 0.5, -0.5, 1, -1, 2,
  Math.PI / 2, Math.PI, 19.9, -19.9, 22, -22, 25, -25, 700, -700, 708.5, -708.5, 709.7, 709.8,
  -745.1, -746, 800, -800, 1e300, -1e300, Infinity, -Infinity, NaN,
];

/** Lengths around the SIMD pair width and the unrolled loop widths. */
const LENGTHS = [0, 1, 2, 3, 5, 17, 64, 1001];

function randomArray(rng: Rng, length: number, scale: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal() * scale;
  return out;
}

/** Normal draws at several scales followed by every special value. */
function testVector(rng: Rng, length: number): Float64Array {
  const scales = [1e-3, 1, 10, 300];
  const x = new Float64Array(length + SPECIAL_VALUES.length);
  for (let i = 0; i < length; i++) x[i] = rng.normal() * scales[i % scales.length];
  x.set(SPECIAL_VALUES, length);
  return x;
}

const EXACT_UNARY: UnaryKernel[] = ['neg', 'sqrt', 'relu', 'square'];
/** Largest ulp distance from the reference seen plus margin; the measured maximum is 3. */
const ROUNDED_UNARY: [UnaryKernel, number][] = [
  ['exp', 4],
  ['log', 4],
  ['tanh', 4],
  ['sigmoid', 4],
  ['softplus', 4],
];
const BINARY: BinaryKernel[] = ['add', 'sub', 'mul', 'div'];

const MATMUL_SHAPES: [number, number, number][] = [
  [0, 3, 4],
  [3, 0, 4],
  [3, 4, 0],
  [1, 1, 1],
  [2, 3, 2],
  [5, 7, 3],
  [13, 17, 11],
  [4, 4, 4],
  [31, 29, 37],
  [65, 9, 6],
  [3, 300, 5],
  [2, 5, 515],
  [64, 64, 64],
];

/**
 * Compares a matmul result with the reference: bit for bit, or for the relaxed build within
 * 2k · 2⁻⁵³ · Σ_p |a[i, p] · b[p, j]|, the rounding bound of the two sums together.
 */
function matmulMismatch(
  variant: string,
  actual: Float64Array,
  args: [Float64Array, Float64Array, number, number, number, boolean, boolean],
): Mismatch | undefined {
  const expected = jsKernels.matmul(...args);
  if (variant !== 'relaxed') return firstBitMismatch(actual, expected);
  const [a, b, m, k, n, transA, transB] = args;
  const absSum = jsKernels.matmul(a.map(Math.abs), b.map(Math.abs), m, k, n, transA, transB);
  const bound = absSum.map((sum) => 2 * k * 2 ** -53 * sum);
  return firstBoundMismatch(actual, expected, bound);
}

describe.each(WASM_VARIANTS)('%s build', (variant) => {
  const wasm = createWasmKernels(variant, { smallInputsToJs: false });

  test('matmul matches the reference', () => {
    const rng = new Rng(`matmul-${variant}`);
    for (const [m, k, n] of MATMUL_SHAPES) {
      for (const [transA, transB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const a = randomArray(rng, m * k, 1);
        const b = randomArray(rng, k * n, 1);
        const actual = wasm.matmul(a, b, m, k, n, transA, transB);
        const mismatch = matmulMismatch(variant, actual, [a, b, m, k, n, transA, transB]);
        const where = `[${m}, ${k}, ${n}] transA=${transA} transB=${transB}`;
        expect(mismatch, `${where}: ${describeMismatch(mismatch)}`).toBeUndefined();
      }
    }
  });

  test('matmul propagates special values like the reference', () => {
    const rng = new Rng(`matmul-special-${variant}`);
    const [m, k, n] = [7, 6, 9];
    const a = randomArray(rng, m * k, 1);
    const b = randomArray(rng, k * n, 1);
    a.set([Infinity, -0, NaN], 3);
    b.set([-Infinity, 1e308, 5e-324], 20);
    for (const [transA, transB] of [
      [false, false],
      [true, true],
    ]) {
      const actual = wasm.matmul(a, b, m, k, n, transA, transB);
      const mismatch = matmulMismatch(variant, actual, [a, b, m, k, n, transA, transB]);
      expect(mismatch, `transA=${transA}: ${describeMismatch(mismatch)}`).toBeUndefined();
    }
  });

  test('matmul writes into out and overwrites it', () => {
    const rng = new Rng(`matmul-out-${variant}`);
    const a = randomArray(rng, 6, 1);
    const b = randomArray(rng, 6, 1);
    const out = new Float64Array(4).fill(99);
    const result = wasm.matmul(a, b, 2, 3, 2, false, false, out);
    expect(result).toBe(out);
    expect(matmulMismatch(variant, out, [a, b, 2, 3, 2, false, false])).toBeUndefined();
  });

  test('matmul rejects short inputs', () => {
    expect(() => wasm.matmul(new Float64Array(5), new Float64Array(6), 2, 3, 2)).toThrow(
      /matmul: a must hold at least 6 values, got 5/,
    );
    expect(() => wasm.matmul(new Float64Array(6), new Float64Array(6), 2, 3, 2.5)).toThrow(
      /matmul: n must be a non-negative integer, got 2.5/,
    );
  });

  test.each(EXACT_UNARY)('unary %s matches bit for bit', (op) => {
    const rng = new Rng(`unary-${op}-${variant}`);
    for (const length of LENGTHS) {
      const x = testVector(rng, length);
      const mismatch = firstBitMismatch(wasm.unary(op, x), jsKernels.unary(op, x));
      expect(mismatch, `length ${x.length}: ${describeMismatch(mismatch)}`).toBeUndefined();
    }
  });

  test.each(ROUNDED_UNARY)('unary %s is within %i ulp', (op, bound) => {
    const rng = new Rng(`unary-${op}-${variant}`);
    for (const length of LENGTHS) {
      const x = testVector(rng, length);
      const actual = wasm.unary(op, x);
      const { ulps, index } = maxUlpDistance(actual, jsKernels.unary(op, x));
      expect(ulps, `length ${x.length}, x = ${x[index]}, got ${actual[index]}`).toBeLessThanOrEqual(
        bound,
      );
    }
  });

  test('unary works in place', () => {
    const x = Float64Array.from([-1, 0.5, 2]);
    const expected = jsKernels.unary('tanh', x);
    const result = wasm.unary('tanh', x, x);
    expect(result).toBe(x);
    expect(maxUlpDistance(x, expected).ulps).toBeLessThanOrEqual(4);
  });

  test('powScalar matches for integer and fractional exponents', () => {
    const rng = new Rng(`pow-${variant}`);
    for (const p of [0, 1, 2, 3, -1, 0.5, 2.5, -0.7]) {
      for (const length of LENGTHS) {
        const x = testVector(rng, length);
        const actual = wasm.powScalar(x, p);
        const expected = jsKernels.powScalar(x, p);
        const { ulps, index } = maxUlpDistance(actual, expected);
        // Exponents 1 and 2 are computed exactly by both; other exponents are Math.pow of two
        // different libraries (V8 and the AssemblyScript standard library).
        const bound = p === 1 || p === 2 ? 0 : 2;
        expect(ulps, `p = ${p}, x = ${x[index]}, got ${actual[index]}`).toBeLessThanOrEqual(bound);
      }
    }
  });

  test.each(BINARY)('binary %s matches bit for bit', (op) => {
    const rng = new Rng(`binary-${op}-${variant}`);
    for (const length of LENGTHS) {
      const a = testVector(rng, length);
      const b = testVector(rng, length).reverse();
      const mismatch = firstBitMismatch(wasm.binary(op, a, b), jsKernels.binary(op, a, b));
      expect(mismatch, `length ${a.length}: ${describeMismatch(mismatch)}`).toBeUndefined();
    }
  });

  test('binary rejects unequal lengths', () => {
    expect(() => wasm.binary('add', new Float64Array(3), new Float64Array(4))).toThrow(
      /add: inputs must have equal lengths, got 3 and 4/,
    );
  });

  test('tanhBackward and reluBackward match bit for bit', () => {
    const rng = new Rng(`backward-${variant}`);
    for (const length of LENGTHS) {
      const x = testVector(rng, length);
      const dy = testVector(rng, length).reverse();
      const tanh = firstBitMismatch(wasm.tanhBackward(x, dy), jsKernels.tanhBackward(x, dy));
      expect(tanh, `tanhBackward length ${x.length}: ${describeMismatch(tanh)}`).toBeUndefined();
      const relu = firstBitMismatch(wasm.reluBackward(x, dy), jsKernels.reluBackward(x, dy));
      expect(relu, `reluBackward length ${x.length}: ${describeMismatch(relu)}`).toBeUndefined();
    }
  });

  test('sumMiddle matches bit for bit', () => {
    const rng = new Rng(`sum-${variant}`);
    const shapes: [number, number, number][] = [
      [0, 3, 4],
      [2, 0, 3],
      [3, 4, 0],
      [1, 1, 1],
      [3, 5, 1],
      [2, 7, 3],
      [1, 100, 9],
      [5, 3, 4],
      [4, 13, 17],
    ];
    for (const [outer, mid, inner] of shapes) {
      const x = randomArray(rng, outer * mid * inner, 10);
      const actual = wasm.sumMiddle(x, outer, mid, inner);
      const mismatch = firstBitMismatch(actual, jsKernels.sumMiddle(x, outer, mid, inner));
      const where = `[${outer}, ${mid}, ${inner}]`;
      expect(mismatch, `${where}: ${describeMismatch(mismatch)}`).toBeUndefined();
    }
  });

  test('transpose matches bit for bit', () => {
    const rng = new Rng(`transpose-${variant}`);
    const shapes: [number, number][] = [
      [0, 5],
      [5, 0],
      [1, 1],
      [1, 7],
      [7, 1],
      [2, 3],
      [33, 31],
      [64, 65],
    ];
    for (const [m, n] of shapes) {
      const x = randomArray(rng, m * n, 1);
      const mismatch = firstBitMismatch(wasm.transpose(x, m, n), jsKernels.transpose(x, m, n));
      expect(mismatch, `[${m}, ${n}]: ${describeMismatch(mismatch)}`).toBeUndefined();
    }
  });

  test('build reports its SIMD mode', () => {
    expect(wasm.instance.exports.simdEnabled()).toBe(variant === 'scalar' ? 0 : 1);
  });
});

describe('small inputs', () => {
  const routed = createWasmKernels('release');
  const pure = createWasmKernels('release', { smallInputsToJs: false });

  test('go to the reference with identical results', () => {
    const rng = new Rng('small-inputs');
    const x = randomArray(rng, 12, 1);
    const y = randomArray(rng, 12, 1);
    const pairs: [Float64Array, Float64Array][] = [
      [routed.matmul(x, y, 3, 4, 3), pure.matmul(x, y, 3, 4, 3)],
      [routed.matmul(x, y, 4, 3, 4, true, true), pure.matmul(x, y, 4, 3, 4, true, true)],
      [routed.unary('relu', x), pure.unary('relu', x)],
      [routed.powScalar(x, 2), pure.powScalar(x, 2)],
      [routed.binary('div', x, y), pure.binary('div', x, y)],
      [routed.tanhBackward(x, y), pure.tanhBackward(x, y)],
      [routed.reluBackward(x, y), pure.reluBackward(x, y)],
      [routed.sumMiddle(x, 2, 3, 2), pure.sumMiddle(x, 2, 3, 2)],
      [routed.transpose(x, 3, 4), pure.transpose(x, 3, 4)],
    ];
    for (const [index, [actual, expected]] of pairs.entries()) {
      const mismatch = firstBitMismatch(actual, expected);
      expect(mismatch, `case ${index}: ${describeMismatch(mismatch)}`).toBeUndefined();
    }
  });

  test('still reject a short out', () => {
    const x = new Float64Array(4);
    expect(() => routed.binary('add', x, x, new Float64Array(3))).toThrow(
      /add: out must hold at least 4 values, got 3/,
    );
    expect(() => routed.matmul(x, x, 2, 2, 2, false, false, new Float64Array(3))).toThrow(
      /matmul: out must hold at least 4 values, got 3/,
    );
    expect(() => routed.sumMiddle(x, 2, 2, 1, new Float64Array(1))).toThrow(
      /sumMiddle: out must hold at least 2 values, got 1/,
    );
  });
});
