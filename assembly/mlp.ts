// Fused training passes of a scalar-output MLP with the exact input-Jacobian penalty
// loss = MSE + λ · mean_b ‖∂f(x_b)/∂x_b‖², and Adam, entirely inside linear memory.
// The TypeScript side (src/nn/fused-wasm.ts) allocates every buffer once and describes them
// in a plan: an i32 table at `plan` whose layout is given by the PLAN_* and LEVEL_* constants
// of mlp-plan.ts. No function here allocates or grows memory. The math is that of
// src/nn/fused-js.ts:
//   forward         h_{i+1} = σ(h_i W_i + b_i),  f = h_L w_L + b_L,  s = σ'(z)
//   input gradient  u_L = s_L ⊙ w_L,  v_i = u_{i+1} W_iᵀ,  u_i = s_i ⊙ v_i,  G = v_0
//   penalty reverse dv_0 = (2λ/B) G;  e = dv_i W_i;  dv_{i+1} = e ⊙ s;  t_{i+1} = e ⊙ v_{i+1} ⊙ q
//   MSE reverse     dz_j = s_j ⊙ (dh_j + t_j);  dW_i = h_iᵀ dz_{i+1} + dv_iᵀ u_{i+1};
//                   dh_i = dz_{i+1} W_iᵀ
// where q = σ''/σ' (tanh: −2h, relu: 0, softplus: 1 − s). The two terms of dW_i are one
// product: level buffers stack [h_i; dv_i] and [dz_{i+1}; u_{i+1}] as 2B rows, so
// dW_i = [h_i; dv_i]ᵀ [dz_{i+1}; u_{i+1}] with inner dimension 2B.
// This file contains the exported entry points. The passes are in the mlp-*.ts files.
import { activate } from './mlp-activation';
import { forward, inputGradient } from './mlp-forward';
import { packWeights } from './mlp-products';
import {
  LEVEL_HD, LEVEL_V, PLAN_ADAM_M, PLAN_ADAM_V, PLAN_CAPACITY, PLAN_F, PLAN_GRAD,
  PLAN_N_PARAMS, PLAN_PARAMS, PLAN_Y, STAT_BETA1, STAT_BETA1_POWER, STAT_BETA2,
  STAT_BETA2_POWER, STAT_EPSILON, STAT_LAMBDA, STAT_LEARNING_RATE, STAT_LOSS, STAT_MSE,
  STAT_PENALTY, STAT_SUM_JACOBIAN_SQ, STAT_SUM_SQUARED_ERROR, checkPlan, field, ptr, setStat,
  stat, width,
} from './mlp-plan';
import { mseReverse, outputResiduals, penaltyReverse } from './mlp-reverse';

export { mlpGemm, mlpGemmScratchLength } from './mlp-products';

/**
 * Applies the activation of the fused passes (ACT_* code): h = σ(z + bias) in place over
 * z [nRows, n], and s = σ'(z + bias). Exported for tests.
 */
export function mlpActivate(
  z: usize, s: usize, bias: usize, nRows: i32, n: i32, activation: i32,
): void {
  activate(z, s, bias, nRows, n, activation);
}

/**
 * Loss and exact gradient over the nRows (≤ capacity) rows already in level 0 (inputs) and
 * PLAN_Y (targets), at λ = STAT_LAMBDA. Writes the gradient and STAT_MSE/PENALTY/LOSS.
 */
export function mlpLossAndGradient(plan: usize, nRows: i32): void {
  checkPlan(plan, nRows);
  const lambda = stat(plan, STAT_LAMBDA);
  memory.fill(<usize>field(plan, PLAN_GRAD), 0, <usize>field(plan, PLAN_N_PARAMS) << 3);
  packWeights(plan);
  forward(plan, nRows);
  const mse = outputResiduals(plan, nRows) / <f64>nRows;
  let penaltySum: f64 = 0;
  const withPenalty = lambda != 0;
  if (withPenalty) {
    inputGradient(plan, nRows);
    penaltySum = penaltyReverse(plan, nRows, lambda);
  }
  mseReverse(plan, nRows, withPenalty);
  const penalty = penaltySum / <f64>nRows;
  setStat(plan, STAT_MSE, mse);
  setStat(plan, STAT_PENALTY, penalty);
  setStat(plan, STAT_LOSS, mse + lambda * penalty);
}

