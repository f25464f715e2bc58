import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectUsageError as expectCliUsageError, runCaptured } from './cli-helpers.js';

const run = runCaptured;

async function expectUsageError(argv: string[], ...parts: string[]): Promise<string> {
  return expectCliUsageError(argv, {}, ...parts);
}

interface Score {
  dataset: string;
  target: string;
  formula: string;
  rows: number;
  r2: number | null;
  mse: number | null;
}

async function evalJson(formula: string, path: string, ...more: string[]): Promise<Score> {
  const result = await run(['eval', '--formula', formula, '--data', path, '--json', ...more]);
  expect(result.code, result.stderrLines.join('\n')).toBe(0);
  expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(result.stdout) as Score;
}

const dir = mkdtempSync(join(tmpdir(), 'jacdistill-cli-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCsv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

// Columns a, "area (m2)" and y = 2·a + area, which the formula below reproduces exactly.
const A = [1, 2, 3, 4, 5, 6];
const AREA = [10, 0, 30, 5, 5, 20];
const Y = A.map((a, i) => 2 * a + AREA[i]);
const exactCsv = writeCsv('exact.csv', [
  'a,area (m2),y',
  ...A.map((a, i) => `${a},${AREA[i]},${Y[i]}`),
]);

/** R² and MSE computed here, independently of src/data/metrics. */
function reference(predictions: number[]): { r2: number; mse: number } {
  const mean = Y.reduce((sum, y) => sum + y, 0) / Y.length;
  let sse = 0;
  let sst = 0;
  Y.forEach((y, i) => {
    sse += (y - predictions[i]) ** 2;
    sst += (y - mean) ** 2;
  });
  return { r2: 1 - sse / sst, mse: sse / Y.length };
}

describe('eval scores', () => {
  it('exact formula', async () => {
    const score = await evalJson('2 * a + area (m2)', exactCsv);
    expect(score).toEqual({
      dataset: 'exact',
      target: 'y',
      formula: '2 * a + area (m2)',
      rows: 6,
      r2: 1,
      mse: 0,
    });
  });

  it('inexact formula matches a reference', async () => {
    const score = await evalJson('3 * a + 1', exactCsv);
    const expected = reference(A.map((a) => 3 * a + 1));
    expect(score.r2).toBeCloseTo(expected.r2, 12);
    expect(score.mse).toBeCloseTo(expected.mse, 12);
  });

  it('functions use protected semantics', async () => {
    // Protected sqrt and log use |x|, so sqrt(-a) is √a and log(-a) is ln a.
    const score = await evalJson('sqrt(-a) - log(-a)', exactCsv);
    const expected = reference(A.map((a) => Math.sqrt(a) - Math.log(a)));
    expect(score.r2).toBeCloseTo(expected.r2, 12);
  });

  it('another target column', async () => {
    const score = await evalJson('(y - area (m2)) / 2', exactCsv, '--target', 'a');
    expect(score.target).toBe('a');
    expect(score.r2).toBe(1);
  });

  // Protected exp clamps its argument at 100, so the squares are what overflow: (e^100)^8.
  const OVERFLOW = 'square(square(square(exp(a + 100))))';

  it('overflow gives null in JSON', async () => {
    const score = await evalJson(OVERFLOW, exactCsv);
    expect(score.r2).toBeNull();
    expect(score.mse).toBeNull();
  });

  it('text output', async () => {
    const result = await run(['eval', '--formula', '3 * a + 1', '--data', exactCsv]);
    expect(result.code).toBe(0);
    const expected = reference(A.map((a) => 3 * a + 1));
    expect(result.stdout).toBe(
      `exact: target y, 6 rows\nR² ${expected.r2.toFixed(3)}, MSE ${expected.mse.toPrecision(4)}\n`,
    );
    expect(result.stderrLines).toEqual([]);
  });

  it('text output of a non-finite score', async () => {
    const result = await run(['eval', '--formula', OVERFLOW, '--data', exactCsv]);
    expect(result.stdout).toBe('exact: target y, 6 rows\nR² n/a, MSE n/a\n');
  });
});

describe('eval errors', () => {
  it('parse error names formula and column', async () => {
    const line = await expectUsageError(['eval', '--formula', 'a + * 2', '--data', exactCsv]);
    expect(line).toBe(
      'jacdistill: invalid --formula value "a + * 2": a number, feature name, function call ' +
        `or parenthesis expected at column 5, got '* 2'; the feature columns of ${exactCsv} ` +
        'are a, area (m2) (target y)',
    );
  });

  it('unclosed parenthesis', async () => {
    await expectUsageError(
      ['eval', '--formula', '(a + 1', '--data', exactCsv],
      'invalid --formula value "(a + 1"',
      "')' expected at column 7, got end of text",
    );
  });

  it('unknown name', async () => {
    await expectUsageError(
      ['eval', '--formula', 'a + b', '--data', exactCsv],
      'expected at column 5',
      "got 'b'",
      'feature columns',
    );
  });

  it('target in the formula', async () => {
    await expectUsageError(
      ['eval', '--formula', 'y', '--data', exactCsv],
      'expected at column 1',
      '(target y)',
    );
  });

  it('unknown function', async () => {
    await expectUsageError(
      ['eval', '--formula', 'abs(a)', '--data', exactCsv],
      'one of sin, cos, exp, log, sqrt, square, tanh expected at column 1',
    );
  });

  it('missing --formula', async () => {
    await expectUsageError(['eval', '--data', exactCsv], 'missing required option --formula');
  });

  it('missing --data', async () => {
    await expectUsageError(['eval', '--formula', 'a'], 'missing required option --data');
  });

  it('missing data file', async () => {
    const path = join(dir, 'absent.csv');
    await expectUsageError(['eval', '--formula', 'a', '--data', path], 'file not found');
  });

  it('one data row', async () => {
    const path = writeCsv('one-row.csv', ['a,y', '1,2']);
    await expectUsageError(['eval', '--formula', 'a', '--data', path], 'at least 2 data rows');
  });

  it('help', async () => {
    const result = await run(['eval', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      'Usage: jacdistill eval --formula TEXT --data FILE.csv [--target COLUMN] [--json]',
    );
  });
});
