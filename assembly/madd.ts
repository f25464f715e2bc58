// f64x2 multiply-add for every build. The relaxed build emits one relaxed multiply-add, which
// rounds once on CPUs with FMA. Other builds emit a multiply and an add, which round twice.

/** Returns a · b + c, lane by lane. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

/** Returns c − a · b, lane by lane. */
// @ts-ignore: decorator
@inline export function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_nmadd(a, b, c);
  return f64x2.sub(c, f64x2.mul(a, b));
}

/**
 * Returns a where the lane mask is all ones and b where it is all zeros, for masks from
 * comparisons. Built with relaxed SIMD it may compile to one blend instruction.
 */
// @ts-ignore: decorator
@inline export function laneSelect(a: v128, b: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i64x2.relaxed_laneselect(a, b, mask);
  return v128.bitselect(a, b, mask);
}
