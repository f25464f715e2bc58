// Public API of the genetic-programming symbolic-regression engine.
export { fitSymbolicRegression, chooseModel, type RegressionData } from './regressor.js';
export type { FrontEntry, SymbolicRegressionModel } from './result.js';
export type { StopReason } from './run.js';
export { printJavaScript, printLatex, printSympy, type SympyOptions } from './export.js';
export type { SymbolicRegressionOptions } from './options.js';
export type { GenerationStats, OperatorRates } from './evolve.js';
export { FittedFormula, type InfixOptions, type UnitMaps } from './model.js';
export { parseInfix, parseInfixExpr } from './parse.js';
export { printInfix, formatNumber } from './print.js';
export { simplify } from './simplify.js';
export { programToExpr, exprToProgram, evaluateExpr, type Expr } from './expr.js';
export {
  PRIMITIVES,
  DEFAULT_FUNCTION_SET,
  type Primitive,
  type PrimitiveName,
} from './primitives.js';
export { formatPostfix, type Program, type Node } from './program.js';
