// Plain-text rendering of a DistillReport for the terminal. Pure functions: no I/O.
import type { DistillReport, DistillRun } from '../distill/pipeline.js';

/** One table column: a heading and how to render a run's cell. */
interface Column {
  heading: string;
  cell: (run: DistillRun) => string;
}

const RUN_COLUMNS: readonly Column[] = [
  { heading: 'λ', cell: (run) => formatLambda(run.lambda) },
  { heading: 'teacher test R²', cell: (run) => formatR2(run.teacher.testR2) },
  { heading: 'student test R²', cell: (run) => formatR2(run.student.testR2) },
  { heading: 'fidelity R²', cell: (run) => formatR2(run.student.fidelityR2) },
  { heading: 'length', cell: (run) => String(run.student.length) },
  { heading: 'teacher s', cell: (run) => formatSeconds(run.teacher.seconds) },
  { heading: 'student s', cell: (run) => formatSeconds(run.student.seconds) },
];

/** Renders the whole report: the header line, the table of runs, then one formula per λ. */
export function formatReport(report: DistillReport): string {
  const sections = [formatHeader(report), formatRunTable(report.runs), formatFormulas(report)];
  return sections.join('\n\n') + '\n';
}

/** Renders one line naming the data, its size, the split and the seed. */
export function formatHeader(report: DistillReport): string {
  const { split } = report;
  const testPart = split.fixedTest ? `${split.test} test (fixed file)` : `${split.test} test`;
  return (
    `${report.dataset}: target ${report.target}, ${report.rows} rows, ` +
    `${report.features} features; split ${split.train} train / ${split.valid} valid / ` +
    `${testPart}; seed ${report.seed}`
  );
}

/** Renders a right-aligned table with one row per λ. R² is on the original target scale. */
export function formatRunTable(runs: readonly DistillRun[]): string {
  const rows = [
    RUN_COLUMNS.map((c) => c.heading),
    ...runs.map((run) => RUN_COLUMNS.map((c) => c.cell(run))),
  ];
  const widths = RUN_COLUMNS.map((_, j) => Math.max(...rows.map((row) => row[j].length)));
  return rows
    .map((row) => row.map((text, j) => text.padStart(widths[j])).join('  '))
    .join('\n');
}

/** Renders `λ = 0.01:  medv ≈ <formula>` for each λ, with the labels padded to one width. */
export function formatFormulas(report: DistillReport): string {
  const labels = report.runs.map((run) => `λ = ${formatLambda(run.lambda)}:`);
  const width = Math.max(0, ...labels.map((label) => label.length));
  const lines = report.runs.map(
    (run, i) => `${labels[i].padEnd(width)}  ${report.target} ≈ ${run.student.formula}`,
  );
  return ['student formulas (original units):', ...lines].join('\n');
}

/** Formats λ in JavaScript's shortest round-trip form, such as 0, 0.01 or 1e-7. */
export function formatLambda(lambda: number): string {
  return String(lambda);
}

/** Formats R² with 3 decimals, or `n/a` when it is not finite. */
export function formatR2(r2: number): string {
  if (!Number.isFinite(r2)) return 'n/a';
  const text = r2.toFixed(3);
  return text === '-0.000' ? '0.000' : text;
}

/** Formats seconds with 1 decimal, or `n/a` when not finite. */
export function formatSeconds(seconds: number): string {
  return Number.isFinite(seconds) ? seconds.toFixed(1) : 'n/a';
}
