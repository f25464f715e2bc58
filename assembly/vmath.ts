// Two-lane f64x2 versions of exp, expm1, log, sin, cos and tanh for the SIMD build.
// Each reduces the argument to a short interval and evaluates a polynomial there. The
// coefficients are Chebyshev fits (mpmath.chebyfit at 50 digits). After rounding the
// coefficients to f64, their approximation error is below 2^-54 relative to the result on
// that interval, so rounding dominates: the tests measure at most 3 ulp against V8's Math.
// Polynomials use Horner's rule in the relaxed build (exp's split into even and odd halves)
// and Estrin's scheme otherwise (see HORNER). vexp, vlog and vtanh are branch-free for every
// input. sin and cos reduce |x| ≤ 2^19 only, and callers route larger or non-finite arguments
// to Math.
// These functions are reachable only when ASC_FEATURE_SIMD is true; the scalar build calls
// Math directly.
//
// Constants live in static memory and are read with v128.load64_splat (one instruction).
// In the code that Node 20's V8 generates, each v128.const inside a loop became three
// instructions and a general-purpose register per iteration, costing more than the arithmetic.

import { madd, nmadd } from './madd';

// Polynomial evaluation order. With fused multiply-adds (the relaxed build), Horner's rule takes
// fewer instructions and ran faster. With a separate multiply and add, Estrin's scheme ran
// faster because its dependency chain is shorter (both measured on Node 20, Zen 4).
const HORNER: bool = ASC_FEATURE_RELAXED_SIMD;

// ln 2 split so that n · LN2_HI is exact for |n| < 2^11 (LN2_HI has 42 significant bits).
const LN2_HI = memory.data<f64>([0.6931471805598903]);
const LN2_LO = memory.data<f64>([5.497923018708371e-14]);
const LOG2_E = memory.data<f64>([1.4426950408889634]);
// π split into P1 + P2 + P3; P1 and P2 have 33 significant bits, so h · P1 and h · P2 are
// exact for every multiple h of ½ with |h| < 2^19 (Cody–Waite reduction).
const PI_1 = memory.data<f64>([3.1415926534682512]);
const PI_2 = memory.data<f64>([1.2154201012607932e-10]);
const PI_3 = memory.data<f64>([4.044532497591901e-21]);
const ONE_OVER_PI = memory.data<f64>([0.3183098861837907]);
// Largest |x| that vsinFast and vcosFast reduce: |x| / π + 1 stays below 2^18.
const TRIG_MAX_ARGUMENT = memory.data<f64>([524288.0]);
// exp's argument is clamped to [−746, 710]: e^−746 rounds to 0 and e^710 overflows to ∞.
const EXP_LOWER_CLAMP = memory.data<f64>([-746.0]);
const EXP_UPPER_CLAMP = memory.data<f64>([710.0]);
// From −708 on, n = round(x / ln 2) ≥ −1022, so 2^n is a normal number.
const EXP_SINGLE_SCALE_MIN = memory.data<f64>([-708.0]);
// tanh(22) rounds to 1.
const TANH_CLAMP = memory.data<f64>([22.0]);
const MIN_NORMAL = memory.data<f64>([2.2250738585072014e-308]);
const TWO_POW_52 = memory.data<f64>([4503599627370496.0]);
const MINUS_52 = memory.data<f64>([-52.0]);
const ONE = memory.data<f64>([1.0]);
const TWO = memory.data<f64>([2.0]);
const HALF = memory.data<f64>([0.5]);
const MINUS_HALF = memory.data<f64>([-0.5]);
const INFINITY = memory.data<f64>([Infinity]);
const NEG_INFINITY = memory.data<f64>([-Infinity]);
const NAN = memory.data<f64>([NaN]);
// Adding 2^52 + 1023 to an integral n in [−1022, 1023] leaves n + 1023 in the low mantissa bits.
const EXPONENT_MAGIC = memory.data<f64>([4503599627371519.0]);
// Adding 1.5 · 2^52 + 1023 to v with |v| < 2^50 rounds v to an integer n (ties to even) and
// leaves the low bits of n + 1023 in the mantissa.
const EXP_ROUND_MAGIC = memory.data<f64>([6755399441056767.0]);
// Adding 1.5 · 2^52 (+ 1 for cos) to v with |v| < 2^50 rounds v to an integer n (ties to even)
// and leaves the low bits of n (n + 1) in the mantissa.
const ROUND_MAGIC = memory.data<f64>([6755399441055744.0, 6755399441055745.0]);
// Subtracting 2^52 + 1023 from the f64 whose mantissa bits are a biased exponent e gives
// e − 1023.
const EXPONENT_UNBIAS = memory.data<f64>([4503599627371519.0]);
// Reinterpreting a biased exponent e as the mantissa bits of 2^52 gives 2^52 + e.
const TWO_52_BITS = memory.data<u64>([0x4330000000000000]);
const EXPONENT_MASK = memory.data<u64>([0x7ff0000000000000]);
// 2^52 − 1 − (mantissa bits of √2): see logMantissa.
const SQRT2_CARRY = memory.data<u64>([0x95f619980c432]);
const SIGN_MASK = memory.data<u64>([0x8000000000000000]);

