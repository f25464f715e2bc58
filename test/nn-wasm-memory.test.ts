// Steady-state WebAssembly training steps: linear memory never grows and the JavaScript heap
// does not grow. Heap use is read right after a forced full GC and again after the steps with
// no GC in between. The steps run synchronously, so nothing else allocates on this isolate
// meanwhile. While the engine still tiers up the calling code, a measurement can include a few
// tens of kilobytes of one-off allocations, and tiering takes longer on a busy machine. So the
// check repeats the measurement until one comes out below the slack. A per-step allocation
// would show in every repeat. A control loop that allocates one small array per step shows
// that the check detects such a leak.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadWasmInstance } from '../src/kernels/wasm-module.js';
import { WasmFusedMlp } from '../src/nn/fused-wasm.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout } from '../src/nn/layout.js';
import { sumOfSinesData } from '../src/nn/synthetic.js';

const STEPS = 1000;
const BATCH = 256;
const N_BATCHES = 4;
/**
 * Heap growth allowed over STEPS steps: below one 16-byte heap number per step (16,000 bytes),
 * above the 256 bytes that a measurement shows once the code is fully optimised.
 */
const HEAP_SLACK_BYTES = 10_000;

let gc: () => void;

beforeAll(() => {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
});

function setup() {
  const instance = loadWasmInstance();
  const layout = paramLayout({ nInputs: 8, hidden: [64, 64], activation: 'tanh', nOutputs: 1 });
  const net = new WasmFusedMlp(instance, layout, {
    capacity: BATCH,
    lambda: 0.1,
    adam: { learningRate: 1e-3 },
    trainRows: BATCH * N_BATCHES,
  });
  net.params.set(initParams(layout, 1));
  const data = sumOfSinesData(BATCH * N_BATCHES, 8, 2);
  net.setTrainingData(data.x, data.y, data.nRows);
  return { instance, net };
}

/** Runs `steps` training steps; the body allocates nothing itself. */
function run(net: WasmFusedMlp, steps: number): void {
  for (let i = 0; i < steps; i++) net.trainStep((i % N_BATCHES) * BATCH, BATCH);
}

/**
 * Smallest heap growth over up to `maxRepeats` runs of `body`, each starting right after a
 * full GC; stops at the first run below HEAP_SLACK_BYTES.
 */
function heapGrowth(body: () => void, maxRepeats: number): number {
  let smallest = Infinity;
  for (let repeat = 0; repeat < maxRepeats && smallest >= HEAP_SLACK_BYTES; repeat++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    body();
    const after = process.memoryUsage().heapUsed;
    smallest = Math.min(smallest, after - before);
  }
  return smallest;
}

describe('wasm training step memory', () => {
  test('linear memory does not grow', () => {
    const { instance, net } = setup();
    run(net, 50);
    const bytes = instance.memory.buffer.byteLength;
    run(net, STEPS);
    expect(instance.memory.buffer.byteLength).toBe(bytes);
    expect(Number.isFinite(net.lastLossTerms().loss)).toBe(true);
  });

  test('JavaScript heap does not grow', () => {
    const { net } = setup();
    // Warm-up, so that most compilation of `run` and of the step happens before measuring.
    for (let r = 0; r < 20; r++) run(net, 100);
    const growth = heapGrowth(() => run(net, STEPS), 12);
    const message = `heap grew by ${growth} bytes over ${STEPS} steps`;
    expect(growth, message).toBeLessThan(HEAP_SLACK_BYTES);
  });

  test('control: one small allocation per step is detected', () => {
    const { net } = setup();
    const retained: Float64Array[] = [];
    const leaky = (steps: number) => {
      for (let i = 0; i < steps; i++) {
        net.trainStep((i % N_BATCHES) * BATCH, BATCH);
        retained.push(new Float64Array(1));
      }
    };
    for (let r = 0; r < 5; r++) leaky(100);
    const growth = heapGrowth(() => {
      retained.length = 0;
      leaky(STEPS);
    }, 3);
    expect(growth).toBeGreaterThan(HEAP_SLACK_BYTES);
  });
});
