// Executes runs on a fixed number of lanes, each backed by an executor: a worker thread that
// imports a run module, or the calling thread itself. Results are reported as each run ends, in
// completion order; a run's result never depends on its lane, because its seeds are in the task.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunFunction, RunRecord, RunTask } from './types.js';

/** Runs one task at a time; `close` releases its resources. */
export interface Executor {
  execute(task: RunTask): Promise<RunRecord>;
  close(): Promise<void>;
}

/** A failure of the executor itself (a crashed worker), after which it must be replaced. */
export class ExecutorLostError extends Error {
  override name = 'ExecutorLostError';
}

/** An executor that could not start (a worker that cannot load its run module). */
export class ExecutorStartError extends Error {
  override name = 'ExecutorStartError';
}

export interface PoolCallbacks {
  onDone(task: RunTask, record: RunRecord): void;
  onFailed(task: RunTask, message: string): void;
}

/**
 * Runs `tasks` on `lanes` executors made by `createExecutor`, taking tasks in list order.
 * A task that throws is reported through `onFailed` and the lane goes on with the next task; a
 * lost executor is closed and replaced. An ExecutorStartError stops the pool: no new task starts,
 * and the pool rejects with that error once the runs in flight on other lanes are reported.
 */
export async function runPool(
  tasks: readonly RunTask[],
  lanes: number,
  createExecutor: () => Executor,
  callbacks: PoolCallbacks,
): Promise<void> {
  let next = 0;
  let stopped = false;
  const lane = async (): Promise<void> => {
    let executor: Executor | null = null;
    try {
      while (!stopped && next < tasks.length) {
        const task = tasks[next++];
        executor ??= createExecutor();
        try {
          const record = await executor.execute(task);
          callbacks.onDone(task, record);
        } catch (err) {
          if (err instanceof ExecutorStartError) {
            stopped = true;
            throw err;
          }
          callbacks.onFailed(task, err instanceof Error ? err.message : String(err));
          if (err instanceof ExecutorLostError) {
            await executor.close();
            executor = null;
          }
        }
      }
    } finally {
      if (executor !== null) await executor.close();
    }
  };

  const count = Math.max(1, Math.min(lanes, tasks.length));
  const outcomes = await Promise.allSettled(Array.from({ length: count }, lane));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

/** Creates an executor that calls `run` on the calling thread. */
export function inProcessExecutor(run: RunFunction): Executor {
  return {
    execute: async (task) => run(task),
    close: async () => {},
  };
}

/**
 * Returns the URL of the pipeline-backed run module next to this file: run-task.js in the
 * build, or run-task.ts in the sources, which Node can load only with a TypeScript loader.
 */
export function defaultRunModule(): URL {
  const ext = extname(fileURLToPath(import.meta.url));
  return new URL(`./run-task${ext}`, import.meta.url);
}

export interface WorkerExecutorOptions {
  /** Module exporting `runTask: RunFunction`, imported once by the worker. */
  runModule: URL;
  /** Node options of the worker; inherits the process's options when omitted. */
  execArgv?: string[];
}

/** Messages from WORKER_SOURCE: `ready` once the run module is loaded, then one per task. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'start-failed'; message: string }
  | { type: 'done'; record: RunRecord }
  | { type: 'failed'; message: string };

/**
 * Source of every worker thread, an ES module loaded from a `data:` URL. It is plain JavaScript
 * rather than a module file so that the same code runs from the TypeScript sources and from the
 * build, and a `data:` URL rather than `eval: true` because Node 20 skips `--import` preloads
 * in eval workers. It imports workerData.runModule, posts `ready` (or `start-failed` and
 * exits), then replies to each RunTask with `done` or `failed`.
 */
export const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';

const describe = (err) => (err instanceof Error ? err.name + ': ' + err.message : String(err));
let runTask;
try {
  ({ runTask } = await import(workerData.runModule));
  if (typeof runTask !== 'function') {
    throw new Error(workerData.runModule + ' must export a function runTask');
  }
} catch (err) {
  parentPort.postMessage({ type: 'start-failed', message: describe(err) });
  process.exit(1);
}
parentPort.on('message', (task) => {
  Promise.resolve()
    .then(() => runTask(task))
    .then(
      (record) => parentPort.postMessage({ type: 'done', record }),
      (err) => parentPort.postMessage({ type: 'failed', message: describe(err) }),
    );
});
parentPort.postMessage({ type: 'ready' });
`;

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

/**
 * Starts one worker thread running WORKER_SOURCE and returns an executor backed by it. A run
 * that throws inside the worker rejects with its message. A worker that exits or crashes rejects
 * with ExecutorStartError before it has loaded its run module, and with ExecutorLostError after.
 */
export function workerExecutor(options: WorkerExecutorOptions): Executor {
  const worker = new Worker(WORKER_URL, {
    workerData: { runModule: options.runModule.href },
    execArgv: options.execArgv,
  });
  let ready = false;
  let startProblem = '';
  let pending: { resolve: (r: RunRecord) => void; reject: (e: Error) => void } | null = null;
  let lost: Error | null = null;

  const fail = (err: Error): void => {
    if (lost === null) {
      lost = ready
        ? new ExecutorLostError(`worker thread failed: ${err.message}`)
        : new ExecutorStartError(`worker thread could not start: ${startProblem || err.message}`);
    }
    pending?.reject(lost);
    pending = null;
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'ready') {
      ready = true;
      return;
    }
    if (message.type === 'start-failed') {
      startProblem = message.message;
      return;
    }
    const current = pending;
    pending = null;
    if (current === null) return;
    if (message.type === 'done') current.resolve(message.record);
    else current.reject(new Error(message.message));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker thread exited with code ${code}`)));

  return {
    execute: (task) =>
      new Promise<RunRecord>((resolve, reject) => {
        if (lost !== null) {
          reject(lost);
          return;
        }
        pending = { resolve, reject };
        worker.postMessage(task);
      }),
    close: async () => {
      if (lost === null) {
        lost = new ExecutorLostError('worker thread closed');
        await worker.terminate();
      }
    },
  };
}
