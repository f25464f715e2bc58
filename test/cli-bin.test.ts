import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'src', 'cli', 'main.js');
const built = existsSync(bin);

if (!built) {
  console.warn(`cli-bin tests skipped: ${bin} does not exist; run npm run build first`);
}

function runBin(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, JACDISTILL_DEBUG: '' },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!built)('built jacdistill bin', () => {
  it('starts with a node shebang', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the version', () => {
    const result = runBin(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });

  it('rejects a negative λ with exit 2', () => {
    const result = runBin(['demo', '--lambda', '-1']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'jacdistill: invalid --lambda value "-1": λ must be a non-negative number, e.g. --lambda 0,0.01\n',
    );
  });

  it('reports a missing data file with exit 2', () => {
    const result = runBin(['distill', '--data', 'no-such-file.csv']);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('no-such-file.csv: file not found');
  });
});
