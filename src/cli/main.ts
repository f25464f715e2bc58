#!/usr/bin/env node
// The `jacdistill` executable.
import { runCli } from './run.js';

// A closed pipe on stdout (as in `jacdistill demo | head -1`) ends the output quietly. Any
// other write error (a full disk, say) ends the program with one line and exit code 1.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') return;
  process.stderr.write(`jacdistill: cannot write the output: ${err.message}\n`);
  process.exit(1);
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
