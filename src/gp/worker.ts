// Worker-thread entry for parallel breeding: it rebuilds the run's config from the setup it
// receives, then replies to each job (a slot range of one generation) with the bred, fitted and
// scored offspring. Results go back over the job port, then the shared flag wakes the caller,
// which waits synchronously (see pool.ts).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { localBreeder } from './evolve.js';
import type { BreedJob, BreedReply, WorkerSetup } from './pool.js';
import { resolveFunctionSet } from './primitives.js';
import { evolutionConfig, trainingScorer } from './setup.js';
import { packSlots, transferables, unpackIndividuals } from './wire.js';

function start(setup: WorkerSetup): void {
  const { functionNames, ...rest } = setup.options;
  const options = {
    ...rest,
    functions: resolveFunctionSet(functionNames),
    onGeneration: undefined,
  };
  const config = evolutionConfig(options, setup.train);
  const { score } = trainingScorer(setup.train, options.maxTerms);
  const breed = localBreeder(config, score);
  const port: MessagePort = setup.port;

  port.on('message', (job: BreedJob) => {
    let reply: BreedReply;
    let transfer: ArrayBuffer[] = [];
    try {
      const parents = unpackIndividuals(job.parents);
      const slots = packSlots(breed(parents, job.generation, job.from, job.to));
      reply = { slots };
      transfer = [slots.copyOf.buffer as ArrayBuffer, ...transferables(slots.individuals)];
    } catch (error) {
      reply = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply, transfer);
    Atomics.store(setup.flags, setup.index, 1);
    Atomics.notify(setup.flags, setup.index);
  });

  const ready = setup.flags.length / 2 + setup.index;
  Atomics.store(setup.flags, ready, 1);
  Atomics.notify(setup.flags, ready);
}

if (parentPort !== null) start(workerData as WorkerSetup);
