import { afterAll, describe, expect, test } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.js';
import { configDifference } from '../src/experiment/config-file.js';
import { findDatasets, selectDatasets } from '../src/experiment/datasets.js';
import { parseExperimentArgs, validateExperimentOptions } from '../src/experiment/options.js';
import { FULL_PRESET, QUICK_PRESET } from '../src/experiment/presets.js';
import type { ExperimentConfig } from '../src/experiment/types.js';
import { makeTempDir, writeRegressionCsv } from './experiment-fixtures.js';

const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function options(argv: string[]) {
  return validateExperimentOptions(parseExperimentArgs(argv));
}

describe('parseExperimentArgs', () => {
  test('reads values with a space or =, and switches', () => {
    const raw = parseExperimentArgs(['--data-dir', 'data', '--trials=3', '--resume', '--quick']);
    expect(raw).toEqual({ dataDir: 'data', trials: '3', resume: true, quick: true });
  });

  test.each([
    [['--data-dir', 'd', '--bogus'], /unknown argument "--bogus"; valid options: --data-dir/],
    [['--data-dir', 'd', '--data-dir', 'e'], /--data-dir given twice/],
    [['--data-dir'], /missing value for --data-dir/],
    [['--trials', '--quick'], /missing value for --trials/],
    [['--quick=yes'], /--quick takes no value/],
    [['stray'], /unknown argument "stray"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseExperimentArgs(argv)).toThrow(InputError);
    expect(() => parseExperimentArgs(argv)).toThrow(message);
  });
});

describe('validateExperimentOptions', () => {
  test('defaults are null so the preset decides', () => {
    expect(options(['--data-dir', 'd'])).toEqual({
      dataDir: 'd',
      datasets: null,
      lambdas: null,
      trials: null,
      workers: null,
      out: null,
      resume: false,
      quick: false,
    });
  });

  test('parses lists and counts', () => {
    const o = options([
      '--data-dir',
      'd',
      '--lambdas',
      '0.1, 0,1e-3',
      '--datasets',
      'a,b',
      '--trials',
      '4',
      '--workers',
      '2',
    ]);
    expect(o.lambdas).toEqual([0, 1e-3, 0.1]);
    expect(o.datasets).toEqual(['a', 'b']);
    expect(o.trials).toBe(4);
    expect(o.workers).toBe(2);
  });

  test.each([
    [[], /missing --data-dir/],
    [['--data-dir', 'd', '--lambdas', '1e-3,0.1'], /must include 0/],
    [['--data-dir', 'd', '--lambdas', '0'], /at least one positive λ/],
    [['--data-dir', 'd', '--lambdas', '0,-1'], /non-negative number, got "-1"/],
    [['--data-dir', 'd', '--lambdas', '0,abc'], /got "abc"/],
    [['--data-dir', 'd', '--lambdas', '0,0.1,1e-1'], /λ = 0.1 is listed twice/],
    [
      ['--data-dir', 'd', '--trials', '0'],
      /--trials value "0": expected an integer from 1 to 1000/,
    ],
    [['--data-dir', 'd', '--trials', '2.5'], /--trials value "2.5"/],
    [['--data-dir', 'd', '--workers', '0'], /--workers value "0"/],
    [['--data-dir', 'd', '--datasets', 'a,,b'], /--datasets/],
    [['--data-dir', 'd', '--datasets', 'a,a'], /"a" is listed twice/],
  ])('rejects %j', (argv, message) => {
    expect(() => options(argv)).toThrow(InputError);
    expect(() => options(argv)).toThrow(message);
  });

  test('messages are one line', () => {
    expect(() => options(['--data-dir', 'd', '--lambdas', '1'])).toThrow(/^[^\n]+$/);
    expect(() => options(['--data-dir', 'd', '--trials', 'x'])).toThrow(/^[^\n]+$/);
  });
});

describe('findDatasets and selectDatasets', () => {
  const data = join(dir, 'data');
  mkdirSync(data);
  writeRegressionCsv(data, 'medium', 40, 1);
  writeRegressionCsv(data, 'big', 60, 2);
  writeRegressionCsv(data, 'small', 25, 3);
  writeRegressionCsv(data, 'tiny', 20, 4);
  writeFileSync(join(data, 'notes.txt'), 'not a dataset');

  test('lists CSV files sorted by name with row counts', () => {
    const found = findDatasets(data);
    expect(found.map((f) => f.name)).toEqual(['big', 'medium', 'small', 'tiny']);
    expect(found.map((f) => f.rows)).toEqual([60, 40, 25, 20]);
    expect(found[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('bad folders are InputErrors', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => findDatasets(join(dir, 'nowhere'))).toThrow(/data folder .* not found/);
    expect(() => findDatasets(join(data, 'notes.txt'))).toThrow(/is a file, expected a folder/);
    expect(() => findDatasets(empty)).toThrow(/no .csv files in/);
  });

  test('requested names keep their order; unknown ones list the available', () => {
    const found = findDatasets(data);
    expect(selectDatasets(found, ['tiny', 'big'], null).map((f) => f.name)).toEqual([
      'tiny',
      'big',
    ]);
    expect(() => selectDatasets(found, ['huge'], null)).toThrow(
      'experiment: unknown dataset "huge" in --datasets; available: big, medium, small, tiny',
    );
  });

  test('a limit keeps the smallest files, in name order', () => {
    const found = findDatasets(data);
    expect(selectDatasets(found, null, 3).map((f) => f.name)).toEqual(['medium', 'small', 'tiny']);
    expect(selectDatasets(found, null, null)).toHaveLength(4);
  });
});

describe('configDifference', () => {
  const base: ExperimentConfig = {
    version: 1,
    preset: 'full',
    datasets: [{ name: 'a', sha256: '00' }],
    lambdas: FULL_PRESET.lambdas,
    trials: 10,
    seedControlStudents: 6,
    budgets: FULL_PRESET.budgets,
  };

  test('equal configurations have no difference', () => {
    expect(configDifference(base, structuredClone(base))).toBeNull();
  });

  test('names the first differing field by its path', () => {
    const budgets = structuredClone(base.budgets);
    budgets.teacher.maxSteps = 1;
    expect(configDifference(base, { ...base, budgets })?.field).toBe('budgets.teacher.maxSteps');
    expect(configDifference(base, { ...base, trials: 3 })?.field).toBe('trials');
    expect(configDifference(base, { ...base, lambdas: [0, 1] })?.field).toBe('lambdas');
    expect(
      configDifference(base, { ...base, datasets: [{ name: 'a', sha256: '11' }] })?.field,
    ).toBe('datasets[0].sha256');
    expect(
      configDifference(base, { ...base, preset: 'quick', budgets: QUICK_PRESET.budgets })?.field,
    ).toBe('preset');
  });
});
