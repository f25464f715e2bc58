// `npm run bench`: every suite, including the scalar WebAssembly build, the TypeScript
// reference and the projection estimator, printed as one table on stdout (progress on stderr).
// Run after `npm run build`: node dist/bench/run.js [--quick] [--w2 DIR]
// Exit codes: 0 success, 1 a failed W2 sum check or an error while timing, 2 invalid arguments.
import { pathToFileURL } from 'node:url';
import { InputError } from '../src/core/errors.js';
import { formatBenchTable, runBenchmarks, w2Failures } from './index.js';

const USAGE = 'usage: node dist/bench/run.js [--quick] [--w2 DIR]';

export interface RunArgs {
  quick: boolean;
  w2Dir?: string;
  help: boolean;
}

/** Parses the script's arguments. Throws InputError for an unknown argument or a missing value. */
export function parseRunArgs(argv: readonly string[]): RunArgs {
  const args: RunArgs = { quick: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      args.help = true;
    } else if (arg === '--quick') {
      args.quick = true;
    } else if (arg === '--w2') {
      const dir = argv[i + 1];
      if (dir === undefined || dir.startsWith('--')) {
        throw new InputError(`missing value for --w2; ${USAGE}`);
      }
      args.w2Dir = dir;
      i++;
    } else {
      throw new InputError(`unknown argument "${arg}"; ${USAGE}`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRunArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(
      `${USAGE}\n  --quick   short runs (0.05 s per case) for a smoke test; figures are rough\n` +
        '  --w2 DIR  take the GP figures from the W2 workload files in DIR\n',
    );
    return 0;
  }

  try {
    const report = await runBenchmarks({
      quick: args.quick,
      w2Dir: args.w2Dir,
      compare: true,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(formatBenchTable(report));
    const failures = w2Failures(report);
    for (const line of failures) process.stderr.write(`bench: ${line}\n`);
    return failures.length > 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    return 2;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
