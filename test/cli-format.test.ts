import { describe, expect, it } from 'vitest';
import {
  formatFormulas,
  formatHeader,
  formatR2,
  formatReport,
  formatRunTable,
} from '../src/cli/format.js';
import type { DistillReport, DistillRun } from '../src/distill/pipeline.js';

function makeRun(lambda: number, overrides: Partial<DistillRun['student']> = {}): DistillRun {
  return {
    lambda,
    teacher: {
      trainR2: 0.95,
      validR2: 0.88,
      testR2: 0.8712,
      meanJacobianSq: 0.42,
      epochs: 300,
      seconds: 12.34,
    },
    student: {
      validR2: 0.8,
      testR2: 0.7456,
      fidelityR2: 0.8419,
      formula: '22.5 - 0.95*lstat + 3.1*rm',
      length: 9,
      seconds: 4.06,
      ...overrides,
    },
  };
}

function makeReport(runs: DistillRun[], fixedTest = false): DistillReport {
  return {
    dataset: 'houses',
    target: 'medv',
    rows: 506,
    features: 12,
    featureNames: ['crim', 'rm', 'lstat'],
    split: { train: 304, valid: 101, test: 101, fixedTest },
    seed: 7,
    runs,
  };
}

describe('formatHeader', () => {
  it('names data, sizes, split and seed', () => {
    expect(formatHeader(makeReport([]))).toBe(
      'houses: target medv, 506 rows, 12 features; split 304 train / 101 valid / 101 test; seed 7',
    );
  });

  it('marks a fixed test file', () => {
    expect(formatHeader(makeReport([], true))).toContain('101 test (fixed file)');
  });
});

describe('formatRunTable', () => {
  const table = formatRunTable([makeRun(0), makeRun(0.01, { length: 15, testR2: -0.5 })]);
  const lines = table.split('\n');

  it('has a heading and one row per λ', () => {
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('teacher test R²');
    expect(lines[0]).toContain('fidelity R²');
  });

  it('aligns every line to one width', () => {
    const widths = new Set(lines.map((line) => line.length));
    expect(widths.size).toBe(1);
  });

  it('rounds figures', () => {
    expect(lines[1].trim().split(/\s+/)).toEqual(['0', '0.871', '0.746', '0.842', '9', '12.3', '4.1']);
    expect(lines[2].trim().split(/\s+/)).toEqual([
      '0.01', '0.871', '-0.500', '0.842', '15', '12.3', '4.1',
    ]);
  });
});

describe('formatFormulas', () => {
  it('prints one aligned formula per λ', () => {
    const text = formatFormulas(makeReport([makeRun(0), makeRun(0.001, { formula: 'rm' })]));
    expect(text.split('\n')).toEqual([
      'student formulas (original units):',
      'λ = 0:      medv ≈ 22.5 - 0.95*lstat + 3.1*rm',
      'λ = 0.001:  medv ≈ rm',
    ]);
  });
});

describe('formatR2', () => {
  it('handles non-finite and negative zero', () => {
    expect(formatR2(NaN)).toBe('n/a');
    expect(formatR2(-Infinity)).toBe('n/a');
    expect(formatR2(-0.0001)).toBe('0.000');
    expect(formatR2(0.99951)).toBe('1.000');
  });
});

describe('formatReport', () => {
  it('joins header, table and formulas', () => {
    const report = makeReport([makeRun(0)]);
    const text = formatReport(report);
    expect(text.startsWith(formatHeader(report) + '\n\n')).toBe(true);
    expect(text).toContain(formatRunTable(report.runs));
    expect(text.endsWith(formatFormulas(report) + '\n')).toBe(true);
  });
});
