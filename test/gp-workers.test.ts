// Parallel breeding in worker threads gives the same run as breeding in the calling thread.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { initPopulation, localBreeder } from '../src/gp/evolve.js';
import { fitSymbolicRegression, type SymbolicRegressionModel } from '../src/gp/index.js';
import { resolveOptions } from '../src/gp/options.js';
import { WorkerPool } from '../src/gp/pool.js';
import { evolutionConfig, trainingScorer } from '../src/gp/setup.js';

function noisyData(seed: number, nRows: number): { columns: Float64Array[]; y: Float64Array } {
  const rng = new Rng(seed);
  const columns = Array.from({ length: 3 }, () => new Float64Array(nRows));
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (const column of columns) column[i] = rng.normal();
    y[i] = Math.exp(0.5 * columns[0][i]) - columns[1][i] * columns[2][i] + 0.1 * rng.normal();
  }
  return { columns, y };
}

function summary(model: SymbolicRegressionModel): string[] {
  const front = model.front.map(
    (e) => `${e.loss} ${e.validationLoss} ${e.model.toInfix({ digits: 17 })}`,
  );
  const history = model.history.map(
    (s) => `${s.generation} ${s.bestLoss} ${s.meanLength} ${s.frontSize}`,
  );
  return [...front, ...history, `chosen ${model.chosenIndex}`];
}

describe('gp worker threads', () => {
  test('pool breeder matches the local breeder', () => {
    const train = noisyData(3, 100);
    const options = resolveOptions({ seed: 4, populationSize: 120 }, 3);
    const config = evolutionConfig(options, train);
    const { score, dispose } = trainingScorer(train, options.maxTerms);
    const parents = initPopulation(config, score).population;
    const pool = WorkerPool.create(2, options, train);
    expect(pool).not.toBeNull();
    try {
      const local = localBreeder(config, score)(parents, 1, 1, 120);
      expect((pool as WorkerPool).waitUntilReady(60_000)).toBe(true);
      const remote = (pool as WorkerPool).breeder(() => [])(parents, 1, 1, 120);
      expect(remote).toEqual(local);
      expect(remote.filter((r) => !('copyOf' in r)).length).toBeGreaterThan(50);
    } finally {
      pool?.close();
      dispose();
    }
  });

  test('one and two workers give identical runs', () => {
    const train = noisyData(1, 260);
    const valid = noisyData(2, 80);
    const opts = {
      seed: 9,
      populationSize: 400,
      generations: 8,
      earlyStoppingGenerations: Infinity,
    };
    const single = fitSymbolicRegression(train, valid, { ...opts, workers: 1 });
    const parallel = fitSymbolicRegression(train, valid, { ...opts, workers: 2 });
    const three = fitSymbolicRegression(train, valid, { ...opts, workers: 3 });
    expect(single.generations).toBe(8);
    expect(summary(parallel)).toEqual(summary(single));
    expect(summary(three)).toEqual(summary(single));
  });
});
