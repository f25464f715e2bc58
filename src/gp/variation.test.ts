import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.js';
import { generatorConfig, randomPrograms } from '../../test/gp-helpers.js';
import { formatPostfix, programProblem, type Program } from './program.js';
import {
  crossover,
  fitsLimits,
  hoistMutation,
  pointMutation,
  subtreeMutation,
  withinLimits,
} from './variation.js';

/** Serialises a program deeply, cached lengths included. */
function snapshot(program: Program): string {
  return JSON.stringify(
    program.map((n) => ({ ...n, primitive: n.kind === 'op' ? n.primitive.name : undefined })),
  );
}

describe('gp variation', () => {
  const config = generatorConfig(4);
  const operators: [string, (p: Program, d: Program, rng: Rng) => Program][] = [
    ['crossover', (p, d, rng) => crossover(p, d, rng)],
    ['subtree mutation', (p, _d, rng) => subtreeMutation(p, config, rng, 3)],
    ['hoist mutation', (p, _d, rng) => hoistMutation(p, rng)],
    ['point mutation', (p, _d, rng) => pointMutation(p, config, rng, 0.3)],
  ];

  for (const [name, operator] of operators) {
    test(`${name} leaves parents unchanged and yields valid programs`, () => {
      const seed = 7;
      const rng = new Rng(seed);
      const parents = randomPrograms(seed, 400, 4, 6);
      for (let t = 0; t < 1000; t++) {
        const parent = parents[t % parents.length];
        const donor = parents[(t * 7 + 3) % parents.length];
        const before = [snapshot(parent), snapshot(donor)];
        Object.freeze(parent);
        const child = operator(parent, donor, rng);
        const where = `seed ${seed} step ${t}: ${formatPostfix(parent)} -> ${formatPostfix(child)}`;
        expect([snapshot(parent), snapshot(donor)], where).toEqual(before);
        expect(programProblem(child, 4), where).toBeNull();
      }
    });
  }

  test('hoist mutation never lengthens a program', () => {
    const rng = new Rng(8);
    for (const parent of randomPrograms(8, 500, 3, 6)) {
      expect(hoistMutation(parent, rng).length).toBeLessThanOrEqual(parent.length);
    }
  });

  test('crossover output changes when subtrees differ', () => {
    const rng = new Rng(9);
    const parents = randomPrograms(9, 200, 3, 5);
    let changed = 0;
    for (let t = 0; t < 200; t++) {
      const child = crossover(parents[t], parents[(t + 1) % 200], rng);
      if (formatPostfix(child) !== formatPostfix(parents[t])) changed++;
    }
    expect(changed).toBeGreaterThan(150);
  });

  test('withinLimits returns the fallback when every attempt is too large', () => {
    const rng = new Rng(10);
    const parents = randomPrograms(10, 100, 3, 6);
    const limits = { maxDepth: 3, maxLength: 9 };
    for (let t = 0; t < 300; t++) {
      const parent = parents[t % 100];
      const child = withinLimits(
        () => crossover(parent, parents[(t + 5) % 100], rng),
        parent,
        limits,
        3,
      );
      expect(child === parent || fitsLimits(child, limits)).toBe(true);
    }
  });
});
