import { describe, expect, test } from 'vitest';
import {
  averageRanks,
  erfc,
  mean,
  median,
  normalCdf,
  sampleSd,
  signedRankCounts,
  wilcoxonSignedRank,
  type Alternative,
} from '../src/experiment/stats.js';
import { Rng } from '../src/core/rng.js';

/** P-value of W+ by enumerating all 2ⁿ sign patterns of the ranks 1..n: an independent oracle. */
function bruteForceP(n: number, wPlus: number, alternative: Alternative): number {
  let below = 0;
  let above = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let sum = 0;
    for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) sum += r;
    if (sum <= wPlus) below++;
    if (sum >= wPlus) above++;
  }
  const total = 2 ** n;
  if (alternative === 'less') return below / total;
  if (alternative === 'greater') return above / total;
  return Math.min(1, (2 * Math.min(below, above)) / total);
}

describe('descriptive statistics', () => {
  test('mean, sample sd and median', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('undefined cases give NaN', () => {
    expect(mean([])).toBeNaN();
    expect(sampleSd([1])).toBeNaN();
    expect(median([])).toBeNaN();
  });
});

describe('erfc and normalCdf', () => {
  // Reference values of erfc from standard tables (15+ significant digits).
  const table: [number, number][] = [
    [0, 1],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [1.5, 0.033894853524689274],
    [2, 0.004677734981047266],
    [3, 2.209049699858544e-5],
    [5, 1.5374597944280349e-12],
    [-1, 1.8427007929497148],
  ];
  test.each(table)('erfc(%f) matches the table', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-13);
  });

  test('normalCdf at known quantiles', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
  });
});

describe('ranks and the exact null distribution', () => {
  test('averageRanks gives tied values their mean rank', () => {
    const { ranks, tieGroups } = averageRanks([3, 1, 4, 1, 5]);
    expect(ranks).toEqual([3, 1.5, 4, 1.5, 5]);
    expect(tieGroups).toEqual([2]);
  });

  test('signedRankCounts for n = 3 counts subset sums of {1, 2, 3}', () => {
    expect([...signedRankCounts(3)]).toEqual([1, 1, 1, 2, 1, 1, 1]);
  });

  test('signedRankCounts sums to 2ⁿ', () => {
    const counts = signedRankCounts(20);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2 ** 20);
  });
});

describe('wilcoxonSignedRank', () => {
  test('five positive differences: exact p = 2/32', () => {
    const r = wilcoxonSignedRank([2, 3, 4, 5, 6], [1, 1, 1, 1, 1]);
    expect(r.method).toBe('exact');
    expect(r.wPlus).toBe(15);
    expect(r.wMinus).toBe(0);
    expect(r.p).toBe(0.0625);
    expect(wilcoxonSignedRank([2, 3, 4, 5, 6], [1, 1, 1, 1, 1], 'greater').p).toBe(1 / 32);
    expect(wilcoxonSignedRank([2, 3, 4, 5, 6], [1, 1, 1, 1, 1], 'less').p).toBe(1);
  });

  test('ten positive differences: exact p = 2/1024', () => {
    const x = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(wilcoxonSignedRank(x, new Array<number>(10).fill(0)).p).toBe(2 / 1024);
  });

  test("Darwin's maize differences: W− = 24, p = 0.041259765625", () => {
    // Differences of Darwin's cross- and self-fertilised plants (Fisher 1935), a textbook case.
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const zeros = new Array<number>(d.length).fill(0);
    const r = wilcoxonSignedRank(d, zeros);
    expect(r.method).toBe('exact');
    expect(r.wMinus).toBe(24);
    expect(r.wPlus).toBe(96);
    expect(r.p).toBeCloseTo(0.041259765625, 15);
    expect(wilcoxonSignedRank(d, zeros, 'greater').p).toBeCloseTo(0.0206298828125, 15);
  });

  test('zero differences are dropped', () => {
    const r = wilcoxonSignedRank([0, 5, 1, 2, 3], [0, 5, 0, 0, 0]);
    expect(r.n).toBe(3);
    expect(r.p).toBe(0.25);
  });

  test('no non-zero difference gives p = 1', () => {
    const r = wilcoxonSignedRank([1, 2], [1, 2]);
    expect(r.n).toBe(0);
    expect(r.p).toBe(1);
  });

  test('exact p agrees with enumeration on random samples', () => {
    const rng = new Rng(7);
    for (let round = 0; round < 30; round++) {
      const n = 1 + rng.int(12);
      const x = Array.from({ length: n }, () => rng.normal());
      const y = Array.from({ length: n }, () => rng.normal());
      for (const alternative of ['two-sided', 'greater', 'less'] as const) {
        const r = wilcoxonSignedRank(x, y, alternative);
        expect(r.method, `seed 7 round ${round}`).toBe('exact');
        expect(r.p, `seed 7 round ${round}, n ${n}, ${alternative}`).toBeCloseTo(
          bruteForceP(n, r.wPlus, alternative),
          14,
        );
      }
    }
  });

  test('ties use the normal approximation with corrections', () => {
    // d = [1, 1, −1, 2, 2, 3]: |d| ranks 2, 2, 2, 4.5, 4.5, 6, so W+ = 19 and W− = 2.
    // E[W+] = 6·7/4 = 10.5; Var = 6·7·13/24 − ((3³ − 3) + (2³ − 2))/48 = 22.75 − 0.625 = 22.125.
    // z = (|19 − 10.5| − 0.5)/√22.125 = 1.700770…, two-sided p = 2·(1 − Φ(z)) ≈ 0.08898.
    const d = [1, 1, -1, 2, 2, 3];
    const r = wilcoxonSignedRank(d, new Array<number>(6).fill(0));
    expect(r.method).toBe('normal');
    expect(r.wPlus).toBe(19);
    expect(r.wMinus).toBe(2);
    expect(r.z).toBeCloseTo(8 / Math.sqrt(22.125), 12);
    expect(r.p).toBeCloseTo(0.08898, 4);

    // One-sided 'less' on the same data: z = (19 − 10.5 + 0.5)/√22.125 = 1.9134, p = Φ(z).
    const less = wilcoxonSignedRank(d, new Array<number>(6).fill(0), 'less');
    expect(less.z).toBeCloseTo(9 / Math.sqrt(22.125), 12);
    expect(less.p).toBeCloseTo(0.97215, 4);
  });

  test('more than 50 pairs use the normal approximation', () => {
    const x = Array.from({ length: 60 }, (_, i) => i + 1);
    const r = wilcoxonSignedRank(x, new Array<number>(60).fill(0));
    expect(r.method).toBe('normal');
    expect(r.wPlus).toBe(1830);
    // z = (1830 − 915 − 0.5)/√18452.5 = 6.732
    expect(r.z).toBeCloseTo(914.5 / Math.sqrt(18452.5), 10);
    expect(r.p).toBeLessThan(1e-9);
  });

  test('unequal lengths throw RangeError', () => {
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(RangeError);
  });
});
