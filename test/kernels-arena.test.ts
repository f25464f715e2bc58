// Loading of the kernel module, the linear-memory arena, and backend selection.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { InputError } from '../src/core/errors.js';
import {
  Arena,
  WASM_VARIANTS,
  createWasmKernels,
  getKernels,
  jsKernels,
  loadWasmInstance,
  wasmPath,
  type WasmVariant,
} from '../src/kernels/index.js';

describe('loadWasmInstance', () => {
  test.each(WASM_VARIANTS)('finds and loads the %s build', (variant) => {
    expect(existsSync(wasmPath(variant))).toBe(true);
    const instance = loadWasmInstance(variant);
    expect(instance.variant).toBe(variant);
    expect(instance.memory).toBe(instance.exports.memory);
  });

  test('returns a fresh instance with its own memory', () => {
    const first = loadWasmInstance();
    const second = loadWasmInstance();
    expect(first.memory).not.toBe(second.memory);
    new Float64Array(first.memory.buffer, 1024, 1)[0] = 42;
    expect(new Float64Array(second.memory.buffer, 1024, 1)[0]).not.toBe(42);
  });

  test('rejects an unknown variant', () => {
    expect(() => loadWasmInstance('fast' as WasmVariant)).toThrow(
      /variant must be relaxed, release, debug or scalar, got fast/,
    );
  });

  test('debug build reports a failed assertion with its message', () => {
    const instance = loadWasmInstance('debug');
    const base = new Arena(instance).alloc(0);
    // A scratch pointer that is not 16-byte aligned violates a matmul precondition.
    const call = () => instance.exports.matmul(base, base, base, 1, 1, 1, 0, 0, base + 8);
    expect(call).toThrow(/kernel aborted: matmul: scratch must be 16-byte aligned/);
    expect(call).toThrow(/\(assembly\/matmul\.ts:\d+:\d+\)/);
  });
});

describe('Arena', () => {
  test('allocations are 16-byte aligned and do not overlap', () => {
    const arena = new Arena(loadWasmInstance());
    const a = arena.alloc(3);
    const b = arena.allocBytes(5);
    const c = arena.alloc(1);
    expect(a % 16).toBe(0);
    expect(b % 16).toBe(0);
    expect(c % 16).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 24);
    expect(c).toBeGreaterThanOrEqual(b + 5);
  });

  test('release returns to a mark and reset to the start', () => {
    const arena = new Arena(loadWasmInstance());
    const first = arena.alloc(4);
    const mark = arena.mark();
    const second = arena.alloc(4);
    arena.release(mark);
    expect(arena.alloc(4)).toBe(second);
    arena.reset();
    expect(arena.usedBytes).toBe(0);
    expect(arena.alloc(4)).toBe(first);
  });

  test('release rejects a mark above the top', () => {
    const arena = new Arena(loadWasmInstance());
    const mark = arena.mark();
    expect(() => arena.release(mark + 16)).toThrow(/Arena.release: mark must be in/);
  });

  test('rejects negative and fractional sizes', () => {
    const arena = new Arena(loadWasmInstance());
    expect(() => arena.alloc(-1)).toThrow(/size must be a non-negative integer, got -8/);
    expect(() => arena.allocBytes(1.5)).toThrow(/got 1.5/);
  });

  test('growth keeps data and detaches older views', () => {
    const arena = new Arena(loadWasmInstance());
    const ptr = arena.copyF64(Float64Array.from([1, 2, 3]));
    const oldView = arena.f64(ptr, 3);
    const before = arena.memoryBytes;
    arena.alloc(before / 8 + 1);
    expect(arena.memoryBytes).toBeGreaterThan(before);
    // A view taken before the growth is detached (length 0), which is why views are never kept.
    expect(oldView.length).toBe(0);
    expect(Array.from(arena.f64(ptr, 3))).toEqual([1, 2, 3]);
  });

  test('copyI32 and copyF64 round-trip', () => {
    const arena = new Arena(loadWasmInstance());
    const ints = arena.copyI32(Int32Array.from([-1, 2, 3]));
    const floats = arena.copyF64(Float64Array.from([0.5]), 4);
    expect(Array.from(arena.i32(ints, 3))).toEqual([-1, 2, 3]);
    expect(arena.f64(floats, 1)[0]).toBe(0.5);
    expect(arena.mark() - floats).toBe(32);
  });
});

describe('wasm kernels memory', () => {
  test('repeated same-size calls neither grow memory nor leave allocations', () => {
    const kernels = createWasmKernels('release');
    const a = new Float64Array(70 * 50).fill(0.5);
    const b = new Float64Array(50 * 30).fill(2);
    kernels.matmul(a, b, 70, 50, 30);
    kernels.unary('tanh', a);
    const grown = kernels.arena.memoryBytes;
    for (let call = 0; call < 5; call++) {
      kernels.matmul(a, b, 70, 50, 30, true, false);
      kernels.unary('tanh', a);
      kernels.sumMiddle(a, 7, 10, 50);
      expect(kernels.arena.usedBytes).toBe(0);
    }
    expect(kernels.arena.memoryBytes).toBe(grown);
  });

  test('a rejected call leaves no allocations', () => {
    const kernels = createWasmKernels('release');
    const out = new Float64Array(2);
    expect(() => kernels.unary('exp', new Float64Array(3), out)).toThrow(
      /exp: out must hold at least 3 values, got 2/,
    );
    expect(kernels.arena.usedBytes).toBe(0);
  });
});

describe('getKernels', () => {
  const saved = process.env.JACDISTILL_KERNELS;
  afterEach(() => {
    if (saved === undefined) delete process.env.JACDISTILL_KERNELS;
    else process.env.JACDISTILL_KERNELS = saved;
  });

  test('selects WebAssembly by default and reuses it', () => {
    delete process.env.JACDISTILL_KERNELS;
    const kernels = getKernels();
    expect(kernels.name).toBe('wasm');
    expect(getKernels()).toBe(kernels);
  });

  test('honours JACDISTILL_KERNELS', () => {
    process.env.JACDISTILL_KERNELS = 'js';
    expect(getKernels()).toBe(jsKernels);
    process.env.JACDISTILL_KERNELS = 'wasm';
    expect(getKernels().name).toBe('wasm');
    process.env.JACDISTILL_KERNELS = 'gpu';
    expect(() => getKernels()).toThrow(InputError);
    expect(() => getKernels()).toThrow(/JACDISTILL_KERNELS must be 'js' or 'wasm', got 'gpu'/);
  });
});
