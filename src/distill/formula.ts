// Scoring of a formula written as infix text on every row of a dataset: a formula printed by
// `jacdistill sr` or `distill`, or one from another engine rewritten in the same syntax.
import { mse, r2Score, toColumns, type Dataset } from '../data/index.js';
import { FittedFormula, parseInfix } from '../gp/index.js';

export interface FormulaScore {
  dataset: string;
  target: string;
  formula: string;
  rows: number;
  /** R² of the formula's values against the target. */
  r2: number;
  mse: number;
}

/**
 * Parses `text` over the feature names, so feature j is `featureNames[j]`. Throws InputError
 * from parseInfix, whose message names the column of the first problem.
 */
export function compileFormula(text: string, featureNames: readonly string[]): FittedFormula {
  const program = parseInfix(text, featureNames);
  // Intercept 0 and slope 1 leave the program's values unchanged.
  return new FittedFormula(program, 0, 1, featureNames.length);
}

/** Evaluates the formula on every row of `data` and scores it against the target. */
export function scoreFormula(data: Dataset, formula: FittedFormula, text: string): FormulaScore {
  const predictions = formula.predict(toColumns(data.x, data.nRows, data.nFeatures));
  return {
    dataset: data.name,
    target: data.targetName,
    formula: text,
    rows: data.nRows,
    r2: r2Score(data.y, predictions),
    mse: mse(data.y, predictions),
  };
}
