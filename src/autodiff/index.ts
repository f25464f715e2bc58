// Public surface of the reverse-mode autodiff engine.
export {
  asTensor,
  fromNDArray,
  isGradEnabled,
  ones,
  param,
  tensor,
  Tensor,
  zeros,
  type GraphNode,
  type TensorValues,
} from './tensor.js';
export { apply, defineOp, type OpDef, type VjpContext } from './op.js';
export * from './ops/index.js';
export { mean } from './composite.js';
export {
  grad,
  gradients,
  hvp,
  noGrad,
  valueAndGrad,
  vjp,
  type GradientsOptions,
  type GradOptions,
} from './grad.js';
