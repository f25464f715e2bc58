// The result of a fit: the Pareto front of formulas, the chosen one and the run's record.
import type { GenerationStats } from './evolve.js';
import type { FittedFormula, InfixOptions } from './model.js';
import type { StopReason } from './run.js';

/** One formula of the returned Pareto front. */
export interface FrontEntry {
  /** Node count of the simplified formula including its linear scaling. */
  readonly length: number;
  /**
   * Length the front is built on: the evolved program's node count plus two for each term
   * weight beyond the first (see maxTerms).
   */
  readonly programLength: number;
  /** Training MSE after linear scaling divided by the training target variance (1 − R²). */
  readonly loss: number;
  /** The same on the validation data, or null without validation data. */
  readonly validationLoss: number | null;
  /** Infix text with default feature names x0, x1, … and 4 significant digits. */
  readonly formula: string;
  /** The entry as a model of its own, for predict and printing with names and unit maps. */
  readonly model: FittedFormula;
}

export interface SymbolicRegressionModel {
  /** Node count of the final expression including scaling (after simplification). */
  readonly length: number;
  /** Predictions for column-major features; throws InputError for a wrong column count. */
  predict(columns: Float64Array[]): Float64Array;
  /**
   * Infix formula that parseInfix reads back. Feature names replace x0, x1, …, and the
   * optional maps undo standardisation: feature j used by the program is
   * (x_j − xShift[j]) / xScale[j], and the output is yShift + yScale·f. Constants are printed
   * with `digits` significant digits (default 4).
   */
  toInfix(opts?: InfixOptions): string;
  /** LaTeX math of the same formula, with the same options as toInfix. */
  toLatex(opts?: InfixOptions): string;
  /** JavaScript function source with exact protected semantics (digits default 17). */
  toJavaScript(opts?: InfixOptions & { name?: string }): string;
  /** Python script building the formula as a sympy expression `expr` (digits default 17). */
  toSympy(opts?: InfixOptions & { protectedOps?: boolean }): string;
  /** Generations run after the initial population. */
  readonly generations: number;
  /** Wall-clock seconds of the fit. */
  readonly seconds: number;
  /** Pareto front of length against training loss, shortest first. */
  readonly front: readonly FrontEntry[];
  /** Index of the final model in `front`. */
  readonly chosenIndex: number;
  /** Statistics of every generation, generation 0 first. */
  readonly history: readonly GenerationStats[];
  /** Why the run ended: generation count, time budget, stalled progress or target loss. */
  readonly stopReason: StopReason;
}

export class SymbolicModel implements SymbolicRegressionModel {
  readonly length: number;
  readonly seconds: number;

  constructor(
    readonly front: readonly FrontEntry[],
    readonly chosenIndex: number,
    readonly generations: number,
    readonly history: readonly GenerationStats[],
    readonly stopReason: StopReason,
    started: number,
  ) {
    this.length = front[chosenIndex].length;
    this.seconds = (performance.now() - started) / 1000;
  }

  /** The chosen formula. */
  get formula(): FittedFormula {
    return this.front[this.chosenIndex].model;
  }

  predict(columns: Float64Array[]): Float64Array {
    return this.formula.predict(columns);
  }

  toInfix(opts?: InfixOptions): string {
    return this.formula.toInfix(opts);
  }

  toLatex(opts?: InfixOptions): string {
    return this.formula.toLatex(opts);
  }

  toJavaScript(opts?: InfixOptions & { name?: string }): string {
    return this.formula.toJavaScript(opts);
  }

  toSympy(opts?: InfixOptions & { protectedOps?: boolean }): string {
    return this.formula.toSympy(opts);
  }
}
