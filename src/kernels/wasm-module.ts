// Loading of the compiled kernel module (build/{relaxed,release,debug,scalar}.wasm) and the bump
// allocator that owns an instance's linear memory. Each loadWasmInstance call returns a fresh
// instance with its own memory; the compiled module is cached per variant, so instances share
// machine code. Invariant: a typed-array view of linear memory is valid only until the memory
// grows (growth detaches the old ArrayBuffer), so Arena.f64 and Arena.i32 return fresh views
// that callers use at once and never keep across an allocation.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { instantiateSync, type ASUtil } from '@assemblyscript/loader';
import { InputError } from '../core/errors.js';

/**
 * Build of the kernel module. relaxed is release plus relaxed SIMD, so its f64x2 multiply-adds
 * are fused on CPUs with FMA. release is optimised with SIMD. debug has assertions and debug
 * info. scalar has no SIMD.
 */
export type WasmVariant = 'relaxed' | 'release' | 'debug' | 'scalar';

export const WASM_VARIANTS: readonly WasmVariant[] = ['relaxed', 'release', 'debug', 'scalar'];

/** V8 before version 11.4 (Node 20) accepts relaxed SIMD only behind this flag. */
const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

let relaxedSupport: boolean | undefined;

/**
 * Returns whether this engine compiles the relaxed build. On Node 20 that needs V8's
 * experimental-wasm-relaxed-simd flag, set here for the whole process when the first check
 * fails. With JACDISTILL_RELAXED_SIMD=0 it returns false without checking.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupport !== undefined) return relaxedSupport;
  const setting = typeof process === 'undefined' ? undefined : process.env.JACDISTILL_RELAXED_SIMD;
  checkRelaxedSetting(setting);
  relaxedSupport = setting !== '0' && enableRelaxedSimd();
  return relaxedSupport;
}

/** Throws InputError unless a JACDISTILL_RELAXED_SIMD value is unset, empty, 0 or 1. */
export function checkRelaxedSetting(setting: string | undefined): void {
  if (setting !== undefined && setting !== '' && setting !== '0' && setting !== '1') {
    throw new InputError(
      `JACDISTILL_RELAXED_SIMD must be 0 or 1, got '${setting}'; unset it to detect support`,
    );
  }
}

/** Returns whether the relaxed build validates, setting the V8 flag first if it does not. */
function enableRelaxedSimd(): boolean {
  let path: string;
  try {
    path = wasmPath('relaxed');
  } catch {
    return false;
  }
  const bytes = readFileSync(path);
  if (WebAssembly.validate(bytes)) return true;
  setFlagsFromString(RELAXED_SIMD_FLAG);
  return WebAssembly.validate(bytes);
}

/** Returns the fastest build this engine runs: relaxed where supported, else release. */
export function defaultVariant(): WasmVariant {
  return relaxedSimdSupported() ? 'relaxed' : 'release';
}

