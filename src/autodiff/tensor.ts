// Tensor: an immutable NDArray plus, when recorded, the graph node that produced it.
// Tensors are never mutated; every op returns a new one. Recording follows the grad mode
// flag below: `apply` in op.ts reads it, and noGrad and the reverse walk in grad.ts set it.
import { NDArray } from '../core/ndarray.js';
import { AutodiffError, ShapeError } from '../core/errors.js';
import { formatShape, sizeOf, type Shape } from '../core/shape.js';

/**
 * Cotangents for each input of a recorded op, given the op's output and the output's
 * cotangent. Written with public Tensor ops so that it can be differentiated again.
 */
export type BackwardFn = (output: Tensor, dy: Tensor, needsGrad: readonly boolean[]) => readonly (
  | Tensor
  | null
)[];

/** Graph record of the op that produced a tensor: op name, ordered inputs and VJP. */
export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly backward: BackwardFn;
}

let gradEnabled = true;

/** Returns whether ops currently record graph nodes. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with recording switched on or off and restores the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

export class Tensor {
  readonly value: NDArray;
  /** The op that produced this tensor when it was recorded; null for leaves and constants. */
  readonly node: GraphNode | null;
  /** True for recorded results and for leaves created with `param` or `requiresGrad`. */
  readonly requiresGrad: boolean;

  constructor(value: NDArray, node: GraphNode | null = null, requiresGrad = node !== null) {
    this.value = value;
    this.node = node;
    this.requiresGrad = requiresGrad;
  }

  get shape(): Shape {
    return this.value.shape;
  }

  /** Row-major values. Treat as read-only: tensors share buffers. */
  get data(): Float64Array {
    return this.value.data;
  }

  get size(): number {
    return this.value.size;
  }

  get rank(): number {
    return this.value.rank;
  }

  /** Returns the value of a one-element tensor. Throws AutodiffError for any other size. */
  item(): number {
    if (this.size !== 1) {
      throw new AutodiffError(
        `item: tensor must have one element, got shape ${formatShape(this.shape)}`,
      );
    }
    return this.data[0];
  }

  /** Returns a constant tensor that shares these values but is cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.value);
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}, data=[${Array.from(this.data).join(', ')}])`;
  }
}

/** Values accepted by `tensor` and `param`. */
export type TensorValues =
  | number
  | readonly number[]
  | readonly (readonly number[])[]
  | Float64Array;

/**
 * Creates a constant tensor (no gradient). The shape defaults to [] for a number, [n] for a
 * flat array and [rows, cols] for nested arrays. Throws ShapeError when the values do not
 * fill `shape` or nested rows differ in length.
 */
export function tensor(values: TensorValues, shape?: Shape): Tensor {
  return new Tensor(toNDArray(values, shape));
}

/** Creates a leaf tensor that requires gradients; arguments as for `tensor`. */
export function param(values: TensorValues, shape?: Shape): Tensor {
  return new Tensor(toNDArray(values, shape), null, true);
}

/** Wraps an NDArray (shared, not copied) as a constant or, with requiresGrad, as a leaf. */
export function fromNDArray(value: NDArray, opts: { requiresGrad?: boolean } = {}): Tensor {
  return new Tensor(value, null, opts.requiresGrad ?? false);
}

export function zeros(shape: Shape): Tensor {
  return new Tensor(NDArray.zeros(shape));
}

export function ones(shape: Shape): Tensor {
  return new Tensor(NDArray.full(shape, 1));
}

/** Numbers become constant scalar tensors; tensors pass through. */
export function asTensor(x: Tensor | number): Tensor {
  return typeof x === 'number' ? new Tensor(NDArray.scalar(x)) : x;
}

function toNDArray(values: TensorValues, shape?: Shape): NDArray {
  const { data, inferred } = flatten(values);
  const target = shape ?? inferred;
  if (sizeOf(target) !== data.length) {
    throw new ShapeError(
      `tensor: values must fill shape ${formatShape(target)} (${sizeOf(target)} values), ` +
        `got ${data.length}`,
    );
  }
  return new NDArray(data, target);
}

function flatten(values: TensorValues): { data: Float64Array; inferred: Shape } {
  if (typeof values === 'number') return { data: Float64Array.of(values), inferred: [] };
  if (values instanceof Float64Array) return { data: values.slice(), inferred: [values.length] };
  if (values.length === 0 || typeof values[0] === 'number') {
    return { data: Float64Array.from(values as readonly number[]), inferred: [values.length] };
  }
  const rows = values as readonly (readonly number[])[];
  const nCols = rows[0].length;
  const data = new Float64Array(rows.length * nCols);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== nCols) {
      throw new ShapeError(
        `tensor: every row must have ${nCols} values, got row ${i} with ${row.length}`,
      );
    }
    data.set(row, i * nCols);
  });
  return { data, inferred: [rows.length, nCols] };
}
