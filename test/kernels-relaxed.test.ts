// Choice of the WebAssembly build: relaxed SIMD where the engine supports it (on Node 20 after
// setting V8's flag), release otherwise, and the JACDISTILL_RELAXED_SIMD override. Each case
// imports a fresh copy of the module, because the result is cached per process.
import { afterEach, describe, expect, test, vi } from 'vitest';

type WasmModule = typeof import('../src/kernels/wasm-module.js');

async function freshModule(setting: string | undefined): Promise<WasmModule> {
  if (setting === undefined) delete process.env.JACDISTILL_RELAXED_SIMD;
  else process.env.JACDISTILL_RELAXED_SIMD = setting;
  vi.resetModules();
  return import('../src/kernels/wasm-module.js');
}

const saved = process.env.JACDISTILL_RELAXED_SIMD;

afterEach(() => {
  if (saved === undefined) delete process.env.JACDISTILL_RELAXED_SIMD;
  else process.env.JACDISTILL_RELAXED_SIMD = saved;
});

describe('relaxed SIMD detection', () => {
  test('relaxed build is the default', async () => {
    const wasm = await freshModule(undefined);
    expect(wasm.relaxedSimdSupported()).toBe(true);
    expect(wasm.defaultVariant()).toBe('relaxed');
    expect(wasm.loadWasmInstance().variant).toBe('relaxed');
  });

  test('setting 0 selects release', async () => {
    const wasm = await freshModule('0');
    expect(wasm.relaxedSimdSupported()).toBe(false);
    expect(wasm.defaultVariant()).toBe('release');
    expect(wasm.loadWasmInstance().variant).toBe('release');
  });

  test('setting 1 keeps detection', async () => {
    const wasm = await freshModule('1');
    expect(wasm.defaultVariant()).toBe('relaxed');
  });

  test('invalid setting is rejected', async () => {
    const wasm = await freshModule('yes');
    expect(() => wasm.defaultVariant()).toThrow(
      "JACDISTILL_RELAXED_SIMD must be 0 or 1, got 'yes'; unset it to detect support",
    );
  });

  test('relaxed matmul fuses multiply-adds', async () => {
    // c = a · b over k = 2, summed in order. 1 · (−1 − 2⁻²⁹) is exact, and adding
    // (1 + 2⁻³⁰)² to it gives 2⁻⁶⁰ when fused. Rounding that product first loses the 2⁻⁶⁰.
    // NOTE: this assumes a CPU with FMA (Intel Core since Haswell, AMD since Piledriver, ARMv8).
    const wasm = await freshModule(undefined);
    const x = 1 + 2 ** -30;
    const results = (['relaxed', 'release'] as const).map((variant) => {
      const instance = wasm.loadWasmInstance(variant);
      const arena = new wasm.Arena(instance);
      const a = arena.copyF64(Float64Array.from([1, x]));
      const b = arena.copyF64(Float64Array.from([-1 - 2 ** -29, x]));
      const c = arena.alloc(1);
      const scratch = arena.alloc(instance.exports.matmulScratchLength(1, 2, 1));
      instance.exports.matmul(a, b, c, 1, 2, 1, 0, 0, scratch);
      return arena.f64(c, 1)[0];
    });
    expect(results[1]).toBe(0);
    expect(results[0]).toBe(2 ** -60);
  });
});
