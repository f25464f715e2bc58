import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExperimentCommands } from '../src/cli/commands.js';
import type { CliDeps } from '../src/cli/run.js';
import { experimentCommand, reportCommand } from '../src/experiment/index.js';
import type { ExperimentOptions } from '../src/experiment/options.js';
import type { RunFunction, RunTask } from '../src/experiment/types.js';
import { makeTempDir, writeFakeRunModule, writeRegressionCsv } from './experiment-fixtures.js';
import { expectUsageError as expectCliUsageError, runCaptured } from './cli-helpers.js';

const run = runCaptured;

const root = makeTempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dataDir = join(root, 'data');
mkdirSync(dataDir);
writeRegressionCsv(dataDir, 'alpha', 30, 1);
writeRegressionCsv(dataDir, 'beta', 40, 2);

const fake = (await import(writeFakeRunModule(root).href)) as { runTask: RunFunction };

/**
 * An experiment runner that executes tasks in this thread with the fake run function and
 * records the validated options; tasks of `failTrial` throw.
 */
function inProcessRunner(failTrial = -1): {
  deps: CliDeps;
  options: ExperimentOptions[];
  tasks: RunTask[];
} {
  const options: ExperimentOptions[] = [];
  const tasks: RunTask[] = [];
  const runner: ExperimentCommands = {
    experimentCommand: (validated, log) => {
      options.push(validated);
      return experimentCommand(validated, {
        log,
        runFunction: (task) => {
          tasks.push(task);
          if (task.trial === failTrial) throw new Error(`fake failure in trial ${task.trial}`);
          return fake.runTask(task);
        },
      });
    },
    reportCommand,
  };
  return { deps: { loadExperiment: async () => runner }, options, tasks };
}

/** A runner that must never be loaded: usage errors are raised before it. */
const unreachableRunner: CliDeps = {
  loadExperiment: () => Promise.reject(new Error('the experiment runner should not be loaded')),
};

async function expectUsageError(argv: string[], ...parts: string[]): Promise<string> {
  return expectCliUsageError(argv, unreachableRunner, ...parts);
}

let outCounter = 0;
function freshOut(): string {
  return join(root, `out-${outCounter++}`);
}

