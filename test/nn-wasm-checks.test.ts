// Checks on the fused MLP entry points. In the debug build a pass over more rows than the plan's
// capacity aborts with the failed condition instead of writing past the plan's buffers. The
// release builds compile those checks out, so trainStep checks its rows in TypeScript.
import { describe, expect, test } from 'vitest';
import { loadWasmInstance, type WasmVariant } from '../src/kernels/wasm-module.js';
import { WasmFusedMlp } from '../src/nn/fused-wasm.js';
import { initParams } from '../src/nn/init.js';
import { paramLayout } from '../src/nn/layout.js';
import { sumOfSinesData } from '../src/nn/synthetic.js';

const CAPACITY = 16;

interface EntryPoints {
  mlpLossAndGradient(plan: number, nRows: number): void;
  mlpGather(plan: number, x: number, y: number, order: number, start: number, n: number): void;
}

/** Returns a network on 32 training rows with its entry points and plan pointer. */
function debugNet(variant: WasmVariant = 'debug') {
  const layout = paramLayout({ nInputs: 3, hidden: [8, 8], activation: 'tanh', nOutputs: 1 });
  const net = new WasmFusedMlp(loadWasmInstance(variant), layout, {
    capacity: CAPACITY,
    lambda: 0.1,
    adam: { learningRate: 1e-3 },
    trainRows: 32,
  });
  net.params.set(initParams(layout, 1));
  const data = sumOfSinesData(32, 3, 2);
  net.setTrainingData(data.x, data.y, data.nRows);
  const inner = net as unknown as { ex: EntryPoints; plan: number };
  return { net, ex: inner.ex, plan: inner.plan };
}

describe('fused MLP checks (debug build)', () => {
  test('a full batch passes', () => {
    const { ex, plan } = debugNet();
    expect(() => ex.mlpLossAndGradient(plan, CAPACITY)).not.toThrow();
  });

  test('rows above capacity abort', () => {
    const { ex, plan } = debugNet();
    expect(() => ex.mlpLossAndGradient(plan, CAPACITY + 1)).toThrow(
      /kernel aborted: mlp: nRows must be in \[0, capacity\]/,
    );
  });

  test('negative rows abort', () => {
    const { ex, plan } = debugNet();
    expect(() => ex.mlpLossAndGradient(plan, -1)).toThrow(/mlp: nRows must be in/);
  });

  test('oversized gather aborts', () => {
    const { ex, plan } = debugNet();
    expect(() => ex.mlpGather(plan, 0, 0, 0, 0, CAPACITY + 1)).toThrow(/mlp: nRows must be in/);
  });

  test('negative start aborts', () => {
    const { ex, plan } = debugNet();
    expect(() => ex.mlpGather(plan, 0, 0, 0, -1, 4)).toThrow(
      /mlpGather: start must be non-negative/,
    );
  });
});

describe.each<WasmVariant>(['relaxed', 'release'])('trainStep rows (%s build)', (variant) => {
  const cases: [number, number][] = [
    [0, CAPACITY + 1],
    [-1, 4],
    [30, 4],
    [0, 0],
    [0.5, 4],
  ];
  test.each(cases)('start %d, nRows %d is rejected', (start, nRows) => {
    const { net } = debugNet(variant);
    expect(() => net.trainStep(start, nRows)).toThrow(
      new RegExp(`trainStep: rows .* got start ${start}, nRows ${nRows}`),
    );
  });

  test('the last full batch is accepted', () => {
    const { net } = debugNet(variant);
    expect(() => net.trainStep(32 - CAPACITY, CAPACITY)).not.toThrow();
  });
});
