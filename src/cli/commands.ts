// The command table. Each entry lists its options and runs one command; adding a command is
// adding one entry to COMMANDS.
import { InputError } from '../core/errors.js';
import { loadBostonHousing } from '../data/boston.js';
import type { Dataset } from '../data/dataset.js';
import type { DistillOptions, DistillReport } from '../distill/pipeline.js';
import {
  EXPERIMENT_FLAGS,
  validateExperimentOptions,
  type ExperimentOptions,
  type RawExperimentOptions,
} from '../experiment/options.js';
import {
  parseLambdaList,
  parseSeed,
  type OptionSpec,
  type ParsedOptions,
  type PositionalSpec,
} from './args.js';
import { BENCH_COMMAND } from './bench-command.js';
import { formatReport } from './format.js';
import { EVAL_COMMAND } from './eval-command.js';
import { DATA, DEFAULT_SEED, loadDataFiles, TARGET, TEST } from './options.js';
import { SR_COMMAND, type SrFn } from './sr-command.js';

export { DEFAULT_SEED };

/** λ values run when --lambda is not given: no Jacobian penalty, and a light one. */
export const DEFAULT_LAMBDAS: readonly number[] = Object.freeze([0, 0.01]);

export type DistillFn = (
  data: Dataset,
  opts: DistillOptions,
) => DistillReport | Promise<DistillReport>;

/** The experiment runner's two commands, as the CLI calls them. */
export interface ExperimentCommands {
  /** Runs the study; resolves to 0, or 1 when some runs failed. */
  experimentCommand: (options: ExperimentOptions, log: (line: string) => void) => Promise<number>;
  /** Writes the report files of an experiment folder; returns the exit code. */
  reportCommand: (dir: string, log: (line: string) => void) => number;
}

/** Services a command runs with: output streams and the lazily loaded heavy modules. */
export interface CommandContext {
  /** Writes to standard output (results only). */
  out: (text: string) => void;
  /** Writes one progress line to standard error. */
  log: (line: string) => void;
  /** Loads the distillation pipeline; deferred so that --help and bad options stay fast. */
  loadDistill: () => Promise<DistillFn>;
  /** Loads the experiment runner, deferred for the same reason. */
  loadExperiment: () => Promise<ExperimentCommands>;
  /** Loads symbolic regression without a teacher, deferred for the same reason. */
  loadSr: () => Promise<SrFn>;
}

export interface CommandSpec {
  readonly name: string;
  /** One line for the command list in `jacdistill --help`. */
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  readonly positionals?: readonly PositionalSpec[];
  /** Runs the command; resolves to its exit code, or to nothing for exit code 0. */
  run(options: ParsedOptions, ctx: CommandContext): Promise<number | void>;
}

const LAMBDA: OptionSpec<number[]> = {
  flag: '--lambda',
  valueName: 'X[,Y...]',
  help:
    'comma-separated Jacobian penalty weights λ ≥ 0; one teacher and one student per value ' +
    `(default: ${DEFAULT_LAMBDAS.join(',')})`,
  parse: (raw) => parseLambdaList('--lambda', raw),
};

const SEED: OptionSpec<number> = {
  flag: '--seed',
  valueName: 'N',
  help: `integer seed for the split, the teacher and the student (default: ${DEFAULT_SEED})`,
  parse: (raw) => parseSeed('--seed', raw),
};

const JSON_OUTPUT: OptionSpec<boolean> = {
  flag: '--json',
  valueName: null,
  help:
    'print the report as one JSON document on stdout instead of a table ' +
    '(a figure that is not finite, such as a NaN R², is written as null)',
  parse: () => true,
};

/** An experiment flag as an option spec, with the RawExperimentOptions key it fills. */
type ExperimentOption = readonly [OptionSpec<string | boolean>, keyof RawExperimentOptions];

/** The experiment's flags; values stay text until validateExperimentOptions checks them. */
const EXPERIMENT_OPTIONS: readonly ExperimentOption[] = EXPERIMENT_FLAGS.map((flag) => {
  const spec: OptionSpec<string | boolean> = {
    flag: flag.flag,
    valueName: flag.valueName,
    help: flag.help,
    parse: flag.valueName === null ? () => true : (raw) => raw,
    required: flag.key === 'dataDir',
  };
  return [spec, flag.key] as const;
});

const EXPERIMENT_DIR: PositionalSpec = {
  name: 'DIR',
  help: 'output folder of jacdistill experiment (its --out), with config.json and runs.jsonl',
};

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'demo',
    summary: 'distil a model of the Boston house prices (506 rows, 12 features, target medv)',
    options: [LAMBDA, SEED, JSON_OUTPUT],
    run: async (options, ctx) => {
      await distillAndPrint(loadBostonHousing(), undefined, options, ctx);
    },
  },
  {
    name: 'distill',
    summary: 'train a Jacobian-regularised teacher on a CSV file and distil it into a formula',
    options: [DATA, TARGET, TEST, LAMBDA, SEED, JSON_OUTPUT],
    run: async (options, ctx) => {
      const { data, test } = loadDataFiles(options);
      await distillAndPrint(data, test, options, ctx);
    },
  },
  {
    name: 'experiment',
    summary:
      'run the λ study: teachers and students on every CSV file of a folder over repeated ' +
      'random splits, then write the report',
    options: EXPERIMENT_OPTIONS.map(([spec]) => spec),
    run: async (options, ctx) => {
      const raw: Record<string, string | boolean> = {};
      for (const [spec, key] of EXPERIMENT_OPTIONS) {
        const value = options.get(spec);
        if (value !== undefined) raw[key] = value;
      }
      const validated = validateExperimentOptions(raw as RawExperimentOptions);
      const experiment = await ctx.loadExperiment();
      return experiment.experimentCommand(validated, ctx.log);
    },
  },
  {
    name: 'report',
    summary:
      'rewrite report.md, report.json and the plots of an experiment folder from its runs, ' +
      'for example while the experiment is still running',
    options: [],
    positionals: [EXPERIMENT_DIR],
    run: async (options, ctx) => {
      const dir = options.positional(EXPERIMENT_DIR);
      if (dir === undefined) throw new InputError('missing argument DIR for report');
      const experiment = await ctx.loadExperiment();
      return experiment.reportCommand(dir, ctx.log);
    },
  },
  SR_COMMAND,
  EVAL_COMMAND,
  BENCH_COMMAND,
];

async function distillAndPrint(
  data: Dataset,
  test: Dataset | undefined,
  options: ParsedOptions,
  ctx: CommandContext,
): Promise<void> {
  const distill = await ctx.loadDistill();
  const report = await distill(data, {
    lambdas: options.get(LAMBDA) ?? [...DEFAULT_LAMBDAS],
    seed: options.get(SEED) ?? DEFAULT_SEED,
    test,
    log: ctx.log,
  });
  if (options.get(JSON_OUTPUT) === true) {
    ctx.out(JSON.stringify(report, null, 2) + '\n');
  } else {
    ctx.out(formatReport(report));
  }
}