describe('experiment command line', () => {
  it('help lists every experiment flag', async () => {
    const result = await run(['experiment', '--help'], unreachableRunner);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: jacdistill experiment --data-dir DIR [--datasets A,B,...]');
    for (const flag of ['--lambdas X,Y,...', '--trials N', '--workers N', '--out DIR']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toMatch(/^ {2}--resume +continue an interrupted experiment/m);
    expect(result.stdout).toMatch(/^ {2}--quick +small preset/m);
  });

  it('main help lists experiment and report', async () => {
    const result = await run(['--help'], unreachableRunner);
    expect(result.stdout).toMatch(/^ {2}experiment +run the λ study/m);
    expect(result.stdout).toMatch(/^ {2}report +rewrite report\.md/m);
    expect(result.stdout).toContain('1 internal error or failed experiment runs');
  });

  it('missing --data-dir', async () => {
    await expectUsageError(
      ['experiment', '--quick'],
      'missing required option --data-dir for experiment',
      'jacdistill experiment --data-dir DIR',
    );
  });

  it('unknown flag', async () => {
    await expectUsageError(
      ['experiment', '--data-dir', dataDir, '--lambda', '0,1'],
      'unknown option --lambda for experiment',
      '--lambdas',
    );
  });

  it('switch with a value', async () => {
    await expectUsageError(
      ['experiment', '--data-dir', dataDir, '--quick=yes'],
      'option --quick takes no value',
    );
  });

  it.each([
    [['--trials', '0'], 'invalid --trials value "0"'],
    [['--workers', 'many'], 'invalid --workers value "many"'],
    [['--lambdas', '1e-3,1e-1'], 'must include 0'],
    [['--lambdas', '0,-1'], 'λ must be a non-negative number'],
    [['--datasets', 'alpha,,beta'], 'invalid --datasets value'],
  ])('invalid value %j', async (flags, message) => {
    await expectUsageError(['experiment', '--data-dir', dataDir, ...flags], message);
  });

  it('runs the study and writes the report', async () => {
    const { deps, options, tasks } = inProcessRunner();
    const out = freshOut();
    const result = await run(
      [
        'experiment',
        `--data-dir=${dataDir}`,
        '--datasets',
        'beta',
        '--lambdas',
        '0.1,0',
        '--trials',
        '2',
        '--workers',
        '1',
        '--out',
        out,
        '--quick',
      ],
      deps,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(options).toEqual([
      {
        dataDir,
        datasets: ['beta'],
        lambdas: [0, 0.1],
        trials: 2,
        workers: 1,
        out,
        resume: false,
        quick: true,
      },
    ]);
    // 1 dataset × 2 λ × 2 trials.
    expect(tasks).toHaveLength(4);
    expect(existsSync(join(out, 'report.md'))).toBe(true);
    expect(result.stderrLines.at(-1)).toBe(
      `experiment: report written to ${join(out, 'report.md')}`,
    );
  });

  it('exit 1 when runs fail, then --resume retries them', async () => {
    const out = freshOut();
    const argv = ['experiment', '--data-dir', dataDir, '--quick', '--out', out];
    const failing = inProcessRunner(1);
    const first = await run(argv, failing.deps);
    expect(first.code).toBe(1);
    expect(first.stderrLines.at(-1)).toContain('runs failed; run the same command with --resume');

    const again = await run(argv, inProcessRunner().deps);
    expect(again.code).toBe(2);
    expect(again.stderrLines.at(-1)).toContain('pass --resume to continue it');

    const resumed = inProcessRunner();
    const second = await run([...argv, '--resume'], resumed.deps);
    expect(second.code).toBe(0);
    expect(resumed.tasks.length).toBeGreaterThan(0);
    expect(resumed.tasks.every((task) => task.trial === 1)).toBe(true);
  });

  it('missing data folder', async () => {
    const missing = join(root, 'no-such-folder');
    const { deps } = inProcessRunner();
    const result = await run(['experiment', '--data-dir', missing, '--out', freshOut()], deps);
    expect(result.code).toBe(2);
    expect(result.stderrLines).toHaveLength(1);
    expect(result.stderrLines[0]).toContain(missing);
  });

  it('--out below a file', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'not a folder\n');
    const out = join(file, 'study');
    const { deps } = inProcessRunner();
    const result = await run(['experiment', '--data-dir', dataDir, '--quick', '--out', out], deps);
    expect(result.code).toBe(2);
    expect(result.stderrLines).toEqual([
      `jacdistill: experiment: cannot create the --out folder ${out} (ENOTDIR); ` +
        'choose a path whose parent folders are writable folders',
    ]);
  });
});

describe('report command line', () => {
  it('help shows the positional argument', async () => {
    const result = await run(['report', '--help'], unreachableRunner);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('Usage: jacdistill report DIR\n')).toBe(true);
    expect(result.stdout).toMatch(/^Arguments:\n {2}DIR +output folder of jacdistill experiment/m);
    expect(result.stdout).not.toContain('Options:');
  });

  it('missing DIR', async () => {
    const line = await expectUsageError(['report']);
    expect(line).toBe('jacdistill: missing argument DIR for report; expected jacdistill report DIR');
  });

  it('second positional argument', async () => {
    await expectUsageError(
      ['report', 'a', 'b'],
      'unexpected argument "b" for report',
      'jacdistill report DIR',
    );
  });

  it('unknown flag', async () => {
    await expectUsageError(['report', 'a', '--json'], 'unknown option --json for report');
  });

  it('missing folder', async () => {
    const missing = join(root, 'no-such-experiment');
    const result = await run(['report', missing]);
    expect(result.code).toBe(2);
    expect(result.stderrLines).toEqual([
      `jacdistill: report: folder ${missing} not found; ` +
        'give the --out folder of jacdistill experiment',
    ]);
  });

  it('rewrites the report of an experiment folder', async () => {
    const out = freshOut();
    const { deps } = inProcessRunner();
    const study = await run(['experiment', '--data-dir', dataDir, '--quick', '--out', out], deps);
    expect(study.code).toBe(0);
    const reportPath = join(out, 'report.md');
    const before = readFileSync(reportPath, 'utf8');
    rmSync(reportPath);

    // Quick preset: 2 datasets × 3 λ × 2 trials. The default loader is used here.
    const result = await run(['report', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderrLines).toHaveLength(1);
    expect(result.stderrLines[0]).toMatch(/^report: 12 of 12 runs, 2 datasets .*; wrote /);
    expect(readFileSync(reportPath, 'utf8')).toBe(before);
  });
});
