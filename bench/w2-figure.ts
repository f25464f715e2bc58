// The GP throughput figure from the W2 workload files of a folder. The W2 runner (w2.ts) checks
// each evaluator's per-program sums against the reference sums shipped with the workload before
// it times the median of several passes. The runner is loaded at run time, so this file builds
// and the random-program figure still works when w2.ts is absent.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.js';
import type { GpResult, KernelBackend } from './kernel-suites.js';

/** Files a W2 folder must contain. */
export const W2_FILES: readonly string[] = [
  'w2_programs.json',
  'w2_reference_rows1000.json',
  'w2_reference_rows10000.json',
];

/** W2 evaluator names, as w2.ts spells them. */
const W2_EVALUATORS: Readonly<Record<KernelBackend, string>> = {
  'wasm-relaxed': 'relaxed',
  'wasm-release': 'release',
  'wasm-scalar': 'scalar',
  js: 'js',
};

/** The fields of a w2.ts result that the figure uses. */
interface W2RunnerResult {
  evaluator: string;
  rows: number;
  nodeRowsPerSec: number;
  secondsPerPass: number;
  passes: number;
  maxRelativeError: number;
  mismatches: number;
  illConditioned: number;
}

interface RunW2Options {
  evaluators?: string[];
  passes?: number;
  warmupPasses?: number;
  log?: (line: string) => void;
}

/** The runW2 function of w2.ts, typed by the parts used here. */
export type RunW2 = (dir: string, options?: RunW2Options) => W2RunnerResult[];

/** Throws InputError unless dir is a folder that contains every W2 file. */
export function checkW2Dir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`invalid --w2 value "${dir}": folder not found`);
  }
  const missing = W2_FILES.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    throw new InputError(
      `invalid --w2 value "${dir}": the W2 workload files ${missing.join(', ')} are missing; ` +
        `the folder must contain ${W2_FILES.join(', ')}`,
    );
  }
}

/** Loads runW2 from w2.ts (w2.js once built). Throws an Error naming the file when it is absent. */
export async function loadRunW2(): Promise<RunW2> {
  // A specifier in a variable keeps tsc from requiring the file when it compiles this one.
  const specifier = './w2.js';
  let module: { runW2?: unknown };
  try {
    module = (await import(specifier)) as { runW2?: unknown };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = err instanceof Error ? err.message : String(err);
    if (code !== 'ERR_MODULE_NOT_FOUND') {
      throw new Error(`bench: failed to load the W2 runner bench/w2.ts: ${reason}`);
    }
    throw new Error(
      `bench: --w2 needs the W2 runner bench/w2.ts, which is not built (${reason}); ` +
        'run npm run build, or drop --w2 to time random programs',
    );
  }
  if (typeof module.runW2 !== 'function') {
    throw new Error('bench: bench/w2.ts was loaded but exports no runW2 function');
  }
  return module.runW2 as RunW2;
}

/**
 * Runs W2 for each backend on 1,000 and 10,000 rows, with options.runW2 when given (as loaded
 * by loadRunW2), else with a freshly loaded one. `quick` takes 3 timed passes after 1 warm-up
 * pass instead of 7 after 2. Results whose `check.mismatches` is above 0 come from an evaluator
 * that failed the sum check.
 */
export async function runW2Gp(
  dir: string,
  backends: readonly KernelBackend[],
  options: { quick: boolean; log?: (line: string) => void; runW2?: RunW2 },
): Promise<GpResult[]> {
  checkW2Dir(dir);
  const runW2 = options.runW2 ?? (await loadRunW2());
  const results = runW2(dir, {
    evaluators: backends.map((backend) => W2_EVALUATORS[backend]),
    passes: options.quick ? 3 : 7,
    warmupPasses: options.quick ? 1 : 2,
    log: options.log === undefined ? undefined : (line) => options.log?.(`w2: ${line}`),
  });

  const out: GpResult[] = [];
  for (const backend of backends) {
    const mine = results.filter((r) => r.evaluator === W2_EVALUATORS[backend]);
    if (mine.length === 0) {
      const name = W2_EVALUATORS[backend];
      throw new Error(`bench: runW2 returned no result for the ${name} evaluator`);
    }
    for (const r of mine) {
      out.push({
        workload: 'W2',
        backend,
        rows: r.rows,
        features: 8,
        medianUs: r.secondsPerPass * 1e6,
        nodeRowsPerSec: r.nodeRowsPerSec,
        samples: r.passes,
        check: {
          mismatches: r.mismatches,
          illConditioned: r.illConditioned,
          maxRelativeError: r.maxRelativeError,
        },
      });
    }
  }
  return out;
}
