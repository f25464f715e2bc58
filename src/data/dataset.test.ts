import { describe, expect, it } from 'vitest';
import { InputError, ShapeError } from '../core/errors.js';
import { checkCompatible, selectRows, toColumns, type Dataset } from './dataset.js';

function makeDataset(source: string, featureNames: string[], targetName = 'y'): Dataset {
  const nRows = 3;
  const nFeatures = featureNames.length;
  return {
    name: source,
    source,
    featureNames,
    targetName,
    nRows,
    nFeatures,
    x: Float64Array.from({ length: nRows * nFeatures }, (_, k) => k),
    y: Float64Array.from({ length: nRows }, (_, i) => 10 * i),
  };
}

describe('selectRows', () => {
  it('copies rows in index order', () => {
    const ds = makeDataset('a.csv', ['p', 'q']);
    const picked = selectRows(ds, [2, 0, 2]);
    expect(picked.nRows).toBe(3);
    expect(Array.from(picked.x)).toEqual([4, 5, 0, 1, 4, 5]);
    expect(Array.from(picked.y)).toEqual([20, 0, 20]);
    picked.x[0] = -1;
    expect(ds.x[4]).toBe(4);
  });

  it('rejects an out-of-range index', () => {
    expect(() => selectRows(makeDataset('a.csv', ['p']), [0, 3])).toThrow('got 3 at position 1');
  });
});

describe('checkCompatible', () => {
  const train = makeDataset('train.csv', ['p', 'q']);

  it('accepts identical columns', () => {
    expect(() => checkCompatible(train, makeDataset('test.csv', ['p', 'q']))).not.toThrow();
  });

  it.each([
    ['missing feature', makeDataset('test.csv', ['p']), 'missing "q"'],
    ['extra feature', makeDataset('test.csv', ['p', 'q', 'r']), 'extra "r"'],
    ['reordered features', makeDataset('test.csv', ['q', 'p']), 'different order'],
    ['other target', makeDataset('test.csv', ['p', 'q'], 'z'), 'expected target column "y"'],
  ])('rejects %s', (_case, test, detail) => {
    const check = () => checkCompatible(train, test);
    expect(check).toThrow(InputError);
    expect(check).toThrow('test data test.csv does not match training data train.csv');
    expect(check).toThrow(detail);
  });
});

describe('toColumns', () => {
  it('transposes row-major data', () => {
    const cols = toColumns(Float64Array.of(1, 2, 3, 4, 5, 6), 3, 2);
    expect(cols.map((c) => Array.from(c))).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
  });

  it('rejects a length mismatch', () => {
    expect(() => toColumns(new Float64Array(5), 3, 2)).toThrow(ShapeError);
  });
});
