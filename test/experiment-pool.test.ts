import { afterAll, describe, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Rng } from '../src/core/rng.js';
import { planRuns } from '../src/experiment/experiment.js';
import {
  ExecutorStartError,
  inProcessExecutor,
  runPool,
  workerExecutor,
} from '../src/experiment/pool.js';
import { QUICK_PRESET } from '../src/experiment/presets.js';
import { deriveRunSeeds } from '../src/experiment/seeds.js';
import type { ExperimentConfig, RunFunction, RunRecord, RunTask } from '../src/experiment/types.js';
import { byRun, makeTempDir, writeFakeRunModule } from './experiment-fixtures.js';

const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(names: string[], trials = 3): ExperimentConfig {
  return {
    version: 1,
    preset: 'quick',
    datasets: names.map((name) => ({ name, sha256: 'x' })),
    lambdas: [0, 1e-3, 1e-1],
    trials,
    seedControlStudents: 3,
    budgets: QUICK_PRESET.budgets,
  };
}

function files(names: string[]) {
  return names.map((name) => ({ name, path: `/data/${name}.csv`, sha256: 'x', rows: 100 }));
}

async function collect(
  tasks: readonly RunTask[],
  lanes: number,
  executor: () => ReturnType<typeof inProcessExecutor>,
): Promise<{ records: RunRecord[]; failures: string[] }> {
  const records: RunRecord[] = [];
  const failures: string[] = [];
  await runPool(tasks, lanes, executor, {
    onDone: (_task, record) => records.push(record),
    onFailed: (task, message) =>
      failures.push(`${task.dataset}/${task.lambda}/${task.trial}: ${message}`),
  });
  return { records, failures };
}

describe('deriveRunSeeds', () => {
  test('split, rows and teacher seeds are shared by all λ of a trial', () => {
    const a = deriveRunSeeds('airfoil', 0, 2, 3);
    const b = deriveRunSeeds('airfoil', 0.1, 2, 3);
    expect(b.split).toBe(a.split);
    expect(b.rows).toBe(a.rows);
    expect(b.teacher).toBe(a.teacher);
    expect(b.student).not.toBe(a.student);
  });

  test('seeds differ between trials and datasets', () => {
    const a = deriveRunSeeds('airfoil', 0, 2, 3);
    expect(deriveRunSeeds('airfoil', 0, 3, 3).split).not.toBe(a.split);
    expect(deriveRunSeeds('airfoil', 0, 3, 3).teacher).not.toBe(a.teacher);
    expect(deriveRunSeeds('concrete', 0, 2, 3).split).not.toBe(a.split);
  });

  test('only λ = 0 carries k control seeds, the first being its own', () => {
    const base = deriveRunSeeds('airfoil', 0, 1, 4);
    expect(base.control).toHaveLength(4);
    expect(base.control[0]).toBe(base.student);
    expect(new Set(base.control).size).toBe(4);
    expect(deriveRunSeeds('airfoil', 0.01, 1, 4).control).toEqual([]);
  });

  test('planned seeds do not depend on dataset order', () => {
    const forward = planRuns(config(['a', 'b']), files(['a', 'b']));
    const reverse = planRuns(config(['b', 'a']), files(['b', 'a']));
    const seedsOf = (tasks: RunTask[]) =>
      new Map(tasks.map((t) => [`${t.dataset}/${t.lambda}/${t.trial}`, t.seeds]));
    expect(seedsOf(reverse)).toEqual(seedsOf(forward));
    expect(forward).toHaveLength(2 * 3 * 3);
  });
});

const fakeUrl = writeFakeRunModule(dir);
const { runTask: runTaskSync } = (await import(fakeUrl.href)) as { runTask: RunFunction };

describe('runPool', () => {
  const tasks = planRuns(config(['a', 'b']), files(['a', 'b']));

  /** Wraps the fake module's runTask in a random delay, so lanes finish out of order. */
  async function delayedFake(seed: number): Promise<RunFunction> {
    const { runTask } = (await import(fakeUrl.href)) as { runTask: RunFunction };
    const rng = new Rng(seed);
    return async (task) => {
      await new Promise((resolve) => setTimeout(resolve, rng.int(5)));
      return runTask(task);
    };
  }

  test('records do not depend on lanes or task order', async () => {
    const oneLane = await collect(tasks, 1, () => inProcessExecutor(runTaskSync));
    const shuffled = [...tasks];
    new Rng(3).shuffle(shuffled);
    const fake = await delayedFake(11);
    const threeLanes = await collect(shuffled, 3, () => inProcessExecutor(fake));
    expect(threeLanes.records).toHaveLength(tasks.length);
    expect(byRun(threeLanes.records)).toEqual(byRun(oneLane.records));
    const order = (records: RunRecord[]) =>
      records.map((r) => `${r.dataset}/${r.lambda}/${r.trial}`);
    expect(order(threeLanes.records)).not.toEqual(order(oneLane.records));
  });

  test('worker threads give the same records as the calling thread', async () => {
    const inThread = await collect(tasks, 1, () => inProcessExecutor(runTaskSync));
    const workers = await collect(tasks, 2, () => workerExecutor({ runModule: fakeUrl }));
    expect(workers.failures).toEqual([]);
    expect(byRun(workers.records)).toEqual(byRun(inThread.records));
  });

  test('a throwing run is reported and the others finish', async () => {
    const failDir = makeTempDir();
    try {
      const failing = writeFakeRunModule(failDir, { failTrial: 1 });
      const result = await collect(tasks, 2, () => workerExecutor({ runModule: failing }));
      expect(result.failures).toHaveLength(6);
      expect(result.failures[0]).toContain('fake failure in trial 1');
      expect(result.records).toHaveLength(tasks.length - 6);
    } finally {
      rmSync(failDir, { recursive: true, force: true });
    }
  });

  test('a crashed worker is replaced', async () => {
    const crashDir = makeTempDir();
    try {
      const crashing = writeFakeRunModule(crashDir, { crashTrial: 2 });
      const result = await collect(tasks, 1, () => workerExecutor({ runModule: crashing }));
      expect(result.failures).toHaveLength(6);
      expect(result.failures[0]).toContain('exited with code 3');
      expect(result.records).toHaveLength(tasks.length - 6);
    } finally {
      rmSync(crashDir, { recursive: true, force: true });
    }
  });

  test('a worker that cannot load its module stops the pool', async () => {
    const missing = pathToFileURL(join(dir, 'missing-module.mjs'));
    const run = collect(tasks, 2, () => workerExecutor({ runModule: missing }));
    await expect(run).rejects.toThrow(ExecutorStartError);
  });
});
