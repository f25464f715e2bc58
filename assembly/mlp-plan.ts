// Memory plan of the fused MLP passes: the i32 table at `plan` that src/nn/wasm-plan.ts fills,
// with the byte offsets and widths of every buffer, and the f64 stats block it points to. The
// slot numbers below must change together with PLAN, LEVEL and STAT in src/nn/wasm-plan.ts.

// Plan fields (i32 slot indices). Pointers are byte offsets.
export const PLAN_HIDDEN: i32 = 0; // number of hidden layers L
export const PLAN_ACTIVATION: i32 = 1; // ACT_* code
export const PLAN_CAPACITY: i32 = 2; // maximum rows per pass
export const PLAN_PARAMS: i32 = 3; // parameters, flat layout of src/nn/layout.ts
export const PLAN_GRAD: i32 = 4; // gradient, same layout
export const PLAN_ADAM_M: i32 = 5;
export const PLAN_ADAM_V: i32 = 6;
export const PLAN_N_PARAMS: i32 = 7;
export const PLAN_SCRATCH: i32 = 8; // matmul scratch
export const PLAN_Y: i32 = 9; // targets of the current batch [capacity]
export const PLAN_F: i32 = 10; // outputs of the current batch [capacity]
export const PLAN_STATS: i32 = 11; // f64 slots STAT_*
export const PLAN_LEVELS: i32 = 16;
export const LEVEL_STRIDE: i32 = 10;
// Level fields, for level j = 0 .. L (j = 0 is the input). Level L + 1 stores only its width.
export const LEVEL_WIDTH: i32 = 0; // n_j
/** [2 · capacity, n_j]: h_j in rows 0 .. B, dv_j in rows B .. 2B. */
export const LEVEL_HD: i32 = 1;
export const LEVEL_S: i32 = 2; // [capacity, n_j]: σ'(z_j) (j ≥ 1)
export const LEVEL_V: i32 = 3; // [capacity, n_j]: v_j; v_0 is G = ∂f/∂x
export const LEVEL_T: i32 = 4; // [capacity, n_j]: t_j = e ⊙ v_j ⊙ q_j (1 ≤ j < L); e at L
/** [2 · capacity, n_j]: dh_j then dz_j in rows 0 .. B, u_j in rows B .. 2B. */
export const LEVEL_ZU: i32 = 5;
export const LEVEL_W: i32 = 6; // W_j [n_j, n_{j+1}] inside the parameters
export const LEVEL_B: i32 = 7; // b_j [n_{j+1}] inside the parameters
/** W_j [n_j, n_{j+1}] packed in panels (mlp-gemm.ts), refreshed at the start of every pass. */
export const LEVEL_WP: i32 = 8;
/** W_jᵀ [n_{j+1}, n_j] packed in panels, refreshed with WP. Both exist for j < L only. */
export const LEVEL_WTP: i32 = 9;

// Stats (f64 slot indices).
export const STAT_LAMBDA: i32 = 0;
export const STAT_LEARNING_RATE: i32 = 1;
export const STAT_BETA1: i32 = 2;
export const STAT_BETA2: i32 = 3;
export const STAT_EPSILON: i32 = 4;
export const STAT_BETA1_POWER: i32 = 5; // β1^t after t Adam steps
export const STAT_BETA2_POWER: i32 = 6;
export const STAT_MSE: i32 = 7; // of the last gradient pass
export const STAT_PENALTY: i32 = 8;
export const STAT_LOSS: i32 = 9;
export const STAT_SUM_SQUARED_ERROR: i32 = 10; // of the last mlpEvaluate call
export const STAT_SUM_JACOBIAN_SQ: i32 = 11;

export const ACT_TANH: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_SOFTPLUS: i32 = 2;

// @ts-ignore: decorator
@inline export function field(plan: usize, slot: i32): i32 {
  return load<i32>(plan + (<usize>slot << 2));
}

// @ts-ignore: decorator
@inline export function levelField(plan: usize, j: i32, slot: i32): i32 {
  return load<i32>(plan + (<usize>(PLAN_LEVELS + j * LEVEL_STRIDE + slot) << 2));
}

// @ts-ignore: decorator
@inline export function width(plan: usize, j: i32): i32 {
  return levelField(plan, j, LEVEL_WIDTH);
}

// @ts-ignore: decorator
@inline export function ptr(plan: usize, j: i32, slot: i32): usize {
  return <usize>levelField(plan, j, slot);
}

// @ts-ignore: decorator
@inline export function stat(plan: usize, slot: i32): f64 {
  return load<f64>(<usize>field(plan, PLAN_STATS) + (<usize>slot << 3));
}

// @ts-ignore: decorator
@inline export function setStat(plan: usize, slot: i32, value: f64): void {
  store<f64>(<usize>field(plan, PLAN_STATS) + (<usize>slot << 3), value);
}

/** Byte offset from a parameter to its gradient entry. */
// @ts-ignore: decorator
@inline export function gradShift(plan: usize): usize {
  return <usize>field(plan, PLAN_GRAD) - <usize>field(plan, PLAN_PARAMS);
}

/** Bytes of linear memory. */
// @ts-ignore: decorator
@inline function memoryBytes(): usize {
  return <usize>memory.size() << 16;
}

/**
 * Checks, in builds with assertions, that a pass over nRows rows fits the plan: 0 ≤ nRows ≤
 * capacity, at least one hidden layer, positive widths, and every level buffer inside memory.
 * The release builds compile this to nothing.
 */
export function checkPlan(plan: usize, nRows: i32): void {
  const capacity = field(plan, PLAN_CAPACITY);
  const L = field(plan, PLAN_HIDDEN);
  assert(nRows >= 0, 'mlp: nRows must be in [0, capacity]');
  assert(nRows <= capacity, 'mlp: nRows must be in [0, capacity]');
  assert(L >= 1, 'mlp: the plan must have at least one hidden layer');
  const end = memoryBytes();
  for (let j = 0; j <= L; j++) {
    const n = width(plan, j);
    assert(n >= 1, 'mlp: every layer width must be positive');
    const rows = <usize>(2 * capacity) * <usize>n * 8;
    assert(ptr(plan, j, LEVEL_HD) + rows <= end, 'mlp: level buffer HD outside memory');
    assert(ptr(plan, j, LEVEL_ZU) + rows <= end, 'mlp: level buffer ZU outside memory');
    assert(ptr(plan, j, LEVEL_V) + rows / 2 <= end, 'mlp: level buffer V outside memory');
  }
  const params = <usize>field(plan, PLAN_N_PARAMS) << 3;
  assert(<usize>field(plan, PLAN_PARAMS) + params <= end, 'mlp: parameters outside memory');
  assert(<usize>field(plan, PLAN_GRAD) + params <= end, 'mlp: gradient outside memory');
}
