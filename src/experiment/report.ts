// The experiment report: report.json (every figure) and report.md (method, a table to scan at a
// glance, totals and per-dataset detail), built from config.json and runs.jsonl alone.
import {
  analyseDataset,
  ALPHA,
  BASE_NEAR_ZERO,
  summariseOverall,
  type DatasetReport,
  type MeanSd,
  type OverallReport,
} from './analysis.js';
import type { ConfigFile } from './config-file.js';
import { formatLambda } from './plots.js';
import type { Budgets, PresetName, RunRecord } from './types.js';

export const SELECTION_RULE =
  'For each dataset and trial, λ is chosen as the value whose student has the highest R² on ' +
  'the validation split (ties go to the smaller λ). The test split is never used for this choice.';

export const SEED_CONTROL_RULE =
  'Seed control: the λ = 0 teacher of each trial is distilled by as many students as there are ' +
  'λ values, each with its own GP seed, and the one with the highest validation R² is kept. ' +
  'Choosing among k students by validation R² gains something even without the penalty, so ' +
  "the penalty's own effect is the chosen-λ result minus the seed control.";

export const RELATIVE_IMPROVEMENT_RULE =
  'Relative improvement = (mean chosen − mean baseline) / |mean baseline| of the student test ' +
  'R² over trials, with λ = 0 as the baseline. When |mean baseline| is near 0, a small absolute ' +
  'change gives a huge ratio or flips its sign, so datasets with |baseline| < ' +
  `${BASE_NEAR_ZERO} are flagged. The mean of per-trial differences (absolute R²) is given too.`;

export const TEST_RULE =
  'Wilcoxon signed-rank tests pair the trials, which share the split and the teacher ' +
  'initialisation across λ. The student test is two-sided and the teacher test one-sided (a ' +
  'drop). Without ties and for up to 50 pairs the p-value is exact; otherwise it comes from the ' +
  'normal approximation with tie and continuity corrections. Zero differences are dropped. A ' +
  `dataset is improved or worsened when p < ${ALPHA} and W+ > W− or W+ < W−, else unchanged. ` +
  'With n trials the smallest two-sided p is 2/2ⁿ, so at least 6 trials are needed for p < 0.05.';

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

function r2Sd({ mean, sd }: MeanSd): string {
  return Number.isFinite(sd) ? `${r2(mean)} ± ${sd.toFixed(3)}` : r2(mean);
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
  const seeds = report.seedControlStudents;
  return [
    '## Overall',
    '',
    `Over ${o.datasets} datasets with at least one complete trial:`,
    '',
    `- Relative improvement of the student at the chosen λ: mean ` +
      `${pct(o.meanRelativeImprovement)}, median ${pct(o.medianRelativeImprovement)}.`,
    `- Seed control (best of ${seeds} GP seeds at λ = 0): ` +
      `mean ${pct(o.meanRelativeImprovementSeedControl)}, ` +
      `median ${pct(o.medianRelativeImprovementSeedControl)}.`,
    `- The penalty's own effect (chosen λ minus seed control): mean ${pct(o.meanPenaltyEffect)}.`,
    `- Student significantly improved on ${o.improved}, worsened on ${o.worsened}, unchanged on ` +
      `${o.unchanged} datasets (p < ${ALPHA}, against λ = 0).`,
    `- Teacher test R² dropped significantly at the chosen λ on ${o.teacherDropped} datasets ` +
      `(one-sided p < ${ALPHA}).`,
    `- ${o.baseNearZero} datasets have |baseline student R²| < ${BASE_NEAR_ZERO}, where the ` +
      'relative improvement is unstable. The median is less sensitive to them than the mean.',
    `- Optimistic, for comparison only: with λ picked on the test split, the mean relative ` +
      `improvement would be ${pct(o.meanRelativeImprovementTestPicked)}.`,
    '',
    `![Relative improvement per dataset](${SUMMARY_PLOT_FILE})`,
    '',
  ];
}

function methodSection(report: ExperimentReport): string[] {
  return [
    '## Method',
    '',
    `- ${report.rules.selection}`,
    `- ${report.rules.seedControl}`,
    `- ${report.rules.relativeImprovement}`,
    `- ${report.rules.tests}`,
    '- Each trial splits the data 60/20/20 into training, validation and test rows with a seed ' +
      'derived from (dataset, trial). The teacher initialisation seed derives from the same ' +
      'pair, so every λ of a trial trains on the same rows from the same starting weights. The ' +
      'GP seed derives from (dataset, λ, trial). Only trials with every λ finished enter the ' +
      'statistics.',
    '',
    ...budgetSection(report),
  ];
}

