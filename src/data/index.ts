// Public surface of the data layer.
export { checkCompatible, selectRows, toColumns, type Dataset } from './dataset.js';
export { loadCsv, MIN_ROWS, type LoadCsvOptions } from './csv.js';
export { parseCsvText, type CsvRecord } from './csv-parse.js';
export { loadBostonHousing, BOSTON_PACKAGE } from './boston.js';
export {
  splitDataset,
  splitTrainValid,
  DEFAULT_FRACTIONS,
  type SplitFractions,
} from './split.js';
export { Standardizer } from './standardize.js';
export { mse, r2Score } from './metrics.js';
