import { describe, expect, test } from 'vitest';
import { Rng } from '../core/rng.js';
import { generatorConfig } from '../../test/gp-helpers.js';
import { fullTree, growTree, rampedTree } from './generate.js';
import { formatPostfix, programDepth, programProblem } from './program.js';

describe('gp generation', () => {
  test('ramped trees are valid and within limits', () => {
    const seed = 1;
    const rng = new Rng(seed);
    const config = generatorConfig(5);
    const depths = new Set<number>();
    for (let t = 0; t < 3000; t++) {
      const maxLength = 3 + (t % 50);
      const program = rampedTree(config, rng, 2, 6, maxLength);
      const where = `seed ${seed} tree ${t}: ${formatPostfix(program)}`;
      expect(programProblem(program, 5), where).toBeNull();
      expect(program.length, where).toBeLessThanOrEqual(maxLength);
      expect(programDepth(program), where).toBeLessThanOrEqual(6);
      depths.add(programDepth(program));
    }
    expect(depths.size).toBeGreaterThanOrEqual(5);
  });

  test('full trees reach the requested depth', () => {
    const rng = new Rng(2);
    const config = generatorConfig(3, ['add', 'mul']);
    for (let depth = 0; depth <= 5; depth++) {
      const program = fullTree(config, rng, depth);
      expect(programDepth(program)).toBe(depth);
      expect(program.length).toBe(2 ** (depth + 1) - 1);
    }
  });

  test('grown trees have an operator root and bounded depth', () => {
    const rng = new Rng(3);
    const config = generatorConfig(3);
    for (let t = 0; t < 500; t++) {
      const program = growTree(config, rng, 4);
      expect(program[program.length - 1].kind).toBe('op');
      expect(programDepth(program)).toBeLessThanOrEqual(4);
    }
  });

  test('constants come from the range and features from the set', () => {
    const rng = new Rng(4);
    const config = { ...generatorConfig(2), constRange: [5, 6] as const };
    for (let t = 0; t < 300; t++) {
      for (const node of growTree(config, rng, 3)) {
        if (node.kind === 'const') expect(node.value >= 5 && node.value < 6).toBe(true);
        if (node.kind === 'var') expect([0, 1]).toContain(node.feature);
      }
    }
  });
});
