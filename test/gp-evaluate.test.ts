// The batch evaluator (through ProgramEvaluator and the selected kernel backend) against the
// recursive reference evaluator on thousands of random programs.
import { describe, expect, test } from 'vitest';
import { Rng } from '../src/core/rng.js';
import { ProgramEvaluator, packPrograms } from '../src/gp/evaluate.js';
import { formatPostfix } from '../src/gp/program.js';
import { close, randomColumns, randomPrograms, referenceValues } from './gp-helpers.js';

describe('gp batch evaluation', () => {
  test('agrees with the recursive reference evaluator', () => {
    const seed = 11;
    const nRows = 40;
    const columns = randomColumns(new Rng(seed), 4, nRows);
    const programs = randomPrograms(seed, 3000, 4, 7);
    const evaluator = new ProgramEvaluator(columns, nRows);

    let finiteAgree = 0;
    let nonFiniteAgree = 0;
    let nonFiniteDisagree = 0;
    const numericDisagree: string[] = [];
    evaluator.forEach(programs, (q, values) => {
      const expected = referenceValues(programs[q], columns);
      for (let i = 0; i < nRows; i++) {
        const got = values[i];
        const want = expected[i];
        if (Number.isFinite(got) && Number.isFinite(want)) {
          if (close(got, want, 1e-9, 1e-12)) finiteAgree++;
          else
            numericDisagree.push(
              `program ${q} row ${i}: ${got} vs ${want} in ${formatPostfix(programs[q])}`,
            );
        } else if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) {
          nonFiniteAgree++;
        } else {
          nonFiniteDisagree++;
        }
      }
    });
    evaluator.dispose();

    const total = programs.length * nRows;
    expect(numericDisagree.slice(0, 5), `seed ${seed}`).toEqual([]);
    expect(nonFiniteDisagree / total, `seed ${seed}: non-finite disagreements`).toBeLessThanOrEqual(
      1e-3,
    );
    expect(finiteAgree + nonFiniteAgree + nonFiniteDisagree).toBe(total);
    expect(finiteAgree / total).toBeGreaterThan(0.9);
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
