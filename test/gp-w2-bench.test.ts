// The W2 benchmark harness on a small workload written to a temporary directory: programs are
// parsed from postfix tokens, sums are checked against reference sums, and a wrong reference
// is reported as a mismatch.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { jsKernels } from '../src/kernels/js/index.js';
import { illConditioned, loadW2Programs, runW2, w2Data } from '../bench/w2.js';

const PROGRAMS = [
  ['X0', 'X1', 'mul', 'sin'],
  ['X2', 0.5, 'add', 'log', 'X3', 'sqrt', 'div'],
  ['X4', 'exp', 'X5', 'cos', 'sub'],
  // sin of e^100 ≈ 2.7e43: one ulp of the argument changes the result completely.
  [100, 'exp', 'X6', 'mul', 'sin'],
];

function referenceSums(nRows: number): number[] {
  const dir = workloadDir([]);
  const { batch } = loadW2Programs(dir);
  const out = jsKernels.createGpEvaluator(w2Data(nRows), nRows, 8).evaluate(batch);
  return PROGRAMS.map((_, q) => {
    let sum = 0;
    for (let i = q * nRows; i < (q + 1) * nRows; i++) if (Number.isFinite(out[i])) sum += out[i];
    return sum;
  });
}

const dirs: string[] = [];

/** A workload directory with PROGRAMS and the given reference sums for both row counts. */
function workloadDir(sums: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'w2-'));
  dirs.push(dir);
  const programs = PROGRAMS.map((postfix) => ({ postfix }));
  writeFileSync(join(dir, 'w2_programs.json'), JSON.stringify({ programs }));
  for (const rows of [1000, 10000]) {
    const file = { rows, per_program_sum_of_finite_outputs: sums };
    writeFileSync(join(dir, `w2_reference_rows${rows}.json`), JSON.stringify(file));
  }
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('W2 benchmark harness', () => {
  test('data rows are uniform in [-2, 2)', () => {
    const x = w2Data(1000);
    expect(x.length).toBe(8000);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...x)).toBeLessThan(2);
    // The 1,000-row set is the first 1,000 rows of the 10,000-row set, column by column.
    const big = w2Data(10000);
    expect(Array.from(big.subarray(3 * 10000, 3 * 10000 + 1000))).toEqual(
      Array.from(x.subarray(3000, 4000)),
    );
  });

  test('flags only the ill-conditioned program', () => {
    const { batch } = loadW2Programs(workloadDir([]));
    expect(illConditioned(batch, w2Data(1000), 1000)).toEqual([false, false, false, true]);
  });

  test('matching sums pass and a wrong one is counted', () => {
    // The sums differ between 1,000 and 10,000 rows, so each file needs its own.
    const small = referenceSums(1000);
    const dir = workloadDir(small);
    writeFileSync(
      join(dir, 'w2_reference_rows10000.json'),
      JSON.stringify({ rows: 10000, per_program_sum_of_finite_outputs: referenceSums(10000) }),
    );
    const results = runW2(dir, { evaluators: ['release', 'js'], passes: 1, warmupPasses: 0 });
    expect(results.map((r) => [r.evaluator, r.rows])).toEqual([
      ['release', 1000],
      ['js', 1000],
      ['release', 10000],
      ['js', 10000],
    ]);
    for (const r of results) {
      expect(r.mismatches, `${r.evaluator} ${r.rows}`).toBe(0);
      expect(r.illConditioned).toBe(1);
      expect(r.nodeRowsPerSec).toBeGreaterThan(0);
    }

    const wrong = workloadDir(small.map((s, q) => (q === 0 ? s * (1 + 1e-6) : s)));
    const [first] = runW2(wrong, { evaluators: ['js'], passes: 1, warmupPasses: 0 });
    expect(first.mismatches).toBe(1);
  });
});
