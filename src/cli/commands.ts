// The command table. Each entry lists its options and runs one command; adding a command is
// adding one entry to COMMANDS.
import { InputError } from '../core/errors.js';
import { loadBostonHousing } from '../data/boston.js';
import { loadCsv } from '../data/csv.js';
import { checkCompatible, type Dataset } from '../data/dataset.js';
import type { DistillOptions, DistillReport } from '../distill/pipeline.js';
import { parseLambdaList, parseSeed, type OptionSpec, type ParsedOptions } from './args.js';
import { formatReport } from './format.js';

/** λ values run when --lambda is not given: no Jacobian penalty, and a light one. */
export const DEFAULT_LAMBDAS: readonly number[] = Object.freeze([0, 0.01]);
export const DEFAULT_SEED = 0;

/** Minimum rows in a --test file: R² needs at least 2 rows. */
const MIN_TEST_ROWS = 2;

export type DistillFn = (
  data: Dataset,
  opts: DistillOptions,
) => DistillReport | Promise<DistillReport>;

/** Services a command runs with: output streams and the lazily loaded pipeline. */
export interface CommandContext {
  /** Writes to standard output (results only). */
  out: (text: string) => void;
  /** Writes one progress line to standard error. */
  log: (line: string) => void;
  /** Loads the distillation pipeline; deferred so that --help and bad options stay fast. */
  loadDistill: () => Promise<DistillFn>;
}

export interface CommandSpec {
  readonly name: string;
  /** One line for the command list in `jacdistill --help`. */
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  run(options: ParsedOptions, ctx: CommandContext): Promise<void>;
}

const DATA: OptionSpec<string> = {
  flag: '--data',
  valueName: 'FILE.csv',
  help: 'CSV file with a header row and only numeric columns',
  parse: (raw) => raw,
  required: true,
};

const TARGET: OptionSpec<string> = {
  flag: '--target',
  valueName: 'COLUMN',
  help: 'name of the column to predict (default: the last column)',
  parse: (raw) => raw,
};

const TEST: OptionSpec<string> = {
  flag: '--test',
  valueName: 'FILE.csv',
  help:
    'fixed test set with the same columns; the --data rows are then split 75/25 into ' +
    'training and validation (default: split --data 60/20/20)',
  parse: (raw) => raw,
};

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
      const dataPath = options.get(DATA);
      if (dataPath === undefined) throw new InputError('missing required option --data');
      const data = loadCsv(dataPath, { target: options.get(TARGET) });
      const testPath = options.get(TEST);
      let test: Dataset | undefined;
      if (testPath !== undefined) {
        // The test set is scaled with training statistics, so a column that happens to be
        // constant in the test rows is fine.
        test = loadCsv(testPath, {
          target: data.targetName,
          minRows: MIN_TEST_ROWS,
          allowConstantFeatures: true,
        });
        checkCompatible(data, test);
      }
      await distillAndPrint(data, test, options, ctx);
    },
  },
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
