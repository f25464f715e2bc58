// Public surface of the experiment runner: the two commands, option handling, the pool and the
// statistics, for the CLI and for scripted use.
export {
  experimentCommand,
  formatCommand,
  planConfig,
  planRuns,
  type ExperimentHooks,
} from './experiment.js';
export {
  reportCommand,
  writeReport,
  REPORT_JSON_FILE,
  REPORT_MARKDOWN_FILE,
} from './report-command.js';
export {
  EXPERIMENT_FLAGS,
  parseExperimentArgs,
  validateExperimentOptions,
  type ExperimentFlag,
  type ExperimentOptions,
  type RawExperimentOptions,
} from './options.js';
export { FULL_PRESET, QUICK_PRESET, presetByName, type Preset } from './presets.js';
export { buildReport, renderMarkdown, type ExperimentReport } from './report.js';
export type { DatasetReport, OverallReport, LambdaSummary, Verdict } from './analysis.js';
export {
  wilcoxonSignedRank,
  normalCdf,
  erfc,
  mean,
  median,
  sampleSd,
  type WilcoxonResult,
} from './stats.js';
export { deriveRunSeeds } from './seeds.js';
export { readRunLog, RunLogWriter, RUN_LOG_FILE } from './run-log.js';
export { CONFIG_FILE } from './config-file.js';
export type { Budgets, ExperimentConfig, RunFunction, RunRecord, RunTask } from './types.js';
