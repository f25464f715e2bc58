// End-to-end runs of fitSymbolicRegression: reproducibility, recovery of a known formula,
// printing in original units, options and data validation.
import { describe, expect, test } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { Rng } from '../src/core/rng.js';
import { ProgramEvaluator } from '../src/gp/evaluate.js';
import { fitSymbolicRegression, parseInfix, type RegressionData } from '../src/gp/index.js';

/** y = x0·x1 + sin(x2) with `nFeatures` standard-normal features. */
function knownFormulaData(seed: number, nRows: number, nFeatures = 4): RegressionData {
  const rng = new Rng(seed);
  const columns = Array.from({ length: nFeatures }, () => new Float64Array(nRows));
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (const column of columns) column[i] = rng.normal();
    y[i] = columns[0][i] * columns[1][i] + Math.sin(columns[2][i]);
  }
  return { columns, y };
}

function rSquared(y: Float64Array, prediction: Float64Array): number {
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i] - prediction[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

function standardise(v: Float64Array): { z: Float64Array; shift: number; scale: number } {
  const shift = v.reduce((s, x) => s + x, 0) / v.length;
  const scale = Math.sqrt(v.reduce((s, x) => s + (x - shift) ** 2, 0) / v.length);
  return { z: v.map((x) => (x - shift) / scale), shift, scale };
}

describe('gp fitSymbolicRegression', () => {
  test('a run is reproducible from its seed', () => {
    const train = knownFormulaData(1, 100);
    const opts = { seed: 5, populationSize: 120, generations: 6 };
    const first = fitSymbolicRegression(train, null, opts);
    const second = fitSymbolicRegression(train, null, opts);
    const third = fitSymbolicRegression(train, null, { ...opts, seed: 6 });
    const describeFront = (m: typeof first): string[] =>
      m.front.map((e) => `${e.loss} ${e.model.toInfix({ digits: 17 })}`);
    expect(describeFront(second)).toEqual(describeFront(first));
    expect(second.history.map((s) => s.bestLoss)).toEqual(first.history.map((s) => s.bestLoss));
    expect(describeFront(third)).not.toEqual(describeFront(first));
  });

  test('recovers x0·x1 + sin(x2) to R² > 0.99', () => {
    const train = knownFormulaData(2, 300);
    const valid = knownFormulaData(3, 200);
    const test = knownFormulaData(4, 500);
    const model = fitSymbolicRegression(train, valid, { seed: 1, generations: 30 });
    const r2 = rSquared(test.y, model.predict(test.columns));
    expect(r2, `seed 1: ${model.toInfix()}`).toBeGreaterThan(0.99);
    expect(model.length).toBeLessThanOrEqual(60);
    expect(model.front[model.chosenIndex].validationLoss).not.toBeNull();
    // By default the chosen entry has the lowest validation loss on the front.
    const validationLosses = model.front.map((e) => e.validationLoss as number);
    expect(validationLosses[model.chosenIndex]).toBe(Math.min(...validationLosses));
  });

  test('weights each term of a sum', () => {
    // y = 3·sin(x0) − 0.5·x1·x2 + 2·x3: every term needs its own weight, which a single
    // linear scaling cannot supply without evolving the constants 3, 0.5 and 2.
    const make = (seed: number, nRows: number): RegressionData => {
      const data = knownFormulaData(seed, nRows);
      const [x0, x1, x2, x3] = data.columns;
      const y = x0.map((v, i) => 3 * Math.sin(v) - 0.5 * x1[i] * x2[i] + 2 * x3[i]);
      return { columns: data.columns, y };
    };
    const train = make(5, 200);
    const test = make(6, 400);
    const opts = {
      seed: 2,
      populationSize: 300,
      generations: 15,
      constantOptimisation: false,
    } as const;
    const weighted = fitSymbolicRegression(train, null, opts);
    const single = fitSymbolicRegression(train, null, { ...opts, maxTerms: 1 });
    const r2 = rSquared(test.y, weighted.predict(test.columns));
    expect(r2, weighted.toInfix()).toBeGreaterThan(0.9999);
    expect(weighted.front.at(-1)!.loss).toBeLessThan(single.front.at(-1)!.loss);
  });

  test('formula printed in original units matches predict', () => {
    const raw = knownFormulaData(7, 200, 3);
    raw.columns = raw.columns.map((c, j) => c.map((v) => 10 * j + (j + 2) * v));
    raw.y = raw.y.map((v) => 100 + 5 * v);
    const xs = raw.columns.map(standardise);
    const ys = standardise(raw.y);
    const train = { columns: xs.map((s) => s.z), y: ys.z };
    const model = fitSymbolicRegression(train, null, {
      seed: 3,
      populationSize: 200,
      generations: 10,
    });
    const names = ['speed', 'mass (kg)', 'angle'];
    const maps = {
      featureNames: names,
      xShift: xs.map((s) => s.shift),
      xScale: xs.map((s) => s.scale),
      yShift: ys.shift,
      yScale: ys.scale,
    };

    for (const entry of model.front) {
      const text = entry.model.toInfix({ ...maps, digits: 17 });
      const evaluator = new ProgramEvaluator(raw.columns, raw.y.length);
      const printed = evaluator.evaluateOne(parseInfix(text, names));
      evaluator.dispose();
      const predicted = entry.model.predict(train.columns).map((v) => ys.shift + ys.scale * v);
      for (let i = 0; i < raw.y.length; i++) {
        const tol = 1e-8 * Math.max(1, Math.abs(predicted[i]));
        expect(Math.abs(printed[i] - predicted[i]), `row ${i}: ${text}`).toBeLessThanOrEqual(tol);
      }
    }
    expect(model.toInfix(maps)).toMatch(/speed|mass \(kg\)|angle/);

    const source = model.toJavaScript(maps);
    const f = new Function(`${source}\nreturn formula;`)() as (x: number[]) => number;
    const predicted = model.predict(train.columns).map((v) => ys.shift + ys.scale * v);
    for (let i = 0; i < raw.y.length; i++) {
      const value = f(raw.columns.map((c) => c[i]));
      const tol = 1e-8 * Math.max(1, Math.abs(predicted[i]));
      expect(Math.abs(value - predicted[i]), `row ${i}: ${source}`).toBeLessThanOrEqual(tol);
    }
    expect(model.toLatex(maps)).toContain('\\text{speed}');
    expect(model.toSympy(maps)).toContain('speed, mass__kg_, angle = sympy.symbols(');
  });

  test('tiny feature scales print without protection', () => {
    const train = knownFormulaData(13, 120, 3);
    const model = fitSymbolicRegression(train, null, {
      seed: 2,
      populationSize: 150,
      generations: 5,
    });
    const xScale = [1e-4, 2e-5, 1e-6];
    const xShift = [0.5, -0.25, 3];
    const raw = train.columns.map((c, j) => c.map((v) => xShift[j] + xScale[j] * v));
    const text = model.toInfix({ xShift, xScale, digits: 17 });
    const evaluator = new ProgramEvaluator(raw, 120);
    const printed = evaluator.evaluateOne(parseInfix(text, ['x0', 'x1', 'x2']));
    evaluator.dispose();
    const predicted = model.predict(train.columns);
    for (let i = 0; i < 120; i++) {
      const tol = 1e-6 * Math.max(1, Math.abs(predicted[i]));
      expect(Math.abs(printed[i] - predicted[i]), `row ${i}: ${text}`).toBeLessThanOrEqual(tol);
    }
    expect(() => model.toInfix({ xScale: [1, 0, 1] })).toThrow(
      /xScale\[1\] must be a finite non-zero number, got 0/,
    );
  });

  test('reports every generation and honours the time limit', () => {
    const train = knownFormulaData(8, 60);
    const seen: number[] = [];
    const model = fitSymbolicRegression(train, null, {
      seed: 2,
      populationSize: 50,
      generations: 4,
      onGeneration: (s) => seen.push(s.generation),
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(model.generations).toBe(4);

    const limited = fitSymbolicRegression(train, null, {
      seed: 2,
      populationSize: 50,
      generations: 10_000,
      timeLimitSeconds: 0.2,
    });
    expect(limited.generations).toBeLessThan(10_000);
    expect(limited.seconds).toBeLessThan(5);
  });

  test('stops at the target loss or when stalled', () => {
    const train = knownFormulaData(11, 150);
    const exact = fitSymbolicRegression(train, null, { seed: 4, generations: 200 });
    expect(exact.stopReason).toBe('target');
    expect(exact.history[exact.history.length - 1].bestLoss).toBeLessThanOrEqual(1e-12);
    expect(exact.generations).toBeLessThan(200);

    const noisy = knownFormulaData(12, 80);
    noisy.y = noisy.y.map((v, i) => v + Math.sin(1000 * i));
    const stalled = fitSymbolicRegression(noisy, null, {
      seed: 4,
      populationSize: 60,
      generations: 500,
      earlyStoppingGenerations: 3,
      constantOptimisation: false,
    });
    expect(stalled.stopReason).toBe('stalled');
    const losses = stalled.history.map((s) => s.bestLoss);
    const last = losses.length - 1;
    expect(losses[last]).toBeGreaterThanOrEqual(losses[last - 3] * (1 - 1e-6));
  });

  test('rejects bad options and data', () => {
    const train = knownFormulaData(9, 20);
    expect(() => fitSymbolicRegression(train, null, { seed: 1, populationSize: 1 })).toThrow(
      /populationSize must be an integer ≥ 2, got 1/,
    );
    expect(() =>
      fitSymbolicRegression(train, null, { seed: 1, functionSet: ['add', 'pow'] }),
    ).toThrow(/got 'pow'/);
    expect(() => fitSymbolicRegression(train, null, { seed: 1, maxLength: 2 })).toThrow(
      /maxLength/,
    );
    expect(() =>
      fitSymbolicRegression(train, null, {
        seed: 1,
        rates: { crossover: 0.9, pointMutation: 0.5 },
      }),
    ).toThrow(/sum to at most 1/);
    const ragged = { columns: [new Float64Array(3)], y: new Float64Array(4) };
    expect(() => fitSymbolicRegression(ragged, null, { seed: 1 })).toThrow(InputError);
    const withNaN = { columns: [Float64Array.from([1, NaN, 3])], y: new Float64Array(3) };
    expect(() => fitSymbolicRegression(withNaN, null, { seed: 1 })).toThrow(
      /column 0 must be finite, got NaN at row 1/,
    );
    const valid = { columns: [new Float64Array(2)], y: new Float64Array(2) };
    expect(() => fitSymbolicRegression(train, valid, { seed: 1 })).toThrow(/4 feature columns/);
  });

  test('a constant target gives a constant model', () => {
    const train = knownFormulaData(10, 30);
    train.y.fill(2.5);
    const model = fitSymbolicRegression(train, null, {
      seed: 1,
      populationSize: 30,
      generations: 2,
    });
    expect(Array.from(model.predict(train.columns))).toEqual(new Array(30).fill(2.5));
  });
});
