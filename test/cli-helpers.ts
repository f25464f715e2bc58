// Runs the CLI in-process and captures what it writes, for the command tests.
import { expect } from 'vitest';
import { runCli, type CliDeps } from '../src/cli/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Non-empty lines written to standard error. */
  stderrLines: string[];
}

/**
 * Runs one command line with the given environment (empty by default) and returns its exit
 * code and output.
 */
export async function runCaptured(
  argv: string[],
  deps: CliDeps = {},
  env: Record<string, string> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env,
    },
    deps,
  );
  const stderrLines = stderr.split('\n').filter((line) => line !== '');
  return { code, stdout, stderr, stderrLines };
}

/**
 * Runs argv and checks that it fails as a usage error: exit code 2, no standard output, and
 * one line on standard error, without a stack frame, that contains every part. Returns the line.
 */
export async function expectUsageError(
  argv: string[],
  deps: CliDeps,
  ...parts: string[]
): Promise<string> {
  const result = await runCaptured(argv, deps);
  expect(result.code, `exit code for ${argv.join(' ')}`).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderrLines).toHaveLength(1);
  const line = result.stderrLines[0];
  expect(line.startsWith('jacdistill: ')).toBe(true);
  for (const part of parts) expect(line).toContain(part);
  expect(line).not.toMatch(/\bat .*:\d+:\d+/);
  return line;
}
