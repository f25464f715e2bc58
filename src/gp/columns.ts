// Column-wise primitive values and chain-rule products for the constant fitter. The common
// primitives get inline loops, because calling the primitive table once per row costs several
// times more; every other primitive falls back to the table, so both paths follow one rule.
import type { Primitive } from './primitives.js';

/** out[i] = primitive(a[i], b[i]) for i < nRows (b is null for unary primitives). */
export function applyColumn(
  primitive: Primitive,
  a: Float64Array,
  b: Float64Array | null,
  nRows: number,
): Float64Array {
  const out = new Float64Array(nRows);
  if (b !== null) {
    switch (primitive.name) {
      case 'add':
        for (let i = 0; i < nRows; i++) out[i] = a[i] + b[i];
        return out;
      case 'sub':
        for (let i = 0; i < nRows; i++) out[i] = a[i] - b[i];
        return out;
      case 'mul':
        for (let i = 0; i < nRows; i++) out[i] = a[i] * b[i];
        return out;
      default: {
        const apply = primitive.apply;
        for (let i = 0; i < nRows; i++) out[i] = apply(a[i], b[i]);
        return out;
      }
    }
  }
  const apply = primitive.apply;
  for (let i = 0; i < nRows; i++) out[i] = apply(a[i], 0);
  return out;
}

/**
 * The adjoint of argument k (0 for a, 1 for b) of a node with output y and adjoint `adjoint`:
 * out[i] = adjoint[i] · ∂y/∂arg_k at row i. A zero adjoint gives zero even where the partial
 * derivative is infinite (sqrt at 0).
 */
export function chainColumn(
  primitive: Primitive,
  k: number,
  a: Float64Array,
  b: Float64Array | null,
  y: Float64Array,
  adjoint: Float64Array,
): Float64Array {
  const nRows = adjoint.length;
  const out = new Float64Array(nRows);
  const name = primitive.name;
  if (name === 'add' || (name === 'sub' && k === 0)) {
    out.set(adjoint);
    return out;
  }
  if (name === 'sub' || name === 'neg') {
    for (let i = 0; i < nRows; i++) out[i] = -adjoint[i];
    return out;
  }
  if (name === 'mul') {
    const other = k === 0 ? (b as Float64Array) : a;
    for (let i = 0; i < nRows; i++) out[i] = adjoint[i] === 0 ? 0 : adjoint[i] * other[i];
    return out;
  }
  const partial = k === 0 ? primitive.dA : primitive.dB;
  for (let i = 0; i < nRows; i++) {
    if (adjoint[i] !== 0) out[i] = adjoint[i] * partial(a[i], b === null ? 0 : b[i], y[i]);
  }
  return out;
}
