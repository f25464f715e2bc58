// `jacdistill bench`: times the W1 training steps, the matmul kernel and the GP evaluator on
// this machine. The benchmark code is loaded only when the command runs, so other commands
// start without it.
import type { OptionSpec } from './args.js';
import type { CommandSpec } from './commands.js';

const QUICK: OptionSpec<boolean> = {
  flag: '--quick',
  valueName: null,
  help: 'short runs (Benchmark.js maxTime 0.05 s per case) for a smoke test; figures are rough',
  parse: () => true,
};

const W2_DIR: OptionSpec<string> = {
  flag: '--w2',
  valueName: 'DIR',
  help:
    'folder with the W2 workload files (w2_programs.json and ' +
    'w2_reference_rows{1000,10000}.json); the GP figure then comes from its fixed programs, ' +
    'checked against its reference sums, and the exit code is 1 when the check fails ' +
    '(default: 500 random programs of 15–31 nodes)',
  parse: (raw) => raw,
};

const JSON_OUTPUT: OptionSpec<boolean> = {
  flag: '--json',
  valueName: null,
  help:
    'print the figures as one JSON document on stdout instead of a table: w1, matmulGflops, ' +
    'gpNodeRowsPerSec, gpWorkload, machine, quick and the per-case details',
  parse: () => true,
};

export const BENCH_COMMAND: CommandSpec = {
  name: 'bench',
  summary:
    'time one MLP training step (plain and Jacobian-regularised, two sizes), the 256³ matmul ' +
    'kernel and the GP evaluator on one thread',
  options: [QUICK, W2_DIR, JSON_OUTPUT],
  run: async (options, ctx) => {
    // The path is relative to this file in src/cli and in dist/src/cli alike.
    const bench = await import('../../bench/index.js');
    const report = await bench.runBenchmarks({
      quick: options.get(QUICK) === true,
      w2Dir: options.get(W2_DIR),
      log: ctx.log,
    });
    if (options.get(JSON_OUTPUT) === true) {
      ctx.out(JSON.stringify(report, null, 2) + '\n');
    } else {
      ctx.out(bench.formatBenchTable(report));
    }

    const failures = bench.w2Failures(report);
    for (const line of failures) ctx.log(`jacdistill: ${line}`);
    return failures.length > 0 ? 1 : 0;
  },
};
