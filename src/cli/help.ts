// Help text generated from the command table, so it cannot drift from the parser.
import type { OptionSpec } from './args.js';
import type { CommandSpec } from './commands.js';

/** Help lines are wrapped to this many columns. */
const HELP_WIDTH = 80;

/** Help for `jacdistill --help`: usage, the command list and the global flags. */
export function formatMainHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [
    'Usage: jacdistill <command> [options]',
    '',
    'Trains a Jacobian-regularised neural network (the teacher) and distils it into a',
    'readable formula with genetic programming (the student).',
    '',
    'Commands:',
    ...commands.map((c) => indentedEntry(c.name.padEnd(width), c.summary)),
    `  ${'help'.padEnd(width)}  show help for a command: jacdistill help <command>`,
    '',
    'Options:',
    '  --help, -h     show help',
    '  --version      print the version',
    '',
    'Exit codes: 0 success, 1 internal error or failed experiment runs,',
    '2 invalid option or input data.',
    'Set JACDISTILL_DEBUG=1 to print stack traces of internal errors.',
  ];
  return lines.join('\n') + '\n';
}

/** Help for `jacdistill <command> --help`: usage line and one entry per option. */
export function formatCommandHelp(command: CommandSpec): string {
  const positionals = command.positionals ?? [];
  const usage = [...positionals.map((p) => p.name), ...command.options.map(usageOf)];
  const labels = [...positionals.map((p) => p.name), ...command.options.map(labelOf)];
  const width = Math.max(0, ...labels.map((label) => label.length));
  const lines = [
    // Each usage item is one word for wrapping, so `--seed N` is never split across lines.
    ...wrapWords([`Usage: jacdistill ${command.name}`, ...usage], HELP_WIDTH, '  '),
    '',
    ...wrap(`${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`, HELP_WIDTH, ''),
  ];
  if (positionals.length > 0) {
    lines.push('', 'Arguments:');
    lines.push(...positionals.map((p, i) => indentedEntry(labels[i].padEnd(width), p.help)));
  }
  if (command.options.length > 0) {
    lines.push('', 'Options:');
    lines.push(
      ...command.options.map((spec, i) =>
        indentedEntry(labels[positionals.length + i].padEnd(width), spec.help),
      ),
    );
  }
  return lines.join('\n') + '\n';
}

function labelOf(spec: OptionSpec): string {
  return spec.valueName === null ? spec.flag : `${spec.flag} ${spec.valueName}`;
}

function usageOf(spec: OptionSpec): string {
  const label = labelOf(spec);
  return spec.required === true ? label : `[${label}]`;
}

/** `  label  text`, with the text wrapped and continued under its first word. */
function indentedEntry(label: string, text: string): string {
  const prefix = `  ${label}  `;
  const [first, ...more] = wrap(text, HELP_WIDTH - prefix.length, '');
  const hanging = ' '.repeat(prefix.length);
  return [prefix + first, ...more.map((line) => hanging + line)].join('\n');
}

/** Greedy word wrap to `width` columns; continuation lines start with `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  return wrapWords(text.split(' '), width, indent);
}

/** Greedy wrap of `words`, joined by single spaces, to `width` columns. */
function wrapWords(words: readonly string[], width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length > width && line !== '') {
      lines.push(line);
      line = indent + word;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines;
}
