// The experiment report: report.json (every figure) and report.md (method, a table to scan at a
// glance, totals and per-dataset detail), built from config.json and runs.jsonl alone.
import { analyseDataset, ALPHA, BASE_NEAR_ZERO, summariseOverall, type DatasetReport, type OverallReport } from './analysis.js';
import type { ConfigFile } from './config-file.js';
import { formatLambda } from './plots.js';
import type { Budgets, PresetName, RunRecord } from './types.js';

export const SELECTION_RULE =
  'For each dataset and trial, λ is chosen as the value whose student has the highest R² on the ' +
  'validation split (ties go to the smaller λ); the test split is never used for this choice.';

export const SEED_CONTROL_RULE =
  'Seed control: the λ = 0 teacher of each trial is distilled by as many students as there are λ ' +
  'values, each with its own GP seed, and the one with the highest validation R² is kept. Choosing ' +
  'among k students by validation R² gains something even without the penalty; the penalty\'s own ' +
  'effect is the chosen-λ result minus the seed control.';

export const RELATIVE_IMPROVEMENT_RULE =
  'Relative improvement = (mean chosen − mean baseline) / |mean baseline| of the student test R² ' +
  'over trials, baseline = λ = 0. When |mean baseline| is near 0 the ratio is huge or flips sign ' +
  `for a small absolute change, so datasets with |baseline| < ${BASE_NEAR_ZERO} are flagged; the ` +
  'mean of per-trial differences (absolute R²) is given beside it.';

export const TEST_RULE =
  'Wilcoxon signed-rank tests pair the trials (same split and teacher initialisation for every λ): ' +
  'two-sided for the student (exact null distribution without ties for up to 50 pairs, otherwise ' +
  'the normal approximation with tie and continuity corrections; zero differences dropped), ' +
  `one-sided for a drop of the teacher's test R². A dataset is improved or worsened when p < ${ALPHA} ` +
  'and W+ > W− or W+ < W−, else unchanged. With n trials the smallest two-sided p is 2/2ⁿ, so at ' +
  'least 6 trials are needed to reach p < 0.05.';

export interface ExperimentReport {
  command: string;
  preset: PresetName;
  lambdas: number[];
  trials: number;
  seedControlStudents: number;
  budgets: Budgets;
  runs: { finished: number; planned: number };
  /** Sums over finished runs of the seconds reported by the teacher and the students. */
  seconds: { teacher: number; student: number; seedControl: number };
  rules: { selection: string; seedControl: string; relativeImprovement: string; tests: string };
  datasets: DatasetReport[];
  overall: OverallReport;
}

/** Analyses every dataset of the configuration over the finished runs. */
export function buildReport(config: ConfigFile, records: readonly RunRecord[]): ExperimentReport {
  const datasets = config.datasets.map(({ name }) => analyseDataset(name, config, records));
  const sum = (pick: (r: RunRecord) => number): number => records.reduce((a, r) => a + pick(r), 0);
  const controlSeconds = (r: RunRecord): number =>
    (r.seedControl ?? []).slice(1).reduce((a, c) => a + c.seconds, 0);
  return {
    command: config.command,
    preset: config.preset,
    lambdas: [...config.lambdas],
    trials: config.trials,
    seedControlStudents: config.seedControlStudents,
    budgets: config.budgets,
    runs: {
      finished: records.length,
      planned: config.datasets.length * config.lambdas.length * config.trials,
    },
    seconds: {
      teacher: sum((r) => r.teacher.seconds),
      student: sum((r) => r.student.seconds),
      seedControl: sum(controlSeconds),
    },
    rules: {
      selection: SELECTION_RULE,
      seedControl: SEED_CONTROL_RULE,
      relativeImprovement: RELATIVE_IMPROVEMENT_RULE,
      tests: TEST_RULE,
    },
    datasets,
    overall: summariseOverall(datasets),
  };
}

