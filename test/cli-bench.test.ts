import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBenchTable, type BenchReport } from '../bench/index.js';
import { runW2Gp } from '../bench/w2-figure.js';
import { defaultVariant } from '../src/kernels/wasm-module.js';
import { runCaptured, type CliResult } from './cli-helpers.js';

const run = runCaptured;

const dir = mkdtempSync(join(tmpdir(), 'jacdistill-cli-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectPositiveFinite(value: unknown, label: string): void {
  expect(typeof value, label).toBe('number');
  expect(Number.isFinite(value), `${label} = ${value} is finite`).toBe(true);
  expect(value as number, label).toBeGreaterThan(0);
}

describe('bench --quick --json', () => {
  let result: CliResult;
  let report: BenchReport;

  beforeAll(async () => {
    result = await run(['bench', '--quick', '--json']);
    report = JSON.parse(result.stdout) as BenchReport;
  }, 60_000);

  it('exits 0 with one JSON document on stdout', () => {
    expect(result.code).toBe(0);
    expect(result.stdout.trim().startsWith('{')).toBe(true);
    expect(() => JSON.parse(result.stdout)).not.toThrow();
  });

  it('writes progress to stderr only', () => {
    expect(result.stderrLines.some((line) => line.startsWith('bench: W1'))).toBe(true);
    expect(result.stderrLines.some((line) => line.startsWith('w1: small plain'))).toBe(true);
  });

  it('reports W1 for both sizes', () => {
    expect(report.w1.map((r) => r.size)).toEqual(['small', 'medium']);
    expect(report.w1.map((r) => [r.nInputs, r.hidden, r.batch])).toEqual([
      [8, 64, 256],
      [16, 256, 1024],
    ]);
    for (const r of report.w1) {
      const keys = ['plainStepUs', 'regStepUs', 'ratio', 'plainSamples', 'regSamples'] as const;
      for (const key of keys) expectPositiveFinite(r[key], `w1 ${r.size} ${key}`);
      expect(r.ratio).toBeCloseTo(r.regStepUs / r.plainStepUs, 12);
    }
  });

  it('reports fastest and release builds', () => {
    expectPositiveFinite(report.matmulGflops, 'matmulGflops');
    expectPositiveFinite(report.gpNodeRowsPerSec, 'gpNodeRowsPerSec');
    expect(report.gpWorkload).toBe('random');
    expect(report.quick).toBe(true);
    expect(report.wasmBuild).toBe(defaultVariant());
    const fastest = `wasm-${report.wasmBuild}`;
    expect(report.matmul.some((r) => r.backend === 'wasm-release')).toBe(true);

    const matmul = report.matmul.find((r) => r.backend === fastest);
    expect(matmul?.size).toBe(256);
    expect(matmul?.gflops).toBe(report.matmulGflops);
    // 2 · 256³ flops per call.
    expect(matmul?.gflops).toBeCloseTo((2 * 256 ** 3) / (matmul!.medianUs * 1e-6) / 1e9, 6);

    const gp = report.gp.find((r) => r.backend === fastest);
    expect(gp?.workload).toBe('random');
    expect([gp?.rows, gp?.features]).toEqual([10_000, 8]);
    expect(gp?.nodeRowsPerSec).toBe(report.gpNodeRowsPerSec);
    expect(gp?.check).toBeUndefined();
  });

  it('records the machine', () => {
    const { machine } = report;
    expect(typeof machine.cpuModel).toBe('string');
    expect(machine.cpuModel.length).toBeGreaterThan(0);
    expectPositiveFinite(machine.cores, 'machine.cores');
    expect(machine.nodeVersion).toBe(process.version);
    expect(machine.loadAverage).toHaveLength(3);
    for (const load of machine.loadAverage) expect(Number.isFinite(load) && load >= 0).toBe(true);
  });

  it('formats the same report as a table', () => {
    const text = formatBenchTable(report);
    const lines = text.split('\n');
    const heading = /^benchmark\s+median\s+ops\/s\s+samples\s+derived$/;
    expect(lines.some((line) => heading.test(line))).toBe(true);
    expect(text).toMatch(/W1 small \(d 8, h 64, batch 256\) regularised .* reg\/plain \d+\.\d\d/);
    expect(text).toMatch(/W1 medium \(d 16, h 256, batch 1024\) plain/);
    expect(text).toMatch(/matmul 256³ wasm-release .* \d+\.\d\d GFLOP\/s/);
    expect(text).toMatch(/GP random 10000 rows wasm-release .* node·rows\/s/);
    expect(text).toContain(machineLine(report));
  });
});

function machineLine(report: BenchReport): string {
  const { cpuModel, cores, nodeVersion } = report.machine;
  return `${cpuModel}, ${cores} cores, node ${nodeVersion}`;
}

describe('bench options', () => {
  it('help lists the options', async () => {
    const result = await run(['bench', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--quick', '--w2 DIR', '--json']) expect(result.stdout).toContain(flag);
  });

  it('main help lists the command', async () => {
    const result = await run(['--help']);
    expect(result.stdout).toMatch(/^\s+bench\s+time one MLP training step/m);
  });

  const emptyDir = join(dir, 'empty');
  mkdirSync(emptyDir);
  const cases: [string, string[], string][] = [
    ['unknown option', ['bench', '--fast'], 'unknown option --fast for bench'],
    ['switch given a value', ['bench', '--quick=yes'], 'option --quick takes no value'],
    ['missing --w2 value', ['bench', '--w2'], 'missing value for --w2'],
    ['missing folder', ['bench', '--quick', '--w2', join(dir, 'nowhere')], 'folder not found'],
    ['folder without files', ['bench', '--quick', '--w2', emptyDir], 'w2_programs.json'],
    ['stray argument', ['bench', 'quick'], 'unexpected argument "quick"'],
  ];
  for (const [name, argv, message] of cases) {
    it(`${name} exits 2 before timing`, async () => {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderrLines).toHaveLength(1);
      expect(result.stderrLines[0]).toMatch(/^jacdistill: /);
      expect(result.stderrLines[0]).toContain(message);
    });
  }
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'src', 'cli', 'main.js');

describe.skipIf(!existsSync(bin))('built bin', () => {
  // The folder is checked after the benchmark modules are loaded, so this exit 2 shows that
  // dist/src/cli finds dist/bench.
  it('loads the benchmark modules', () => {
    const emptyDir = join(dir, 'bin-empty');
    mkdirSync(emptyDir);
    const result = spawnSync(process.execPath, [bin, 'bench', '--quick', '--w2', emptyDir], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toContain('the W2 workload files');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
  });
});

/** W2 data x[j · nRows + i] = 4 · u(8i + j) − 2, with u(n) from splitmix64 with seed 3. */
function w2Column(nRows: number, j: number): number[] {
  const mask = (1n << 64n) - 1n;
  const column: number[] = [];
  for (let i = 0; i < nRows; i++) {
    let z = (3n + (BigInt(8 * i + j) + 1n) * 0x9e3779b97f4a7c15n) & mask;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    z ^= z >> 31n;
    column.push(4 * (Number(z >> 11n) * 2 ** -53) - 2);
  }
  return column;
}

/** Small W2-format programs, each with its value on one row of the eight features. */
const W2_PROGRAMS: { postfix: (string | number)[]; value: (x: number[]) => number }[] = [
  { postfix: ['X0', 'X1', 'add'], value: (x) => x[0] + x[1] },
  { postfix: ['X2', 'sin', 'X3', 'mul'], value: (x) => Math.sin(x[2]) * x[3] },
  { postfix: ['X4', 0.5, 'div', 'X5', 'sub'], value: (x) => x[4] / 0.5 - x[5] },
  {
    postfix: ['X6', 'sqrt', 'X7', 'cos', 'add'],
    value: (x) => Math.sqrt(Math.abs(x[6])) + Math.cos(x[7]),
  },
  { postfix: ['X1', 'exp', 'X2', 'mul'], value: (x) => Math.exp(x[1]) * x[2] },
];

/** Writes a W2 folder for W2_PROGRAMS; `scale` multiplies the first program's reference sums. */
function writeW2Dir(name: string, scale = 1): string {
  const w2Dir = join(dir, name);
  mkdirSync(w2Dir);
  writeFileSync(
    join(w2Dir, 'w2_programs.json'),
    JSON.stringify({ programs: W2_PROGRAMS.map((p) => ({ postfix: p.postfix })) }),
  );
  for (const nRows of [1000, 10000]) {
    const columns = Array.from({ length: 8 }, (_, j) => w2Column(nRows, j));
    const sums = W2_PROGRAMS.map((program) => {
      let sum = 0;
      for (let i = 0; i < nRows; i++) sum += program.value(columns.map((c) => c[i]));
      return sum;
    });
    sums[0] *= scale;
    writeFileSync(
      join(w2Dir, `w2_reference_rows${nRows}.json`),
      JSON.stringify({ per_program_sum_of_finite_outputs: sums }),
    );
  }
  return w2Dir;
}

describe('W2 GP figure', () => {
  it('times the release evaluator on both row counts', async () => {
    const results = await runW2Gp(writeW2Dir('w2-good'), ['wasm-release'], { quick: true });
    expect(results.map((r) => r.rows).sort((a, b) => a - b)).toEqual([1000, 10000]);
    for (const r of results) {
      expect(r.workload).toBe('W2');
      expect(r.backend).toBe('wasm-release');
      expectPositiveFinite(r.nodeRowsPerSec, `W2 ${r.rows} rows nodeRowsPerSec`);
      expect(r.samples).toBe(3);
      expect(r.check?.mismatches, `W2 ${r.rows} rows`).toBe(0);
    }
  });

  it('flags a wrong reference sum', async () => {
    const results = await runW2Gp(writeW2Dir('w2-bad', 1.001), ['wasm-release'], { quick: true });
    for (const r of results) expect(r.check?.mismatches, `W2 ${r.rows} rows`).toBe(1);
  });
});
