// Per-column standardisation (z-scores) fitted on training rows only, so validation and test
// rows are scaled with statistics they did not contribute to.
import { InputError, ShapeError } from '../core/errors.js';
import type { Dataset } from './dataset.js';

export class Standardizer {
  /**
   * @param xMean per-feature mean
   * @param xStd per-feature population standard deviation (divided by n), all > 0
   */
  constructor(
    readonly featureNames: readonly string[],
    readonly xMean: Float64Array,
    readonly xStd: Float64Array,
    readonly yMean: number,
    readonly yStd: number,
  ) {}

  /**
   * Computes means and population standard deviations of every feature and the target of
   * `ds`. Throws InputError naming the column when one has the same value in every row.
   */
  static fit(ds: Dataset): Standardizer {
    const { nRows, nFeatures } = ds;
    const xMean = new Float64Array(nFeatures);
    const xStd = new Float64Array(nFeatures);
    for (let j = 0; j < nFeatures; j++) {
      const column = new Float64Array(nRows);
      for (let i = 0; i < nRows; i++) column[i] = ds.x[i * nFeatures + j];
      [xMean[j], xStd[j]] = meanStd(column);
      if (xStd[j] === 0) throw constantColumn(ds, ds.featureNames[j], xMean[j]);
      checkScale(ds, ds.featureNames[j], xStd[j]);
    }
    const [yMean, yStd] = meanStd(ds.y);
    if (yStd === 0) throw constantColumn(ds, ds.targetName, yMean);
    checkScale(ds, ds.targetName, yStd);
    return new Standardizer([...ds.featureNames], xMean, xStd, yMean, yStd);
  }

  get nFeatures(): number {
    return this.xMean.length;
  }

  /** Returns (x − mean) / std per column of row-major `x` with nFeatures columns. */
  transformX(x: Float64Array): Float64Array {
    const p = this.nFeatures;
    if (x.length % p !== 0) {
      throw new ShapeError(
        `Standardizer.transformX: x.length a multiple of nFeatures = ${p}, got ${x.length}`,
      );
    }
    const out = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const j = k % p;
      out[k] = (x[k] - this.xMean[j]) / this.xStd[j];
    }
    return out;
  }

  /** Returns (y − yMean) / yStd. */
  transformY(y: Float64Array): Float64Array {
    return y.map((v) => (v - this.yMean) / this.yStd);
  }

  /** Maps standardized targets back to original units: z · yStd + yMean. */
  inverseY(z: Float64Array): Float64Array {
    return z.map((v) => v * this.yStd + this.yMean);
  }

  /** Returns a copy of `ds` with standardized features and target. */
  transform(ds: Dataset): Dataset {
    if (ds.featureNames.some((name, j) => name !== this.featureNames[j])) {
      throw new ShapeError(
        `Standardizer.transform: features [${this.featureNames.join(', ')}], ` +
          `got [${ds.featureNames.join(', ')}]`,
      );
    }
    return { ...ds, x: this.transformX(ds.x), y: this.transformY(ds.y) };
  }
}

/**
 * Two-pass mean and population standard deviation, computed on values divided by their largest
 * magnitude so that neither the sum nor the squares overflow or underflow.
 */
function meanStd(values: Float64Array): [number, number] {
  let scale = 0;
  for (const v of values) scale = Math.max(scale, Math.abs(v));
  if (scale === 0) return [0, 0];
  let sum = 0;
  for (const v of values) sum += v / scale;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v / scale - mean) * (v / scale - mean);
  return [mean * scale, Math.sqrt(sq / values.length) * scale];
}

/**
 * Standard deviations outside this range cannot be standardised and printed back as finite
 * formula constants (1 / std must stay finite), so such columns are rejected.
 */
const STD_RANGE: readonly [number, number] = [1e-150, 1e150];

function checkScale(ds: Dataset, column: string, std: number): void {
  if (std < STD_RANGE[0] || std > STD_RANGE[1]) {
    throw new InputError(
      `Standardizer.fit: ${ds.source} column "${column}": expected a standard deviation in ` +
        `[${STD_RANGE[0]}, ${STD_RANGE[1]}], got ${std}; rescale the column (change its units)`,
    );
  }
}

function constantColumn(ds: Dataset, column: string, value: number): InputError {
  return new InputError(
    `Standardizer.fit: ${ds.source} column "${column}": expected varying values in the ` +
      `${ds.nRows} training rows, got the constant ${value}; drop the column`,
  );
}