/** report.json text; NaN and ±∞ (undefined statistics) become null. */
export function reportJson(report: ExperimentReport): string {
  const text = JSON.stringify(
    report,
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
  return `${text}\n`;
}

function r2(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '—';
}

function r2Sd(m: number, sd: number): string {
  return Number.isFinite(sd) ? `${r2(m)} ± ${sd.toFixed(3)}` : r2(m);
}

function pct(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
}

function pValue(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function number(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toPrecision(digits) : '—';
}

/** Path of the per-dataset plot inside the output folder. */
export function plotFileName(dataset: string): string {
  return `plot-${dataset.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`;
}

export const SUMMARY_PLOT_FILE = 'summary.svg';

/** report.md text. */
export function renderMarkdown(report: ExperimentReport): string {
  return [
    ...headerSection(report),
    ...glanceSection(report),
    ...overallSection(report),
    ...methodSection(report),
    ...report.datasets.flatMap(datasetSection),
  ].join('\n');
}

function headerSection(report: ExperimentReport): string[] {
  return [
    '# Jacobian-penalty distillation experiment',
    '',
    'Does training the teacher with the penalty λ·mean‖∂f/∂x‖² raise the test R² of the GP ' +
      'student distilled from it, while the teacher stays as accurate?',
    '',
    '```',
    report.command,
    '```',
    '',
    `Preset \`${report.preset}\`: λ ∈ {${report.lambdas.map(formatLambda).join(', ')}}, ` +
      `${report.trials} trials per dataset, ${report.seedControlStudents} seed-control students. ` +
      `Finished runs: ${report.runs.finished} of ${report.runs.planned}.`,
    '',
    `**Selection rule.** ${report.rules.selection}`,
    '',
  ];
}

function verdictText(d: DatasetReport): string {
  if (d.trials === 0) return 'no complete trial';
  const notes: string[] = [d.verdict];
  if (d.teacherDropped) notes.push('teacher dropped');
  if (d.baseNearZero) notes.push('baseline ≈ 0');
  return notes.join('; ');
}

function glanceSection(report: ExperimentReport): string[] {
  const rows = report.datasets.map((d) =>
    [
      d.name,
      `${d.trials}`,
      `${r2(d.baseline.teacherTestR2Mean)} → ${r2(d.chosen.teacherTestR2Mean)}`,
      `${r2(d.baseline.studentTestR2Mean)} → ${r2(d.chosen.studentTestR2Mean)}`,
      pct(d.relativeImprovement),
      pct(d.seedControl.relativeImprovement),
      pValue(d.wilcoxonP),
      verdictText(d),
    ].join(' | '),
  );
  return [
    '## At a glance',
    '',
    'Test R², mean over trials, λ = 0 → chosen λ. "rel. gain" and "seed-control gain" are ' +
      'relative improvements of the student over λ = 0; p is the two-sided Wilcoxon test of the ' +
      'student, chosen λ against λ = 0.',
    '',
    '| dataset | trials | teacher R² | student R² | rel. gain | seed-control gain | p | verdict |',
    '| --- | ---: | --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
  ];
}

function overallSection(report: ExperimentReport): string[] {
  const o = report.overall;
  return [
    '## Overall',
    '',
    `Over ${o.datasets} datasets with at least one complete trial:`,
    '',
    `- Relative improvement of the student at the chosen λ: mean ${pct(o.meanRelativeImprovement)}, ` +
      `median ${pct(o.medianRelativeImprovement)}.`,
    `- Seed control (best of ${report.seedControlStudents} GP seeds at λ = 0): mean ` +
      `${pct(o.meanRelativeImprovementSeedControl)}, median ${pct(o.medianRelativeImprovementSeedControl)}.`,
    `- The penalty's own effect (chosen λ minus seed control): mean ${pct(o.meanPenaltyEffect)}.`,
    `- Student significantly improved on ${o.improved}, worsened on ${o.worsened}, unchanged on ` +
      `${o.unchanged} datasets (p < ${ALPHA}, against λ = 0).`,
    `- Teacher test R² dropped significantly at the chosen λ on ${o.teacherDropped} datasets ` +
      `(one-sided p < ${ALPHA}).`,
    `- ${o.baseNearZero} datasets have |baseline student R²| < ${BASE_NEAR_ZERO}, where the ` +
      'relative improvement is unstable; the median is less sensitive to them than the mean.',
    `- Optimistic, for comparison only: with λ picked on the test split, the mean relative ` +
      `improvement would be ${pct(o.meanRelativeImprovementTestPicked)}.`,
    '',
    `![Relative improvement per dataset](${SUMMARY_PLOT_FILE})`,
    '',
  ];
}

function methodSection(report: ExperimentReport): string[] {
  const b = report.budgets;
  const runs = Math.max(1, report.runs.finished);
  return [
    '## Method',
    '',
    `- ${report.rules.selection}`,
    `- ${report.rules.seedControl}`,
    `- ${report.rules.relativeImprovement}`,
    `- ${report.rules.tests}`,
    '- Each trial splits the data 60/20/20 into training, validation and test rows with a seed ' +
      'derived from (dataset, trial); the teacher initialisation uses the same kind of seed, so ' +
      'every λ of a trial sees the same rows and starting weights. The GP seed derives from ' +
      '(dataset, λ, trial). Only trials with every λ finished enter the statistics.',
    '',
    '### Budgets per run',
    '',
    '| budget | value |',
    '| --- | --- |',
    `| rows per dataset (seeded subsample before the split) | ${b.datasetMaxRows} |`,
    `| teacher hidden layers | ${b.teacher.hidden.join(' × ')} |`,
    `| teacher max steps / min steps | ${b.teacher.maxSteps} / ${b.teacher.minSteps} |`,
    `| teacher patience (epochs and steps) | ${b.teacher.patience} and ${b.teacher.patienceSteps} |`,
    `| teacher batch size / learning rate | ${b.teacher.batchSize} / ${b.teacher.learningRate} |`,
    `| GP population × generations | ${b.student.populationSize} × ${b.student.generations} |`,
    `| GP time limit (safety cap) | ${b.student.timeLimitSeconds} s |`,
    `| GP max program length | ${b.student.maxLength} |`,
    `| student rows / augmentation copies per row | ${b.student.maxRows} / ${b.student.augment} |`,
    '',
    `Measured over ${report.runs.finished} finished runs: teacher ` +
      `${(report.seconds.teacher / runs).toFixed(2)} s per run, student ` +
      `${(report.seconds.student / runs).toFixed(2)} s per run, seed-control students ` +
      `${report.seconds.seedControl.toFixed(0)} s in total (single-thread seconds, summed over workers).`,
    '',
  ];
}

function datasetSection(d: DatasetReport): string[] {
  const rows = d.perLambda.map((s) =>
    [
      formatLambda(s.lambda),
      `${s.timesChosen}`,
      r2Sd(s.teacherTrainR2.mean, s.teacherTrainR2.sd),
      r2Sd(s.teacherTestR2.mean, s.teacherTestR2.sd),
      r2Sd(s.studentValidR2.mean, s.studentValidR2.sd),
      r2Sd(s.studentTestR2.mean, s.studentTestR2.sd),
      r2(s.fidelityR2.mean),
      number(s.meanJacobianSq.mean),
      number(s.length.mean),
      `${number(s.teacherSeconds.mean, 2)} / ${number(s.studentSeconds.mean, 2)}`,
    ].join(' | '),
  );
  return [
    `## ${d.name}`,
    '',
    `${d.trials} of ${d.trialsPlanned} trials complete.`,
    '',
    '| λ | picked | teacher train R² | teacher test R² | student valid R² | student test R² | fidelity R² | mean ‖∂f/∂x‖² | length | seconds (teacher / student) |',
    '| ---: | ---: | --- | --- | --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    `- Chosen λ (validation): student test R² ${r2Sd(d.chosen.studentTestR2Mean, d.chosen.studentTestR2Sd)} ` +
      `against ${r2Sd(d.baseline.studentTestR2Mean, d.baseline.studentTestR2Sd)} at λ = 0: ` +
      `${pct(d.relativeImprovement)} relative, mean per-trial difference ${number(d.meanDifference)}, ` +
      `Wilcoxon p = ${pValue(d.wilcoxonP)} (n = ${d.wilcoxon.n}, W+ = ${d.wilcoxon.wPlus}, ` +
      `W− = ${d.wilcoxon.wMinus}, ${d.wilcoxon.method}); ${d.verdict}.`,
    `- Teacher test R² ${r2Sd(d.chosen.teacherTestR2Mean, d.chosen.teacherTestR2Sd)} against ` +
      `${r2Sd(d.baseline.teacherTestR2Mean, d.baseline.teacherTestR2Sd)}: one-sided p of a drop ` +
      `= ${pValue(d.teacherDropP)}${d.teacherDropped ? ' (significant drop)' : ''}.`,
    `- Seed control: student test R² ${r2Sd(d.seedControl.studentTestR2Mean, d.seedControl.studentTestR2Sd)}, ` +
      `${pct(d.seedControl.relativeImprovement)} relative (p = ${pValue(d.seedControl.wilcoxonP)}); ` +
      `penalty's own effect ${pct(d.penaltyEffect.relativeImprovement)}, mean per-trial difference ` +
      `${number(d.penaltyEffect.meanDifference)} (p = ${pValue(d.penaltyEffect.wilcoxonP)}).`,
    `- Chosen λ per trial: ${d.chosen.lambdaPerTrial.map(formatLambda).join(', ') || '—'}.`,
    `- Optimistic, for comparison only (λ picked on the test split): student test R² ` +
      `${r2(d.testPicked.studentTestR2Mean)}, ${pct(d.testPicked.relativeImprovement)} relative.`,
    '',
    `![${d.name}: test R² against λ](${encodeURIComponent(plotFileName(d.name))})`,
    '',
  ];
}
