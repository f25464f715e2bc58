// The in-memory table every command and model reads: numeric features in row-major order plus
// one numeric target, with the column names kept for printing formulas.
import { InputError, ShapeError, assert } from '../core/errors.js';

export interface Dataset {
  /** Short label for reports, such as the file name without `.csv`. */
  name: string;
  /** Origin of the rows: a file path or a package name. */
  source: string;
  featureNames: string[];
  targetName: string;
  nRows: number;
  nFeatures: number;
  /** Row-major features, shape [nRows, nFeatures]. */
  x: Float64Array;
  /** Target, one value per row. */
  y: Float64Array;
}

/** Copies the rows at `indices` (in that order, repeats allowed) into a new Dataset. */
export function selectRows(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const { nFeatures } = ds;
  const x = new Float64Array(indices.length * nFeatures);
  const y = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i];
    assert(Number.isInteger(row) && row >= 0 && row < ds.nRows, () =>
      `selectRows: row index in [0, ${ds.nRows}), got ${row} at position ${i}`,
    );
    x.set(ds.x.subarray(row * nFeatures, (row + 1) * nFeatures), i * nFeatures);
    y[i] = ds.y[row];
  }
  return { ...ds, featureNames: [...ds.featureNames], nRows: indices.length, x, y };
}

/**
 * Checks that `test` has the same feature columns, in the same order, and the same target as
 * `train`. Throws InputError naming both sources and the first difference.
 */
export function checkCompatible(train: Dataset, test: Dataset): void {
  const where = `test data ${test.source} does not match training data ${train.source}`;
  if (test.targetName !== train.targetName) {
    throw new InputError(
      `checkCompatible: ${where}: expected target column "${train.targetName}", ` +
        `got "${test.targetName}"; use the same target column in both files`,
    );
  }
  const testNames = new Set(test.featureNames);
  const trainNames = new Set(train.featureNames);
  const missing = train.featureNames.filter((name) => !testNames.has(name));
  const extra = test.featureNames.filter((name) => !trainNames.has(name));
  if (missing.length > 0 || extra.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${quoteList(missing)}`);
    if (extra.length > 0) parts.push(`extra ${quoteList(extra)}`);
    throw new InputError(
      `checkCompatible: ${where}: feature columns differ (${parts.join('; ')}); ` +
        `give both files the same columns`,
    );
  }
  if (train.featureNames.some((name, i) => test.featureNames[i] !== name)) {
    throw new InputError(
      `checkCompatible: ${where}: feature columns are in a different order ` +
        `(training: ${train.featureNames.join(', ')}; test: ${test.featureNames.join(', ')}); ` +
        `write the columns in the same order in both files`,
    );
  }
}

/** Splits row-major `x` of shape [nRows, nFeatures] into one Float64Array per column. */
export function toColumns(x: Float64Array, nRows: number, nFeatures: number): Float64Array[] {
  if (x.length !== nRows * nFeatures) {
    throw new ShapeError(
      `toColumns: x.length equal to nRows * nFeatures = ${nRows} * ${nFeatures}, got ${x.length}`,
    );
  }
  const columns: Float64Array[] = [];
  for (let j = 0; j < nFeatures; j++) {
    const column = new Float64Array(nRows);
    for (let i = 0; i < nRows; i++) column[i] = x[i * nFeatures + j];
    columns.push(column);
  }
  return columns;
}

/** Formats names as `"a", "b"` for messages. */
export function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
