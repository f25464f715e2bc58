// The reference TypeScript backend: plain loops, the oracle for the WebAssembly kernels and
// the fallback where WebAssembly cannot load.
import type { Kernels } from '../types.js';
import { binary, powScalar, reluBackward, tanhBackward, unary } from './elementwise.js';
import { createGpEvaluator } from './gp-eval.js';
import { matmul } from './matmul.js';
import { sumMiddle, transpose } from './reduce.js';

export const jsKernels: Kernels = {
  name: 'js',
  matmul,
  unary,
  powScalar,
  binary,
  tanhBackward,
  reluBackward,
  sumMiddle,
  transpose,
  createGpEvaluator,
};

export {
  GP_EXP_MAX_ARGUMENT,
  GP_PRIMITIVE_SEMANTICS,
  GP_PROTECTION_THRESHOLD,
  gpDiv,
  gpExp,
  gpLog,
} from './gp-eval.js';
export { GP_ARITY, checkGpBatch } from './gp-program.js';
export { sigmoid, softplus } from './elementwise.js';
