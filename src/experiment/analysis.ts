// Turns run records into the experiment's findings: per-λ summaries, the λ chosen per trial on
// the validation split, the seed control, paired Wilcoxon tests over trials and the totals over
// datasets. Pure functions: the same records always give the same report.
import { mean, median, sampleSd, wilcoxonSignedRank } from './stats.js';
import { runKey, type ExperimentConfig, type RunRecord } from './types.js';

/** Significance level of every test in the report. */
export const ALPHA = 0.05;

/** A baseline mean R² with |value| below this makes the relative improvement unstable. */
export const BASE_NEAR_ZERO = 0.1;

export interface MeanSd {
  mean: number;
  sd: number;
}

export interface LambdaSummary {
  lambda: number;
  teacherTrainR2: MeanSd;
  teacherTestR2: MeanSd;
  studentValidR2: MeanSd;
  studentTestR2: MeanSd;
  fidelityR2: MeanSd;
  meanJacobianSq: MeanSd;
  length: MeanSd;
  teacherSeconds: MeanSd;
  studentSeconds: MeanSd;
  /** Trials in which validation picked this λ. */
  timesChosen: number;
}

export interface ArmSummary {
  teacherTestR2Mean: number;
  teacherTestR2Sd: number;
  studentTestR2Mean: number;
  studentTestR2Sd: number;
}

export type Verdict = 'improved' | 'worsened' | 'unchanged';

export interface DatasetReport {
  name: string;
  /** Trials with every λ run finished; only these enter the statistics. */
  trials: number;
  trialsPlanned: number;
  lambdas: number[];
  perLambda: LambdaSummary[];
  baseline: ArmSummary;
  /** λ picked per trial by the highest student validation R². */
  chosen: ArmSummary & { lambdaPerTrial: number[] };
  /** (chosen − baseline) / |baseline| of the mean student test R². */
  relativeImprovement: number;
  /** True when |baseline mean| < BASE_NEAR_ZERO, where the ratio above is unstable. */
  baseNearZero: boolean;
  /** Mean over trials of (chosen − baseline) student test R². */
  meanDifference: number;
  /** Two-sided Wilcoxon signed-rank p of chosen against baseline student test R². */
  wilcoxonP: number;
  wilcoxon: { n: number; wPlus: number; wMinus: number; method: 'exact' | 'normal' };
  verdict: Verdict;
  /** One-sided Wilcoxon p that the teacher's test R² is lower at the chosen λ. */
  teacherDropP: number;
  teacherDropped: boolean;
  /** The λ = 0 teacher with the student picked among several GP seeds by validation R². */
  seedControl: {
    studentTestR2Mean: number;
    studentTestR2Sd: number;
    relativeImprovement: number;
    meanDifference: number;
    wilcoxonP: number;
  };
  /** The chosen-λ result beyond the seed control: the penalty's own effect. */
  penaltyEffect: { relativeImprovement: number; meanDifference: number; wilcoxonP: number };
  /** λ picked on the test split: optimistic, for comparison only. */
  testPicked: { studentTestR2Mean: number; relativeImprovement: number; lambdaPerTrial: number[] };
}

export interface OverallReport {
  datasets: number;
  meanRelativeImprovement: number;
  medianRelativeImprovement: number;
  meanRelativeImprovementSeedControl: number;
  medianRelativeImprovementSeedControl: number;
  /** Mean over datasets of the chosen-λ minus the seed-control relative improvement. */
  meanPenaltyEffect: number;
  meanRelativeImprovementTestPicked: number;
  improved: number;
  worsened: number;
  unchanged: number;
  teacherDropped: number;
  baseNearZero: number;
}

/** (value − base) / |base|; NaN when base is 0. */
export function relativeChange(value: number, base: number): number {
  return base === 0 ? NaN : (value - base) / Math.abs(base);
}

/** Index of the highest score, treating NaN as −∞ and keeping the first of equal scores. */
export function argMax(scores: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) {
    if (orderable(scores[i]) > orderable(scores[best])) best = i;
  }
  return best;
}

function orderable(x: number): number {
  return Number.isNaN(x) ? -Infinity : x;
}

function meanSd(values: readonly number[]): MeanSd {
  return { mean: mean(values), sd: sampleSd(values) };
}

/** The runs of one complete trial, in config λ order. */
interface Trial {
  runs: RunRecord[];
  base: RunRecord;
}

function completeTrials(
  name: string,
  config: ExperimentConfig,
  records: readonly RunRecord[],
): Trial[] {
  const byKey = new Map(records.filter((r) => r.dataset === name).map((r) => [runKey(r), r]));
  const trials: Trial[] = [];
  for (let trial = 0; trial < config.trials; trial++) {
    const runs = config.lambdas.map((lambda) =>
      byKey.get(runKey({ dataset: name, lambda, trial })),
    );
    if (runs.some((r) => r === undefined)) continue;
    const complete = runs as RunRecord[];
    const base = complete[config.lambdas.indexOf(0)];
    if (base.seedControl === undefined || base.seedControl.length === 0) continue;
    trials.push({ runs: complete, base });
  }
  return trials;
}

