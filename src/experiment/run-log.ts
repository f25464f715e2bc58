// runs.jsonl: one finished run per line, appended with a single write and an fsync, so a killed
// process leaves complete lines plus at most one torn last line, which a resume truncates away.
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
} from 'node:fs';
import { InputError } from '../core/errors.js';
import { runKey, type RunRecord } from './types.js';

export const RUN_LOG_FILE = 'runs.jsonl';

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/**
 * Serialises a record as one line ending in `\n`. JSON has no NaN or ±Infinity, so such numbers
 * (an R² of a diverging formula) are written as the strings "NaN", "Infinity" and "-Infinity".
 */
export function encodeRecord(record: RunRecord): string {
  const text = JSON.stringify(record, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return value;
  });
  return `${text}\n`;
}

/** Parses one line written by encodeRecord. Throws InputError naming `where` when it is invalid. */
export function decodeRecord(line: string, where: string): RunRecord {
  let value: unknown;
  try {
    // Formulas are free text, so only other string fields are read back as non-finite numbers.
    value = JSON.parse(line, (key, v: unknown) => {
      if (key !== 'formula' && typeof v === 'string' && NON_FINITE.has(v)) return Number(v);
      return v;
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InputError(`${where}: expected a JSON run record, got invalid JSON (${reason})`);
  }
  checkRecord(value, where);
  return value;
}

function checkRecord(value: unknown, where: string): asserts value is RunRecord {
  const r = value as Partial<RunRecord> | null;
  const ok =
    typeof r === 'object' &&
    r !== null &&
    typeof r.dataset === 'string' &&
    typeof r.lambda === 'number' &&
    Number.isInteger(r.trial) &&
    typeof r.teacher === 'object' &&
    typeof r.student === 'object';
  if (!ok) {
    throw new InputError(
      `${where}: expected a run record with dataset, lambda, trial, teacher and student, ` +
        `got ${JSON.stringify(value).slice(0, 80)}`,
    );
  }
}

export interface RunLogContents {
  records: RunRecord[];
  /** Bytes after the last newline: a record whose write was cut off. */
  tornBytes: number;
}

/**
 * Reads every complete line of `path` (an absent file reads as empty). A torn last line is
 * ignored, and with `repair` also truncated from the file (followed by an fsync) so that new
 * lines can be appended after it. Throws InputError for a complete line that is not a run
 * record or for a run that appears twice.
 */
export function readRunLog(path: string, options: { repair?: boolean } = {}): RunLogContents {
  if (!existsSync(path)) return { records: [], tornBytes: 0 };
  const bytes = readFileSync(path);
  const end = bytes.lastIndexOf(0x0a) + 1;
  const tornBytes = bytes.length - end;
  if (tornBytes > 0 && options.repair === true) truncateFile(path, end);

  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  const records: RunRecord[] = [];
  const seen = new Map<string, number>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path} line ${i + 1}`;
    const record = decodeRecord(line, where);
    const key = runKey(record);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        `${where}: run (${record.dataset}, λ = ${record.lambda}, trial ${record.trial}) ` +
          `already recorded on line ${first}; remove one of the two lines`,
      );
    }
    seen.set(key, i + 1);
    records.push(record);
  });
  return { records, tornBytes };
}

function truncateFile(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Append-only writer of runs.jsonl; each record is one write followed by an fsync. */
export class RunLogWriter {
  private fd: number | null;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  append(record: RunRecord): void {
    if (this.fd === null) throw new Error(`RunLogWriter: ${this.path} is already closed`);
    appendFileSync(this.fd, encodeRecord(record));
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
