// A pool of worker threads that breed slot ranges of each generation in parallel. The fit
// stays synchronous: the caller posts one job per worker, then blocks in Atomics.wait until
// each worker raises its shared flag and reads the reply with receiveMessageOnPort. Every slot
// depends only on (seed, generation, slot, parents), so results are identical for any number of
// workers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';
import type { Breeder, SlotResult } from './evolve.js';
import type { ResolvedOptions } from './options.js';
import type { RegressionData } from './setup.js';
import {
  packIndividuals,
  transferables,
  unpackSlots,
  type WireIndividuals,
  type WireSlots,
} from './wire.js';

/** Options in a form that can be copied to a worker (primitives by name, no callback). */
export type WorkerOptions = Omit<ResolvedOptions, 'functions' | 'onGeneration'> & {
  readonly functionNames: string[];
};

export interface WorkerSetup {
  readonly options: WorkerOptions;
  readonly train: RegressionData;
  /**
   * Shared flags: entry index is set to 1 when the worker's reply is posted, entry
   * nWorkers + index when the worker is ready for jobs.
   */
  readonly flags: Int32Array;
  readonly index: number;
  readonly port: MessagePort;
}

export interface BreedJob {
  readonly generation: number;
  readonly from: number;
  readonly to: number;
  readonly parents: WireIndividuals;
}

export type BreedReply = { readonly slots: WireSlots } | { readonly error: string };

/** Milliseconds to wait for one worker's reply before giving up on the run. */
const REPLY_TIMEOUT_MS = 600_000;

/**
 * The worker script and the extra Node flags it needs. From compiled JavaScript that is
 * worker.js; from the TypeScript sources (tests) it is worker.ts with a loader that transpiles
 * the sources on import. Returns null when neither can run.
 */
function workerScript(): { url: URL; execArgv: string[] } | null {
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  const ts = new URL('./worker.ts', import.meta.url);
  const loader = new URL('./worker-ts-loader.mjs', import.meta.url);
  if (existsSync(fileURLToPath(ts)) && existsSync(fileURLToPath(loader))) {
    return { url: ts, execArgv: ['--import', loader.href] };
  }
  return null;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly flags: Int32Array;

  private constructor(
    nWorkers: number,
    options: ResolvedOptions,
    train: RegressionData,
    script: { url: URL; execArgv: string[] },
  ) {
    this.flags = new Int32Array(new SharedArrayBuffer(8 * nWorkers));
    const { functions, onGeneration: _callback, ...rest } = options;
    const workerOptions: WorkerOptions = { ...rest, functionNames: functions.map((f) => f.name) };
    for (let index = 0; index < nWorkers; index++) {
      const { port1, port2 } = new MessageChannel();
      const setup: WorkerSetup = {
        options: workerOptions,
        train,
        flags: this.flags,
        index,
        port: port2,
      };
      const worker = new Worker(script.url, {
        workerData: setup,
        transferList: [port2],
        execArgv: script.execArgv,
      });
      worker.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** A pool of `nWorkers` threads, or null when the worker script is not available. */
  static create(
    nWorkers: number,
    options: ResolvedOptions,
    train: RegressionData,
  ): WorkerPool | null {
    const script = workerScript();
    return script === null ? null : new WorkerPool(nWorkers, options, train, script);
  }

  /** True once every worker has started and can take jobs; never blocks. */
  isReady(): boolean {
    const n = this.workers.length;
    for (let w = 0; w < n; w++) if (Atomics.load(this.flags, n + w) === 0) return false;
    return true;
  }

  /** Blocks until every worker has started or `timeoutMs` has passed; returns isReady(). */
  waitUntilReady(timeoutMs: number): boolean {
    const n = this.workers.length;
    const deadline = Date.now() + timeoutMs;
    for (let w = 0; w < n; w++) {
      let left = deadline - Date.now();
      while (Atomics.load(this.flags, n + w) === 0 && left > 0) {
        Atomics.wait(this.flags, n + w, 0, Math.min(left, 100));
        left = deadline - Date.now();
      }
    }
    return this.isReady();
  }

  /**
   * A breeder that splits each slot range evenly over the workers and waits for all. Until
   * every worker has started (and for good if one never does) it breeds with `fallback`, which
   * gives the same results, so startup never delays the run.
   */
  breeder(fallback: Breeder): Breeder {
    return (parents, generation, from, to) => {
      if (!this.isReady()) return fallback(parents, generation, from, to);
      const n = this.workers.length;
      const wire = packIndividuals(parents);
      const bounds = Array.from(
        { length: n + 1 },
        (_, w) => from + Math.floor(((to - from) * w) / n),
      );
      for (let w = 0; w < n; w++) {
        Atomics.store(this.flags, w, 0);
        const job: BreedJob = { generation, from: bounds[w], to: bounds[w + 1], parents: wire };
        this.ports[w].postMessage(job);
      }
      const results: SlotResult[] = [];
      for (let w = 0; w < n; w++) results.push(...this.awaitReply(w));
      return results;
    };
  }

  private awaitReply(w: number): SlotResult[] {
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    for (;;) {
      const message = receiveMessageOnPort(this.ports[w]);
      if (message !== undefined) {
        const reply = message.message as BreedReply;
        if ('error' in reply)
          throw new Error(`fitSymbolicRegression: worker ${w} failed: ${reply.error}`);
        return unpackSlots(reply.slots);
      }
      // NOTE: a worker that dies without replying (killed, out of memory) is only noticed here,
      // because its exit event cannot be delivered while this thread waits.
      if (Date.now() > deadline) {
        throw new Error(
          `fitSymbolicRegression: reply from worker ${w} expected within ${REPLY_TIMEOUT_MS} ms, got none`,
        );
      }
      Atomics.wait(this.flags, w, 0, 100);
    }
  }

  close(): void {
    for (const port of this.ports) port.close();
    for (const worker of this.workers) void worker.terminate();
  }
}