/** Applies one Adam step to the parameters from the gradient, with the STAT_* settings. */
export function mlpAdam(plan: usize): void {
  const beta1 = stat(plan, STAT_BETA1);
  const beta2 = stat(plan, STAT_BETA2);
  const epsilon = stat(plan, STAT_EPSILON);
  const lr = stat(plan, STAT_LEARNING_RATE);
  const beta1Power = stat(plan, STAT_BETA1_POWER) * beta1;
  const beta2Power = stat(plan, STAT_BETA2_POWER) * beta2;
  setStat(plan, STAT_BETA1_POWER, beta1Power);
  setStat(plan, STAT_BETA2_POWER, beta2Power);
  // θ ← θ − stepSize · m / (sqrt(v) · rootScale + ε), the formula of src/nn/optim.ts.
  const stepSize = lr / (1.0 - beta1Power);
  const rootScale = 1.0 / Math.sqrt(1.0 - beta2Power);
  const theta = <usize>field(plan, PLAN_PARAMS);
  const grad = <usize>field(plan, PLAN_GRAD);
  const m = <usize>field(plan, PLAN_ADAM_M);
  const v = <usize>field(plan, PLAN_ADAM_V);
  const count = field(plan, PLAN_N_PARAMS);
  let p = 0;
  if (ASC_FEATURE_SIMD) {
    // Same operations in the same order as the scalar loop below, two lanes at a time.
    const b1 = f64x2.splat(beta1);
    const b2 = f64x2.splat(beta2);
    const oneMinusB1 = f64x2.splat(1.0 - beta1);
    const oneMinusB2 = f64x2.splat(1.0 - beta2);
    const size = f64x2.splat(stepSize);
    const scale = f64x2.splat(rootScale);
    const eps = f64x2.splat(epsilon);
    for (; p + 2 <= count; p += 2) {
      const o = <usize>p << 3;
      const g = v128.load(grad + o);
      const mp = f64x2.add(f64x2.mul(b1, v128.load(m + o)), f64x2.mul(oneMinusB1, g));
      const vp = f64x2.add(f64x2.mul(b2, v128.load(v + o)), f64x2.mul(f64x2.mul(oneMinusB2, g), g));
      v128.store(m + o, mp);
      v128.store(v + o, vp);
      const step = f64x2.div(
        f64x2.mul(size, mp),
        f64x2.add(f64x2.mul(f64x2.sqrt(vp), scale), eps),
      );
      v128.store(theta + o, f64x2.sub(v128.load(theta + o), step));
    }
  }
  for (; p < count; p++) {
    const o = <usize>p << 3;
    const g = load<f64>(grad + o);
    const mp = beta1 * load<f64>(m + o) + (1.0 - beta1) * g;
    const vp = beta2 * load<f64>(v + o) + (1.0 - beta2) * g * g;
    store<f64>(m + o, mp);
    store<f64>(v + o, vp);
    const step = (stepSize * mp) / (Math.sqrt(vp) * rootScale + epsilon);
    store<f64>(theta + o, load<f64>(theta + o) - step);
  }
}

/**
 * Copies rows order[start .. start + nRows) of x [*, nInputs] and y into the batch buffers.
 * `order` contains i32 row indices.
 */
export function mlpGather(
  plan: usize, x: usize, y: usize, order: usize, start: i32, nRows: i32,
): void {
  checkPlan(plan, nRows);
  assert(start >= 0, 'mlpGather: start must be non-negative');
  const d = width(plan, 0);
  const rowBytes = <usize>d << 3;
  const xBatch = ptr(plan, 0, LEVEL_HD);
  const yBatch = <usize>field(plan, PLAN_Y);
  for (let b = 0; b < nRows; b++) {
    const row = <usize>load<i32>(order + (<usize>(start + b) << 2));
    memory.copy(xBatch + <usize>b * rowBytes, x + row * rowBytes, rowBytes);
    store<f64>(yBatch + (<usize>b << 3), load<f64>(y + (row << 3)));
  }
}

/** Runs one training step: gathers a batch, computes loss and gradient, applies Adam. */
export function mlpTrainStep(
  plan: usize, x: usize, y: usize, order: usize, start: i32, nRows: i32,
): void {
  mlpGather(plan, x, y, order, start, nRows);
  mlpLossAndGradient(plan, nRows);
  mlpAdam(plan);
}

/**
 * Evaluates nRows rows of x [nRows, nInputs] in chunks of at most capacity rows. Writes f to
 * `out` [nRows] when out ≠ 0 and ∂f/∂x to `grads` [nRows, nInputs] when grads ≠ 0. Sets
 * STAT_SUM_SQUARED_ERROR = Σ (f − y)² (0 when y = 0) and, when `jacobian` is set or grads ≠ 0,
 * STAT_SUM_JACOBIAN_SQ = Σ_b ‖G_b‖².
 */
export function mlpEvaluate(
  plan: usize, x: usize, y: usize, nRows: i32, out: usize, grads: usize, jacobian: bool,
): void {
  checkPlan(plan, 0);
  assert(nRows >= 0, 'mlpEvaluate: nRows must be non-negative');
  const capacity = field(plan, PLAN_CAPACITY);
  const d = width(plan, 0);
  const f = <usize>field(plan, PLAN_F);
  const needGradient = jacobian || grads != 0;
  let sse: f64 = 0;
  let sumJacobian: f64 = 0;
  packWeights(plan);
  for (let start = 0; start < nRows; start += capacity) {
    const count = min(capacity, nRows - start);
    const rowBytes = <usize>d << 3;
    memory.copy(ptr(plan, 0, LEVEL_HD), x + <usize>start * rowBytes, <usize>count * rowBytes);
    forward(plan, count);
    if (out != 0) memory.copy(out + (<usize>start << 3), f, <usize>count << 3);
    if (y != 0) {
      for (let b = 0; b < count; b++) {
        const r = load<f64>(f + (<usize>b << 3)) - load<f64>(y + (<usize>(start + b) << 3));
        sse += r * r;
      }
    }
    if (!needGradient) continue;
    inputGradient(plan, count);
    const g = ptr(plan, 0, LEVEL_V);
    if (grads != 0) memory.copy(grads + <usize>start * rowBytes, g, <usize>count * rowBytes);
    for (let p = 0; p < count * d; p++) {
      const value = load<f64>(g + (<usize>p << 3));
      sumJacobian += value * value;
    }
  }
  setStat(plan, STAT_SUM_SQUARED_ERROR, sse);
  setStat(plan, STAT_SUM_JACOBIAN_SQ, sumJacobian);
}
