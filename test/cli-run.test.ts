import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LAMBDAS, type DistillFn } from '../src/cli/commands.js';
import type { CliDeps } from '../src/cli/run.js';
import type { Dataset } from '../src/data/dataset.js';
import { MIN_ROWS } from '../src/data/csv.js';
import { expectUsageError as expectCliUsageError, runCaptured } from './cli-helpers.js';
import type { DistillOptions, DistillReport } from '../src/distill/pipeline.js';

const run = runCaptured;

/** A pipeline loader that must never be reached: error paths fail before the pipeline runs. */
const unreachablePipeline: CliDeps = {
  loadDistill: () => Promise.reject(new Error('the pipeline should not be loaded')),
};

/** Asserts a usage failure: exit 2, nothing on stdout, one stderr line containing `parts`. */
async function expectUsageError(argv: string[], ...parts: string[]): Promise<string> {
  return expectCliUsageError(argv, unreachablePipeline, ...parts);
}

/** A fake pipeline that records its inputs and returns a fixed report. */
function recordingPipeline(): { deps: CliDeps; calls: { data: Dataset; opts: DistillOptions }[] } {
  const calls: { data: Dataset; opts: DistillOptions }[] = [];
  const distill: DistillFn = (data, opts) => {
    calls.push({ data, opts });
    opts.log?.('progress: training');
    return fixedReport(data, opts);
  };
  return { deps: { loadDistill: async () => distill }, calls };
}

function fixedReport(data: Dataset, opts: DistillOptions): DistillReport {
  return {
    dataset: data.name,
    target: data.targetName,
    rows: data.nRows,
    features: data.nFeatures,
    featureNames: data.featureNames,
    split: { train: 12, valid: 4, test: 4, fixedTest: opts.test !== undefined },
    seed: opts.seed,
    runs: opts.lambdas.map((lambda) => ({
      lambda,
      teacher: { trainR2: 0.9, validR2: 0.8, testR2: 0.7, meanJacobianSq: 1, epochs: 5, seconds: 1 },
      student: { validR2: 0.6, testR2: 0.5, fidelityR2: 0.4, formula: 'a + b', length: 3, seconds: 2 },
    })),
  };
}

let dir: string;
let goodCsv: string;

