// Teacher training: Adam on shuffled minibatches of MSE + λ · mean_b ‖∂f(x_b)/∂x_b‖², early
// stopping on validation MSE with the best weights restored. Inputs and targets arrive
// standardised. Initialisation and shuffling draw from seeds derived from `seed`, so a seed
// and backend give bit-identical weights on every run.
import { InputError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { getKernels } from '../kernels/index.js';
import { loadWasmInstance } from '../kernels/wasm-module.js';
import { HostBackend, type TrainingBackend } from './backend.js';
import { JsFusedMlp } from './fused-js.js';
import { WasmFusedMlp } from './fused-wasm.js';
import { initParams } from './init.js';
import { ACTIVATIONS, paramLayout, type Activation, type ParamLayout } from './layout.js';
import { TapePasses } from './tape.js';

export type TeacherBackend = 'wasm' | 'js' | 'tape';

export interface TeacherOptions {
  /** Hidden layer widths; default [64, 64]. */
  hidden?: number[];
  /** Hidden activation; default 'tanh'. */
  activation?: Activation;
  /** Weight λ ≥ 0 of the input-Jacobian penalty. */
  lambda: number;
  seed: number;
  /** Adam step size; default 2e-3. */
  learningRate?: number;
  /** Rows per minibatch; default 32 (the whole training set when it has fewer rows). */
  batchSize?: number;
  /** Upper bound on passes over the training data; default 3000. */
  maxEpochs?: number;
  /** Epochs without a better validation MSE before stopping; default 30. */
  patience?: number;
  /** Steps without a better validation MSE before stopping, also required; default 600. */
  patienceSteps?: number;
  /** Steps always taken before early stopping may act; default 3000. */
  minSteps?: number;
  log?: (line: string) => void;
  /**
   * Training engine: 'wasm' (default) runs in WebAssembly, 'js' in the TypeScript twin of the
   * fused passes, 'tape' on the autodiff tape (slow, the reference).
   */
  backend?: TeacherBackend;
}

export interface Teacher {
  /** f(x_b) for x [nRows, nFeatures] row-major, in standardised units. */
  predict(x: Float64Array, nRows: number): Float64Array;
  /** ∂f(x_b)/∂x_b as [nRows, nFeatures]. */
  inputGradients(x: Float64Array, nRows: number): Float64Array;
  /** mean_b ‖∂f(x_b)/∂x_b‖². */
  meanJacobianSq(x: Float64Array, nRows: number): number;
  /** Epochs run, steps run and wall time of training. */
  epochs: number;
  steps: number;
  seconds: number;
  /** Validation MSE of the restored weights. */
  bestValidLoss: number;
}

export interface TeacherData {
  x: Float64Array;
  y: Float64Array;
  nRows: number;
  nFeatures: number;
}

const DEFAULTS = {
  hidden: [64, 64],
  activation: 'tanh' as Activation,
  learningRate: 2e-3,
  batchSize: 32,
  maxEpochs: 3000,
  patience: 30,
  patienceSteps: 600,
  minSteps: 3000,
  backend: 'wasm' as TeacherBackend,
};

/** Evaluation passes use at least this many rows per chunk. */
const MIN_EVAL_CAPACITY = 256;

type Settings = Required<Omit<TeacherOptions, 'log'>> & { log?: (line: string) => void };

/**
 * Trains a scalar-output MLP teacher. Throws InputError on inconsistent data or an invalid
 * option (naming the option and the value).
 */
export function trainTeacher(
  train: TeacherData,
  valid: TeacherData,
  opts: TeacherOptions,
): Teacher {
  const started = performance.now();
  checkData(train, valid);
  const s = settings(opts);
  const layout = paramLayout({
    nInputs: train.nFeatures,
    hidden: s.hidden,
    activation: s.activation,
    nOutputs: 1,
  });
  const rng = new Rng(s.seed);
  const initial = initParams(layout, rng.childSeed());
  const backend = createBackend(layout, initial, train, valid, s);
  const progress = runEpochs(backend, train.nRows, s, new Rng(rng.childSeed()));
  backend.restoreBest();

  const seconds = (performance.now() - started) / 1000;
  s.log?.(
    `teacher: stopped after ${progress.epochs} epochs (${progress.steps} steps, ` +
      `${seconds.toFixed(1)} s); best valid MSE ${progress.bestValidLoss.toPrecision(4)} ` +
      `at epoch ${progress.bestEpoch}`,
  );
  const rows = (x: Float64Array, nRows: number) => checkRows(x, nRows, train.nFeatures);
  return {
    predict: (x, nRows) => backend.predict(rows(x, nRows), nRows),
    inputGradients: (x, nRows) => backend.inputGradients(rows(x, nRows), nRows),
    meanJacobianSq: (x, nRows) => backend.meanJacobianSq(rows(x, nRows), nRows),
    epochs: progress.epochs,
    steps: progress.steps,
    seconds,
    bestValidLoss: progress.bestValidLoss,
  };
}

interface Progress {
  epochs: number;
  steps: number;
  bestValidLoss: number;
  bestEpoch: number;
}

/** Runs the epoch loop with early stopping and leaves the best weights saved in the backend. */
function runEpochs(backend: TrainingBackend, nRows: number, s: Settings, rng: Rng): Progress {
  const batch = Math.min(s.batchSize, nRows);
  const p: Progress = { epochs: 0, steps: 0, bestValidLoss: Infinity, bestEpoch: 0 };
  let bestStep = 0;
  const logEvery = Math.max(1, Math.ceil(s.maxEpochs / 20));
  while (p.epochs < s.maxEpochs) {
    rng.shuffle(backend.order);
    for (let start = 0; start < nRows; start += batch) {
      backend.trainStep(start, Math.min(batch, nRows - start));
      p.steps++;
    }
    p.epochs++;

    const validLoss = backend.validationMse();
    if (validLoss < p.bestValidLoss) {
      p.bestValidLoss = validLoss;
      p.bestEpoch = p.epochs;
      bestStep = p.steps;
      backend.saveBest();
    }
    if (p.epochs % logEvery === 0) {
      s.log?.(
        `teacher: epoch ${p.epochs}, step ${p.steps}, valid MSE ${validLoss.toPrecision(4)}, ` +
          `best ${p.bestValidLoss.toPrecision(4)} at epoch ${p.bestEpoch}`,
      );
    }
    const stalled =
      p.epochs - p.bestEpoch >= s.patience && p.steps - bestStep >= s.patienceSteps;
    if (p.steps >= s.minSteps && stalled) break;
  }
  return p;
}

function createBackend(
  layout: ParamLayout,
  initial: Float64Array,
  train: TeacherData,
  valid: TeacherData,
  s: Settings,
): TrainingBackend {
  const capacity = Math.max(s.batchSize, MIN_EVAL_CAPACITY);
  const adam = { learningRate: s.learningRate };
  if (s.backend === 'wasm') {
    const net = new WasmFusedMlp(loadWasmInstance(), layout, {
      capacity,
      lambda: s.lambda,
      adam,
      trainRows: train.nRows,
      validRows: valid.nRows,
    });
    net.params.set(initial);
    net.saveBest();
    net.setTrainingData(train.x, train.y, train.nRows);
    net.setValidationData(valid.x, valid.y, valid.nRows);
    return net;
  }
  const passes =
    s.backend === 'js'
      ? new JsFusedMlp(layout, capacity, getKernels())
      : new TapePasses(layout, capacity);
  passes.params.set(initial);
  return new HostBackend(passes, train, valid, s.lambda, adam);
}

function settings(opts: TeacherOptions): Settings {
  const pick = <K extends keyof typeof DEFAULTS>(key: K): (typeof DEFAULTS)[K] =>
    (opts[key] ?? DEFAULTS[key]) as (typeof DEFAULTS)[K];
  const s: Settings = {
    hidden: [...pick('hidden')],
    activation: pick('activation'),
    lambda: opts.lambda,
    seed: opts.seed,
    learningRate: pick('learningRate'),
    batchSize: pick('batchSize'),
    maxEpochs: pick('maxEpochs'),
    patience: pick('patience'),
    patienceSteps: pick('patienceSteps'),
    minSteps: pick('minSteps'),
    backend: pick('backend'),
    log: opts.log,
  };
  checkSettings(s);
  return s;
}

function checkSettings(s: Settings): void {
  const fail = (name: string, expected: string, value: unknown): never => {
    throw new InputError(`trainTeacher: ${name} must be ${expected}, got ${String(value)}`);
  };
  if (!Number.isFinite(s.lambda) || s.lambda < 0) fail('lambda', 'a finite number ≥ 0', s.lambda);
  if (!Number.isInteger(s.seed)) fail('seed', 'an integer', s.seed);
  if (!(s.learningRate > 0) || !Number.isFinite(s.learningRate)) {
    fail('learningRate', 'a finite number > 0', s.learningRate);
  }
  for (const name of ['batchSize', 'maxEpochs'] as const) {
    if (!Number.isInteger(s[name]) || s[name] < 1) fail(name, 'an integer ≥ 1', s[name]);
  }
  for (const name of ['patience', 'patienceSteps', 'minSteps'] as const) {
    if (!Number.isInteger(s[name]) || s[name] < 0) fail(name, 'an integer ≥ 0', s[name]);
  }
  if (!ACTIVATIONS.includes(s.activation)) {
    fail('activation', `one of ${ACTIVATIONS.join(', ')}`, s.activation);
  }
  if (!['wasm', 'js', 'tape'].includes(s.backend)) {
    fail('backend', "'wasm', 'js' or 'tape'", s.backend);
  }
}

function checkData(train: TeacherData, valid: TeacherData): void {
  for (const [name, data] of [
    ['train', train],
    ['valid', valid],
  ] as const) {
    if (!Number.isInteger(data.nRows) || data.nRows < 1) {
      throw new InputError(`trainTeacher: ${name} must have at least 1 row, got ${data.nRows}`);
    }
    if (data.x.length !== data.nRows * data.nFeatures || data.y.length !== data.nRows) {
      throw new InputError(
        `trainTeacher: ${name} x must hold nRows · nFeatures = ${data.nRows * data.nFeatures} ` +
          `values and y ${data.nRows}, got ${data.x.length} and ${data.y.length}`,
      );
    }
  }
  if (valid.nFeatures !== train.nFeatures) {
    throw new InputError(
      `trainTeacher: valid must have train's ${train.nFeatures} features, got ${valid.nFeatures}`,
    );
  }
}

function checkRows(x: Float64Array, nRows: number, nFeatures: number): Float64Array {
  if (!Number.isInteger(nRows) || nRows < 0 || x.length !== nRows * nFeatures) {
    throw new InputError(
      `teacher: x must have nRows · ${nFeatures} values for nRows = ${nRows}, got ${x.length}`,
    );
  }
  return x;
}
