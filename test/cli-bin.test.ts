import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

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

  describe('experiment, report and eval', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jacdistill-bin-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // y = x0 + 2·x1 on an 8 × 8 grid, so every column varies and the fit is easy.
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const lines = ['x0,x1,y'];
    for (let i = 0; i < 64; i++) {
      const [x0, x1] = [i % 8, Math.floor(i / 8)];
      lines.push(`${x0},${x1},${x0 + 2 * x1}`);
    }
    const csv = join(dataDir, 'grid.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);

    it('report without DIR exits 2', () => {
      const result = runBin(['report']);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'jacdistill: missing argument DIR for report; expected jacdistill report DIR\n',
      );
    });

    it('experiment runs in worker threads', () => {
      const out = join(dir, 'out');
      const result = runBin([
        'experiment',
        '--data-dir',
        dataDir,
        '--quick',
        '--lambdas',
        '0,0.1',
        '--trials',
        '1',
        '--workers',
        '1',
        '--out',
        out,
      ]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toContain('[2/2] grid λ=0.1 trial 0');
      expect(existsSync(join(out, 'report.md'))).toBe(true);

      const report = runBin(['report', out]);
      expect(report.status, report.stderr).toBe(0);
      expect(report.stderr).toMatch(/^report: 2 of 2 runs, /);
    });

    it('eval scores an exact formula', () => {
      const result = runBin(['eval', '--formula', 'x0 + 2 * x1', '--data', csv, '--json']);
      expect(result.status, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ r2: 1, mse: 0, rows: 64 });
    });
  });
});
