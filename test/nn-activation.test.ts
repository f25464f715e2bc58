// The fused MLP's activation pass (mlpActivate, assembly/mlp-activation.ts) against V8's Math:
// h = σ(z + bias) and s = σ'(z + bias). The SIMD builds evaluate tanh with their own
// polynomial, held to 4 ulp of Math.tanh. s = 1 − h² must follow from the h returned.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { Arena, loadWasmInstance, type WasmVariant } from '../src/kernels/wasm-module.js';
import { maxUlpDistance } from './kernels-compare.js';

const ACT_TANH = 0;
const ACT_RELU = 1;
const ACT_SOFTPLUS = 2;
/** Largest ulp distance of the SIMD tanh from Math.tanh. The measured maximum is 4. */
const TANH_ULPS = 4;
/** Row widths: eight-value groups only, groups then pairs, and an odd tail. */
const WIDTHS = [64, 10, 7];

interface Activated {
  readonly x: Float64Array;
  readonly h: Float64Array;
  readonly s: Float64Array;
}

/** Runs mlpActivate on z [nRows, n] plus a bias row and returns x = z + bias, h and s. */
function activate(
  variant: WasmVariant,
  z: Float64Array,
  bias: Float64Array,
  activation: number,
): Activated {
  const n = bias.length;
  const nRows = z.length / n;
  const instance = loadWasmInstance(variant);
  const arena = new Arena(instance);
  const zPtr = arena.copyF64(z);
  const sPtr = arena.alloc(z.length);
  const biasPtr = arena.copyF64(bias);
  instance.exports.mlpActivate(zPtr, sPtr, biasPtr, nRows, n, activation);
  const x = z.map((value, i) => value + bias[i % n]);
  return { x, h: arena.f64(zPtr, z.length).slice(), s: arena.f64(sPtr, z.length).slice() };
}

/** Normal values at scales from 1e-9 to 30, plus zeros, clamp edges, infinities and NaN. */
function inputs(rng: Rng, n: number): { z: Float64Array; bias: Float64Array } {
  const special = [0, -0, 1e-300, -1e-300, 19.5, -19.5, 20, 21, -25, 800, -800, Infinity,
    -Infinity, NaN];
  const values: number[] = [...special];
  for (const scale of [1e-9, 1e-3, 0.1, 0.35, 1, 3, 10, 30]) {
    for (let i = 0; i < 400; i++) values.push(scale * rng.normal());
  }
  const nRows = Math.ceil(values.length / n);
  const z = new Float64Array(nRows * n);
  z.set(values);
  return { z, bias: new Float64Array(n) };
}

const VARIANTS: WasmVariant[] = ['relaxed', 'release', 'debug', 'scalar'];

describe.each(VARIANTS)('mlpActivate (%s build)', (variant) => {
  test.each(WIDTHS)(`tanh is within ${TANH_ULPS} ulp of Math.tanh, width %i`, (n) => {
    const { z, bias } = inputs(new Rng(n), n);
    const { x, h, s } = activate(variant, z, bias, ACT_TANH);
    const { ulps, index } = maxUlpDistance(h, x.map(Math.tanh));
    expect(ulps, `x = ${x[index]}, got ${h[index]}`).toBeLessThanOrEqual(TANH_ULPS);
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i])) continue;
      expect(Object.is(h[i], -0), `sign of tanh(${x[i]})`).toBe(Object.is(x[i], -0));
      expect(Math.abs(s[i] - (1 - h[i] * h[i])), `s at x = ${x[i]}`).toBeLessThanOrEqual(
        2 ** -52,
      );
    }
    expect(Number.isNaN(h[x.findIndex(Number.isNaN)])).toBe(true);
  });

  test('adds the bias row first', () => {
    const rng = new Rng(3);
    const n = 10;
    const z = Float64Array.from({ length: 4 * n }, () => rng.normal());
    const bias = Float64Array.from({ length: n }, () => rng.normal());
    const { x, h } = activate(variant, z, bias, ACT_TANH);
    expect(maxUlpDistance(h, x.map(Math.tanh)).ulps).toBeLessThanOrEqual(TANH_ULPS);
  });

  test('relu and softplus give σ and σ′ of z + bias', () => {
    const rng = new Rng(5);
    const n = 7;
    const z = Float64Array.from({ length: 6 * n }, () => 4 * rng.normal());
    const bias = Float64Array.from({ length: n }, () => rng.normal());
    const relu = activate(variant, z, bias, ACT_RELU);
    expect(Array.from(relu.h)).toEqual(Array.from(relu.x, (v) => Math.max(v, 0)));
    expect(Array.from(relu.s)).toEqual(Array.from(relu.x, (v) => (v > 0 ? 1 : 0)));
    const soft = activate(variant, z, bias, ACT_SOFTPLUS);
    const softplus = soft.x.map((v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
    const sigmoid = soft.x.map((v) => 1 / (1 + Math.exp(-v)));
    expect(maxUlpDistance(soft.h, softplus).ulps).toBeLessThanOrEqual(4);
    expect(maxUlpDistance(soft.s, sigmoid).ulps).toBeLessThanOrEqual(4);
  });
});