// Polynomial coefficients, lowest degree first (see each polynomial's comment).
const EXP_COEFFS = memory.data<f64>([
  0.5000000000000001, 0.16666666666666669, 0.04166666666662404, 0.008333333333330055,
  0.0013888888917258759, 0.00019841269863088255, 2.4801521225986432e-5, 2.7557268406190795e-6,
  2.7620121717381933e-7, 2.51004110820149e-8,
]);
const SIN_COEFFS = memory.data<f64>([
  -0.16666666666666666, 0.008333333333333316, -0.0001984126984125486, 2.7557319219132584e-6,
  -2.5052107613095433e-8, 1.6058977059718268e-10, -7.643962232442654e-13, 2.731344277439919e-15,
]);
const LOG_COEFFS = memory.data<f64>([
  0.666666666666667, 0.39999999999899505, 0.28571428625975487, 0.2222221113479508,
  0.18182889125261723, 0.15331721600556042, 0.14616449685043406,
]);

/** Both lanes set to the f64 (or the 64 bits) stored at ptr. */
// @ts-ignore: decorator
@inline export function broadcast(ptr: usize): v128 {
  return v128.load64_splat(ptr);
}

/** Coefficient i of a table, on both lanes. */
// @ts-ignore: decorator
@inline function coeff(table: usize, i: i32): v128 {
  return v128.load64_splat(table + (<usize>i << 3));
}

/** 2^n for integral f64 lanes n in [−1022, 1023]. */
// @ts-ignore: decorator
@inline function pow2(n: v128): v128 {
  return i64x2.shl(f64x2.add(n, broadcast(EXPONENT_MAGIC)), 52);
}

/**
 * (e^r − 1 − r) / r² for |r| ≤ 0.3467, given r and r²: a degree-9 fit in r. With f64
 * coefficients, 1 + r + r² · expPoly(r) is within 1.7e-17 of e^r, relative (checked at 2001
 * points in 50-digit arithmetic). In the relaxed build, the even and odd coefficients form two
 * Horner chains in r², joined by one multiply-add. That takes as many multiply-adds as one
 * chain in r, and its dependency chain is four steps shorter: exp ran about 5% faster (Node 20,
 * Zen 4). Other builds use Estrin's scheme (see HORNER).
 */
// @ts-ignore: decorator
@inline function expPoly(r: v128, r2: v128): v128 {
  if (HORNER) {
    let odd = madd(coeff(EXP_COEFFS, 9), r2, coeff(EXP_COEFFS, 7));
    let even = madd(coeff(EXP_COEFFS, 8), r2, coeff(EXP_COEFFS, 6));
    odd = madd(odd, r2, coeff(EXP_COEFFS, 5));
    even = madd(even, r2, coeff(EXP_COEFFS, 4));
    odd = madd(odd, r2, coeff(EXP_COEFFS, 3));
    even = madd(even, r2, coeff(EXP_COEFFS, 2));
    odd = madd(odd, r2, coeff(EXP_COEFFS, 1));
    even = madd(even, r2, coeff(EXP_COEFFS, 0));
    return madd(odd, r, even);
  }
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p01 = madd(coeff(EXP_COEFFS, 1), r, coeff(EXP_COEFFS, 0));
  const p23 = madd(coeff(EXP_COEFFS, 3), r, coeff(EXP_COEFFS, 2));
  const p45 = madd(coeff(EXP_COEFFS, 5), r, coeff(EXP_COEFFS, 4));
  const p67 = madd(coeff(EXP_COEFFS, 7), r, coeff(EXP_COEFFS, 6));
  const p89 = madd(coeff(EXP_COEFFS, 9), r, coeff(EXP_COEFFS, 8));
  const p03 = madd(p23, r2, p01);
  const p47 = madd(p67, r2, p45);
  return madd(p89, r8, madd(p47, r4, p03));
}

/** e^r − 1 for |r| ≤ 0.3467, as r + r² · expPoly(r). */
// @ts-ignore: decorator
@inline function expm1Reduced(r: v128): v128 {
  const r2 = f64x2.mul(r, r);
  return madd(r2, expPoly(r, r2), r);
}

