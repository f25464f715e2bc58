// Public library API of jacdistill: load data, train a Jacobian-regularised teacher, distil it
// into a GP formula, and print or export the formula. The CLI is a thin layer over these.
export { NDArray } from './core/ndarray.js';
export { ShapeError, AutodiffError, InputError } from './core/errors.js';
export { Rng, deriveSeed } from './core/rng.js';
export type { Shape } from './core/shape.js';

export * as autodiff from './autodiff/index.js';
export { getKernels, jsKernels, type Kernels } from './kernels/index.js';

export {
  loadCsv,
  loadBostonHousing,
  splitDataset,
  splitTrainValid,
  selectRows,
  toColumns,
  Standardizer,
  r2Score,
  mse,
  type Dataset,
} from './data/index.js';

export {
  trainTeacher,
  exactJacobianNormSq,
  projectedJacobianNormSq,
  type Teacher,
  type TeacherOptions,
} from './nn/index.js';

export {
  fitSymbolicRegression,
  parseInfix,
  parseInfixExpr,
  programToExpr,
  exprToProgram,
  simplify,
  type Expr,
  type SymbolicRegressionModel,
  type SymbolicRegressionOptions,
  type RegressionData,
} from './gp/index.js';

export {
  distill,
  prepareData,
  runTeacher,
  runStudent,
  type DistillOptions,
  type DistillReport,
  type DistillRun,
  type PreparedData,
  type StudentOptions,
} from './distill/pipeline.js';
