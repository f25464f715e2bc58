// Table-driven command-line parsing: each command lists its option specs, and the parser
// turns argv into typed values or throws InputError with a one-line message.
import { InputError } from '../core/errors.js';

/** One `--flag`, with or without a value. */
export interface OptionSpec<T = unknown> {
  /** Long form including the dashes, such as `--lambda`. */
  readonly flag: string;
  /** Placeholder shown in help, such as `X[,Y...]`; null for a switch that takes no value. */
  readonly valueName: string | null;
  /** Help text: what the option sets, in what unit, and its default. */
  readonly help: string;
  /** Converts the raw value (or `''` for a switch); throws InputError when it is invalid. */
  readonly parse: (raw: string) => T;
  /** The command fails with a usage error when a required option is absent. */
  readonly required?: boolean;
}

/** One positional argument, such as the folder in `jacdistill report DIR`. */
export interface PositionalSpec {
  /** Placeholder shown in usage and help, such as `DIR`. */
  readonly name: string;
  /** Help text: what the argument names. */
  readonly help: string;
}

/** Parsed option values and positional arguments of one command line, keyed by their spec. */
export class ParsedOptions {
  private readonly values = new Map<OptionSpec, unknown>();
  private readonly positionals = new Map<PositionalSpec, string>();

  set<T>(spec: OptionSpec<T>, value: T): void {
    this.values.set(spec as OptionSpec, value);
  }

  /** Returns the parsed value, or undefined when the option was not given. */
  get<T>(spec: OptionSpec<T>): T | undefined {
    return this.values.get(spec as OptionSpec) as T | undefined;
  }

  has(spec: OptionSpec): boolean {
    return this.values.has(spec);
  }

  setPositional(spec: PositionalSpec, value: string): void {
    this.positionals.set(spec, value);
  }

  /** Returns the positional argument, or undefined when it was not given. */
  positional(spec: PositionalSpec): string | undefined {
    return this.positionals.get(spec);
  }
}

export interface ParsedCommandLine<C> {
  command: C;
  options: ParsedOptions;
  help: boolean;
}

/** The parts of a command the parser needs. */
export interface ParsableCommand {
  readonly name: string;
  readonly options: readonly OptionSpec[];
  /** Positional arguments, all required, in order; none when omitted. */
  readonly positionals?: readonly PositionalSpec[];
}

/**
 * Parses `argv` (without the node and script paths) against one command, whose name is
 * argv[0]. Accepts `--flag value` and `--flag=value`. A value may start with a single dash
 * (so `--lambda -1` reaches the λ check) but not with `--`. `--help` or `-h` anywhere sets
 * `help`. Arguments that do not start with a dash fill the command's declared positionals in
 * order. Throws InputError on an unknown flag, a flag given twice, a missing value, a positional
 * argument beyond the declared ones, or an absent required option or positional (the last two
 * are not checked when help is requested).
 */
export function parseCommandLine<C extends ParsableCommand>(
  command: C,
  argv: readonly string[],
): ParsedCommandLine<C> {
  const options = new ParsedOptions();
  const byFlag = new Map(command.options.map((spec) => [spec.flag, spec]));
  const positionals = command.positionals ?? [];
  let positionalCount = 0;
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if ((!arg.startsWith('-') || arg === '-') && positionalCount < positionals.length) {
      options.setPositional(positionals[positionalCount++], arg);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (positionals.length > 0) {
        const usage = positionals.map((p) => p.name).join(' ');
        throw new InputError(
          `unexpected argument "${arg}" for ${command.name}; expected ` +
            `jacdistill ${command.name} ${usage} [options]`,
        );
      }
      throw new InputError(
        `unexpected argument "${arg}" for ${command.name}; options start with --, ` +
          `see jacdistill ${command.name} --help`,
      );
    }

    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = byFlag.get(flag);
    if (spec === undefined) {
      const known = command.options.map((s) => s.flag).join(', ');
      throw new InputError(
        `unknown option ${flag} for ${command.name}; valid options: ${known || 'none'}`,
      );
    }
    if (options.has(spec)) {
      throw new InputError(`option ${flag} given twice; give it once`);
    }

    if (spec.valueName === null) {
      if (eq >= 0) {
        throw new InputError(`option ${flag} takes no value, got "${arg.slice(eq + 1)}"`);
      }
      options.set(spec, spec.parse(''));
      continue;
    }

    let raw: string | undefined;
    if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      raw = argv[++i];
    }
    if (raw === undefined || raw === '') {
      throw new InputError(`missing value for ${flag}; expected ${flag} ${spec.valueName}`);
    }
    options.set(spec, spec.parse(raw));
  }

  const absent = command.options.find((spec) => spec.required === true && !options.has(spec));
  if (!help && absent !== undefined) {
    throw new InputError(
      `missing required option ${absent.flag} for ${command.name}; ` +
        `expected jacdistill ${command.name} ${absent.flag} ${absent.valueName ?? ''}`.trimEnd(),
    );
  }
  const missing = positionals[positionalCount];
  if (!help && missing !== undefined) {
    const usage = positionals.map((p) => p.name).join(' ');
    throw new InputError(
      `missing argument ${missing.name} for ${command.name}; ` +
        `expected jacdistill ${command.name} ${usage}`,
    );
  }
  return { command, options, help };
}

/** Builds an InputError for a bad option value: `invalid --flag value "raw": reason`. */
export function invalidValue(flag: string, raw: string, reason: string): InputError {
  return new InputError(`invalid ${flag} value ${JSON.stringify(raw)}: ${reason}`);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a comma-separated list of non-negative finite numbers, each listed once. */
export function parseLambdaList(flag: string, raw: string): number[] {
  const example = `e.g. ${flag} 0,0.01`;
  const values: number[] = [];
  for (const part of raw.split(',')) {
    const text = part.trim();
    const value = Number(text);
    if (!DECIMAL.test(text) || !Number.isFinite(value) || value < 0) {
      throw invalidValue(flag, text, `λ must be a non-negative number, ${example}`);
    }
    // Normalise -0 so that reports print 0.
    const lambda = value === 0 ? 0 : value;
    if (values.includes(lambda)) {
      throw invalidValue(flag, raw, `λ = ${lambda} is listed twice, ${example}`);
    }
    values.push(lambda);
  }
  return values;
}

/** Parses a seed: an integer from 0 to 2^32 − 1. */
export function parseSeed(flag: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 0xffffffff) {
    const reason = `the seed must be an integer from 0 to 4294967295, e.g. ${flag} 1`;
    throw invalidValue(flag, raw, reason);
  }
  return value;
}

/** Parses a positive finite number of seconds, such as a time limit. */
export function parseSeconds(flag: string, raw: string): number {
  const value = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(value) || value <= 0) {
    throw invalidValue(flag, raw, `expected a positive number of seconds, e.g. ${flag} 30`);
  }
  return value;
}
