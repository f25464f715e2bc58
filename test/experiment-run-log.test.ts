import { afterAll, describe, expect, test } from 'vitest';
import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.js';
import { decodeRecord, encodeRecord, readRunLog, RunLogWriter } from '../src/experiment/run-log.js';
import type { RunRecord } from '../src/experiment/types.js';
import { makeTempDir } from './experiment-fixtures.js';

const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(trial: number, lambda = 0): RunRecord {
  return {
    dataset: 'toy',
    lambda,
    trial,
    seeds: { split: 1, rows: 2, teacher: 3, student: 4, control: [] },
    rows: { train: 6, valid: 2, test: 2 },
    teacher: {
      trainR2: 0.9,
      validR2: 0.8,
      testR2: 0.85,
      meanJacobianSq: 1.5,
      epochs: 4,
      seconds: 0.1,
    },
    student: {
      validR2: 0.5,
      testR2: 0.4,
      fidelityR2: 0.7,
      formula: 'x0 * 2',
      length: 3,
      seconds: 0.2,
    },
  };
}

describe('encodeRecord and decodeRecord', () => {
  test('non-finite numbers survive the round trip', () => {
    const r = record(0);
    r.student.testR2 = -Infinity;
    r.student.validR2 = NaN;
    r.student.formula = 'NaN';
    const line = encodeRecord(r);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const back = decodeRecord(line, 'test');
    expect(back.student.testR2).toBe(-Infinity);
    expect(back.student.validR2).toBeNaN();
    expect(back.student.formula).toBe('NaN');
  });

  test('a line that is not a record is rejected', () => {
    expect(() => decodeRecord('{"dataset": 3}', 'runs.jsonl line 2')).toThrow(/runs.jsonl line 2/);
    expect(() => decodeRecord('{oops', 'runs.jsonl line 5')).toThrow(InputError);
  });
});

describe('readRunLog', () => {
  test('an absent file reads as empty', () => {
    expect(readRunLog(join(dir, 'absent.jsonl'))).toEqual({ records: [], tornBytes: 0 });
  });

  test('appended records read back in order', () => {
    const path = join(dir, 'append.jsonl');
    const writer = new RunLogWriter(path);
    writer.append(record(0));
    writer.append(record(1));
    writer.close();
    const { records, tornBytes } = readRunLog(path);
    expect(tornBytes).toBe(0);
    expect(records).toEqual([record(0), record(1)]);
  });

  test('a torn last line is ignored, and truncated only with repair', () => {
    const path = join(dir, 'torn.jsonl');
    const complete = encodeRecord(record(0)) + encodeRecord(record(1));
    const torn = encodeRecord(record(2)).slice(0, 40);
    writeFileSync(path, complete + torn);

    const read = readRunLog(path);
    expect(read.records.map((r) => r.trial)).toEqual([0, 1]);
    expect(read.tornBytes).toBe(40);
    expect(statSync(path).size).toBe(Buffer.byteLength(complete) + 40);

    const repaired = readRunLog(path, { repair: true });
    expect(repaired.tornBytes).toBe(40);
    expect(readFileSync(path, 'utf8')).toBe(complete);

    const writer = new RunLogWriter(path);
    writer.append(record(2));
    writer.close();
    expect(readRunLog(path).records.map((r) => r.trial)).toEqual([0, 1, 2]);
  });

  test('a last line missing only its newline counts as torn', () => {
    const path = join(dir, 'no-newline.jsonl');
    writeFileSync(path, encodeRecord(record(0)) + encodeRecord(record(1)).trimEnd());
    const repaired = readRunLog(path, { repair: true });
    expect(repaired.records.map((r) => r.trial)).toEqual([0]);
    expect(readFileSync(path, 'utf8')).toBe(encodeRecord(record(0)));
  });

  test('a run recorded twice is rejected with both line numbers', () => {
    const path = join(dir, 'duplicate.jsonl');
    writeFileSync(
      path,
      encodeRecord(record(0)) + encodeRecord(record(1)) + encodeRecord(record(0)),
    );
    expect(() => readRunLog(path)).toThrow(
      /line 3: run \(toy, λ = 0, trial 0\) already recorded on line 1/,
    );
  });

  test('a damaged complete line is rejected, not dropped', () => {
    const path = join(dir, 'damaged.jsonl');
    writeFileSync(path, encodeRecord(record(0)));
    appendFileSync(path, '{"dataset":"toy",\n');
    appendFileSync(path, encodeRecord(record(1)));
    expect(() => readRunLog(path, { repair: true })).toThrow(/line 2: expected a JSON run record/);
  });
});
