import { afterAll, describe, expect, test } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.js';
import type { ConfigFile } from '../src/experiment/config-file.js';
import { lambdaAxisPositions, niceTicks } from '../src/experiment/plots.js';
import { QUICK_PRESET } from '../src/experiment/presets.js';
import { reportCommand } from '../src/experiment/report-command.js';
import { encodeRecord } from '../src/experiment/run-log.js';
import type { ControlStudentRecord, RunRecord } from '../src/experiment/types.js';
import { makeTempDir } from './experiment-fixtures.js';

const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A hand-made experiment: datasets alpha and beta, λ ∈ {0, 0.01, 1}, 7 planned trials of which
// 0..5 are complete for both (alpha trial 6 lacks λ = 1, beta trial 6 is absent).
const LAMBDAS = [0, 0.01, 1];

const config: ConfigFile = {
  version: 1,
  preset: 'quick',
  datasets: [
    { name: 'alpha', sha256: 'a' },
    { name: 'beta', sha256: 'b' },
  ],
  lambdas: LAMBDAS,
  trials: 7,
  seedControlStudents: 3,
  budgets: QUICK_PRESET.budgets,
  command: 'jacdistill experiment --data-dir data --quick',
  dataDir: '/data',
};

interface Spec {
  teacherTest: number;
  studentValid: number;
  studentTest: number;
  control?: [number, number][];
}

function runRecord(dataset: string, lambda: number, trial: number, spec: Spec): RunRecord {
  const r: RunRecord = {
    dataset,
    lambda,
    trial,
    seeds: { split: 1, rows: 2, teacher: 3, student: 4, control: [] },
    rows: { train: 60, valid: 20, test: 20 },
    teacher: {
      trainR2: 0.95,
      validR2: 0.9,
      testR2: spec.teacherTest,
      meanJacobianSq: 1 / (1 + lambda),
      epochs: 5,
      seconds: 1,
    },
    student: {
      validR2: spec.studentValid,
      testR2: spec.studentTest,
      fidelityR2: 0.8,
      formula: 'x0',
      length: 3,
      seconds: 2,
    },
  };
  if (spec.control !== undefined) {
    r.seedControl = spec.control.map(([validR2, testR2], j): ControlStudentRecord => ({
      seed: j,
      validR2,
      testR2,
      length: 3,
      seconds: 2,
    }));
  }
  return r;
}

/**
 * alpha, trial t: λ = 0 student test 0.40 + 0.01t (valid 0.50); λ = 0.01 has the best validation
 * R² (0.60) and test 0.60 + 0.02t with teacher 0.89 + 0.001t against 0.90; λ = 1 has the best
 * test R² 0.95 but validation 0.55. Seed control picks its third student (valid 0.55), test
 * 0.42 + 0.015t.
 */
function alpha(t: number): RunRecord[] {
  const base = 0.4 + 0.01 * t;
  return [
    runRecord('alpha', 0, t, {
      teacherTest: 0.9,
      studentValid: 0.5,
      studentTest: base,
      control: [
        [0.5, base],
        [0.45, 0.9],
        [0.55, 0.42 + 0.015 * t],
      ],
    }),
    runRecord('alpha', 0.01, t, {
      teacherTest: 0.89 + 0.001 * t,
      studentValid: 0.6,
      studentTest: 0.6 + 0.02 * t,
    }),
    runRecord('alpha', 1, t, { teacherTest: 0.5, studentValid: 0.55, studentTest: 0.95 }),
  ];
}

/**
 * beta, trial t: λ = 0 student test 0.05 + 0.01t (mean 0.075, near 0); validation picks λ = 1
 * (valid 0.4) whose student test is 0.02 − 0.01t; the teacher there is 0.8 + 0.01t against 0.8.
 * Seed-control students tie on validation with the own student, which is kept.
 */
function beta(t: number): RunRecord[] {
  const base = 0.05 + 0.01 * t;
  return [
    runRecord('beta', 0, t, {
      teacherTest: 0.8,
      studentValid: 0.3,
      studentTest: base,
      control: [
        [0.3, base],
        [0.3, 0.9],
        [0.2, 0.9],
      ],
    }),
    runRecord('beta', 0.01, t, { teacherTest: 0.8, studentValid: 0.35, studentTest: 0.12 }),
    runRecord('beta', 1, t, {
      teacherTest: 0.8 + 0.01 * t,
      studentValid: 0.4,
      studentTest: 0.02 - 0.01 * t,
    }),
  ];
}

function writeExperiment(): void {
  const records: RunRecord[] = [];
  for (let t = 0; t < 6; t++) records.push(...alpha(t), ...beta(t));
  records.push(...alpha(6).slice(0, 2));
  const torn = encodeRecord(beta(6)[0]).slice(0, 30);
  writeFileSync(join(dir, 'runs.jsonl'), records.map(encodeRecord).join('') + torn);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
}

