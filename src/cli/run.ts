// Entry point shared by the bin and the tests: dispatches argv to a command and maps errors to
// exit codes (0 success, 2 invalid option or input, 1 anything else).
import { InputError } from '../core/errors.js';
import { checkKernelEnvironment } from '../kernels/index.js';
import { parseCommandLine } from './args.js';
import {
  COMMANDS,
  type CommandContext,
  type DistillFn,
  type ExperimentCommands,
} from './commands.js';
import type { SrFn } from './sr-command.js';
import { formatCommandHelp, formatMainHelp } from './help.js';
import { readVersion } from './version.js';

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Environment for JACDISTILL_DEBUG; process.env when omitted. */
  env?: Record<string, string | undefined>;
}

export interface CliDeps {
  /** Replaces the pipeline loader, for example with a fake pipeline in tests. */
  loadDistill?: () => Promise<DistillFn>;
  /** Replaces the experiment runner loader, for example to run tasks in-process in tests. */
  loadExperiment?: () => Promise<ExperimentCommands>;
  /** Replaces the loader of sr's fitting function, for example with a small GP budget. */
  loadSr?: () => Promise<SrFn>;
}

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

/**
 * Runs one command line (argv without the node and script paths) and returns the exit code.
 * Writes results to io.stdout, progress and errors to io.stderr; every error is one line.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  deps: CliDeps = {},
): Promise<number> {
  try {
    return await dispatch(argv, io, deps);
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr.write(`jacdistill: ${oneLine(err.message)}\n`);
      return EXIT_USAGE;
    }
    const env = io.env ?? process.env;
    const message = err instanceof Error ? err.message : String(err);
    if (env.JACDISTILL_DEBUG === '1' && err instanceof Error && err.stack !== undefined) {
      io.stderr.write(`jacdistill: internal error: ${oneLine(message)}\n${err.stack}\n`);
    } else {
      io.stderr.write(
        `jacdistill: internal error: ${oneLine(message)} ` +
          `(set JACDISTILL_DEBUG=1 to print the stack trace)\n`,
      );
    }
    return EXIT_INTERNAL;
  }
}

async function dispatch(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw new InputError('missing command; run jacdistill --help for the list of commands');
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(helpFor(rest[0]));
    return EXIT_OK;
  }
  if (first === '--version') {
    io.stdout.write(`${readVersion()}\n`);
    return EXIT_OK;
  }

  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    const names = [...COMMANDS.map((c) => c.name), 'help'].join(', ');
    const kind = first.startsWith('-') ? 'option before the command' : 'command';
    throw new InputError(`unknown ${kind} "${first}"; expected one of: ${names}`);
  }

  const parsed = parseCommandLine(command, rest);
  if (parsed.help) {
    io.stdout.write(formatCommandHelp(command));
    return EXIT_OK;
  }
  checkKernelEnvironment(io.env ?? process.env);
  const ctx: CommandContext = {
    out: (text) => io.stdout.write(text),
    log: (line) => io.stderr.write(`${line}\n`),
    loadDistill: deps.loadDistill ?? loadPipeline,
    loadExperiment: deps.loadExperiment ?? loadExperimentRunner,
    loadSr: deps.loadSr ?? loadSrFit,
  };
  const code = await command.run(parsed.options, ctx);
  return code ?? EXIT_OK;
}

function helpFor(commandName: string | undefined): string {
  if (commandName === undefined || commandName === 'help') return formatMainHelp(COMMANDS);
  const command = COMMANDS.find((c) => c.name === commandName);
  if (command === undefined) {
    const names = COMMANDS.map((c) => c.name).join(', ');
    throw new InputError(`no help for unknown command "${commandName}"; commands: ${names}`);
  }
  return formatCommandHelp(command);
}

async function loadPipeline(): Promise<DistillFn> {
  const pipeline = await import('../distill/pipeline.js');
  return pipeline.distill;
}

async function loadExperimentRunner(): Promise<ExperimentCommands> {
  const runner = await import('../experiment/index.js');
  return {
    experimentCommand: (options, log) => runner.experimentCommand(options, { log }),
    reportCommand: (dir, log) => runner.reportCommand(dir, log),
  };
}

async function loadSrFit(): Promise<SrFn> {
  const sr = await import('../distill/sr.js');
  return sr.fitSr;
}

/** Joins a multi-line message into one line, so each error is exactly one stderr line. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
