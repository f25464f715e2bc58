// The experiment with the real teacher and GP student on small generated datasets: once on the
// calling thread and once on two worker threads, which must give the same records.
import { afterAll, expect, test } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadCsv } from '../src/data/index.js';
import { experimentCommand } from '../src/experiment/experiment.js';
import { validateExperimentOptions } from '../src/experiment/options.js';
import { readRunLog } from '../src/experiment/run-log.js';
import { capRows, runTask } from '../src/experiment/run-task.js';
import type { RunRecord } from '../src/experiment/types.js';
import { byRun, makeTempDir, WORKER_EXEC_ARGV, writeRegressionCsv } from './experiment-fixtures.js';

const root = makeTempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = join(root, 'data');
mkdirSync(data);
writeRegressionCsv(data, 'small', 60, 1);
// Larger than the quick preset's 600-row cap, so the run subsamples it.
writeRegressionCsv(data, 'large', 700, 2);

function optionsFor(out: string, workers: string) {
  return validateExperimentOptions({ dataDir: data, out, quick: true, trials: '1', workers });
}

/** Wall-clock seconds differ between runs; everything else must match exactly. */
function withoutSeconds(records: readonly RunRecord[]): Map<string, unknown> {
  const strip = (r: RunRecord) => ({
    ...r,
    teacher: { ...r.teacher, seconds: 0 },
    student: { ...r.student, seconds: 0 },
    seedControl: r.seedControl?.map((c) => ({ ...c, seconds: 0 })),
  });
  return new Map([...byRun(records)].map(([key, r]) => [key, strip(r)]));
}

test('calling thread and worker threads give the same records', async () => {
  const inThread = join(root, 'in-thread');
  const threaded = join(root, 'threaded');
  const log = () => {};

  expect(await experimentCommand(optionsFor(inThread, '1'), { runFunction: runTask, log })).toBe(0);
  expect(
    await experimentCommand(optionsFor(threaded, '2'), { execArgv: WORKER_EXEC_ARGV, log }),
  ).toBe(0);

  const records = readRunLog(join(inThread, 'runs.jsonl')).records;
  expect(records).toHaveLength(2 * 3);
  expect(withoutSeconds(readRunLog(join(threaded, 'runs.jsonl')).records)).toEqual(
    withoutSeconds(records),
  );

  for (const r of records) {
    const where = `${r.dataset} λ=${r.lambda}`;
    expect(Number.isFinite(r.teacher.testR2), where).toBe(true);
    expect(Number.isFinite(r.student.testR2), where).toBe(true);
    expect(r.teacher.meanJacobianSq, where).toBeGreaterThan(0);
    expect(r.student.formula.length, where).toBeGreaterThan(0);
    const rows = r.rows.train + r.rows.valid + r.rows.test;
    expect(rows, where).toBe(r.dataset === 'large' ? 600 : 60);
    if (r.lambda === 0) {
      expect(r.seedControl, where).toHaveLength(3);
      expect(r.seedControl?.[0].testR2, where).toBe(r.student.testR2);
      expect(r.seedControl?.[0].seed, where).toBe(r.seeds.student);
    } else {
      expect(r.seedControl, where).toBeUndefined();
    }
  }

  // The λ values of a trial share the split and the teacher seed.
  const small = records.filter((r) => r.dataset === 'small');
  expect(new Set(small.map((r) => JSON.stringify(r.rows))).size).toBe(1);
  expect(new Set(small.map((r) => r.seeds.teacher)).size).toBe(1);
});

test('capRows keeps a seeded subset in file order', () => {
  const full = loadCsv(join(data, 'large.csv'));
  const a = capRows(full, 100, 5);
  const b = capRows(full, 100, 5);
  expect(a.nRows).toBe(100);
  expect(a.y).toEqual(b.y);
  expect(capRows(full, 100, 6).y).not.toEqual(a.y);
  expect(capRows(full, 1000, 5)).toBe(full);
});
