// `jacdistill experiment`: plans every (dataset, λ, trial) run, executes the unfinished ones in
// parallel, appends each result to runs.jsonl as it arrives, and writes the report at the end.
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { loadCsv } from '../data/index.js';
import {
  configDifference,
  CONFIG_FILE,
  readConfig,
  writeConfig,
  type ConfigFile,
} from './config-file.js';
import { findDatasets, selectDatasets, type DatasetFile } from './datasets.js';
import { acquireLock, LOCK_FILE } from './lock.js';
import type { ExperimentOptions } from './options.js';
import {
  defaultRunModule,
  inProcessExecutor,
  runPool,
  workerExecutor,
  type Executor,
} from './pool.js';
import { presetByName } from './presets.js';
import { Progress } from './progress.js';
import { writeReport } from './report-command.js';
import { readRunLog, RunLogWriter, RUN_LOG_FILE } from './run-log.js';
import { deriveRunSeeds } from './seeds.js';
import {
  runKey,
  type ExperimentConfig,
  type RunFunction,
  type RunRecord,
  type RunTask,
} from './types.js';

/** Ways to replace parts of the command, for tests and programmatic use. */
export interface ExperimentHooks {
  /** Executes runs with this function on the calling thread instead of in worker threads. */
  runFunction?: RunFunction;
  /** Module exporting `runTask` that worker threads import; default run-task. */
  runModule?: URL;
  /** Node options of the worker threads; default the process's own. */
  execArgv?: string[];
  /** Receives progress and error lines; default writes them to stderr. */
  log?: (line: string) => void;
}

/**
 * Runs the experiment described by `options` and writes runs.jsonl, config.json, report.md,
 * report.json and the SVG plots into the output folder. Returns 0 when every run finished and
 * 1 when some failed (they are retried by --resume). Throws InputError for bad input: a missing
 * data folder, an unknown dataset, a CSV file that loadCsv rejects, an existing runs.jsonl
 * without --resume, or a resume whose configuration differs from config.json.
 */