function budgetSection(report: ExperimentReport): string[] {
  const { teacher, student, datasetMaxRows } = report.budgets;
  const runs = Math.max(1, report.runs.finished);
  const perRun = (seconds: number): string => (seconds / runs).toFixed(2);
  // Whole seconds, except below 10 s, where they would round a real cost to 0.
  const totalSeconds = (seconds: number): string => seconds.toFixed(seconds < 10 ? 2 : 0);
  const rows: [string, string][] = [
    ['rows per dataset (seeded subsample before the split)', `${datasetMaxRows}`],
    ['teacher hidden layers', teacher.hidden.join(' × ')],
    ['teacher max steps / min steps', `${teacher.maxSteps} / ${teacher.minSteps}`],
    ['teacher patience (epochs and steps)', `${teacher.patience} and ${teacher.patienceSteps}`],
    ['teacher batch size / learning rate', `${teacher.batchSize} / ${teacher.learningRate}`],
    ['GP population × generations', `${student.populationSize} × ${student.generations}`],
    ['GP time limit (safety cap)', `${student.timeLimitSeconds} s`],
    ['GP max program length', `${student.maxLength}`],
    ['student rows / augmentation copies per row', `${student.maxRows} / ${student.augment}`],
  ];
  return [
    '### Budgets per run',
    '',
    '| budget | value |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    '',
    `Measured over ${report.runs.finished} finished runs: teacher ` +
      `${perRun(report.seconds.teacher)} s per run, student ${perRun(report.seconds.student)} s ` +
      `per run, seed-control students ${totalSeconds(report.seconds.seedControl)} s in total ` +
      '(single-thread seconds, summed over workers).',
    '',
  ];
}

const LAMBDA_TABLE_HEADER = [
  'λ',
  'picked',
  'teacher train R²',
  'teacher test R²',
  'student valid R²',
  'student test R²',
  'fidelity R²',
  'mean ‖∂f/∂x‖²',
  'length',
  'seconds (teacher / student)',
];

function lambdaTable(d: DatasetReport): string[] {
  const rows = d.perLambda.map((s) => [
    formatLambda(s.lambda),
    `${s.timesChosen}`,
    r2Sd(s.teacherTrainR2),
    r2Sd(s.teacherTestR2),
    r2Sd(s.studentValidR2),
    r2Sd(s.studentTestR2),
    r2(s.fidelityR2.mean),
    number(s.meanJacobianSq.mean),
    number(s.length.mean),
    `${number(s.teacherSeconds.mean, 2)} / ${number(s.studentSeconds.mean, 2)}`,
  ]);
  return [
    `| ${LAMBDA_TABLE_HEADER.join(' | ')} |`,
    '| ---: | ---: | --- | --- | --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

function datasetFindings(d: DatasetReport): string[] {
  const studentChosen = r2Sd({ mean: d.chosen.studentTestR2Mean, sd: d.chosen.studentTestR2Sd });
  const studentBase = r2Sd({ mean: d.baseline.studentTestR2Mean, sd: d.baseline.studentTestR2Sd });
  const teacherChosen = r2Sd({ mean: d.chosen.teacherTestR2Mean, sd: d.chosen.teacherTestR2Sd });
  const teacherBase = r2Sd({ mean: d.baseline.teacherTestR2Mean, sd: d.baseline.teacherTestR2Sd });
  const control = d.seedControl;
  const w = d.wilcoxon;
  return [
    `- Chosen λ (validation): student test R² ${studentChosen} against ${studentBase} at ` +
      `λ = 0: ${pct(d.relativeImprovement)} relative, mean per-trial difference ` +
      `${number(d.meanDifference)}, Wilcoxon p = ${pValue(d.wilcoxonP)} (n = ${w.n}, ` +
      `W+ = ${w.wPlus}, W− = ${w.wMinus}, ${w.method}); ${d.verdict}.`,
    `- Teacher test R² ${teacherChosen} against ${teacherBase}: one-sided p of a drop ` +
      `= ${pValue(d.teacherDropP)}${d.teacherDropped ? ' (significant drop)' : ''}.`,
    `- Seed control: student test R² ` +
      `${r2Sd({ mean: control.studentTestR2Mean, sd: control.studentTestR2Sd })}, ` +
      `${pct(control.relativeImprovement)} relative (p = ${pValue(control.wilcoxonP)}). ` +
      `Penalty's own effect ${pct(d.penaltyEffect.relativeImprovement)}, mean per-trial ` +
      `difference ${number(d.penaltyEffect.meanDifference)} ` +
      `(p = ${pValue(d.penaltyEffect.wilcoxonP)}).`,
    `- Chosen λ per trial: ${d.chosen.lambdaPerTrial.map(formatLambda).join(', ') || '—'}.`,
    `- Optimistic, for comparison only (λ picked on the test split): student test R² ` +
      `${r2(d.testPicked.studentTestR2Mean)}, ${pct(d.testPicked.relativeImprovement)} relative.`,
  ];
}

function datasetSection(d: DatasetReport): string[] {
  return [
    `## ${d.name}`,
    '',
    `${d.trials} of ${d.trialsPlanned} trials complete.`,
    '',
    ...lambdaTable(d),
    '',
    ...datasetFindings(d),
    '',
    `![${d.name}: test R² against λ](${encodeURIComponent(plotFileName(d.name))})`,
    '',
  ];
}
