// Plain-text rendering of an SrReport for the terminal. Pure functions: no I/O.
import type { SrReport } from '../distill/sr.js';
import type { StopReason } from '../gp/index.js';
import { formatR2, formatSeconds } from './format.js';

const STOP_REASONS: Readonly<Record<StopReason, string>> = {
  generations: 'generation limit reached',
  time: 'time limit reached',
  stalled: 'no progress',
  target: 'target loss reached',
};

/** Renders the data and split, the GP run, the R² values and the chosen formula. */
export function formatSrReport(report: SrReport): string {
  const { split } = report;
  const testPart = split.fixedTest ? `${split.test} test (fixed file)` : `${split.test} test`;
  const lines = [
    `${report.dataset}: target ${report.target}, ${report.rows} rows, ` +
      `${report.features} features; split ${split.train} train / ${split.valid} valid / ` +
      `${testPart}; seed ${report.seed}`,
    `GP on ${report.fitRows} training rows: ${report.generations} generations in ` +
      `${formatSeconds(report.seconds)} s (${STOP_REASONS[report.stopReason]}), ` +
      `Pareto front of ${report.front.length} formulas`,
    `R²: train ${formatR2(report.trainR2)}, validation ${formatR2(report.validR2)}, ` +
      `test ${formatR2(report.testR2)}; formula length ${report.length}`,
    '',
    `${report.target} ≈ ${report.formula}`,
  ];
  return lines.join('\n') + '\n';
}