function writeCsv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function goodLines(n = MIN_ROWS): string[] {
  return ['a,b,y', ...Array.from({ length: n }, (_, i) => `${i},${(i * 7) % 5},${2 * i}`)];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jacdistill-cli-'));
  goodCsv = writeCsv('good.csv', goodLines());
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('runCli invalid options', () => {
  it('no command', async () => {
    await expectUsageError([], 'missing command', '--help');
  });

  it('unknown command', async () => {
    await expectUsageError(
      ['train'],
      'unknown command "train"',
      'demo, distill, experiment, report, sr, eval, bench, help',
    );
  });

  it('option before command', async () => {
    await expectUsageError(['--lambda', '0'], 'unknown option before the command "--lambda"');
  });

  it('unknown flag', async () => {
    await expectUsageError(['demo', '--lamda', '0'], 'unknown option --lamda for demo', '--lambda');
  });

  it('flag of another command', async () => {
    await expectUsageError(['demo', '--data', goodCsv], 'unknown option --data for demo');
  });

  it('missing value at the end', async () => {
    await expectUsageError(['demo', '--seed'], 'missing value for --seed', '--seed N');
  });

  it('missing value before another flag', async () => {
    await expectUsageError(['demo', '--lambda', '--json'], 'missing value for --lambda');
  });

  it('empty value', async () => {
    await expectUsageError(['demo', '--lambda='], 'missing value for --lambda');
  });

  it('negative λ', async () => {
    const line = await expectUsageError(['demo', '--lambda', '-1']);
    expect(line).toBe(
      'jacdistill: invalid --lambda value "-1": λ must be a non-negative number, e.g. --lambda 0,0.01',
    );
  });

  it.each([['abc'], ['0,x'], ['0,,1'], ['Infinity'], ['1e999'], ['0x1']])(
    'non-numeric λ %j',
    async (raw) => {
      await expectUsageError(['demo', '--lambda', raw], 'invalid --lambda value', 'non-negative number');
    },
  );

  it('negative λ inside a list names that value', async () => {
    await expectUsageError(['demo', '--lambda=0,0.1,-0.5'], 'invalid --lambda value "-0.5"');
  });

  it('repeated λ', async () => {
    await expectUsageError(['demo', '--lambda', '0,0.1,0.1'], 'λ = 0.1 is listed twice');
  });

  it.each([['1.5'], ['-3'], ['abc'], ['1e3'], ['4294967296']])('invalid seed %j', async (raw) => {
    await expectUsageError(
      ['demo', '--seed', raw],
      `invalid --seed value "${raw}"`,
      'integer from 0 to 4294967295',
    );
  });

  it('option given twice', async () => {
    await expectUsageError(['demo', '--seed', '1', '--seed', '2'], 'option --seed given twice');
  });

  it('value for a switch', async () => {
    await expectUsageError(['demo', '--json=yes'], 'option --json takes no value, got "yes"');
  });

  it('stray argument', async () => {
    await expectUsageError(['distill', 'data.csv'], 'unexpected argument "data.csv" for distill');
  });

  it('distill without --data', async () => {
    await expectUsageError(
      ['distill', '--lambda', '0'],
      'missing required option --data for distill',
      'jacdistill distill --data FILE.csv',
    );
  });

  it('help for an unknown command', async () => {
    await expectUsageError(['help', 'train'], 'no help for unknown command "train"');
  });

  it('help for help', async () => {
    const result = await run(['help', 'help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: jacdistill <command> [options]');
  });
});

describe('runCli kernel settings', () => {
  const cases: [string, string, string][] = [
    ['JACDISTILL_KERNELS', 'bogus', "JACDISTILL_KERNELS must be 'js' or 'wasm', got 'bogus'"],
    ['JACDISTILL_RELAXED_SIMD', 'yes', "JACDISTILL_RELAXED_SIMD must be 0 or 1, got 'yes'"],
  ];
  const commands = [
    ['demo'],
    ['distill', '--data', 'absent.csv'],
    ['sr', '--data', 'absent.csv'],
    ['experiment', '--data-dir', 'absent', '--out', 'absent-out'],
    ['bench', '--quick'],
  ];
  it.each(cases)('%s=%s stops before any work', async (name, value, message) => {
    for (const argv of commands) {
      const result = await run(argv, unreachablePipeline, { [name]: value });
      expect(result.code, argv[0]).toBe(2);
      expect(result.stderrLines, argv[0]).toHaveLength(1);
      expect(result.stderrLines[0], argv[0]).toContain(`jacdistill: ${message}; unset it`);
    }
  });
});

describe('runCli bad input data', () => {
  it('missing file', async () => {
    const path = join(dir, 'absent.csv');
    await expectUsageError(['distill', '--data', path], path, 'file not found');
  });

  it('empty file', async () => {
    const path = writeCsv('empty.csv', []);
    await expectUsageError(['distill', '--data', path], path, 'empty file');
  });

  it('header only', async () => {
    const path = writeCsv('header.csv', ['a,b,y']);
    await expectUsageError(['distill', '--data', path], path, 'got none');
  });

  it('non-numeric cell', async () => {
    const lines = goodLines();
    lines[3] = '2,abc,4';
    const path = writeCsv('text.csv', lines);
    await expectUsageError(['distill', '--data', path], `${path} line 4, column "b"`, 'got "abc"');
  });

  it('missing value', async () => {
    const lines = goodLines();
    lines[5] = '4,NA,8';
    const path = writeCsv('na.csv', lines);
    await expectUsageError(['distill', '--data', path], 'line 6', 'missing-value marker "NA"');
  });

  it('wrong number of cells', async () => {
    const lines = goodLines();
    lines[2] = '1,2,3,4';
    const path = writeCsv('cells.csv', lines);
    await expectUsageError(['distill', '--data', path], 'line 3', 'expected 3 cells', 'got 4');
  });

  it('constant column', async () => {
    const lines = ['a,b,y', ...Array.from({ length: MIN_ROWS }, (_, i) => `${i},1,${i}`)];
    const path = writeCsv('constant.csv', lines);
    await expectUsageError(['distill', '--data', path], 'column "b"', 'drop the column');
  });

  it('too few rows', async () => {
    const path = writeCsv('few.csv', goodLines(5));
    await expectUsageError(['distill', '--data', path], `at least ${MIN_ROWS} data rows`, 'got 5');
  });

  it('unknown target', async () => {
    await expectUsageError(
      ['distill', '--data', goodCsv, '--target', 'price'],
      'no column named "price"',
      'available columns: a, b, y',
    );
  });

  it('test file with other columns', async () => {
    const path = writeCsv('other-test.csv', ['a,c,y', '1,2,3', '4,5,6']);
    await expectUsageError(
      ['distill', '--data', goodCsv, '--test', path],
      `test data ${path} does not match training data ${goodCsv}`,
      'missing "b"',
    );
  });

  it('test file without the target', async () => {
    const path = writeCsv('no-target-test.csv', ['a,b,z', '1,2,3', '4,5,6']);
    await expectUsageError(['distill', '--data', goodCsv, '--test', path], 'no column named "y"');
  });
});

describe('runCli successful runs', () => {
  it('distill prints the table and logs to stderr', async () => {
    const { deps, calls } = recordingPipeline();
    const result = await run(['distill', '--data', goodCsv, '--lambda', '0,0.5', '--seed', '3'], deps);
    expect(result.code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0].data.source).toBe(goodCsv);
    expect(calls[0].opts.lambdas).toEqual([0, 0.5]);
    expect(calls[0].opts.seed).toBe(3);
    expect(calls[0].opts.test).toBeUndefined();
    expect(result.stdout).toContain('good: target y, 20 rows, 2 features');
    expect(result.stdout).toContain('λ = 0.5:');
    expect(result.stderrLines).toEqual(['progress: training']);
  });

  it('demo uses Boston data and defaults', async () => {
    const { deps, calls } = recordingPipeline();
    const result = await run(['demo'], deps);
    expect(result.code).toBe(0);
    expect(calls[0].data.nRows).toBe(506);
    expect(calls[0].data.targetName).toBe('medv');
    expect(calls[0].opts.lambdas).toEqual([...DEFAULT_LAMBDAS]);
    expect(calls[0].opts.seed).toBe(0);
  });

  it('--json prints exactly one JSON document', async () => {
    const { deps } = recordingPipeline();
    const result = await run(['distill', `--data=${goodCsv}`, '--json', '--target', 'a'], deps);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DistillReport;
    expect(report.target).toBe('a');
    expect(report.featureNames).toEqual(['b', 'y']);
    expect(report.runs.map((r) => r.lambda)).toEqual([...DEFAULT_LAMBDAS]);
    expect(result.stdout.trim().startsWith('{')).toBe(true);
    expect(result.stderrLines).toEqual(['progress: training']);
  });

  it('passes a fixed test file', async () => {
    const { deps, calls } = recordingPipeline();
    const testPath = writeCsv('fixed-test.csv', ['a,b,y', '1,1,1', '2,1,5', '3,1,2']);
    const result = await run(['distill', '--data', goodCsv, '--test', testPath], deps);
    expect(result.code).toBe(0);
    expect(calls[0].opts.test?.nRows).toBe(3);
    expect(result.stdout).toContain('(fixed file)');
  });

  it('--help for a command', async () => {
    const result = await run(['distill', '--help'], unreachablePipeline);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: jacdistill distill --data FILE.csv [--target COLUMN]');
    expect(result.stdout).toContain(`default: ${DEFAULT_LAMBDAS.join(',')}`);
    expect(result.stderr).toBe('');
  });

  it('main help lists commands', async () => {
    for (const argv of [['--help'], ['help'], ['-h']]) {
      const result = await run(argv, unreachablePipeline);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: jacdistill <command> [options]');
      expect(result.stdout).toMatch(/^ {2}demo +distil/m);
      expect(result.stdout).toMatch(/^ {2}distill +train/m);
    }
  });

  it('help for a named command', async () => {
    const result = await run(['help', 'demo'], unreachablePipeline);
    expect(result.stdout).toContain('Usage: jacdistill demo [--lambda X[,Y...]] [--seed N] [--json]');
  });

  it('--version prints the package version', async () => {
    const result = await run(['--version'], unreachablePipeline);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});

describe('runCli internal errors', () => {
  const failing: CliDeps = {
    loadDistill: async () => () => {
      throw new RangeError('matmul buffer overrun');
    },
  };

  it('exit 1 with one line and no stack', async () => {
    const result = await run(['demo'], failing);
    expect(result.code).toBe(1);
    expect(result.stderrLines).toEqual([
      'jacdistill: internal error: matmul buffer overrun (set JACDISTILL_DEBUG=1 to print the stack trace)',
    ]);
  });

  it('prints the stack with JACDISTILL_DEBUG=1', async () => {
    const result = await run(['demo'], failing, { JACDISTILL_DEBUG: '1' });
    expect(result.code).toBe(1);
    expect(result.stderrLines[0]).toBe('jacdistill: internal error: matmul buffer overrun');
    expect(result.stderr).toContain('RangeError: matmul buffer overrun');
    expect(result.stderrLines.length).toBeGreaterThan(2);
  });
});
