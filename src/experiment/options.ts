// Options of `jacdistill experiment`: the flag table (for help text), a parser of the raw
// strings, and the validation that turns them into ExperimentOptions or a one-line InputError.
import { InputError } from '../core/errors.js';

/** Validated options; null means "take the preset's value" (or one worker per core). */
export interface ExperimentOptions {
  dataDir: string;
  /** File stems to run, in the given order; null for the preset's selection. */
  datasets: string[] | null;
  /** Sorted ascending and always containing 0. */
  lambdas: number[] | null;
  trials: number | null;
  workers: number | null;
  /** Output folder; null for `jacdistill-experiment-<preset>` in the working directory. */
  out: string | null;
  resume: boolean;
  quick: boolean;
}

/** Option values as text, keyed like ExperimentOptions; switches are booleans. */
export interface RawExperimentOptions {
  dataDir?: string;
  datasets?: string;
  lambdas?: string;
  trials?: string;
  workers?: string;
  out?: string;
  resume?: boolean;
  quick?: boolean;
}

export interface ExperimentFlag {
  flag: string;
  key: keyof RawExperimentOptions;
  /** Placeholder in help text; null for a switch. */
  valueName: string | null;
  help: string;
}

export const EXPERIMENT_FLAGS: readonly ExperimentFlag[] = [
  {
    flag: '--data-dir',
    key: 'dataDir',
    valueName: 'DIR',
    help: 'folder of CSV files, target in the last column (required)',
  },
  {
    flag: '--datasets',
    key: 'datasets',
    valueName: 'A,B,...',
    help: 'file names without .csv to run (default: every CSV; --quick: the 3 smallest)',
  },
  {
    flag: '--lambdas',
    key: 'lambdas',
    valueName: 'X,Y,...',
    help:
      'Jacobian penalty weights λ, must include 0 ' +
      '(default 0,1e-4,1e-3,1e-2,1e-1,1; --quick: 0,1e-3,1e-1)',
  },
  {
    flag: '--trials',
    key: 'trials',
    valueName: 'N',
    help: 'random splits per dataset (default 10; --quick: 2)',
  },
  {
    flag: '--workers',
    key: 'workers',
    valueName: 'N',
    help: 'runs executed in parallel worker threads (default: one per CPU core)',
  },
  {
    flag: '--out',
    key: 'out',
    valueName: 'DIR',
    help:
      'output folder for runs.jsonl, config.json and the report ' +
      '(default jacdistill-experiment-full, or jacdistill-experiment-quick with --quick)',
  },
  {
    flag: '--resume',
    key: 'resume',
    valueName: null,
    help: 'continue an interrupted experiment in --out, skipping finished runs',
  },
  {
    flag: '--quick',
    key: 'quick',
    valueName: null,
    help: 'small preset that finishes in a few minutes',
  },
];

/**
 * Parses the arguments after `experiment` (`--flag value` or `--flag=value`) into raw values.
 * Throws InputError for an unknown flag, a repeated flag, a missing value or a stray argument.
 */
export function parseExperimentArgs(argv: readonly string[]): RawExperimentOptions {
  const raw: RawExperimentOptions = {};
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = EXPERIMENT_FLAGS.find((f) => f.flag === name);
    if (spec === undefined) {
      const known = EXPERIMENT_FLAGS.map((f) => f.flag).join(', ');
      throw new InputError(`experiment: unknown argument "${arg}"; valid options: ${known}`);
    }
    if (seen.has(name))
      throw new InputError(`experiment: option ${name} given twice; give it once`);
    seen.add(name);

    if (spec.valueName === null) {
      if (eq >= 0) throw new InputError(`experiment: option ${name} takes no value, got "${arg}"`);
      (raw as Record<string, unknown>)[spec.key] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') {
      throw new InputError(
        `experiment: missing value for ${name}; expected ${name} ${spec.valueName}`,
      );
    }
    (raw as Record<string, unknown>)[spec.key] = value;
  }
  return raw;
}

/** Validates raw option values; throws InputError naming the flag and the bad value. */
export function validateExperimentOptions(raw: RawExperimentOptions): ExperimentOptions {
  if (raw.dataDir === undefined || raw.dataDir.trim() === '') {
    throw new InputError(
      'experiment: missing --data-dir; give the folder of CSV files, e.g. --data-dir data',
    );
  }
  return {
    dataDir: raw.dataDir,
    datasets: raw.datasets === undefined ? null : parseNameList(raw.datasets),
    lambdas: raw.lambdas === undefined ? null : parseLambdas(raw.lambdas),
    trials: raw.trials === undefined ? null : parseCount('--trials', raw.trials, 1, 1000),
    workers: raw.workers === undefined ? null : parseCount('--workers', raw.workers, 1, 256),
    out: raw.out === undefined ? null : raw.out,
    resume: raw.resume === true,
    quick: raw.quick === true,
  };
}

function invalid(flag: string, value: string, reason: string): InputError {
  return new InputError(`experiment: invalid ${flag} value ${JSON.stringify(value)}: ${reason}`);
}

function parseNameList(text: string): string[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw invalid(
      '--datasets',
      text,
      'expected comma-separated file names without .csv, e.g. --datasets airfoil,concrete',
    );
  }
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw invalid('--datasets', text, `"${repeated}" is listed twice`);
  return names;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseLambdas(text: string): number[] {
  const lambdas: number[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    const value = Number(item);
    if (!DECIMAL.test(item) || !Number.isFinite(value) || value < 0) {
      throw invalid(
        '--lambdas',
        text,
        `λ must be a non-negative number, got "${item}"; e.g. --lambdas 0,1e-3,1e-1`,
      );
    }
    const lambda = value === 0 ? 0 : value;
    if (lambdas.includes(lambda)) throw invalid('--lambdas', text, `λ = ${lambda} is listed twice`);
    lambdas.push(lambda);
  }
  if (!lambdas.includes(0)) {
    throw invalid(
      '--lambdas',
      text,
      'the list must include 0, the unpenalised baseline; e.g. --lambdas 0,1e-3',
    );
  }
  if (lambdas.length < 2) {
    throw invalid(
      '--lambdas',
      text,
      'expected 0 and at least one positive λ; e.g. --lambdas 0,1e-3',
    );
  }
  return lambdas.sort((a, b) => a - b);
}

function parseCount(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw invalid(flag, text, `expected an integer from ${min} to ${max}`);
  }
  return value;
}
