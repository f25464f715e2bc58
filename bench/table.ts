// Plain-text table of a benchmark report: one row per timed case with its median, calls per
// second, number of samples and the figure derived from it.
import type { BenchReport } from './index.js';

interface Row {
  name: string;
  /** Median seconds per call. */
  seconds: number;
  /** Samples behind the median, when known. */
  samples?: number;
  derived: string;
}

const HEADINGS = ['benchmark', 'median', 'ops/s', 'samples', 'derived'];

/** Formats a duration in µs, ms or s with 3 significant digits. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'n/a';
  if (seconds < 1e-3) return `${(seconds * 1e6).toPrecision(3)} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toPrecision(3)} ms`;
  return `${seconds.toPrecision(3)} s`;
}

/** Formats a positive figure with 3 significant digits, in exponent form from 1e6 up. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 1e6 ? value.toExponential(2) : value.toPrecision(3);
}

function w1Rows(report: BenchReport): Row[] {
  return report.w1.flatMap((r) => {
    const label = `W1 ${r.size} (d ${r.nInputs}, h ${r.hidden}, batch ${r.batch})`;
    return [
      {
        name: `${label} plain`,
        seconds: r.plainStepUs / 1e6,
        samples: r.plainSamples,
        derived: '',
      },
      {
        name: `${label} regularised`,
        seconds: r.regStepUs / 1e6,
        samples: r.regSamples,
        derived: `reg/plain ${r.ratio.toFixed(2)}`,
      },
    ];
  });
}

function kernelRows(report: BenchReport): Row[] {
  const matmul = report.matmul.map((r) => ({
    name: `matmul ${r.size}³ ${r.backend}`,
    seconds: r.medianUs / 1e6,
    samples: r.samples,
    derived: `${r.gflops.toFixed(2)} GFLOP/s`,
  }));
  const gp = report.gp.map((r) => {
    let derived = `${formatFigure(r.nodeRowsPerSec)} node·rows/s`;
    if (r.check !== undefined) {
      derived += r.check.mismatches === 0 ? ', sums match' : `, ${r.check.mismatches} sums differ`;
    }
    return {
      name: `GP ${r.workload} ${r.rows} rows ${r.backend}`,
      seconds: r.medianUs / 1e6,
      samples: r.samples,
      derived,
    };
  });
  return [...matmul, ...gp];
}

function projectionRows(report: BenchReport): Row[] {
  return (report.projection ?? []).flatMap((r) => [
    { name: `Jacobian norm m ${r.nOutputs} exact`, seconds: r.exactMs / 1e3, derived: '' },
    {
      name: `Jacobian norm m ${r.nOutputs} one projection`,
      seconds: r.projectedMs / 1e3,
      derived: `exact/projection ${r.speedup.toFixed(2)}`,
    },
  ]);
}

/** Renders the report: a header naming the machine and the run, then the table. */
export function formatBenchTable(report: BenchReport): string {
  const m = report.machine;
  const load = m.loadAverage.map((value) => value.toFixed(2)).join(' ');
  const header = [
    `${m.cpuModel}, ${m.cores} cores, node ${m.nodeVersion}, ${m.platform} ${m.arch}; ` +
      `load average at start ${load}`,
    `${report.quick ? 'quick run' : 'full run'}: ` +
      `Benchmark.js maxTime ${report.settings.maxTime} s ` +
      `per case (matmul and GP at least ${report.settings.minSamples} samples); ` +
      'every figure is a median',
    `W1 steps run on the ${report.wasmBuild} WebAssembly build`,
  ];
  const rows = [...w1Rows(report), ...kernelRows(report), ...projectionRows(report)];
  const cells = [
    HEADINGS,
    ...rows.map((r) => [
      r.name,
      formatDuration(r.seconds),
      formatFigure(1 / r.seconds),
      r.samples === undefined ? '' : String(r.samples),
      r.derived,
    ]),
  ];
  const widths = HEADINGS.map((_, j) => Math.max(...cells.map((row) => row[j].length)));
  // Names and derived figures are left-aligned, numbers right-aligned.
  const leftAligned = (j: number) => j === 0 || j === HEADINGS.length - 1;
  const lines = cells.map((row) =>
    row
      .map((text, j) => (leftAligned(j) ? text.padEnd(widths[j]) : text.padStart(widths[j])))
      .join('  ')
      .trimEnd(),
  );
  const gpFigure = formatFigure(report.gpNodeRowsPerSec);
  const figures =
    `matmul ${report.matmulGflops.toFixed(2)} GFLOP/s (${report.wasmBuild}, 256³); ` +
    `GP ${gpFigure} node·rows/s (${report.wasmBuild}, ${report.gpWorkload} programs, 10,000 rows)`;
  return [...header, '', ...lines, '', figures].join('\n') + '\n';
}