/** Splits x = n · ln2 + r with integral n; returns n. */
// @ts-ignore: decorator
@inline function expReduce(x: v128): v128 {
  return f64x2.nearest(f64x2.mul(x, broadcast(LOG2_E)));
}

/** r = x − n · ln2 with the two-part ln 2, so r carries no error from the split. */
// @ts-ignore: decorator
@inline function expRemainder(x: v128, n: v128): v128 {
  return nmadd(n, broadcast(LN2_LO), nmadd(n, broadcast(LN2_HI), x));
}

/**
 * e^x on both lanes, for every input: NaN stays NaN, −∞ gives 0, ∞ gives ∞. 2^n is applied as
 * 2^(n − h) · 2^h with h = trunc(n / 2), so results that overflow or are subnormal round once.
 */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  // pmin(x, c) is c < x ? c : x and pmax(x, c) is x < c ? c : x, so NaN stays NaN.
  const upper = f64x2.pmin(x, broadcast(EXP_UPPER_CLAMP));
  const clamped = f64x2.pmax(upper, broadcast(EXP_LOWER_CLAMP));
  const n = expReduce(clamped);
  const r = expRemainder(clamped, n);
  const er = f64x2.add(broadcast(ONE), expm1Reduced(r));
  const h = f64x2.trunc(f64x2.mul(n, broadcast(HALF)));
  return f64x2.mul(f64x2.mul(er, pow2(f64x2.sub(n, h))), pow2(h));
}

/** Returns a mask of the lanes that vexpNormal cannot take: those below −708. */
// @ts-ignore: decorator
@inline export function expBelowNormal(x: v128): v128 {
  return f64x2.lt(x, broadcast(EXP_SINGLE_SCALE_MIN));
}

/**
 * Returns e^x for lanes x in [−708, 709] or NaN (NaN stays NaN). Callers route other lanes to
 * vexp (see expBelowNormal). On that range 2^n is normal, so e^x = 2^n + 2^n · (e^r − 1) with
 * one rounding. Adding EXP_ROUND_MAGIC to x · log2 e leaves n + 1023 in the low mantissa bits,
 * which shift straight into the exponent field of 2^n.
 */
// @ts-ignore: decorator
@inline export function vexpNormal(x: v128): v128 {
  const q = madd(x, broadcast(LOG2_E), broadcast(EXP_ROUND_MAGIC));
  const n = f64x2.sub(q, broadcast(EXP_ROUND_MAGIC));
  const scale = i64x2.shl(q, 52);
  return madd(scale, expm1Reduced(expRemainder(x, n)), scale);
}

/** e^x − 1 for lanes in [0, 44], the range tanh needs; accurate relative to the result. */
// @ts-ignore: decorator
@inline function expm1Small(x: v128): v128 {
  const n = expReduce(x);
  const r = expRemainder(x, n);
  const em1r = expm1Reduced(r);
  // e^x − 1 = 2^n · (e^r − 1) + (2^n − 1); the second term is exact for n ≤ 63.
  const scale = pow2(n);
  return f64x2.add(f64x2.mul(scale, em1r), f64x2.sub(scale, broadcast(ONE)));
}

/**
 * tanh(x) = sign(x) · u / (u + 2) with u = e^(2|x|) − 1. |x| is clamped to 22, where tanh
 * rounds to 1; NaN stays NaN and −0 stays −0.
 */
// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const a = f64x2.pmin(f64x2.abs(x), broadcast(TANH_CLAMP));
  const u = expm1Small(f64x2.add(a, a));
  const t = f64x2.div(u, f64x2.add(u, broadcast(TWO)));
  return v128.or(t, v128.and(x, broadcast(SIGN_MASK)));
}

/**
 * ln(2^e · m) for lanes e (integral f64) and m in [√2/2, √2), through ln m = 2 atanh(s)
 * = f − s · (f − R) with f = m − 1 and s = f / (2 + f), where R = 2s²/3 + 2s⁴/5 + … is fitted
 * as z · L(z), z = s² ≤ 0.0295, L of degree 6.
 */
