import { describe, expect, it } from 'vitest';
import { InputError, ShapeError } from '../core/errors.js';
import type { Dataset } from './dataset.js';
import { Standardizer } from './standardize.js';

function twoFeatureDataset(x: number[], y: number[]): Dataset {
  return {
    name: 't',
    source: 'train.csv',
    featureNames: ['u', 'v'],
    targetName: 'w',
    nRows: y.length,
    nFeatures: 2,
    x: Float64Array.from(x),
    y: Float64Array.from(y),
  };
}

describe('Standardizer', () => {
  // u = 1, 2, 3, 4 (mean 2.5, population std √1.25); v = 10, 10, 20, 20 (mean 15, std 5).
  const ds = twoFeatureDataset([1, 10, 2, 10, 3, 20, 4, 20], [2, 4, 6, 8]);
  const s = Standardizer.fit(ds);

  it('fits population mean and std', () => {
    expect(Array.from(s.xMean)).toEqual([2.5, 15]);
    expect(s.xStd[0]).toBeCloseTo(Math.sqrt(1.25), 14);
    expect(s.xStd[1]).toBe(5);
    expect(s.yMean).toBe(5);
    expect(s.yStd).toBeCloseTo(Math.sqrt(5), 14);
  });

  it('gives zero mean and unit variance on training rows', () => {
    const z = s.transformX(ds.x);
    for (let j = 0; j < 2; j++) {
      const col = [0, 1, 2, 3].map((i) => z[i * 2 + j]);
      const mean = col.reduce((a, b) => a + b, 0) / 4;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 14);
      expect(variance).toBeCloseTo(1, 14);
    }
  });

  it('inverts the target transform', () => {
    const back = s.inverseY(s.transformY(ds.y));
    back.forEach((v, i) => expect(v).toBeCloseTo(ds.y[i], 12));
  });

  it('transforms a whole dataset', () => {
    const t = s.transform(ds);
    expect(t.featureNames).toEqual(['u', 'v']);
    expect(t.x[1]).toBe(-1);
    expect(ds.x[1]).toBe(10);
  });

  it('rejects x of the wrong width', () => {
    expect(() => s.transformX(new Float64Array(3))).toThrow(ShapeError);
  });

  it('rejects a constant feature', () => {
    const flat = twoFeatureDataset([1, 7, 2, 7, 3, 7], [1, 2, 3]);
    const fit = () => Standardizer.fit(flat);
    expect(fit).toThrow(InputError);
    expect(fit).toThrow('train.csv column "v"');
    expect(fit).toThrow('constant 7');
  });

  it('rejects a constant target', () => {
    const flat = twoFeatureDataset([1, 7, 2, 8, 3, 9], [4, 4, 4]);
    expect(() => Standardizer.fit(flat)).toThrow('column "w"');
  });
});

describe('Standardizer extreme scales', () => {
  it('fits columns with spreads of 1e145 and 1e-140', () => {
    const big = twoFeatureDataset(
      [1e145, 1, 2e145, 2, 3e145, 3, 4e145, 4],
      [1e-140, 2e-140, 3e-140, 4e-140],
    );
    const s = Standardizer.fit(big);
    expect(s.xMean[0] / 2.5e145).toBeCloseTo(1, 12);
    expect(s.xStd[0] / (Math.sqrt(1.25) * 1e145)).toBeCloseTo(1, 12);
    expect(s.yStd / (Math.sqrt(1.25) * 1e-140)).toBeCloseTo(1, 12);
  });

  it('rejects a column whose spread is too large to print', () => {
    // The std of 1e200..4e200 is about 1.1e200, above the accepted 1e150.
    const huge = twoFeatureDataset([1e200, 1, 2e200, 2, 3e200, 3, 4e200, 4], [1, 2, 3, 4]);
    expect(() => Standardizer.fit(huge)).toThrow(InputError);
    expect(() => Standardizer.fit(huge)).toThrow(/column "u".*rescale the column/);
  });

  it('rejects a tiny but varying column as badly scaled, not constant', () => {
    const tiny = twoFeatureDataset([1e-300, 1, 2e-300, 2, 3e-300, 3, 4e-300, 4], [1, 2, 3, 4]);
    expect(() => Standardizer.fit(tiny)).toThrow(/standard deviation .*got 1\.1\d*e-300/);
  });
});
