// Memory plan of the WebAssembly MLP: where each buffer lives in linear memory, and the i32
// table that describes them to assembly/mlp.ts. The slot numbers mirror the PLAN_*, LEVEL_* and
// STAT_* constants of assembly/mlp-plan.ts and must change together with them.
import type { Arena } from '../kernels/wasm-module.js';
import type { Activation, ParamLayout } from './layout.js';

/** Slots of the plan table (i32 indices). */
export const PLAN = {
  hidden: 0,
  activation: 1,
  capacity: 2,
  params: 3,
  grad: 4,
  adamM: 5,
  adamV: 6,
  nParams: 7,
  scratch: 8,
  y: 9,
  f: 10,
  stats: 11,
  levels: 16,
} as const;
/** Slots of one level's entry in the plan table, and the entry size. */
export const LEVEL = {
  stride: 10,
  width: 0,
  hd: 1,
  s: 2,
  v: 3,
  t: 4,
  zu: 5,
  w: 6,
  b: 7,
  wp: 8,
  wtp: 9,
} as const;

/** Columns per weight panel (PANEL in assembly/mlp-gemm.ts). */
const PANEL = 8;

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** Slots of the f64 stats block: settings in, loss terms out. */
export const STAT = {
  lambda: 0,
  learningRate: 1,
  beta1: 2,
  beta2: 3,
  epsilon: 4,
  beta1Power: 5,
  beta2Power: 6,
  mse: 7,
  penalty: 8,
  loss: 9,
  sumSquaredError: 10,
  sumJacobianSq: 11,
  count: 16,
} as const;

const ACTIVATION_CODES: Record<Activation, number> = { tanh: 0, relu: 1, softplus: 2 };

/** A buffer in linear memory: byte offset and length in f64 or i32 elements. */
export interface Region {
  readonly ptr: number;
  readonly length: number;
}

/** Sizes the plan depends on besides the layout. */
export interface PlanSizes {
  readonly capacity: number;
  readonly trainRows?: number;
  readonly validRows?: number;
}

/**
 * Places every buffer with `arena` and returns them by name (`levelN`, `levelN.s`, … for
 * level N) with the byte offset and length of the plan table.
 */
export function planRegions(
  arena: Arena,
  layout: ParamLayout,
  opts: PlanSizes,
  scratchLength: number,
): { regions: Record<string, Region>; plan: number; planLength: number } {
  const w = layout.widths;
  const L = w.length - 2;
  const B = opts.capacity;
  const d = w[0];
  const planLength = PLAN.levels + (L + 2) * LEVEL.stride;
  const plan = arena.allocBytes(planLength * 4);
  const f64 = (length: number): Region => ({ ptr: arena.alloc(length), length });
  const regions: Record<string, Region> = {
    stats: f64(STAT.count),
    params: f64(layout.size),
    grad: f64(layout.size),
    adamM: f64(layout.size),
    adamV: f64(layout.size),
    best: f64(layout.size),
    scratch: f64(scratchLength),
    batchY: f64(B),
    f: f64(B),
  };
  for (let j = 0; j <= L; j++) {
    regions[`level${j}`] = f64(2 * B * w[j]);
    regions[`level${j}.v`] = f64(B * w[j]);
    if (j === 0) continue;
    regions[`level${j}.s`] = f64(B * w[j]);
    regions[`level${j}.t`] = f64(B * w[j]);
    regions[`level${j}.zu`] = f64(2 * B * w[j]);
  }
  for (let j = 0; j < L; j++) {
    regions[`level${j}.wp`] = f64(w[j] * roundUp(w[j + 1], PANEL));
    regions[`level${j}.wtp`] = f64(w[j + 1] * roundUp(w[j], PANEL));
  }
  const trainRows = opts.trainRows ?? 0;
  const validRows = opts.validRows ?? 0;
  regions.trainX = f64(trainRows * d);
  regions.trainY = f64(trainRows);
  regions.order = { ptr: arena.allocBytes(trainRows * 4), length: trainRows };
  regions.validX = f64(validRows * d);
  regions.validY = f64(validRows);
  regions.stageX = f64(B * d);
  regions.stageOut = f64(B);
  regions.stageGrad = f64(B * d);
  return { regions, plan, planLength };
}

/** Fills the plan table read by assembly/mlp.ts from the layout and the placed buffers. */
export function writePlan(
  table: Int32Array,
  layout: ParamLayout,
  capacity: number,
  regions: Record<string, Region>,
): void {
  const w = layout.widths;
  const L = w.length - 2;
  const params = regions.params.ptr;
  table[PLAN.hidden] = L;
  table[PLAN.activation] = ACTIVATION_CODES[layout.spec.activation];
  table[PLAN.capacity] = capacity;
  table[PLAN.params] = params;
  table[PLAN.grad] = regions.grad.ptr;
  table[PLAN.adamM] = regions.adamM.ptr;
  table[PLAN.adamV] = regions.adamV.ptr;
  table[PLAN.nParams] = layout.size;
  table[PLAN.scratch] = regions.scratch.ptr;
  table[PLAN.y] = regions.batchY.ptr;
  table[PLAN.f] = regions.f.ptr;
  table[PLAN.stats] = regions.stats.ptr;
  for (let j = 0; j <= L + 1; j++) {
    const base = PLAN.levels + j * LEVEL.stride;
    table[base + LEVEL.width] = w[j];
    if (j > L) break;
    table[base + LEVEL.hd] = regions[`level${j}`].ptr;
    table[base + LEVEL.v] = regions[`level${j}.v`].ptr;
    if (j > 0) {
      table[base + LEVEL.s] = regions[`level${j}.s`].ptr;
      table[base + LEVEL.t] = regions[`level${j}.t`].ptr;
      table[base + LEVEL.zu] = regions[`level${j}.zu`].ptr;
    }
    table[base + LEVEL.w] = params + 8 * layout.weightOffsets[j];
    if (j < L) {
      table[base + LEVEL.wp] = regions[`level${j}.wp`].ptr;
      table[base + LEVEL.wtp] = regions[`level${j}.wtp`].ptr;
    }
    table[base + LEVEL.b] = params + 8 * layout.biasOffsets[j];
  }
}