/** Summarises one dataset over its complete trials. */
export function analyseDataset(
  name: string,
  config: ExperimentConfig,
  records: readonly RunRecord[],
): DatasetReport {
  const trials = completeTrials(name, config, records);
  const lambdas = config.lambdas;
  const chosenIndex = trials.map((t) => argMax(t.runs.map((r) => r.student.validR2)));
  const testIndex = trials.map((t) => argMax(t.runs.map((r) => r.student.testR2)));
  const chosen = trials.map((t, i) => t.runs[chosenIndex[i]]);

  const baseStudent = trials.map((t) => t.base.student.testR2);
  const baseTeacher = trials.map((t) => t.base.teacher.testR2);
  const chosenStudent = chosen.map((r) => r.student.testR2);
  const chosenTeacher = chosen.map((r) => r.teacher.testR2);
  const seedStudent = trials.map((t) => {
    const control = t.base.seedControl ?? [];
    return control[argMax(control.map((c) => c.validR2))].testR2;
  });
  const testPickedStudent = trials.map((t, i) => t.runs[testIndex[i]].student.testR2);

  const baseMean = mean(baseStudent);
  const relativeImprovement = relativeChange(mean(chosenStudent), baseMean);
  const seedRelative = relativeChange(mean(seedStudent), baseMean);
  const test = wilcoxonSignedRank(chosenStudent, baseStudent);
  const teacherTest = wilcoxonSignedRank(chosenTeacher, baseTeacher, 'less');

  return {
    name,
    trials: trials.length,
    trialsPlanned: config.trials,
    lambdas: [...lambdas],
    perLambda: lambdas.map((lambda, j) =>
      summariseLambda(
        lambda,
        trials.map((t) => t.runs[j]),
        chosenIndex.filter((c) => c === j).length,
      ),
    ),
    baseline: arm(baseTeacher, baseStudent),
    chosen: { ...arm(chosenTeacher, chosenStudent), lambdaPerTrial: chosen.map((r) => r.lambda) },
    relativeImprovement,
    baseNearZero: Math.abs(baseMean) < BASE_NEAR_ZERO,
    meanDifference: meanOfDifferences(chosenStudent, baseStudent),
    wilcoxonP: test.p,
    wilcoxon: { n: test.n, wPlus: test.wPlus, wMinus: test.wMinus, method: test.method },
    verdict: verdictOf(test.p, test.wPlus, test.wMinus),
    teacherDropP: teacherTest.p,
    teacherDropped: teacherTest.p < ALPHA,
    seedControl: {
      studentTestR2Mean: mean(seedStudent),
      studentTestR2Sd: sampleSd(seedStudent),
      relativeImprovement: seedRelative,
      meanDifference: meanOfDifferences(seedStudent, baseStudent),
      wilcoxonP: wilcoxonSignedRank(seedStudent, baseStudent).p,
    },
    penaltyEffect: {
      relativeImprovement: relativeImprovement - seedRelative,
      meanDifference: meanOfDifferences(chosenStudent, seedStudent),
      wilcoxonP: wilcoxonSignedRank(chosenStudent, seedStudent).p,
    },
    testPicked: {
      studentTestR2Mean: mean(testPickedStudent),
      relativeImprovement: relativeChange(mean(testPickedStudent), baseMean),
      lambdaPerTrial: testIndex.map((j) => lambdas[j]),
    },
  };
}

function arm(teacher: readonly number[], student: readonly number[]): ArmSummary {
  return {
    teacherTestR2Mean: mean(teacher),
    teacherTestR2Sd: sampleSd(teacher),
    studentTestR2Mean: mean(student),
    studentTestR2Sd: sampleSd(student),
  };
}

function meanOfDifferences(a: readonly number[], b: readonly number[]): number {
  return mean(a.map((ai, i) => ai - b[i]));
}

/**
 * Significant (p < ALPHA) changes take the direction of the signed-rank statistic: improved
 * when the positive differences outweigh the negative ones (W+ > W−).
 */
export function verdictOf(p: number, wPlus: number, wMinus: number): Verdict {
  if (!(p < ALPHA) || wPlus === wMinus) return 'unchanged';
  return wPlus > wMinus ? 'improved' : 'worsened';
}

function summariseLambda(
  lambda: number,
  runs: readonly RunRecord[],
  timesChosen: number,
): LambdaSummary {
  const of = (pick: (r: RunRecord) => number): MeanSd => meanSd(runs.map(pick));
  return {
    lambda,
    teacherTrainR2: of((r) => r.teacher.trainR2),
    teacherTestR2: of((r) => r.teacher.testR2),
    studentValidR2: of((r) => r.student.validR2),
    studentTestR2: of((r) => r.student.testR2),
    fidelityR2: of((r) => r.student.fidelityR2),
    meanJacobianSq: of((r) => r.teacher.meanJacobianSq),
    length: of((r) => r.student.length),
    teacherSeconds: of((r) => r.teacher.seconds),
    studentSeconds: of((r) => r.student.seconds),
    timesChosen,
  };
}

/**
 * Totals over the datasets with at least one complete trial. Means and medians of relative
 * improvements skip datasets whose ratio is undefined (a baseline mean of exactly 0).
 */
export function summariseOverall(datasets: readonly DatasetReport[]): OverallReport {
  const used = datasets.filter((d) => d.trials > 0);
  const finite = (pick: (d: DatasetReport) => number): number[] =>
    used.map(pick).filter((v) => Number.isFinite(v));
  const count = (verdict: Verdict): number => used.filter((d) => d.verdict === verdict).length;
  return {
    datasets: used.length,
    meanRelativeImprovement: mean(finite((d) => d.relativeImprovement)),
    medianRelativeImprovement: median(finite((d) => d.relativeImprovement)),
    meanRelativeImprovementSeedControl: mean(finite((d) => d.seedControl.relativeImprovement)),
    medianRelativeImprovementSeedControl: median(finite((d) => d.seedControl.relativeImprovement)),
    meanPenaltyEffect: mean(finite((d) => d.penaltyEffect.relativeImprovement)),
    meanRelativeImprovementTestPicked: mean(finite((d) => d.testPicked.relativeImprovement)),
    improved: count('improved'),
    worsened: count('worsened'),
    unchanged: count('unchanged'),
    teacherDropped: used.filter((d) => d.teacherDropped).length,
    baseNearZero: used.filter((d) => d.baseNearZero).length,
  };
}