/** Exports of assembly/index.ts. Pointers are byte offsets; flags are 0 or 1. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  simdEnabled(): number;
  matmulScratchLength(m: number, k: number, n: number): number;
  matmul(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    transA: number,
    transB: number,
    scratch: number,
  ): void;
  mlpGemmScratchLength(m: number, k: number, n: number, transA: number): number;
  mlpGemm(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    transA: number,
    scratch: number,
  ): void;
  mlpActivate(
    z: number,
    s: number,
    bias: number,
    nRows: number,
    n: number,
    activation: number,
  ): void;
  unaryNeg(x: number, y: number, len: number): void;
  unaryExp(x: number, y: number, len: number): void;
  unaryLog(x: number, y: number, len: number): void;
  unarySqrt(x: number, y: number, len: number): void;
  unaryTanh(x: number, y: number, len: number): void;
  unaryRelu(x: number, y: number, len: number): void;
  unarySoftplus(x: number, y: number, len: number): void;
  unarySigmoid(x: number, y: number, len: number): void;
  unarySquare(x: number, y: number, len: number): void;
  powScalar(x: number, y: number, len: number, p: number): void;
  binaryAdd(a: number, b: number, y: number, len: number): void;
  binarySub(a: number, b: number, y: number, len: number): void;
  binaryMul(a: number, b: number, y: number, len: number): void;
  binaryDiv(a: number, b: number, y: number, len: number): void;
  tanhBackward(y: number, dy: number, dx: number, len: number): void;
  reluBackward(x: number, dy: number, dx: number, len: number): void;
  sumMiddle(x: number, y: number, outer: number, mid: number, inner: number): void;
  transpose(x: number, y: number, m: number, n: number): void;
  gpScratchLength(maxDepth: number): number;
  gpEvaluate(
    x: number,
    nRows: number,
    ops: number,
    args: number,
    consts: number,
    offsets: number,
    nPrograms: number,
    out: number,
    scratch: number,
    maxDepth: number,
  ): void;
}

export interface WasmInstance {
  readonly variant: WasmVariant;
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
}

const PAGE_BYTES = 65536;
const compiledModules = new Map<WasmVariant, WebAssembly.Module>();

/**
 * Returns the path of build/<variant>.wasm at the package root: two directories above this
 * file under src/kernels, three above it under dist/src/kernels.
 */
