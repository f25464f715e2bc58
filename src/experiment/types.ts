// Shapes of the experiment's units of work and of the records stored in runs.jsonl. A run is one
// (dataset, λ, trial); its record is self-contained, so the report needs nothing but the file.
import type { StudentMetrics, TeacherMetrics } from '../distill/pipeline.js';

/** Per-run budgets, identical for every run of an experiment and stored in config.json. */
export interface Budgets {
  /** Rows kept per dataset before the 60/20/20 split (a seeded subsample when larger). */
  datasetMaxRows: number;
  teacher: {
    /** Hidden layer widths of the tanh MLP teacher. */
    hidden: number[];
    /**
     * Upper bound on optimiser steps. A run's epoch limit is this divided by the minibatches
     * per epoch (rounded up), so every dataset gets about the same training cost.
     */
    maxSteps: number;
    batchSize: number;
    /** Adam step size. */
    learningRate: number;
    /**
     * Early stopping on validation MSE: training stops once `minSteps` steps are done and the
     * best epoch is at least `patience` epochs and `patienceSteps` steps in the past.
     */
    patience: number;
    patienceSteps: number;
    minSteps: number;
  };
  student: {
    populationSize: number;
    generations: number;
    /**
     * Safety cap on the GP's wall-clock time. It is set well above the expected time because a
     * run that hits it depends on machine speed and is no longer reproducible from its seeds.
     */
    timeLimitSeconds: number;
    maxLength: number;
    /** Rows of teacher-labelled data the GP fits on (pipeline `maxRows`). */
    maxRows: number;
    /** Noisy copies of the training rows per row, labelled by the teacher (pipeline `augment`). */
    augment: number;
  };
}

/** The configuration that fixes every run's result; config.json stores exactly this. */
export interface ExperimentConfig {
  /** Format version of config.json and runs.jsonl. */
  version: 1;
  preset: PresetName;
  /** Datasets in run order, each with the SHA-256 of its CSV file so that edits are noticed. */
  datasets: { name: string; sha256: string }[];
  lambdas: number[];
  trials: number;
  /** Students fitted to each λ = 0 teacher with different GP seeds (the seed control). */
  seedControlStudents: number;
  budgets: Budgets;
}

export type PresetName = 'full' | 'quick';

/** Seeds of one run. Split and teacher seeds ignore λ, so the λ values of a trial are paired. */
export interface RunSeeds {
  split: number;
  /** Seed of the row subsample applied when a dataset has more than `datasetMaxRows` rows. */
  rows: number;
  teacher: number;
  student: number;
  /** GP seeds of the seed-control students (λ = 0 only); element 0 equals `student`. */
  control: number[];
}

/** Everything a worker needs to execute one run. */
export interface RunTask {
  dataset: string;
  /** Absolute path of the dataset's CSV file. */
  path: string;
  lambda: number;
  trial: number;
  seeds: RunSeeds;
  budgets: Budgets;
}

/** Teacher figures of one run as the pipeline reports them, stored in the JSONL record. */
export type TeacherRecord = TeacherMetrics;

/** Student figures of one run as the pipeline reports them, stored in the JSONL record. */
export type StudentRecord = StudentMetrics;

/** One seed-control student: the λ = 0 teacher distilled with another GP seed. */
export interface ControlStudentRecord {
  seed: number;
  validR2: number;
  testR2: number;
  length: number;
  seconds: number;
}

/** One line of runs.jsonl. */
export interface RunRecord {
  dataset: string;
  lambda: number;
  trial: number;
  seeds: RunSeeds;
  rows: { train: number; valid: number; test: number };
  teacher: TeacherRecord;
  student: StudentRecord;
  /** Present only when λ = 0: the run's own student first, then the other GP seeds. */
  seedControl?: ControlStudentRecord[];
}

/** Executes one run; the worker module exports it as `runTask`. */
export type RunFunction = (task: RunTask) => RunRecord | Promise<RunRecord>;

/** Builds the key that identifies a run within an experiment. */
export function runKey(run: { dataset: string; lambda: number; trial: number }): string {
  return `${run.dataset}\u0000${run.lambda}\u0000${run.trial}`;
}
