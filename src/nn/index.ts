// Public surface of the teacher network: the trainer, the tape reference model and losses,
// the fused TypeScript and WebAssembly passes, and the Jacobian-norm estimators.
export {
  trainTeacher,
  type Teacher,
  type TeacherBackend,
  type TeacherData,
  type TeacherOptions,
} from './train.js';
export {
  paramLayout,
  ACTIVATIONS,
  type Activation,
  type MlpSpec,
  type ParamLayout,
} from './layout.js';
export { initParams } from './init.js';
export { Linear } from './linear.js';
export { Mlp, flattenGradients } from './mlp.js';
export { mseLoss, teacherLoss, type TeacherLossTerms } from './losses.js';
export { Adam, ADAM_DEFAULTS, type AdamOptions } from './optim.js';
export { tapeLossAndGradient, TapePasses } from './tape.js';
export { JsFusedMlp, type LossTerms } from './fused-js.js';
export { WasmFusedMlp, type MlpWasmExports, type WasmMlpOptions } from './fused-wasm.js';
export { sumOfSinesData, type RegressionData } from './synthetic.js';
export {
  exactJacobianNormSq,
  projectedJacobianNormSq,
  randomUnitRows,
  type JacobianNormOptions,
} from './projection.js';
export { HostBackend, type BatchPasses, type TrainingBackend } from './backend.js';
