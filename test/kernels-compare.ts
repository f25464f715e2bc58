// Comparison helpers for the WebAssembly-versus-TypeScript kernel tests.

/** Distance in units in the last place between two f64 values; 0 for equal or both NaN. */
export function ulpDistance(a: number, b: number): number {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const d = orderedBits(a) - orderedBits(b);
  return Number(d < 0n ? -d : d);
}

const view = new DataView(new ArrayBuffer(8));

/**
 * Maps an f64 to an integer that increases with the value, adjacent f64 differing by 1. It
 * stays a bigint: the values exceed 2^53, where a number could not tell neighbours apart.
 */
function orderedBits(x: number): bigint {
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
}

export interface Mismatch {
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
}

/** Returns the first index where agree(actual[i], expected[i], i) fails, or a length mismatch. */
function firstMismatch(
  actual: Float64Array,
  expected: Float64Array,
  agree: (a: number, e: number, i: number) => boolean,
): Mismatch | undefined {
  if (actual.length !== expected.length) {
    return { index: -1, actual: actual.length, expected: expected.length };
  }
  for (let i = 0; i < actual.length; i++) {
    if (!agree(actual[i], expected[i], i)) {
      return { index: i, actual: actual[i], expected: expected[i] };
    }
  }
  return undefined;
}

/** Returns the first index where actual and expected differ bit for bit (NaN equals NaN). */
export function firstBitMismatch(
  actual: Float64Array,
  expected: Float64Array,
): Mismatch | undefined {
  return firstMismatch(
    actual,
    expected,
    (a, e) => Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)),
  );
}

/**
 * Returns the first index where actual and expected differ by more than bound[i]. Equal values
 * (infinities included) and two NaNs always agree.
 */
export function firstBoundMismatch(
  actual: Float64Array,
  expected: Float64Array,
  bound: Float64Array,
): Mismatch | undefined {
  return firstMismatch(
    actual,
    expected,
    (a, e, i) =>
      a === e || (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= bound[i],
  );
}

/** Returns the largest ulp distance and where it occurs. */
export function maxUlpDistance(
  actual: Float64Array,
  expected: Float64Array,
): { ulps: number; index: number } {
  let ulps = 0;
  let index = -1;
  for (let i = 0; i < actual.length; i++) {
    const d = ulpDistance(actual[i], expected[i]);
    if (d > ulps) {
      ulps = d;
      index = i;
    }
  }
  return { ulps, index };
}

/** Formats a mismatch for a failure message. */
export function describeMismatch(m: Mismatch | undefined): string {
  if (m === undefined) return 'none';
  if (m.index < 0) return `lengths differ: ${m.actual} vs ${m.expected}`;
  return `index ${m.index}: ${m.actual} vs ${m.expected}`;
}
