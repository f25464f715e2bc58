#!/usr/bin/env node
// The `jacdistill` executable.
import { runCli } from './run.js';

// A closed pipe on stdout (as in `jacdistill demo | head -1`) ends the output, not the program
// with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
