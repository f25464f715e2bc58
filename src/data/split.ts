// Seeded random splits of a Dataset into training, validation and test rows.
import { InputError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { selectRows, type Dataset } from './dataset.js';

export interface SplitFractions {
  train: number;
  valid: number;
  test: number;
}

export const DEFAULT_FRACTIONS: Readonly<SplitFractions> = Object.freeze({
  train: 0.6,
  valid: 0.2,
  test: 0.2,
});

/**
 * Shuffles the rows with `new Rng(seed)` and cuts the permutation into test, validation and
 * training parts. The test and validation sizes are the rounded fractions of nRows (at least 1
 * row each); training gets the rest. The same seed and row count always give the same rows.
 */
export function splitDataset(
  ds: Dataset,
  seed: number,
  fractions: SplitFractions = DEFAULT_FRACTIONS,
): { train: Dataset; valid: Dataset; test: Dataset } {
  const { train, valid, test } = fractions;
  for (const [part, value] of Object.entries(fractions)) {
    if (!(value > 0 && value < 1)) {
      throw new InputError(`splitDataset: ${part} fraction in (0, 1), got ${value}`);
    }
  }
  if (Math.abs(train + valid + test - 1) > 1e-9) {
    throw new InputError(
      `splitDataset: fractions that sum to 1, got ${train} + ${valid} + ${test} = ` +
        `${train + valid + test}`,
    );
  }

  const n = ds.nRows;
  const nTest = Math.max(1, Math.round(n * test));
  const nValid = Math.max(1, Math.round(n * valid));
  const nTrain = n - nTest - nValid;
  if (nTrain < 1) {
    throw new InputError(
      `splitDataset: ${ds.source}: enough rows for ${nTest} test, ${nValid} validation and ` +
        `at least 1 training row, got ${n} rows; add rows`,
    );
  }

  const order = new Rng(seed).permutation(n);
  return {
    test: selectRows(ds, order.subarray(0, nTest)),
    valid: selectRows(ds, order.subarray(nTest, nTest + nValid)),
    train: selectRows(ds, order.subarray(nTest + nValid)),
  };
}

/**
 * Splits into training and validation rows only, for runs with a fixed test file. Validation
 * gets round(validFraction · nRows) rows (at least 1) and training gets the rest.
 */
export function splitTrainValid(
  ds: Dataset,
  seed: number,
  validFraction = 0.25,
): { train: Dataset; valid: Dataset } {
  if (!(validFraction > 0 && validFraction < 1)) {
    throw new InputError(`splitTrainValid: validFraction in (0, 1), got ${validFraction}`);
  }
  const n = ds.nRows;
  const nValid = Math.max(1, Math.round(n * validFraction));
  if (n - nValid < 1) {
    throw new InputError(
      `splitTrainValid: ${ds.source}: enough rows for ${nValid} validation and at least 1 ` +
        `training row, got ${n} rows; add rows`,
    );
  }
  const order = new Rng(seed).permutation(n);
  return {
    valid: selectRows(ds, order.subarray(0, nValid)),
    train: selectRows(ds, order.subarray(nValid)),
  };
}
