import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.js';
import { experimentCommand } from '../src/experiment/experiment.js';
import { LOCK_FILE } from '../src/experiment/lock.js';
import { validateExperimentOptions, type RawExperimentOptions } from '../src/experiment/options.js';
import { readRunLog } from '../src/experiment/run-log.js';
import type { RunFunction, RunRecord, RunTask } from '../src/experiment/types.js';
import {
  byRun,
  makeTempDir,
  writeFakeRunModule,
  writeRegressionCsv,
} from './experiment-fixtures.js';

const root = makeTempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = join(root, 'data');
mkdirSync(data);
writeRegressionCsv(data, 'alpha', 30, 1);
writeRegressionCsv(data, 'beta', 40, 2);
writeRegressionCsv(data, 'gamma', 50, 3);

const fake = (await import(writeFakeRunModule(root).href)) as { runTask: RunFunction };

let out = '';
let counter = 0;
beforeEach(() => {
  out = join(root, `out-${counter++}`);
});

interface Outcome {
  code: number;
  calls: RunTask[];
  lines: string[];
}

/** Runs the command in this thread with the fake run function, counting its calls. */
async function run(
  raw: Partial<RawExperimentOptions>,
  runFunction = fake.runTask,
): Promise<Outcome> {
  const calls: RunTask[] = [];
  const lines: string[] = [];
  const options = validateExperimentOptions({ dataDir: data, out, quick: true, ...raw });
  const code = await experimentCommand(options, {
    runFunction: (task) => {
      calls.push(task);
      return runFunction(task);
    },
    log: (line) => lines.push(line),
  });
  return { code, calls, lines };
}

describe('experimentCommand', () => {
  test('a fresh run writes every record, the config and the report', async () => {
    const { code, calls, lines } = await run({});
    expect(code).toBe(0);
    // Quick preset: 3 datasets × 3 λ × 2 trials.
    expect(calls).toHaveLength(18);
    const { records } = readRunLog(join(out, 'runs.jsonl'));
    expect(records).toHaveLength(18);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.preset).toBe('quick');
    expect(config.lambdas).toEqual([0, 1e-3, 1e-1]);
    expect(config.seedControlStudents).toBe(3);
    expect(config.budgets.teacher.maxSteps).toBeGreaterThan(0);
    for (const file of ['report.md', 'report.json', 'summary.svg', 'plot-alpha.svg']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    expect(lines.some((line) => /^\[18\/18\] .*elapsed .*left$/.test(line))).toBe(true);
  });

  test('an existing runs.jsonl needs --resume', async () => {
    await run({});
    await expect(run({})).rejects.toThrow(
      /already contains runs; pass --resume to continue it or choose another --out/,
    );
  });

  test('resume skips finished runs and completes the rest', async () => {
    const first = await run({});
    const logPath = join(out, 'runs.jsonl');
    const lines = readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    // Keep 7 complete lines and half of the 8th, as a killed process could leave.
    writeFileSync(logPath, `${lines.slice(0, 7).join('\n')}\n${lines[7].slice(0, 25)}`);

    const resumed = await run({ resume: true });
    expect(resumed.code).toBe(0);
    expect(resumed.calls).toHaveLength(11);
    expect(
      resumed.lines.some((line) => line.includes('removed an incomplete last line (25 bytes)')),
    ).toBe(true);
    const { records } = readRunLog(logPath);
    expect(records).toHaveLength(18);
    expect(byRun(records)).toEqual(
      byRun(first.calls.map((task) => fake.runTask(task) as RunRecord)),
    );
  });

  test('resume with nothing left runs nothing', async () => {
    await run({});
    const again = await run({ resume: true });
    expect(again.code).toBe(0);
    expect(again.calls).toHaveLength(0);
  });

  test.each([
    [{ lambdas: '0,0.01' }, 'lambdas'],
    [{ trials: '3' }, 'trials'],
    [{ quick: false, datasets: 'alpha,beta,gamma' }, 'preset'],
    [{ datasets: 'alpha,beta' }, 'datasets'],
  ])('resume with a different %j names %s', async (change, field) => {
    await run({});
    const attempt = run({ resume: true, ...change });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(run({ resume: true, ...change })).rejects.toThrow(
      new RegExp(`--resume with a different configuration: ${field}\\b`),
    );
  });

  test('resume notices an edited data file', async () => {
    const dataCopy = join(root, `data-${counter}`);
    mkdirSync(dataCopy);
    for (const [name, rows] of [
      ['alpha', 30],
      ['beta', 40],
      ['gamma', 50],
    ] as const) {
      writeRegressionCsv(dataCopy, name, rows, rows);
    }
    await run({ dataDir: dataCopy });
    writeRegressionCsv(dataCopy, 'beta', 40, 99);
    await expect(run({ dataDir: dataCopy, resume: true })).rejects.toThrow(
      /datasets\[1\]\.sha256 is "[0-9a-f]+" in .* but "[0-9a-f]+" now/,
    );
  });

  test('failed runs return 1 and are retried by resume', async () => {
    const failing: RunFunction = (task) => {
      if (task.dataset === 'beta' && task.trial === 1) throw new Error('diverged');
      return fake.runTask(task);
    };
    const first = await run({}, failing);
    expect(first.code).toBe(1);
    expect(first.lines.some((line) => line.includes('FAILED: diverged'))).toBe(true);
    expect(first.lines.at(-1)).toMatch(/3 runs failed; run the same command with --resume/);
    expect(readRunLog(join(out, 'runs.jsonl')).records).toHaveLength(15);

    const retry = await run({ resume: true });
    expect(retry.code).toBe(0);
    expect(retry.calls.map((t) => `${t.dataset}/${t.trial}`)).toEqual([
      'beta/1',
      'beta/1',
      'beta/1',
    ]);
    expect(readRunLog(join(out, 'runs.jsonl')).records).toHaveLength(18);
  });

  test('bad CSV file rejected before runs', async () => {
    const badData = join(root, `bad-${counter}`);
    mkdirSync(badData);
    writeRegressionCsv(badData, 'good', 30, 1);
    writeFileSync(join(badData, 'broken.csv'), 'a,b,y\n1,2,3\n1,oops,4\n');
    const attempt = run({ dataDir: badData, quick: false, trials: '1' });
    await expect(attempt).rejects.toThrow(/broken.csv/);
    expect(existsSync(join(out, 'runs.jsonl'))).toBe(false);
  });

  test('unknown datasets and bad folders are InputErrors', async () => {
    await expect(run({ datasets: 'alpha,delta' })).rejects.toThrow(
      'experiment: unknown dataset "delta" in --datasets; available: alpha, beta, gamma',
    );
    await expect(run({ dataDir: join(root, 'missing') })).rejects.toThrow(
      /data folder .* not found/,
    );
  });

  test('lock of a live process rejects', async () => {
    mkdirSync(out);
    writeFileSync(join(out, LOCK_FILE), `${process.ppid}\n`);
    await expect(run({})).rejects.toThrow(new RegExp(`held by running process ${process.ppid}`));
  });

  test('stale lock is replaced', async () => {
    mkdirSync(out);

    // A process id that is certainly gone: a child that has already exited.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(out, LOCK_FILE), `${child.stdout.toString()}\n`);
    const outcome = await run({});
    expect(outcome.code).toBe(0);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });
});
