// Seeds of every run, derived from the run's identity alone so that a result does not depend on
// run order or worker count. The split, row-subsample and teacher seeds come from (dataset,
// trial), so all λ values of one trial see the same rows and the same initial weights.
import { deriveSeed } from '../core/rng.js';
import type { RunSeeds } from './types.js';

/**
 * Derives the seeds of run (dataset, λ, trial). `controlStudents` GP seeds are listed for λ = 0
 * (the seed control); the first equals the run's own student seed.
 */
export function deriveRunSeeds(
  dataset: string,
  lambda: number,
  trial: number,
  controlStudents: number,
): RunSeeds {
  const student = deriveSeed('student', dataset, lambda, trial);
  const control: number[] = [];
  if (lambda === 0) {
    control.push(student);
    for (let j = 1; j < controlStudents; j++) {
      control.push(deriveSeed('student-control', dataset, trial, j));
    }
  }
  return {
    split: deriveSeed('split', dataset, trial),
    rows: deriveSeed('rows', dataset, trial),
    teacher: deriveSeed('teacher', dataset, trial),
    student,
    control,
  };
}
