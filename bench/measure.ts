// Timing with Benchmark.js. Each case runs in cycles after Benchmark.js's own calibration, and
// the figure kept is the median of its sample (seconds per call, one entry per cycle). A few
// slow cycles on a busy machine move the median less than the mean.
import Benchmark from 'benchmark';

/** A function to time and the name it is reported under. */
export interface BenchCase {
  readonly name: string;
  readonly fn: () => void;
}

export interface MeasureOptions {
  /** Benchmark.js maxTime: seconds after which a case stops sampling, once minSamples is met. */
  maxTime: number;
  /** Minimum number of cycles per case, even past maxTime. */
  minSamples: number;
  /** Receives one line per finished case, from Benchmark.js's summary of it. */
  log?: (line: string) => void;
}

/** Median of one case's sample. */
export interface Measurement {
  readonly name: string;
  /** Median seconds per call. */
  readonly medianSeconds: number;
  /** Number of cycles behind the median. */
  readonly samples: number;
}

/** Returns the median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: at least one value expected, got none');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times every case in one synchronous Benchmark.js suite, in order, and returns their
 * medians in the same order. Throws if a case throws.
 */
export function measure(
  suiteName: string,
  cases: readonly BenchCase[],
  options: MeasureOptions,
): Measurement[] {
  const suite = new Benchmark.Suite(suiteName);
  for (const c of cases) {
    suite.add(c.name, c.fn, { maxTime: options.maxTime, minSamples: options.minSamples });
  }
  suite.on('cycle', (event: Benchmark.Event) => {
    options.log?.(`${suiteName}: ${String(event.target)}`);
  });
  suite.run({ async: false });

  // A Suite is array-like over its benchmarks, in the order they were added.
  const benches = Array.from(suite as unknown as ArrayLike<Benchmark>);
  return cases.map((c, i) => {
    const bench = benches[i];
    // Benchmark.js catches what the function throws and stores it on the benchmark.
    const error = bench.error as unknown;
    if (error !== undefined) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${suiteName}: case "${c.name}" failed: ${message}`);
    }
    const sample = bench.stats.sample as number[];
    if (sample.length === 0) {
      throw new Error(`${suiteName}: at least one timed cycle expected for "${c.name}", got none`);
    }
    return { name: c.name, medianSeconds: median(sample), samples: sample.length };
  });
}
