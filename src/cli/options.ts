// Option specs shared by several commands, and the loading of the --data and --test files.
import { InputError } from '../core/errors.js';
import { loadCsv } from '../data/csv.js';
import { checkCompatible, type Dataset } from '../data/dataset.js';
import type { OptionSpec, ParsedOptions } from './args.js';

export const DEFAULT_SEED = 0;

/** Minimum rows in a --test file: R² needs at least 2 rows. */
const MIN_TEST_ROWS = 2;

export const DATA: OptionSpec<string> = {
  flag: '--data',
  valueName: 'FILE.csv',
  help: 'CSV file with a header row and only numeric columns',
  parse: (raw) => raw,
  required: true,
};

export const TARGET: OptionSpec<string> = {
  flag: '--target',
  valueName: 'COLUMN',
  help: 'name of the column to predict (default: the last column)',
  parse: (raw) => raw,
};

export const TEST: OptionSpec<string> = {
  flag: '--test',
  valueName: 'FILE.csv',
  help:
    'fixed test set with the same columns; the --data rows are then split 75/25 into ' +
    'training and validation (default: split --data 60/20/20)',
  parse: (raw) => raw,
};

/**
 * Loads the --data file with its --target column and, when given, the --test file, which must
 * have the same columns. Throws InputError for a missing file or bad contents.
 */
export function loadDataFiles(options: ParsedOptions): { data: Dataset; test?: Dataset } {
  const dataPath = options.get(DATA);
  if (dataPath === undefined) throw new InputError('missing required option --data');
  const data = loadCsv(dataPath, { target: options.get(TARGET) });
  const testPath = options.get(TEST);
  if (testPath === undefined) return { data };

  // The test set is scaled with training statistics, so a column that happens to be
  // constant in the test rows is fine.
  const test = loadCsv(testPath, {
    target: data.targetName,
    minRows: MIN_TEST_ROWS,
    allowConstantFeatures: true,
  });
  checkCompatible(data, test);
  return { data, test };
}