writeExperiment();
const logLines: string[] = [];
const code = reportCommand(dir, (line) => logLines.push(line));
const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
const markdown = readFileSync(join(dir, 'report.md'), 'utf8');
const [alphaReport, betaReport] = report.datasets;

describe('report from a hand-made runs.jsonl', () => {
  test('the command succeeds and counts runs', () => {
    expect(code).toBe(0);
    expect(report.runs).toEqual({ finished: 38, planned: 42 });
    expect(logLines[0]).toMatch(/38 of 42 runs, 2 datasets with complete trials/);
  });

  test('only complete trials count', () => {
    expect(alphaReport.trials).toBe(6);
    expect(alphaReport.trialsPlanned).toBe(7);
    expect(betaReport.trials).toBe(6);
    expect(alphaReport.lambdas).toEqual(LAMBDAS);
  });

  test('alpha: baseline, chosen λ and relative improvement', () => {
    expect(alphaReport.baseline.studentTestR2Mean).toBeCloseTo(0.425, 12);
    // sd of 0.40, 0.41, …, 0.45 = 0.01·sd(0..5) = 0.01·√3.5
    expect(alphaReport.baseline.studentTestR2Sd).toBeCloseTo(0.01 * Math.sqrt(3.5), 12);
    expect(alphaReport.baseline.teacherTestR2Mean).toBeCloseTo(0.9, 12);
    expect(alphaReport.chosen.lambdaPerTrial).toEqual([0.01, 0.01, 0.01, 0.01, 0.01, 0.01]);
    expect(alphaReport.chosen.studentTestR2Mean).toBeCloseTo(0.65, 12);
    expect(alphaReport.chosen.teacherTestR2Mean).toBeCloseTo(0.8925, 12);
    expect(alphaReport.relativeImprovement).toBeCloseTo(0.225 / 0.425, 12);
    expect(alphaReport.meanDifference).toBeCloseTo(0.225, 12);
    expect(alphaReport.baseNearZero).toBe(false);
  });

  test('alpha: Wilcoxon tests and verdicts', () => {
    // Six distinct positive differences: exact two-sided p = 2/64.
    expect(alphaReport.wilcoxonP).toBe(2 / 64);
    expect(alphaReport.wilcoxon).toEqual({ n: 6, wPlus: 21, wMinus: 0, method: 'exact' });
    expect(alphaReport.verdict).toBe('improved');
    // Teacher: six distinct negative differences, one-sided p = 1/64.
    expect(alphaReport.teacherDropP).toBe(1 / 64);
    expect(alphaReport.teacherDropped).toBe(true);
  });

  test('alpha: seed control and the penalty effect', () => {
    expect(alphaReport.seedControl.studentTestR2Mean).toBeCloseTo(0.4575, 12);
    expect(alphaReport.seedControl.relativeImprovement).toBeCloseTo(0.0325 / 0.425, 12);
    expect(alphaReport.seedControl.wilcoxonP).toBe(2 / 64);
    expect(alphaReport.penaltyEffect.relativeImprovement).toBeCloseTo((0.225 - 0.0325) / 0.425, 12);
    expect(alphaReport.penaltyEffect.meanDifference).toBeCloseTo(0.1925, 12);
  });

  test('alpha: λ picked on test is reported separately', () => {
    expect(alphaReport.testPicked.lambdaPerTrial).toEqual([1, 1, 1, 1, 1, 1]);
    expect(alphaReport.testPicked.studentTestR2Mean).toBeCloseTo(0.95, 12);
    expect(alphaReport.testPicked.relativeImprovement).toBeCloseTo(0.525 / 0.425, 12);
  });

  test('alpha: per-λ table', () => {
    const [zero, small, one] = alphaReport.perLambda;
    expect([zero.timesChosen, small.timesChosen, one.timesChosen]).toEqual([0, 6, 0]);
    expect(one.studentTestR2.mean).toBeCloseTo(0.95, 12);
    expect(one.studentTestR2.sd).toBeCloseTo(0, 12);
    expect(small.meanJacobianSq.mean).toBeCloseTo(1 / 1.01, 12);
  });

  test('beta: worsened, near-zero baseline, seed control tie', () => {
    expect(betaReport.baseline.studentTestR2Mean).toBeCloseTo(0.075, 12);
    expect(betaReport.chosen.lambdaPerTrial).toEqual([1, 1, 1, 1, 1, 1]);
    expect(betaReport.chosen.studentTestR2Mean).toBeCloseTo(-0.005, 12);
    expect(betaReport.relativeImprovement).toBeCloseTo(-0.08 / 0.075, 12);
    expect(betaReport.baseNearZero).toBe(true);
    expect(betaReport.wilcoxonP).toBe(2 / 64);
    expect(betaReport.verdict).toBe('worsened');
    // Teacher differences 0, 0.01, …, 0.05: the zero is dropped, five rises, P(W+ ≤ 15) = 1.
    expect(betaReport.teacherDropP).toBe(1);
    expect(betaReport.teacherDropped).toBe(false);
    expect(betaReport.seedControl.relativeImprovement).toBe(0);
    expect(betaReport.seedControl.wilcoxonP).toBe(1);
    expect(betaReport.testPicked.relativeImprovement).toBeCloseTo(0.045 / 0.075, 12);
  });

  test('overall totals', () => {
    const alphaGain = 0.225 / 0.425;
    const betaGain = -0.08 / 0.075;
    const o = report.overall;
    expect(o.datasets).toBe(2);
    expect(o.meanRelativeImprovement).toBeCloseTo((alphaGain + betaGain) / 2, 12);
    expect(o.medianRelativeImprovement).toBeCloseTo((alphaGain + betaGain) / 2, 12);
    expect(o.meanRelativeImprovementSeedControl).toBeCloseTo(0.0325 / 0.425 / 2, 12);
    expect(o.meanPenaltyEffect).toBeCloseTo((alphaGain - 0.0325 / 0.425 + betaGain) / 2, 12);
    expect(o.meanRelativeImprovementTestPicked).toBeCloseTo((0.525 / 0.425 + 0.6) / 2, 12);
    expect([o.improved, o.worsened, o.unchanged]).toEqual([1, 1, 0]);
    expect(o.teacherDropped).toBe(1);
    expect(o.baseNearZero).toBe(1);
  });

  test('report.json keeps the rules and budgets', () => {
    expect(report.rules.selection).toMatch(/validation split/);
    expect(report.rules.selection).toMatch(/test split is never used/);
    expect(report.budgets).toEqual(QUICK_PRESET.budgets);
    expect(report.command).toBe(config.command);
  });

  test('report.md has the glance table, the rule and the optimistic label', () => {
    expect(markdown).toContain('jacdistill experiment --data-dir data --quick');
    expect(markdown).toContain(
      '| dataset | trials | teacher R² | student R² | rel. gain | seed-control gain | p | ' +
        'verdict |',
    );
    expect(markdown).toContain(
      '| alpha | 6 | 0.900 → 0.893 | 0.425 → 0.650 | +52.9% | +7.6% | 0.031 | ' +
        'improved; teacher dropped |',
    );
    expect(markdown).toContain(
      '| beta | 6 | 0.800 → 0.825 | 0.075 → -0.005 | -106.7% | +0.0% | 0.031 | ' +
        'worsened; baseline ≈ 0 |',
    );
    expect(markdown).toContain('**Selection rule.**');
    expect(markdown).toContain('Optimistic, for comparison only');
    expect(markdown).toContain('| GP population × generations | 200 × 15 |');
    expect(markdown).toContain('![alpha: test R² against λ](plot-alpha.svg)');
  });

  test('plots are written and well formed', () => {
    for (const file of ['plot-alpha.svg', 'plot-beta.svg', 'summary.svg']) {
      const svg = readFileSync(join(dir, file), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), file).toBe(true);
      expect(tagsBalanced(svg), file).toBe(true);
      expect(svg, file).not.toContain('NaN');
    }
    const summary = readFileSync(join(dir, 'summary.svg'), 'utf8');
    expect(summary).toContain('+52.9%');
    expect(summary).toContain('beta (−)');
    expect(summary).toContain('alpha (+)');
  });

  test('a folder without config.json is an InputError', () => {
    const empty = makeTempDir();
    try {
      expect(() => reportCommand(empty, () => {})).toThrow(InputError);
      expect(() => reportCommand(join(empty, 'nope'), () => {})).toThrow(/folder .* not found/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect(existsSync(join(dir, 'report.json'))).toBe(true);
  });
});

describe('plot helpers', () => {
  test('λ = 0 sits one mean spacing left of the smallest positive λ', () => {
    expect(lambdaAxisPositions([0, 1e-4, 1e-2, 1])).toEqual([-6, -4, -2, 0]);
    expect(lambdaAxisPositions([0, 0.1])).toEqual([-2, -1]);
  });

  test('niceTicks uses round steps', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.13, 0.52, 6)).toEqual([0, 0.2, 0.4]);
    expect(niceTicks(-0.13, 0.52, 8)).toEqual([-0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });
});

/** True when every opening tag is closed in order (self-closing tags count as closed). */
function tagsBalanced(svg: string): boolean {
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing === '/') continue;
    if (closing === '') stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}
