import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../src/core/rng.js';
import type { CliDeps } from '../src/cli/run.js';
import type { SrFn } from '../src/cli/sr-command.js';
import { fitSr, generationLogger, type SrOptions, type SrReport } from '../src/distill/sr.js';
import type { GenerationStats } from '../src/gp/index.js';
import { expectUsageError as expectCliUsageError, runCaptured } from './cli-helpers.js';

const run = runCaptured;

/** The real fit with a GP budget small enough for a test (well under a second per run). */
const SMALL_GP = { populationSize: 120, generations: 12, workers: 1 };

function smallSr(calls: SrOptions[] = []): CliDeps {
  const sr: SrFn = (data, opts) => {
    calls.push(opts);
    return fitSr(data, { ...opts, gp: SMALL_GP });
  };
  return { loadSr: async () => sr };
}

const unreachableSr: CliDeps = {
  loadSr: () => Promise.reject(new Error('the sr fit should not be loaded')),
};

const dir = mkdtempSync(join(tmpdir(), 'jacdistill-cli-sr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `name.csv` with columns u, v, w and y = u·v + 0.5·w + small noise. */
function writeCsv(name: string, nRows: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['u,v,w,y'];
  for (let i = 0; i < nRows; i++) {
    const [u, v, w] = [rng.uniform() * 2 - 1, rng.uniform() * 2 - 1, rng.uniform() * 2 - 1];
    const y = u * v + 0.5 * w + 0.01 * rng.normal();
    lines.push([u, v, w, y].map((value) => value.toPrecision(8)).join(','));
  }
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const dataCsv = writeCsv('product', 100, 1);
const testCsv = writeCsv('product-test', 40, 2);

async function expectUsageError(argv: string[], ...parts: string[]): Promise<string> {
  return expectCliUsageError(argv, unreachableSr, ...parts);
}

describe('sr options', () => {
  it('help lists the options', async () => {
    const result = await run(['sr', '--help'], unreachableSr);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      'Usage: jacdistill sr --data FILE.csv [--target COLUMN] [--test FILE.csv]',
      '  [--seed N] [--time-limit SECONDS] [--json]',
    ]);
    expect(result.stdout).toMatch(/^ {2}--time-limit SECONDS +wall-clock budget of the GP/m);
  });

  it.each([['0'], ['-1'], ['abc'], ['Infinity'], ['1e999'], ['0x10']])(
    'invalid --time-limit %j',
    async (raw) => {
      const line = await expectUsageError(['sr', '--data', dataCsv, '--time-limit', raw]);
      expect(line).toBe(
        `jacdistill: invalid --time-limit value "${raw}": expected a positive number of ` +
          'seconds, e.g. --time-limit 30',
      );
    },
  );

  it('missing --data', async () => {
    await expectUsageError(['sr', '--json'], 'missing required option --data for sr');
  });

  it('missing data file', async () => {
    const path = join(dir, 'absent.csv');
    await expectUsageError(['sr', '--data', path], path, 'file not found');
  });

  it('passes seed, test rows and time limit', async () => {
    const calls: SrOptions[] = [];
    const fake: SrFn = (_data, opts) => {
      calls.push(opts);
      throw new RangeError('stop after recording the options');
    };
    const argv = ['sr', '--data', dataCsv, '--test', testCsv, '--seed', '7', '--time-limit', '2.5'];
    const result = await run(argv, { loadSr: async () => fake });
    expect(result.code).toBe(1);
    expect(calls).toHaveLength(1);
    expect(calls[0].seed).toBe(7);
    expect(calls[0].timeLimitSeconds).toBe(2.5);
    expect(calls[0].test?.nRows).toBe(40);
  });
});

describe('sr runs', () => {
  it('--json prints one document', async () => {
    const result = await run(['sr', '--data', dataCsv, '--json', '--seed', '3'], smallSr());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as SrReport;
    expect(report.dataset).toBe('product');
    expect(report.target).toBe('y');
    expect(report.featureNames).toEqual(['u', 'v', 'w']);
    expect(report.rows).toBe(100);
    expect(report.split).toEqual({ train: 60, valid: 20, test: 20, fixedTest: false });
    expect(report.fitRows).toBe(60);
    expect(report.seed).toBe(3);
    for (const key of ['trainR2', 'validR2', 'testR2', 'seconds'] as const) {
      expect(Number.isFinite(report[key]), key).toBe(true);
    }
    expect(report.testR2).toBeGreaterThan(0.3);
    expect(report.length).toBeGreaterThan(0);
    expect(report.generations).toBeGreaterThan(0);
    expect(report.generations).toBeLessThanOrEqual(SMALL_GP.generations);
    expect(['generations', 'stalled', 'target']).toContain(report.stopReason);
    expect(report.formula).toMatch(/[uvw]/);
    expect(report.latex.length).toBeGreaterThan(0);
    expect(report.javascript).toContain('function formula(x)');
    expect(report.sympy).toContain('expr');
    expect(report.front.length).toBeGreaterThan(0);
    for (const entry of report.front) {
      expect(Object.keys(entry).sort()).toEqual(['formula', 'length', 'loss', 'validationLoss']);
      expect(typeof entry.validationLoss).toBe('number');
    }
    expect(report.front.map((entry) => entry.formula)).toContain(report.formula);
  });

  it('logs progress lines to stderr', async () => {
    const result = await run(['sr', '--data', dataCsv, '--json'], smallSr());
    expect(result.stderrLines[0]).toBe(
      'product: 60 training, 20 validation, 20 test rows, 3 features; fitting the GP on 60 rows',
    );
    expect(result.stderrLines[1]).toMatch(
      /^sr: generation 0, best loss \S+, front of \d+ formulas, \d+\.\d s$/,
    );
    expect(result.stderrLines.at(-1)).toMatch(/^sr: \d+ generations in \d+\.\d s \(stop reason: /);
    // The run takes well under a second, so the throttle leaves generation 0 only.
    expect(result.stderrLines).toHaveLength(3);
  });

  it('same seed gives the same formula', async () => {
    const argv = ['sr', '--data', dataCsv, '--json', '--seed', '5'];
    const first = JSON.parse((await run(argv, smallSr())).stdout) as SrReport;
    const second = JSON.parse((await run(argv, smallSr())).stdout) as SrReport;
    expect(second.formulaFullPrecision).toBe(first.formulaFullPrecision);
    expect(second.testR2).toBe(first.testR2);
  });

  it('prints a summary and the formula', async () => {
    const result = await run(['sr', '--data', dataCsv, '--test', testCsv], smallSr());
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'product: target y, 140 rows, 3 features; split 75 train / 25 valid / 40 test ' +
        '(fixed file); seed 0',
    );
    expect(lines[1]).toMatch(/^GP on 75 training rows: \d+ generations in \d+\.\d s \(.+\), /);
    expect(lines[2]).toMatch(/^R²: train \S+, validation \S+, test \S+; formula length \d+$/);
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(/^y ≈ .*[uvw]/);
    expect(lines).toHaveLength(5);
  });

  it('time limit stops the GP', async () => {
    const calls: SrOptions[] = [];
    const result = await run(
      ['sr', '--data', dataCsv, '--json', '--time-limit', '0.000001'],
      smallSr(calls),
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as SrReport;
    expect(report.stopReason).toBe('time');
    expect(report.generations).toBe(0);
  });
});

describe('sr output fed to eval', () => {
  async function fitWithTest(): Promise<SrReport> {
    const result = await run(['sr', '--data', dataCsv, '--test', testCsv, '--json'], smallSr());
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as SrReport;
  }

  async function evalR2(formula: string): Promise<number> {
    const result = await run(['eval', '--formula', formula, '--data', testCsv, '--json']);
    expect(result.code, result.stderrLines.join('\n')).toBe(0);
    const score = JSON.parse(result.stdout) as { r2: number; rows: number };
    expect(score.rows).toBe(40);
    return score.r2;
  }

  it('full-precision formula reproduces test R²', async () => {
    const report = await fitWithTest();
    const r2 = await evalR2(report.formulaFullPrecision);
    expect(Math.abs(r2 - report.testR2)).toBeLessThan(1e-9);
  });

  it('4-digit formula gives test R² within 1e-4', async () => {
    const report = await fitWithTest();
    const r2 = await evalR2(report.formula);
    expect(Math.abs(r2 - report.testR2)).toBeLessThan(1e-4);
  });

  it('every front formula parses', async () => {
    const report = await fitWithTest();
    for (const entry of report.front) {
      const r2 = await evalR2(entry.formula);
      expect(Number.isFinite(r2), entry.formula).toBe(true);
    }
  });
});

describe('generationLogger', () => {
  function stats(generation: number): GenerationStats {
    return {
      generation,
      bestLoss: 0.5 / (generation + 1),
      bestLength: 5,
      meanLength: 7,
      invalidFraction: 0,
      frontSize: 4,
      seconds: generation * 0.4,
    };
  }

  it('logs about one line per second', () => {
    const lines: string[] = [];
    let clock = 0;
    const onGeneration = generationLogger((line) => lines.push(line), 1, () => clock);
    for (let generation = 0; generation <= 10; generation++) {
      clock = generation * 400;
      onGeneration(stats(generation));
    }
    // Generations at 0, 400, ... 4000 ms: printed at 0, 1200, 2400 and 3600 ms.
    expect(lines.map((line) => line.split(',')[0])).toEqual([
      'sr: generation 0',
      'sr: generation 3',
      'sr: generation 6',
      'sr: generation 9',
    ]);
    expect(lines[0]).toBe('sr: generation 0, best loss 0.5000, front of 4 formulas, 0.0 s');
  });
});
