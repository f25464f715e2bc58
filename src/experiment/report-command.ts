// `jacdistill report DIR`: regenerates report.md, report.json and the SVG plots of an experiment
// folder from its config.json and runs.jsonl. Every file is written atomically.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import { CONFIG_FILE, readConfig, writeFileAtomic } from './config-file.js';
import { lambdaPlotSvg, summaryPlotSvg } from './plots.js';
import {
  buildReport,
  plotFileName,
  renderMarkdown,
  reportJson,
  SUMMARY_PLOT_FILE,
  type ExperimentReport,
} from './report.js';
import { readRunLog, RUN_LOG_FILE } from './run-log.js';

export const REPORT_MARKDOWN_FILE = 'report.md';
export const REPORT_JSON_FILE = 'report.json';

/**
 * Builds the report of the experiment folder `dir` and writes its files there. A torn last line
 * of runs.jsonl (a run being written) is left alone and ignored. Throws InputError when the
 * folder or its config.json is missing or runs.jsonl is damaged.
 */
export function writeReport(dir: string): {
  report: ExperimentReport;
  markdownPath: string;
  jsonPath: string;
} {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(
      `report: folder ${dir} not found; give the --out folder of jacdistill experiment`,
    );
  }
  const config = readConfig(join(dir, CONFIG_FILE));
  const { records } = readRunLog(join(dir, RUN_LOG_FILE));
  const report = buildReport(config, records);

  for (const d of report.datasets)
    writeFileAtomic(join(dir, plotFileName(d.name)), lambdaPlotSvg(d));
  writeFileAtomic(join(dir, SUMMARY_PLOT_FILE), summaryPlotSvg(report.datasets));
  const jsonPath = join(dir, REPORT_JSON_FILE);
  const markdownPath = join(dir, REPORT_MARKDOWN_FILE);
  writeFileAtomic(jsonPath, reportJson(report));
  writeFileAtomic(markdownPath, renderMarkdown(report));
  return { report, markdownPath, jsonPath };
}

/**
 * Runs `jacdistill report DIR`: writes the report files and prints where they are. Returns 0;
 * throws InputError for a missing folder or config.json.
 */
export function reportCommand(
  dir: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): number {
  const { report, markdownPath } = writeReport(dir);
  log(
    `report: ${report.runs.finished} of ${report.runs.planned} runs, ` +
      `${report.overall.datasets} datasets with complete trials; wrote ${markdownPath}`,
  );
  return 0;
}
