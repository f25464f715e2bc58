// Shared fixtures of the experiment tests: temporary folders, generated CSV files, and a fake
// run module (plain JavaScript) whose records depend only on the task's seeds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Rng } from '../src/core/rng.js';
import type { RunRecord } from '../src/experiment/types.js';

/** `node --import` argument that lets child processes and workers load the .ts sources. */
export const TS_REGISTER = new URL('./experiment-ts-register.mjs', import.meta.url).href;

/** Node options for worker threads started from a test. */
export const WORKER_EXEC_ARGV = ['--import', TS_REGISTER];

export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'jacdistill-experiment-'));
}

/** Writes `name.csv` with features x0, x1, x2 and y = sin(2·x0) + x1² − 0.5·x2 + noise. */
export function writeRegressionCsv(dir: string, name: string, nRows: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['x0,x1,x2,y'];
  for (let i = 0; i < nRows; i++) {
    const x = [rng.normal(), rng.normal(), rng.normal()];
    const y = Math.sin(2 * x[0]) + x[1] * x[1] - 0.5 * x[2] + 0.1 * rng.normal();
    lines.push([...x, y].map((v) => v.toPrecision(8)).join(','));
  }
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export interface FakeModuleOptions {
  /** Milliseconds each run blocks its thread. */
  delayMs?: number;
  /** Runs of this trial throw an Error. */
  failTrial?: number;
  /** Runs of this trial end their worker thread with process.exit. */
  crashTrial?: number;
}

/**
 * Writes a run module whose `runTask` returns a record computed from the task's seeds with an
 * integer hash, so the same task always gives the same record in any thread.
 */
export function writeFakeRunModule(dir: string, options: FakeModuleOptions = {}): URL {
  const source = `
const DELAY_MS = ${options.delayMs ?? 0};
const FAIL_TRIAL = ${options.failTrial ?? -1};
const CRASH_TRIAL = ${options.crashTrial ?? -1};

function unit(seed, k) {
  let h = (seed ^ Math.imul(k + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

export function runTask(task) {
  if (DELAY_MS > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, DELAY_MS);
  if (task.trial === FAIL_TRIAL) throw new Error('fake failure in trial ' + task.trial);
  if (task.trial === CRASH_TRIAL) process.exit(3);
  const s = task.seeds;
  const gain = task.lambda > 0 ? 0.05 : 0;
  const student = (seed) => ({
    validR2: 0.5 + gain + 0.2 * unit(seed, 1),
    testR2: 0.5 + gain + 0.2 * unit(seed, 2),
  });
  const own = student(s.student);
  const record = {
    dataset: task.dataset,
    lambda: task.lambda,
    trial: task.trial,
    seeds: s,
    rows: { train: 60, valid: 20, test: 20 },
    teacher: {
      trainR2: 0.9 + 0.05 * unit(s.teacher, 3),
      validR2: 0.85 + 0.05 * unit(s.teacher, 4),
      testR2: 0.85 + 0.05 * unit(s.teacher, 5) - task.lambda * 0.01,
      meanJacobianSq: 2 / (1 + 10 * task.lambda),
      epochs: 10,
      seconds: 0.5,
    },
    student: {
      ...own,
      fidelityR2: 0.8,
      formula: 'x0 + ' + unit(s.student, 6).toFixed(4),
      length: 3,
      seconds: 0.25,
    },
  };
  if (s.control.length > 0) {
    record.seedControl = s.control.map((seed) => ({
      seed,
      ...student(seed),
      length: 3,
      seconds: 0.25,
    }));
  }
  return record;
}
`;
  const path = join(dir, 'fake-run.mjs');
  writeFileSync(path, source);
  return pathToFileURL(path);
}

/** Records keyed by run, for comparing two experiments regardless of completion order. */
export function byRun(records: readonly RunRecord[]): Map<string, RunRecord> {
  return new Map(records.map((r) => [`${r.dataset}/${r.lambda}/${r.trial}`, r]));
}
