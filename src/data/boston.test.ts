import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { BOSTON_PACKAGE, loadBostonHousing } from './boston.js';
import { loadCsv } from './csv.js';

const EXPECTED_FEATURES = [
  'crim', 'zn', 'indus', 'chas', 'nox', 'rm', 'age', 'dis', 'rad', 'tax', 'ptratio', 'lstat',
];

describe('loadBostonHousing', () => {
  const ds = loadBostonHousing();

  it('has 506 rows and 12 features', () => {
    expect(ds.nRows).toBe(506);
    expect(ds.nFeatures).toBe(12);
    expect(ds.x.length).toBe(506 * 12);
    expect(ds.y.length).toBe(506);
  });

  it('keeps package column order without b', () => {
    expect(ds.featureNames).toEqual(EXPECTED_FEATURES);
    expect(ds.featureNames).not.toContain('b');
    expect(ds.targetName).toBe('medv');
    expect(ds.source).toBe(BOSTON_PACKAGE);
    expect(ds.name).toContain('boston');
  });

  it('matches the first and last rows of the source', () => {
    // Row 1 of the original table: crim 0.00632, …, lstat 4.98, medv 24.0.
    expect(Array.from(ds.x.subarray(0, 12))).toEqual([
      0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3, 4.98,
    ]);
    expect(ds.y[0]).toBe(24);
    // Row 506: lstat 7.88, medv 11.9.
    expect(ds.x[505 * 12 + 11]).toBe(7.88);
    expect(ds.y[505]).toBe(11.9);
  });

  it('returns independent copies', () => {
    const again = loadBostonHousing();
    again.x[0] = -1;
    expect(ds.x[0]).toBe(0.00632);
  });
});

describe('loadCsv on the package CSV', () => {
  it('agrees with loadBostonHousing', () => {
    const require = createRequire(import.meta.url);
    const csvPath = require.resolve(`${BOSTON_PACKAGE}/data/data.csv`);
    const fromCsv = loadCsv(csvPath);
    const fromJson = loadBostonHousing();
    expect(fromCsv.nRows).toBe(506);
    expect(fromCsv.featureNames).toEqual([...EXPECTED_FEATURES.slice(0, 11), 'b', 'lstat']);
    expect(Array.from(fromCsv.y)).toEqual(Array.from(fromJson.y));
    const lstatCsv = fromCsv.featureNames.indexOf('lstat');
    for (let i = 0; i < 506; i++) {
      expect(fromCsv.x[i * 13 + lstatCsv]).toBe(fromJson.x[i * 12 + 11]);
    }
  });
});
