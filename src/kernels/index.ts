// Backend selection: the WebAssembly kernels when they load (the relaxed-SIMD build where the
// engine supports it, else the SIMD build, else the scalar build), otherwise the TypeScript reference. JACDISTILL_KERNELS=js or JACDISTILL_KERNELS=wasm
// forces one backend; with wasm forced, a load failure throws instead of falling back.
import { InputError } from '../core/errors.js';
import { jsKernels } from './js/index.js';
import type { Kernels } from './types.js';
import { createWasmKernels } from './wasm.js';
import { checkRelaxedSetting, defaultVariant } from './wasm-module.js';

export type {
  BinaryKernel,
  GpEvaluator,
  GpProgramBatch,
  Kernels,
  UnaryKernel,
} from './types.js';
export { GpOp } from './types.js';
export {
  GP_ARITY,
  GP_EXP_MAX_ARGUMENT,
  GP_PRIMITIVE_SEMANTICS,
  GP_PROTECTION_THRESHOLD,
  checkGpBatch,
  gpDiv,
  gpExp,
  gpLog,
  jsKernels,
} from './js/index.js';
export { createWasmKernels, type WasmKernels } from './wasm.js';
export {
  Arena,
  WASM_VARIANTS,
  defaultVariant,
  loadWasmInstance,
  relaxedSimdSupported,
  wasmPath,
  type KernelExports,
  type WasmInstance,
  type WasmVariant,
} from './wasm-module.js';

const selected = new Map<string, Kernels>();

/**
 * Returns the process-wide backend for the current JACDISTILL_KERNELS value ('js', 'wasm' or
 * unset). Throws InputError for another value, and Error when 'wasm' is forced but neither
 * WebAssembly build loads.
 */
export function getKernels(): Kernels {
  // Outside Node (a browser bundle) there is no process object and no override.
  const env = typeof process === 'undefined' ? undefined : process.env;
  const forced = env?.JACDISTILL_KERNELS ?? '';
  checkKernelsSetting(forced);
  let kernels = selected.get(forced);
  if (kernels === undefined) {
    kernels = forced === 'js' ? jsKernels : loadWasmOrFallBack(forced === 'wasm');
    selected.set(forced, kernels);
  }
  return kernels;
}

/**
 * Throws InputError when JACDISTILL_KERNELS or JACDISTILL_RELAXED_SIMD in env has a value the
 * kernels would reject later, so that a command can stop before any work.
 */
export function checkKernelEnvironment(env: Record<string, string | undefined>): void {
  checkKernelsSetting(env.JACDISTILL_KERNELS ?? '');
  checkRelaxedSetting(env.JACDISTILL_RELAXED_SIMD);
}

function checkKernelsSetting(forced: string): void {
  if (forced !== '' && forced !== 'js' && forced !== 'wasm') {
    throw new InputError(
      `JACDISTILL_KERNELS must be 'js' or 'wasm', got '${forced}'; ` +
        'unset it to choose automatically',
    );
  }
}

function loadWasmOrFallBack(required: boolean): Kernels {
  const failures: string[] = [];
  for (const variant of new Set([defaultVariant(), 'release', 'scalar'] as const)) {
    try {
      return createWasmKernels(variant);
    } catch (error) {
      failures.push(`${variant}: ${(error as Error).message}`);
    }
  }
  if (required) {
    const reasons = failures.join('; ');
    throw new Error(`getKernels: JACDISTILL_KERNELS=wasm but no build loaded (${reasons})`);
  }
  return jsKernels;
}
