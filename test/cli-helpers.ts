// Runs the CLI in-process and captures what it writes, for the command tests.
import { runCli, type CliDeps } from '../src/cli/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  /** Non-empty lines written to standard error. */
  stderrLines: string[];
}

/** Runs one command line with an empty environment and returns its exit code and output. */
export async function runCaptured(argv: string[], deps: CliDeps = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: {},
    },
    deps,
  );
  return { code, stdout, stderrLines: stderr.split('\n').filter((line) => line !== '') };
}
