// Op definitions and their application. Each op is defined once: a shape rule, a numeric
// forward pass on NDArrays, and a VJP written in public Tensor ops. `apply` validates shapes,
// runs the forward pass and records a graph node when grad mode is on and an input needs it.
import { AutodiffError } from '../core/errors.js';
import { NDArray } from '../core/ndarray.js';
import { formatShape, shapesEqual, type Shape } from '../core/shape.js';
import { getKernels, type Kernels, type UnaryKernel } from '../kernels/index.js';
import { isGradEnabled, Tensor, type GraphNode } from './tensor.js';

export interface VjpContext<Attrs> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** Cotangent of the output, same shape as the output. */
  readonly dy: Tensor;
  readonly attrs: Attrs;
  /** needsGrad[i] is false when input i's cotangent will be discarded; it may then be null. */
  readonly needsGrad: readonly boolean[];
}

export interface OpDef<Attrs = undefined> {
  readonly name: string;
  /** Validates input shapes and returns the output shape. Throws ShapeError. */
  shape(inputs: readonly Shape[], attrs: Attrs): Shape;
  /** Numeric forward pass on raw arrays. Never records graph nodes. */
  forward(inputs: readonly NDArray[], attrs: Attrs, k: Kernels): NDArray;
  /**
   * Cotangent for each input, in input order, written only with public Tensor ops so that it
   * can itself be differentiated. Null means a zero cotangent. The engine sums a cotangent
   * with a broadcast shape back to the input's shape.
   */
  vjp(c: VjpContext<Attrs>): readonly (Tensor | null)[];
}

/** Identity helper that fixes the attribute type of an op definition. */
export function defineOp<Attrs = undefined>(def: OpDef<Attrs>): OpDef<Attrs> {
  return def;
}

/** Runs `op` on `inputs` and records a graph node when grad mode is on and an input needs it. */
export function apply(op: OpDef<undefined>, inputs: readonly Tensor[]): Tensor;
export function apply<Attrs>(op: OpDef<Attrs>, inputs: readonly Tensor[], attrs: Attrs): Tensor;
export function apply<Attrs>(op: OpDef<Attrs>, inputs: readonly Tensor[], attrs?: Attrs): Tensor {
  const a = attrs as Attrs;
  const outShape = op.shape(
    inputs.map((x) => x.shape),
    a,
  );
  const value = op.forward(
    inputs.map((x) => x.value),
    a,
    getKernels(),
  );
  if (!shapesEqual(value.shape, outShape)) {
    throw new AutodiffError(
      `${op.name}: forward must return shape ${formatShape(outShape)}, ` +
        `got ${formatShape(value.shape)}`,
    );
  }

  if (!isGradEnabled() || !inputs.some((x) => x.requiresGrad)) return new Tensor(value);
  const recorded = [...inputs];
  const node: GraphNode = {
    op: op.name,
    inputs: recorded,
    backward: (output, dy, needsGrad) =>
      op.vjp({ inputs: recorded, output, dy, attrs: a, needsGrad }),
  };
  return new Tensor(value, node);
}

/** Output shape of an elementwise unary op: the input's shape. */
export function sameShape([x]: readonly Shape[]): Shape {
  return x;
}

/** Forward pass of an elementwise unary op through the `unary` kernel. */
export function unaryForward(kind: UnaryKernel) {
  return ([x]: readonly NDArray[], _attrs: undefined, k: Kernels): NDArray =>
    new NDArray(k.unary(kind, x.data), x.shape);
}