export function wasmPath(variant: WasmVariant): string {
  for (const up of ['../../build/', '../../../build/']) {
    const path = fileURLToPath(new URL(`${up}${variant}.wasm`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`loadWasmInstance: build/${variant}.wasm not found; run npm run asbuild`);
}

function compiledModule(variant: WasmVariant): WebAssembly.Module {
  let module = compiledModules.get(variant);
  if (module === undefined) {
    // Detection has usually run already; with JACDISTILL_RELAXED_SIMD=0 it did not check.
    if (variant === 'relaxed' && relaxedSupport !== true && !enableRelaxedSimd()) {
      throw new Error('loadWasmInstance: this engine does not support relaxed SIMD; use release');
    }
    module = new WebAssembly.Module(readFileSync(wasmPath(variant)));
    compiledModules.set(variant, module);
  }
  return module;
}

/**
 * Instantiates a fresh copy of the kernel module with its own memory. Throws if the .wasm file
 * is missing or the engine rejects it (for example a runtime without WebAssembly SIMD loading
 * the release build).
 */
export function loadWasmInstance(variant: WasmVariant = defaultVariant()): WasmInstance {
  if (!WASM_VARIANTS.includes(variant)) {
    throw new RangeError(
      `loadWasmInstance: variant must be relaxed, release, debug or scalar, got ${variant}`,
    );
  }
  // The loader decodes AssemblyScript strings (`__getString`), which the abort handler needs to
  // report a failed debug assertion with its message and source position.
  let loaded: ASUtil | undefined;
  const abort = (message: number, file: number, line: number, column: number): never => {
    const text = loaded === undefined ? '' : loaded.__getString(message);
    const where = loaded === undefined ? '' : loaded.__getString(file);
    throw new Error(`${variant} WebAssembly kernel aborted: ${text} (${where}:${line}:${column})`);
  };
  const { exports } = instantiateSync<Record<string, unknown>>(compiledModule(variant), {
    env: { abort },
  });
  loaded = exports;
  const kernels = exports as unknown as KernelExports;
  return { variant, exports: kernels, memory: kernels.memory };
}

/**
 * Bump allocator over one instance's linear memory, from the module's heap base upwards.
 * Allocations are 16-byte aligned and live until release() to an earlier mark or reset().
 * Memory grows on demand and never shrinks, so a repeated call of the same size reuses the
 * same bytes without growing again.
 */
export class Arena {
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  /** Memory size in bytes when last read; reading memory.buffer is slow. */
  private capacity: number;
  /** View of all of memory for the copy helpers, replaced once growth detaches it. */
  private heap: Float64Array;

  constructor(instance: WasmInstance) {
    this.memory = instance.memory;
    this.base = align16(instance.exports.heapBase());
    this.top = this.base;
    this.heap = new Float64Array(this.memory.buffer);
    this.capacity = this.heap.byteLength;
  }

  /** Reserves nF64 f64 values (8 bytes each) and returns the byte offset of the first. */
  alloc(nF64: number): number {
    return this.allocBytes(nF64 * 8);
  }

  /** Reserves nBytes bytes and returns their byte offset, a multiple of 16. */
  allocBytes(nBytes: number): number {
    if (!Number.isInteger(nBytes) || nBytes < 0) {
      throw new RangeError(`Arena.alloc: size must be a non-negative integer, got ${nBytes}`);
    }
    const ptr = this.top;
    const end = align16(ptr + nBytes);
    this.ensureCapacity(end);
    this.top = end;
    return ptr;
  }

  /** Returns the current top, to pass to release() later. */
  mark(): number {
    return this.top;
  }

  /** Frees every allocation made after `mark` was taken. */
  release(mark: number): void {
    if (mark < this.base || mark > this.top) {
      throw new RangeError(
        `Arena.release: mark must be in [${this.base}, ${this.top}], got ${mark}`,
      );
    }
    this.top = mark;
  }

  /** Frees every allocation. */
  reset(): void {
    this.top = this.base;
  }

  /** Bytes currently allocated. */
  get usedBytes(): number {
    return this.top - this.base;
  }

  /** Current size of linear memory in bytes. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Returns a fresh view of len f64 values at ptr, valid only until memory grows. */
  f64(ptr: number, len: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, len);
  }

  /** Returns a fresh view of len i32 values at ptr, valid only until memory grows. */
  i32(ptr: number, len: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, len);
  }

  /** Allocates len f64 values (len ≥ values.length) and copies `values` into the start. */
  copyF64(values: Float64Array, len = values.length): number {
    const ptr = this.alloc(len);
    this.writeF64(ptr, values);
    return ptr;
  }

  /** Copies `values` to the f64 slots starting at ptr. */
  writeF64(ptr: number, values: Float64Array): void {
    this.heapView().set(values, ptr / 8);
  }

  /** Copies len f64 values starting at ptr into the start of out. */
  readF64(ptr: number, len: number, out: Float64Array): void {
    const heap = this.heapView();
    const start = ptr / 8;
    if (len <= 32) {
      // A plain loop beats creating a subarray for short copies.
      for (let i = 0; i < len; i++) out[i] = heap[start + i];
    } else {
      out.set(heap.subarray(start, start + len));
    }
  }

  /** Allocates values.length i32 values and copies `values` into them. */
  copyI32(values: Int32Array): number {
    const ptr = this.allocBytes(values.length * 4);
    this.i32(ptr, values.length).set(values);
    return ptr;
  }

  private heapView(): Float64Array {
    // Growth detaches the old buffer, and a view of a detached buffer has length 0.
    if (this.heap.length === 0) this.heap = new Float64Array(this.memory.buffer);
    return this.heap;
  }

  private ensureCapacity(end: number): void {
    if (end <= this.capacity) return;
    // Another arena on the same instance may have grown memory since the last read.
    const current = this.memory.buffer.byteLength;
    this.capacity = current;
    if (end <= current) return;
    // Grow by at least half the current size, so a run of growing requests grows memory
    // O(log n) times.
    const needed = Math.ceil((end - current) / PAGE_BYTES);
    const half = Math.ceil(current / 2 / PAGE_BYTES);
    try {
      this.memory.grow(Math.max(needed, half));
    } catch {
      // Near the engine's memory limit, take only what this request needs.
      this.memory.grow(needed);
    }
    this.capacity = this.memory.buffer.byteLength;
  }
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
