// The two experiment presets and their per-run budgets. No other file sets a budget.
// The full preset runs every dataset with six λ values and ten trials. The quick preset checks
// the whole chain in a few minutes.
import type { Budgets, PresetName } from './types.js';

export interface Preset {
  name: PresetName;
  lambdas: number[];
  trials: number;
  /** Number of datasets used, the smallest files first; null for every dataset. */
  maxDatasets: number | null;
  budgets: Budgets;
}

// NOTE: the full budgets are sized so that 28 datasets × 6 λ × 10 trials (1680 teachers and
// 3080 students, counting the seed control) finish in under two hours on two cores. The estimate
// is about 1.25 hours (8900 single-thread seconds over two workers). It was extrapolated from one
// trial of every dataset at λ ∈ {0, 0.01, 1} on one worker of a two-core Linux machine shared
// with other jobs: teacher 1.0 s at λ = 0 and 1.5 s at λ > 0, student 2.1 s, on average.
// Each report lists the seconds measured in its own runs.
export const FULL_PRESET: Preset = {
  name: 'full',
  lambdas: [0, 1e-4, 1e-3, 1e-2, 1e-1, 1],
  trials: 10,
  maxDatasets: null,
  budgets: {
    datasetMaxRows: 3000,
    teacher: {
      hidden: [64, 64],
      maxSteps: 8000,
      batchSize: 64,
      learningRate: 3e-3,
      patience: 20,
      patienceSteps: 600,
      minSteps: 1000,
    },
    student: {
      populationSize: 500,
      generations: 40,
      timeLimitSeconds: 60,
      maxLength: 40,
      maxRows: 1000,
      augment: 1,
    },
  },
};

export const QUICK_PRESET: Preset = {
  name: 'quick',
  lambdas: [0, 1e-3, 1e-1],
  trials: 2,
  maxDatasets: 3,
  budgets: {
    datasetMaxRows: 600,
    teacher: {
      hidden: [32, 32],
      maxSteps: 2000,
      batchSize: 32,
      learningRate: 3e-3,
      patience: 10,
      patienceSteps: 200,
      minSteps: 300,
    },
    student: {
      populationSize: 200,
      generations: 15,
      timeLimitSeconds: 20,
      maxLength: 30,
      maxRows: 400,
      augment: 1,
    },
  },
};

export function presetByName(name: PresetName): Preset {
  return name === 'quick' ? QUICK_PRESET : FULL_PRESET;
}
