// trainTeacher: reproducibility, early stopping, backend agreement, option checks, and the
// accuracy of the defaults on the Boston house prices.
import { describe, expect, test } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { deriveSeed, Rng } from '../src/core/rng.js';
import {
  loadBostonHousing,
  r2Score,
  splitDataset,
  Standardizer,
  type Dataset,
} from '../src/data/index.js';
import { loadWasmInstance } from '../src/kernels/wasm-module.js';
import {
  initParams,
  paramLayout,
  sumOfSinesData,
  trainTeacher,
  WasmFusedMlp,
  type TeacherData,
} from '../src/nn/index.js';

function split(seed: number, nFeatures: number): { train: TeacherData; valid: TeacherData } {
  return {
    train: sumOfSinesData(200, nFeatures, seed),
    valid: sumOfSinesData(60, nFeatures, seed + 1),
  };
}

function mse(f: Float64Array, y: Float64Array): number {
  let sum = 0;
  for (let b = 0; b < f.length; b++) sum += (f[b] - y[b]) ** 2;
  return sum / f.length;
}

const SHORT = { hidden: [16, 16], maxEpochs: 20, minSteps: 0, batchSize: 32 };

describe('trainTeacher', () => {
  test('same seed gives bit-identical weights', () => {
    const { train, valid } = split(1, 4);
    for (const backend of ['wasm', 'js'] as const) {
      const a = trainTeacher(train, valid, { ...SHORT, lambda: 0.1, seed: 7, backend });
      const b = trainTeacher(train, valid, { ...SHORT, lambda: 0.1, seed: 7, backend });
      const c = trainTeacher(train, valid, { ...SHORT, lambda: 0.1, seed: 8, backend });
      const pa = a.predict(valid.x, valid.nRows);
      expect(Array.from(b.predict(valid.x, valid.nRows)), backend).toEqual(Array.from(pa));
      expect(Array.from(c.predict(valid.x, valid.nRows)), backend).not.toEqual(Array.from(pa));
    }
  });

  test('wasm steps give bit-identical weights', () => {
    const layout = paramLayout({ nInputs: 4, hidden: [16, 16], activation: 'tanh', nOutputs: 1 });
    const data = sumOfSinesData(96, 4, 9);
    const train = (): Float64Array => {
      const net = new WasmFusedMlp(loadWasmInstance(), layout, {
        capacity: 32,
        lambda: 0.1,
        adam: { learningRate: 1e-2 },
        trainRows: data.nRows,
      });
      net.params.set(initParams(layout, 4));
      net.setTrainingData(data.x, data.y, data.nRows);
      const rng = new Rng(5);
      for (let epoch = 0; epoch < 30; epoch++) {
        rng.shuffle(net.order);
        for (let start = 0; start < data.nRows; start += 32) net.trainStep(start, 32);
      }
      return net.params.slice();
    };
    const first = train();
    expect(Array.from(train())).toEqual(Array.from(first));
    expect(Array.from(first)).not.toEqual(Array.from(initParams(layout, 4)));
  });

  test('restores the weights with the best validation MSE', () => {
    const { train, valid } = split(2, 3);
    const t = trainTeacher(train, valid, { ...SHORT, maxEpochs: 60, lambda: 0, seed: 3 });
    expect(mse(t.predict(valid.x, valid.nRows), valid.y)).toBeCloseTo(t.bestValidLoss, 12);
    expect(t.epochs).toBeGreaterThan(0);
    expect(t.steps).toBe(t.epochs * Math.ceil(train.nRows / 32));
  });

  test('wasm, js and tape backends follow the same trajectory', () => {
    const { train, valid } = split(3, 3);
    const opts = { hidden: [8, 8], maxEpochs: 3, minSteps: 0, lambda: 0.2, seed: 5 };
    const results = (['wasm', 'js', 'tape'] as const).map((backend) =>
      trainTeacher(train, valid, { ...opts, backend }).predict(valid.x, valid.nRows),
    );
    for (const other of results.slice(1)) {
      for (let b = 0; b < valid.nRows; b++) expect(other[b]).toBeCloseTo(results[0][b], 9);
    }
  });

  test('input gradients and mean Jacobian norm agree', () => {
    const { train, valid } = split(4, 5);
    const t = trainTeacher(train, valid, { ...SHORT, lambda: 0.1, seed: 1 });
    const g = t.inputGradients(valid.x, valid.nRows);
    expect(g.length).toBe(valid.nRows * 5);
    let sum = 0;
    for (const v of g) sum += v * v;
    expect(t.meanJacobianSq(valid.x, valid.nRows)).toBeCloseTo(sum / valid.nRows, 12);
  });

  test('minimum steps keep a small data set training', () => {
    const { train, valid } = split(5, 2);
    const small = { ...train, nRows: 20, x: train.x.subarray(0, 40), y: train.y.subarray(0, 20) };
    const opts = { hidden: [8], lambda: 0, seed: 2, patience: 1, minSteps: 300 };
    const t = trainTeacher(small, valid, opts);
    expect(t.steps).toBeGreaterThanOrEqual(300);
  });

  test('invalid options are rejected with the option name', () => {
    const { train, valid } = split(6, 2);
    expect(() => trainTeacher(train, valid, { lambda: -1, seed: 1 })).toThrow(InputError);
    expect(() => trainTeacher(train, valid, { lambda: 0, seed: 1, batchSize: 0 })).toThrow(
      /batchSize must be an integer ≥ 1, got 0/,
    );
    expect(() => trainTeacher(train, { ...valid, nFeatures: 3 }, { lambda: 0, seed: 1 })).toThrow(
      /valid/,
    );
  });

  test('defaults reach test R² 0.85 on Boston split 0', () => {
    // The 60/20/20 split and training-row standardisation that the distillation pipeline uses.
    const parts = splitDataset(loadBostonHousing(), deriveSeed('split', 0));
    const scaler = Standardizer.fit(parts.train);
    const standardised = (ds: Dataset): TeacherData => ({
      x: scaler.transformX(ds.x),
      y: scaler.transformY(ds.y),
      nRows: ds.nRows,
      nFeatures: ds.nFeatures,
    });
    const testRows = standardised(parts.test);
    const t = trainTeacher(standardised(parts.train), standardised(parts.valid), {
      lambda: 0,
      seed: 0,
    });
    const prediction = scaler.inverseY(t.predict(testRows.x, testRows.nRows));
    expect(r2Score(parts.test.y, prediction)).toBeGreaterThanOrEqual(0.85);
  });
});
