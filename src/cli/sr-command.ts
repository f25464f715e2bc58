// `jacdistill sr`: symbolic regression on the data alone, the baseline for distill.
import type { Dataset } from '../data/dataset.js';
import type { SrOptions, SrReport } from '../distill/sr.js';
import { parseSeconds, parseSeed, type OptionSpec } from './args.js';
import type { CommandSpec } from './commands.js';
import { formatSrReport } from './format-sr.js';
import { DATA, DEFAULT_SEED, loadDataFiles, TARGET, TEST } from './options.js';

export type SrFn = (data: Dataset, opts: SrOptions) => SrReport | Promise<SrReport>;

const SEED: OptionSpec<number> = {
  flag: '--seed',
  valueName: 'N',
  help:
    'integer seed for the split and the GP; distill with the same seed uses the same split ' +
    `(default: ${DEFAULT_SEED})`,
  parse: (raw) => parseSeed('--seed', raw),
};

const TIME_LIMIT: OptionSpec<number> = {
  flag: '--time-limit',
  valueName: 'SECONDS',
  help:
    'wall-clock budget of the GP in seconds; it stops after the first generation that ends ' +
    'past it (default: no limit, at most 60 generations)',
  parse: (raw) => parseSeconds('--time-limit', raw),
};

const JSON_OUTPUT: OptionSpec<boolean> = {
  flag: '--json',
  valueName: null,
  help:
    'print the result as one JSON document on stdout instead of the summary, with the ' +
    'Pareto front and the formula as LaTeX, JavaScript and sympy (a figure that is not ' +
    'finite is written as null)',
  parse: () => true,
};

export const SR_COMMAND: CommandSpec = {
  name: 'sr',
  summary:
    'fit a formula to a CSV file by genetic programming alone, without a teacher, ' +
    'as the baseline for distill (same split, at most 2000 training rows)',
  options: [DATA, TARGET, TEST, SEED, TIME_LIMIT, JSON_OUTPUT],
  run: async (options, ctx) => {
    const { data, test } = loadDataFiles(options);
    const sr = await ctx.loadSr();
    const report = await sr(data, {
      seed: options.get(SEED) ?? DEFAULT_SEED,
      test,
      timeLimitSeconds: options.get(TIME_LIMIT),
      log: ctx.log,
    });
    if (options.get(JSON_OUTPUT) === true) {
      ctx.out(JSON.stringify(report, null, 2) + '\n');
    } else {
      ctx.out(formatSrReport(report));
    }
  },
};
