// Every primitive op: its public function and its definition. ALL_OPS is the single list of
// definitions; the gradient-check suite asserts that each entry has a spec.
import type { OpDef } from '../op.js';
import { addOp, negOp, subOp } from './add.js';
import { broadcastToOp } from './broadcast.js';
import { greaterOp } from './compare.js';
import { divOp } from './div.js';
import { expOp, logOp } from './exp.js';
import { matmulOp } from './matmul.js';
import { mulOp } from './mul.js';
import { powOp, sqrtOp, squareOp } from './pow.js';
import { reluOp } from './relu.js';
import { reshapeOp } from './reshape.js';
import { sigmoidOp, softplusOp } from './sigmoid.js';
import { sumOp } from './sum.js';
import { tanhOp } from './tanh.js';
import { transposeOp } from './transpose.js';

export { add, addOp, neg, negOp, sub, subOp } from './add.js';
export { broadcastTo, broadcastToOp } from './broadcast.js';
export { greater, greaterOp } from './compare.js';
export { div, divOp } from './div.js';
export { exp, expOp, log, logOp } from './exp.js';
export { matmul, matmulOp } from './matmul.js';
export { mul, mulOp } from './mul.js';
export { pow, powOp, sqrt, sqrtOp, square, squareOp } from './pow.js';
export { relu, reluOp } from './relu.js';
export { reshape, reshapeOp } from './reshape.js';
export { sigmoid, sigmoidOp, softplus, softplusOp } from './sigmoid.js';
export { sum, sumOp } from './sum.js';
export { tanh, tanhOp } from './tanh.js';
export { transpose, transposeOp } from './transpose.js';

/** Any op definition. Its attribute type is erased, so use it for names and registries only. */
export type AnyOpDef = OpDef<never>;

export const ALL_OPS: readonly AnyOpDef[] = [
  addOp,
  subOp,
  negOp,
  mulOp,
  divOp,
  expOp,
  logOp,
  powOp,
  squareOp,
  sqrtOp,
  tanhOp,
  sigmoidOp,
  softplusOp,
  reluOp,
  greaterOp,
  matmulOp,
  transposeOp,
  reshapeOp,
  broadcastToOp,
  sumOp,
];
