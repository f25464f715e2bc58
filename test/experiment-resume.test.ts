// Kills a real experiment process with SIGKILL while its worker threads are writing runs.jsonl,
// resumes it in a new process, and checks the result against an uninterrupted run.
import { afterAll, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentCommand } from '../src/experiment/experiment.js';
import { validateExperimentOptions } from '../src/experiment/options.js';
import { readRunLog } from '../src/experiment/run-log.js';
import type { RunFunction } from '../src/experiment/types.js';
import {
  byRun,
  makeTempDir,
  TS_REGISTER,
  writeFakeRunModule,
  writeRegressionCsv,
} from './experiment-fixtures.js';

const root = makeTempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = join(root, 'data');
mkdirSync(data);
for (const [name, rows] of [
  ['alpha', 30],
  ['beta', 40],
  ['gamma', 50],
] as const) {
  writeRegressionCsv(data, name, rows, rows);
}
const TOTAL_RUNS = 3 * 3 * 4;
const runModule = writeFakeRunModule(root, { delayMs: 120 });

// The child imports the TypeScript sources through the test's module hooks. Its two worker
// threads load only the plain-JavaScript fake run module, so they need no Node options.
const SOURCES = new URL('../src/experiment/index.ts', import.meta.url).href;
const childScript = join(root, 'child.mjs');
writeFileSync(
  childScript,
  `
import { experimentCommand, validateExperimentOptions } from ${JSON.stringify(SOURCES)};
const [dataDir, out, runModule, mode] = process.argv.slice(2);
const options = validateExperimentOptions({
  dataDir, out, quick: true, trials: '4', workers: '2', resume: mode === 'resume',
});
const hooks = { runModule: new URL(runModule), execArgv: [] };
process.exitCode = await experimentCommand(options, hooks);
`,
);

function startChild(out: string, mode: 'fresh' | 'resume') {
  const child = spawn(
    process.execPath,
    ['--import', TS_REGISTER, childScript, data, out, runModule.href, mode],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

function completeLines(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8').split('\n').length - 1;
}

test('SIGKILL midway, then --resume gives the uninterrupted records', async () => {
  const out = join(root, 'killed');
  const logPath = join(out, 'runs.jsonl');

  const first = startChild(out, 'fresh');
  const deadline = Date.now() + 15_000;
  while (completeLines(logPath) < 8 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  first.child.kill('SIGKILL');
  const killed = await first.exited;
  expect(killed.signal, first.stderr()).toBe('SIGKILL');

  const survived = readRunLog(logPath).records.length;
  expect(survived).toBeGreaterThanOrEqual(8);
  expect(survived).toBeLessThan(TOTAL_RUNS);
  expect(existsSync(join(out, 'experiment.lock'))).toBe(true);

  const second = startChild(out, 'resume');
  const resumed = await second.exited;
  expect(resumed.code, second.stderr()).toBe(0);
  expect(second.stderr()).toContain(`${survived} already finished`);

  // readRunLog rejects a run recorded twice, so this also checks for duplicates.
  const records = readRunLog(logPath).records;
  expect(records).toHaveLength(TOTAL_RUNS);
  expect(existsSync(join(out, 'report.md'))).toBe(true);

  // The same fake without the delay, run uninterrupted in this thread.
  const moduleDir = join(root, 'reference-module');
  mkdirSync(moduleDir);
  const noDelay = (await import(writeFakeRunModule(moduleDir).href)) as { runTask: RunFunction };
  const reference = join(root, 'reference');
  const options = validateExperimentOptions({
    dataDir: data,
    out: reference,
    quick: true,
    trials: '4',
  });
  const code = await experimentCommand(options, { runFunction: noDelay.runTask, log: () => {} });
  expect(code).toBe(0);
  expect(byRun(records)).toEqual(byRun(readRunLog(join(reference, 'runs.jsonl')).records));
});
