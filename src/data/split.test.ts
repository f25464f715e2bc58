import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import type { Dataset } from './dataset.js';
import { splitDataset, splitTrainValid } from './split.js';

/** Dataset whose single feature and target both equal the row index, so rows can be traced. */
function indexDataset(n: number): Dataset {
  const x = Float64Array.from({ length: n }, (_, i) => i);
  return {
    name: 'index',
    source: 'index.csv',
    featureNames: ['i'],
    targetName: 'y',
    nRows: n,
    nFeatures: 1,
    x,
    y: x.slice(),
  };
}

describe('splitDataset', () => {
  it('uses 60/20/20 sizes by default', () => {
    const { train, valid, test } = splitDataset(indexDataset(506), 0);
    expect(test.nRows).toBe(101);
    expect(valid.nRows).toBe(101);
    expect(train.nRows).toBe(304);
  });

  it('partitions every row exactly once', () => {
    const { train, valid, test } = splitDataset(indexDataset(50), 3);
    const all = [...train.y, ...valid.y, ...test.y].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const part of [train, valid, test]) {
      expect(Array.from(part.x)).toEqual(Array.from(part.y));
    }
  });

  it('is reproducible from the seed', () => {
    const a = splitDataset(indexDataset(40), 7);
    const b = splitDataset(indexDataset(40), 7);
    const c = splitDataset(indexDataset(40), 8);
    expect(Array.from(a.test.y)).toEqual(Array.from(b.test.y));
    expect(Array.from(a.train.y)).toEqual(Array.from(b.train.y));
    expect(Array.from(a.test.y)).not.toEqual(Array.from(c.test.y));
  });

  it('honours custom fractions', () => {
    const { train, valid, test } = splitDataset(indexDataset(100), 1, {
      train: 0.5,
      valid: 0.1,
      test: 0.4,
    });
    expect([train.nRows, valid.nRows, test.nRows]).toEqual([50, 10, 40]);
  });

  it('rejects fractions that do not sum to 1', () => {
    const bad = () => splitDataset(indexDataset(100), 1, { train: 0.5, valid: 0.2, test: 0.2 });
    expect(bad).toThrow(InputError);
    expect(bad).toThrow('sum to 1');
  });

  it('rejects a zero fraction', () => {
    const bad = () => splitDataset(indexDataset(100), 1, { train: 0.8, valid: 0, test: 0.2 });
    expect(bad).toThrow('valid fraction in (0, 1), got 0');
  });

  it('rejects too few rows for a training row', () => {
    expect(() => splitDataset(indexDataset(2), 0)).toThrow(InputError);
  });
});

describe('splitTrainValid', () => {
  it('uses a quarter for validation by default', () => {
    const { train, valid } = splitTrainValid(indexDataset(100), 0);
    expect(valid.nRows).toBe(25);
    expect(train.nRows).toBe(75);
    const all = [...train.y, ...valid.y].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('rejects an out-of-range fraction', () => {
    expect(() => splitTrainValid(indexDataset(100), 0, 1)).toThrow('validFraction in (0, 1)');
  });
});