// @ts-ignore: decorator
@inline function logOfParts(e: v128, m: v128): v128 {
  const one = broadcast(ONE);
  const f = f64x2.sub(m, one);
  // m + 1 equals f + 2 exactly but does not wait for f.
  const s = f64x2.div(f, f64x2.add(m, one));
  const z = f64x2.mul(s, s);
  let poly: v128;
  if (HORNER) {
    poly = madd(coeff(LOG_COEFFS, 6), z, coeff(LOG_COEFFS, 5));
    poly = madd(poly, z, coeff(LOG_COEFFS, 4));
    poly = madd(poly, z, coeff(LOG_COEFFS, 3));
    poly = madd(poly, z, coeff(LOG_COEFFS, 2));
    poly = madd(poly, z, coeff(LOG_COEFFS, 1));
    poly = madd(poly, z, coeff(LOG_COEFFS, 0));
  } else {
    const z2 = f64x2.mul(z, z);
    const z4 = f64x2.mul(z2, z2);
    const p01 = madd(coeff(LOG_COEFFS, 1), z, coeff(LOG_COEFFS, 0));
    const p23 = madd(coeff(LOG_COEFFS, 3), z, coeff(LOG_COEFFS, 2));
    const p45 = madd(coeff(LOG_COEFFS, 5), z, coeff(LOG_COEFFS, 4));
    const p46 = madd(coeff(LOG_COEFFS, 6), z2, p45);
    poly = madd(p46, z4, madd(p23, z2, p01));
  }
  const lnm = nmadd(s, nmadd(poly, z, f), f);
  // ln x = e · LN2_HI + (e · LN2_LO + ln m); e · LN2_HI is exact.
  return madd(e, broadcast(LN2_HI), madd(e, broadcast(LN2_LO), lnm));
}

/**
 * The mantissa m of positive normal finite lanes x = 2^e · m, scaled into [√2/2, √2). Adding
 * SQRT2_CARRY to the bits carries into the exponent field exactly when the mantissa exceeds that
 * of √2, so t's exponent field is the biased e, and subtracting it from x's bits leaves m.
 */
// @ts-ignore: decorator
@inline function logMantissa(x: v128, t: v128): v128 {
  // Adding the bits of 1.0 restores the exponent bias. ONE also serves as the f64 1.0 in
  // logOfParts, and one constant for both uses leaves V8 one more free vector register.
  return i64x2.add(i64x2.sub(x, v128.and(t, broadcast(EXPONENT_MASK))), broadcast(ONE));
}

/** The exponent e of logMantissa as f64 lanes, from t = bits of x + SQRT2_CARRY. */
// @ts-ignore: decorator
@inline function logExponent(t: v128): v128 {
  const biased = v128.or(i64x2.shr_u(t, 52), broadcast(TWO_52_BITS));
  return f64x2.sub(biased, broadcast(EXPONENT_UNBIAS));
}

/** ln x for positive normal finite lanes; ∞ gives 1024 · ln 2 and other lanes are undefined. */
// @ts-ignore: decorator
@inline export function vlogPositiveNormal(x: v128): v128 {
  const t = i64x2.add(x, broadcast(SQRT2_CARRY));
  return logOfParts(logExponent(t), logMantissa(x, t));
}

/** ln x + exponentShift · ln 2 for positive normal finite lanes. */
// @ts-ignore: decorator
@inline export function vlogNormal(x: v128, exponentShift: v128): v128 {
  const t = i64x2.add(x, broadcast(SQRT2_CARRY));
  return logOfParts(f64x2.add(logExponent(t), exponentShift), logMantissa(x, t));
}

/**
 * ln x on both lanes, for every input: subnormals are scaled by 2^52 first; ln ±0 = −∞,
 * ln ∞ = ∞, and negative or NaN lanes give NaN.
 */
// @ts-ignore: decorator
@inline export function vlog(x: v128): v128 {
  const tiny = f64x2.lt(x, broadcast(MIN_NORMAL));
  const scaled = v128.bitselect(f64x2.mul(x, broadcast(TWO_POW_52)), x, tiny);
  const value = vlogNormal(scaled, v128.and(tiny, broadcast(MINUS_52)));
  const infinity = broadcast(INFINITY);
  const regular = v128.and(f64x2.gt(x, f64x2.splat(0)), f64x2.lt(x, infinity));
  const infiniteOrNaN = v128.bitselect(infinity, broadcast(NAN), f64x2.eq(x, infinity));
  const zero = f64x2.eq(x, f64x2.splat(0));
  const special = v128.bitselect(broadcast(NEG_INFINITY), infiniteOrNaN, zero);
  return v128.bitselect(value, special, regular);
}