export async function experimentCommand(
  options: ExperimentOptions,
  hooks: ExperimentHooks = {},
): Promise<number> {
  const log = hooks.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { config, files } = planConfig(options);
  // Parsing every file here turns a bad CSV into one InputError before any run starts.
  for (const file of files) loadCsv(file.path, { name: file.name });
  const outDir = resolve(options.out ?? `jacdistill-experiment-${config.preset}`);
  ensureFolder(outDir);

  const releaseLock = acquireLock(join(outDir, LOCK_FILE));
  // Ctrl-C ends the process at once. Finished runs are already on disk, so the message names
  // the --resume command that continues them.
  const onInterrupt = (): void => {
    releaseLock();
    log(`experiment: interrupted; continue with --resume --out ${outDir}`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const finished = openOutput(outDir, config, options, log);
    const tasks = planRuns(config, files).filter((task) => !finished.has(runKey(task)));
    const total = config.datasets.length * config.lambdas.length * config.trials;
    log(
      `experiment: ${total} runs (${config.datasets.length} datasets × ` +
        `${config.lambdas.length} λ × ${config.trials} trials), ${finished.size} already ` +
        `finished, writing to ${outDir}`,
    );

    const failed = await executeRuns(tasks, outDir, total - tasks.length, options, hooks, log);
    const summary = writeReport(outDir);
    log(`experiment: report written to ${summary.markdownPath}`);
    if (failed > 0) {
      log(`experiment: ${failed} runs failed; run the same command with --resume to retry them`);
      return 1;
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    releaseLock();
  }
}

/** Builds the configuration from the options, the preset and the CSV files of the data folder. */
export function planConfig(options: ExperimentOptions): {
  config: ConfigFile;
  files: DatasetFile[];
} {
  const preset = presetByName(options.quick ? 'quick' : 'full');
  const available = findDatasets(options.dataDir);
  const files = selectDatasets(available, options.datasets, preset.maxDatasets);
  const lambdas = options.lambdas ?? preset.lambdas;
  const config: ConfigFile = {
    version: 1,
    preset: preset.name,
    datasets: files.map((file) => ({ name: file.name, sha256: file.sha256 })),
    lambdas,
    trials: options.trials ?? preset.trials,
    seedControlStudents: lambdas.length,
    budgets: preset.budgets,
    command: formatCommand(options),
    dataDir: resolve(options.dataDir),
  };
  return { config, files };
}

/**
 * Lists every run of the experiment, trial by trial, so that an interrupted experiment has
 * whole trials for as many datasets as possible.
 */
export function planRuns(config: ExperimentConfig, files: readonly DatasetFile[]): RunTask[] {
  const tasks: RunTask[] = [];
  for (let trial = 0; trial < config.trials; trial++) {
    for (const { name } of config.datasets) {
      const file = files.find((f) => f.name === name);
      if (file === undefined) throw new Error(`planRuns: no file for dataset ${name}`);
      for (const lambda of config.lambdas) {
        const seeds = deriveRunSeeds(name, lambda, trial, config.seedControlStudents);
        tasks.push({
          dataset: name,
          path: file.path,
          lambda,
          trial,
          seeds,
          budgets: config.budgets,
        });
      }
    }
  }
  return tasks;
}

function ensureFolder(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InputError(`experiment: --out ${dir} is a file, expected a folder`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EACCES' || code === 'EROFS') {
      throw new InputError(
        `experiment: cannot create the --out folder ${dir} (${code}); ` +
          'choose a path whose parent folders are writable folders',
      );
    }
    throw err;
  }
}

/**
 * Checks the output folder against the requested configuration, writes config.json and returns
 * the keys of the runs already finished.
 */
function openOutput(
  outDir: string,
  config: ConfigFile,
  options: ExperimentOptions,
  log: (line: string) => void,
): Set<string> {
  const logPath = join(outDir, RUN_LOG_FILE);
  const configPath = join(outDir, CONFIG_FILE);
  const hasRuns = existsSync(logPath) && statSync(logPath).size > 0;
  if (hasRuns && !options.resume) {
    throw new InputError(
      `experiment: ${logPath} already contains runs; pass --resume to continue it ` +
        'or choose another --out',
    );
  }

  let records: RunRecord[] = [];
  if (options.resume && hasRuns) {
    const stored = readConfig(configPath);
    const difference = configDifference(stored, config);
    if (difference !== null) throw configMismatch(configPath, difference);
    const contents = readRunLog(logPath, { repair: true });
    if (contents.tornBytes > 0) {
      log(
        `experiment: removed an incomplete last line (${contents.tornBytes} bytes) from ${logPath}`,
      );
    }
    records = contents.records;
  }
  writeConfig(configPath, config);
  return new Set(records.map(runKey));
}

function configMismatch(
  configPath: string,
  difference: { field: string; stored: unknown; requested: unknown },
): InputError {
  const show = (value: unknown): string => {
    const text = JSON.stringify(value) ?? 'nothing';
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  };
  return new InputError(
    `experiment: --resume with a different configuration: ${difference.field} is ` +
      `${show(difference.stored)} in ${configPath} but ${show(difference.requested)} now; ` +
      `repeat the original options (and data files) or choose another --out`,
  );
}

async function executeRuns(
  tasks: readonly RunTask[],
  outDir: string,
  alreadyDone: number,
  options: ExperimentOptions,
  hooks: ExperimentHooks,
  log: (line: string) => void,
): Promise<number> {
  const writer = new RunLogWriter(join(outDir, RUN_LOG_FILE));
  const progress = new Progress(alreadyDone + tasks.length, alreadyDone);
  let failed = 0;
  const label = (task: RunTask): string => `${task.dataset} λ=${task.lambda} trial ${task.trial}`;
  try {
    await runPool(tasks, lanesFor(options, hooks), executorFactory(hooks), {
      onDone: (task, record) => {
        writer.append(record);
        log(progress.done(label(task)));
      },
      onFailed: (task, message) => {
        failed++;
        log(progress.fail(label(task), message));
      },
    });
  } finally {
    writer.close();
  }
  return failed;
}

function lanesFor(options: ExperimentOptions, hooks: ExperimentHooks): number {
  if (hooks.runFunction !== undefined) return 1;
  return options.workers ?? availableParallelism();
}

function executorFactory(hooks: ExperimentHooks): () => Executor {
  const run = hooks.runFunction;
  if (run !== undefined) return () => inProcessExecutor(run);
  const runModule = hooks.runModule ?? defaultRunModule();
  return () => workerExecutor({ runModule, execArgv: hooks.execArgv });
}

/** Formats the command line equivalent to `options`, for config.json and the report. */
export function formatCommand(options: ExperimentOptions): string {
  const parts = ['jacdistill experiment', `--data-dir ${options.dataDir}`];
  if (options.quick) parts.push('--quick');
  if (options.datasets !== null) parts.push(`--datasets ${options.datasets.join(',')}`);
  if (options.lambdas !== null) parts.push(`--lambdas ${options.lambdas.join(',')}`);
  if (options.trials !== null) parts.push(`--trials ${options.trials}`);
  if (options.workers !== null) parts.push(`--workers ${options.workers}`);
  if (options.out !== null) parts.push(`--out ${options.out}`);
  return parts.join(' ');
}
