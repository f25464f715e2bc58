// The batch evaluator (through ProgramEvaluator and the selected kernel backend) against the
// recursive reference evaluator on thousands of random programs. Non-finite disagreements are
// counted apart from numeric ones. The WebAssembly backend computes exp, log, sin, cos and tanh
// to within a few ulp rather than exactly as Math does, and chaotic programs such as
// sin(exp(x⁴)) amplify that, so those primitives may disagree on a small share of values. The
// correctly rounded primitives must agree bit for bit.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { rampedTree } from '../src/gp/generate.js';
import { ProgramEvaluator, packPrograms } from '../src/gp/evaluate.js';
import type { PrimitiveName } from '../src/gp/primitives.js';
import { formatPostfix, type Program } from '../src/gp/program.js';
import {
  close,
  generatorConfig,
  randomColumns,
  randomPrograms,
  referenceValues,
} from './gp-helpers.js';

interface Tally {
  finiteAgree: number;
  nonFiniteAgree: number;
  nonFiniteDisagree: string[];
  numericDisagree: string[];
}

function compareWithReference(programs: Program[], columns: Float64Array[], rtol: number): Tally {
  const nRows = columns[0].length;
  const tally: Tally = {
    finiteAgree: 0,
    nonFiniteAgree: 0,
    nonFiniteDisagree: [],
    numericDisagree: [],
  };
  const evaluator = new ProgramEvaluator(columns, nRows);
  evaluator.forEach(programs, (q, values) => {
    const expected = referenceValues(programs[q], columns);
    for (let i = 0; i < nRows; i++) {
      const got = values[i];
      const want = expected[i];
      const where = `program ${q} row ${i}: ${got} vs ${want} in ${formatPostfix(programs[q])}`;
      if (Number.isFinite(got) && Number.isFinite(want)) {
        if (close(got, want, rtol, rtol)) tally.finiteAgree++;
        else tally.numericDisagree.push(where);
      } else if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) {
        tally.nonFiniteAgree++;
      } else {
        tally.nonFiniteDisagree.push(where);
      }
    }
  });
  evaluator.dispose();
  return tally;
}

describe('gp batch evaluation', () => {
  test('correctly rounded primitives agree bit for bit', () => {
    const seed = 10;
    const names: PrimitiveName[] = ['add', 'sub', 'mul', 'div', 'sqrt', 'neg', 'square'];
    const config = generatorConfig(4, names);
    const rng = new Rng(seed);
    const programs = Array.from({ length: 2000 }, () => rampedTree(config, rng, 1, 7, 200));
    const tally = compareWithReference(programs, randomColumns(new Rng(seed), 4, 40), 0);
    expect(tally.numericDisagree.slice(0, 5), `seed ${seed}`).toEqual([]);
    expect(tally.nonFiniteDisagree.slice(0, 5), `seed ${seed}`).toEqual([]);
    expect(tally.finiteAgree).toBeGreaterThan(0.9 * 2000 * 40);
  });

  test('all primitives agree within rounding', () => {
    const seed = 11;
    const programs = randomPrograms(seed, 3000, 4, 7);
    const tally = compareWithReference(programs, randomColumns(new Rng(seed), 4, 40), 1e-9);
    const total = programs.length * 40;
    const numeric = tally.numericDisagree.length;
    const nonFinite = tally.nonFiniteDisagree.length;
    expect(
      numeric / total,
      `seed ${seed}: ${tally.numericDisagree.slice(0, 3).join('\n')}`,
    ).toBeLessThanOrEqual(2e-3);
    expect(
      nonFinite / total,
      `seed ${seed}: ${tally.nonFiniteDisagree.slice(0, 3).join('\n')}`,
    ).toBeLessThanOrEqual(1e-3);
    expect(tally.finiteAgree + tally.nonFiniteAgree + numeric + nonFinite).toBe(total);
    expect(tally.finiteAgree / total).toBeGreaterThan(0.9);
  });

  test('chunking by program count gives the same values', () => {
    const nRows = 5000;
    const columns = randomColumns(new Rng(3), 3, nRows);
    const programs = randomPrograms(3, 900, 3, 4);
    const evaluator = new ProgramEvaluator(columns, nRows);
    const viaForEach: Float64Array[] = [];
    evaluator.forEach(programs, (_q, values) => viaForEach.push(values.slice()));
    for (const q of [0, 838, 839, 899]) {
      expect(viaForEach[q]).toEqual(evaluator.evaluateOne(programs[q]));
    }
    evaluator.dispose();
  });

  test('packPrograms lays out offsets and constants', () => {
    const programs = randomPrograms(5, 10, 2, 3);
    const batch = packPrograms(programs);
    let nConsts = 0;
    programs.forEach((program, q) => {
      expect(batch.offsets[q + 1] - batch.offsets[q]).toBe(program.length);
      for (const node of program) if (node.kind === 'const') nConsts++;
    });
    expect(batch.consts.length).toBe(nConsts);
  });
});