/** sin r for |r| ≤ π/2 + 0.001: r + r · z · S(z), z = r², S a degree-7 fit. */
// @ts-ignore: decorator
@inline function sinPoly(r: v128): v128 {
  const z = f64x2.mul(r, r);
  let p: v128;
  if (HORNER) {
    p = madd(coeff(SIN_COEFFS, 7), z, coeff(SIN_COEFFS, 6));
    p = madd(p, z, coeff(SIN_COEFFS, 5));
    p = madd(p, z, coeff(SIN_COEFFS, 4));
    p = madd(p, z, coeff(SIN_COEFFS, 3));
    p = madd(p, z, coeff(SIN_COEFFS, 2));
    p = madd(p, z, coeff(SIN_COEFFS, 1));
    p = madd(p, z, coeff(SIN_COEFFS, 0));
  } else {
    const z2 = f64x2.mul(z, z);
    const z4 = f64x2.mul(z2, z2);
    const p01 = madd(coeff(SIN_COEFFS, 1), z, coeff(SIN_COEFFS, 0));
    const p23 = madd(coeff(SIN_COEFFS, 3), z, coeff(SIN_COEFFS, 2));
    const p45 = madd(coeff(SIN_COEFFS, 5), z, coeff(SIN_COEFFS, 4));
    const p67 = madd(coeff(SIN_COEFFS, 7), z, coeff(SIN_COEFFS, 6));
    p = madd(madd(p67, z2, p45), z4, madd(p23, z2, p01));
  }
  return madd(f64x2.mul(r, z), p, r);
}

/**
 * sin x (shift 0) or cos x (shift 1) for |x| ≤ TRIG_MAX_ARGUMENT, through one polynomial.
 * sin: x = nπ + r gives sin x = (−1)^n sin r. cos: x = (m + ½)π + r gives
 * cos x = (−1)^(m + 1) sin r. In both, |r| ≤ π/2 and h = n or m + ½ multiplies π.
 */
// @ts-ignore: decorator
@inline function vsincosFast(x: v128, shift: i32): v128 {
  // q carries n (m + 1 for cos) in its low mantissa bits; its parity, moved to bit 63, is the
  // sign flip. Computing h as q − magic gives +0 for n = 0, so x − h · P1 keeps the sign of
  // x = −0.
  const magic = coeff(ROUND_MAGIC, shift);
  let q: v128;
  let h: v128;
  if (shift == 1) {
    q = f64x2.add(madd(x, broadcast(ONE_OVER_PI), broadcast(MINUS_HALF)), magic);
    h = f64x2.add(f64x2.sub(q, magic), broadcast(HALF));
  } else {
    q = madd(x, broadcast(ONE_OVER_PI), magic);
    h = f64x2.sub(q, magic);
  }
  let r = nmadd(h, broadcast(PI_1), x);
  r = nmadd(h, broadcast(PI_2), r);
  r = nmadd(h, broadcast(PI_3), r);
  return v128.xor(sinPoly(r), i64x2.shl(q, 63));
}

/** sin x for |x| ≤ TRIG_MAX_ARGUMENT, x in radians. */
// @ts-ignore: decorator
@inline export function vsinFast(x: v128): v128 {
  return vsincosFast(x, 0);
}

/** cos x for |x| ≤ TRIG_MAX_ARGUMENT, x in radians. */
// @ts-ignore: decorator
@inline export function vcosFast(x: v128): v128 {
  return vsincosFast(x, 1);
}

/** Returns a mask of the lanes that vsinFast and vcosFast cannot reduce (large or non-finite). */
// @ts-ignore: decorator
@inline export function trigOutOfRange(x: v128): v128 {
  // Compared as integers, the bits of non-negative f64s order like their values, and those of
  // ∞ and NaN lie above every finite value.
  return i64x2.gt_s(f64x2.abs(x), broadcast(TRIG_MAX_ARGUMENT));
}

/**
 * sin x on both lanes, for every input; lanes out of range use Math.sin. vsin and vcos are
 * exported for gp-eval.ts only, never from the module, so asconfig.json turns off warning
 * AS112 (v128 values crossing to JavaScript) that their signatures raise.
 */
export function vsin(x: v128): v128 {
  if (v128.any_true(trigOutOfRange(x))) {
    const x0 = Math.sin(f64x2.extract_lane(x, 0));
    return f64x2.replace_lane(f64x2.splat(x0), 1, Math.sin(f64x2.extract_lane(x, 1)));
  }
  return vsinFast(x);
}

/** cos x on both lanes, for every input; lanes out of range use Math.cos. */
export function vcos(x: v128): v128 {
  if (v128.any_true(trigOutOfRange(x))) {
    const x0 = Math.cos(f64x2.extract_lane(x, 0));
    return f64x2.replace_lane(f64x2.splat(x0), 1, Math.cos(f64x2.extract_lane(x, 1)));
  }
  return vcosFast(x);
}
