// The run module that worker threads import: one (dataset, λ, trial) run through the
// distillation pipeline, plus the seed-control students when λ = 0. Everything random comes from
// the task's seeds, so a run's record does not depend on which worker executes it.
import { Rng } from '../core/rng.js';
import { loadCsv, selectRows, type Dataset } from '../data/index.js';
import {
  prepareData,
  runStudent,
  runTeacher,
  type StudentMetrics,
  type StudentOptions,
  type TeacherMetrics,
} from '../distill/pipeline.js';
import type { TeacherOptions } from '../nn/index.js';
import type {
  Budgets,
  ControlStudentRecord,
  RunRecord,
  RunTask,
  StudentRecord,
  TeacherRecord,
} from './types.js';

/** Parsed datasets of this thread, by path; a worker runs many tasks on the same files. */
const datasetCache = new Map<string, Dataset>();

function loadDataset(path: string, name: string): Dataset {
  let data = datasetCache.get(path);
  if (data === undefined) {
    data = loadCsv(path, { name });
    datasetCache.set(path, data);
  }
  return data;
}

/** Keeps `maxRows` rows chosen by `seed` (in file order) when the dataset is larger. */
export function capRows(data: Dataset, maxRows: number, seed: number): Dataset {
  if (data.nRows <= maxRows) return data;
  const rows = new Rng(seed).permutation(data.nRows).subarray(0, maxRows).sort();
  return selectRows(data, rows);
}

/** Teacher options of the pipeline for these budgets and `trainRows` training rows. */
export function teacherOptions(budgets: Budgets, trainRows: number): Partial<TeacherOptions> {
  const t = budgets.teacher;
  const stepsPerEpoch = Math.ceil(trainRows / Math.min(t.batchSize, trainRows));
  return {
    hidden: [...t.hidden],
    maxEpochs: Math.max(1, Math.ceil(t.maxSteps / stepsPerEpoch)),
    batchSize: t.batchSize,
    learningRate: t.learningRate,
    patience: t.patience,
    patienceSteps: t.patienceSteps,
    minSteps: t.minSteps,
  };
}

/** Student (GP) options of the pipeline for these budgets. */
export function studentOptions(budgets: Budgets): StudentOptions {
  const s = budgets.student;
  return {
    populationSize: s.populationSize,
    generations: s.generations,
    timeLimitSeconds: s.timeLimitSeconds,
    maxLength: s.maxLength,
    maxRows: s.maxRows,
    augment: s.augment,
    // Runs already fill every core with one worker thread each, so the GP inside a run
    // evaluates in its own thread.
    workers: 1,
  };
}

function teacherRecord(m: TeacherMetrics): TeacherRecord {
  return {
    trainR2: m.trainR2,
    validR2: m.validR2,
    testR2: m.testR2,
    meanJacobianSq: m.meanJacobianSq,
    epochs: m.epochs,
    seconds: m.seconds,
  };
}

function studentRecord(m: StudentMetrics): StudentRecord {
  return {
    validR2: m.validR2,
    testR2: m.testR2,
    fidelityR2: m.fidelityR2,
    formula: m.formula,
    length: m.length,
    seconds: m.seconds,
  };
}

/** Executes one run and returns its record. */
export function runTask(task: RunTask): RunRecord {
  const data = capRows(
    loadDataset(task.path, task.dataset),
    task.budgets.datasetMaxRows,
    task.seeds.rows,
  );
  const prep = prepareData(data, task.seeds.split);
  const teacher = runTeacher(
    prep,
    task.lambda,
    task.seeds.teacher,
    teacherOptions(task.budgets, prep.train.nRows),
  );
  const options = studentOptions(task.budgets);
  const student = runStudent(prep, teacher.teacher, task.seeds.student, options);

  const record: RunRecord = {
    dataset: task.dataset,
    lambda: task.lambda,
    trial: task.trial,
    seeds: task.seeds,
    rows: { train: prep.train.nRows, valid: prep.valid.nRows, test: prep.test.nRows },
    teacher: teacherRecord(teacher.metrics),
    student: studentRecord(student.metrics),
  };
  if (task.seeds.control.length > 0) {
    record.seedControl = task.seeds.control.map((seed, j): ControlStudentRecord => {
      // The first control student is the run's own student, already fitted with this seed.
      const metrics =
        j === 0 ? student.metrics : runStudent(prep, teacher.teacher, seed, options).metrics;
      return {
        seed,
        validR2: metrics.validR2,
        testR2: metrics.testR2,
        length: metrics.length,
        seconds: metrics.seconds,
      };
    });
  }
  return record;
}
