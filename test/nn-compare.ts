// Gradient comparison helpers for the tests of the fused MLP passes against the autodiff tape.
import type { ParamLayout } from '../src/nn/layout.js';

/** One weight matrix or bias vector of a layout and its errors against a reference. */
export interface BlockError {
  readonly block: string;
  /** Largest |found − expected| over the block, or Infinity when any difference is NaN. */
  readonly maxErr: number;
  /** Largest |expected| over the block. */
  readonly maxRef: number;
}

/** Returns the errors of found against expected for every weight matrix and bias vector. */
export function blockErrors(
  layout: ParamLayout,
  found: Float64Array,
  expected: Float64Array,
): BlockError[] {
  const w = layout.widths;
  const errors: BlockError[] = [];
  for (let i = 0; i + 1 < w.length; i++) {
    const blocks: [string, number, number][] = [
      [`W${i}`, layout.weightOffsets[i], w[i] * w[i + 1]],
      [`b${i}`, layout.biasOffsets[i], w[i + 1]],
    ];
    for (const [block, start, length] of blocks) {
      let maxErr = 0;
      let maxRef = 0;
      for (let p = start; p < start + length; p++) {
        const err = Math.abs(found[p] - expected[p]);
        maxErr = Number.isNaN(err) ? Infinity : Math.max(maxErr, err);
        maxRef = Math.max(maxRef, Math.abs(expected[p]));
      }
      errors.push({ block, maxErr, maxRef });
    }
  }
  return errors;
}
