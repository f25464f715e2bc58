// Backend selection: the WebAssembly kernels when they load, else the TypeScript reference.
// JACDISTILL_KERNELS=js or JACDISTILL_KERNELS=wasm forces one backend.
import { jsKernels } from './js/index.js';
import type { Kernels } from './types.js';

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
  jsKernels,
} from './js/index.js';

/** Returns the selected backend (see the file header for JACDISTILL_KERNELS). */
export function getKernels(): Kernels {
  const forced = process.env.JACDISTILL_KERNELS;
  if (forced !== undefined && forced !== '' && forced !== 'js' && forced !== 'wasm') {
    throw new RangeError(`getKernels: JACDISTILL_KERNELS must be 'js' or 'wasm', got '${forced}'`);
  }
  // TODO: return the WebAssembly backend once src/kernels/wasm.ts exists.
  return jsKernels;
}
