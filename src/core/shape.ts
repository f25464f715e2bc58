// Shape helpers. Shapes are readonly arrays of non-negative integers; a scalar has shape [].
// NumPy broadcasting rules are implemented here once and nowhere else.
import { ShapeError } from './errors.js';

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Formats a shape for messages, e.g. `[32, 4]`. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Broadcast result shape of two shapes (trailing dimensions aligned; 1 stretches). */
export function broadcastShapes(a: Shape, b: Shape, op = 'broadcast'): Shape {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: shapes must be broadcast-compatible, got ${formatShape(a)} and ${formatShape(b)}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Axes of `target` that were stretched to reach `from` by broadcasting: the leading axes that
 * `target` lacks, and the axes where `target` has size 1 but `from` does not. Summing `from`
 * over these axes (then reshaping) gives `target`'s shape.
 */
export function reductionAxes(from: Shape, target: Shape): number[] {
  const lead = from.length - target.length;
  const axes: number[] = [];
  for (let i = 0; i < from.length; i++) {
    if (i < lead) axes.push(i);
    else if (target[i - lead] === 1 && from[i] !== 1) axes.push(i);
  }
  return axes;
}

/** Maps a possibly negative axis into [0, rank); throws ShapeError when out of range. */
export function normalizeAxis(axis: number, rank: number, op = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${op}: axis must be in [${-rank}, ${rank}), got ${axis}`);
  }
  return a;
}
