import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { loadCsv, MIN_ROWS } from './csv.js';
import { parseCsvText } from './csv-parse.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jacdistill-csv-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeCsv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Data lines `i,2i+1,3i` for i = 0..n-1 (all columns vary). */
function dataLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${i},${2 * i + 1},${3 * i}`);
}

function validCsv(n = MIN_ROWS): string {
  return ['a,b,y', ...dataLines(n)].join('\n') + '\n';
}

/** Runs `fn`, asserts it throws InputError, and returns the message. */
function inputErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected an InputError, but the call returned');
}

describe('loadCsv on valid files', () => {
  it('reads features and last-column target', () => {
    const path = writeCsv('valid.csv', validCsv());
    const ds = loadCsv(path);
    expect(ds.name).toBe('valid');
    expect(ds.source).toBe(path);
    expect(ds.featureNames).toEqual(['a', 'b']);
    expect(ds.targetName).toBe('y');
    expect(ds.nRows).toBe(MIN_ROWS);
    expect(ds.nFeatures).toBe(2);
    expect(Array.from(ds.x.subarray(0, 6))).toEqual([0, 1, 1, 3, 2, 5]);
    expect(ds.y[4]).toBe(12);
  });

  it('uses a named target column', () => {
    const path = writeCsv('target.csv', validCsv());
    const ds = loadCsv(path, { target: 'a', name: 'custom' });
    expect(ds.name).toBe('custom');
    expect(ds.featureNames).toEqual(['b', 'y']);
    expect(ds.targetName).toBe('a');
    expect(Array.from(ds.x.subarray(2, 4))).toEqual([3, 3]);
    expect(ds.y[1]).toBe(1);
  });

  it('accepts CRLF, BOM, quotes and trailing blank lines', () => {
    const quotedFirstCell = dataLines(MIN_ROWS).map((line) => line.replace(/^(\d+)/, '"$1"'));
    const lines = ['\uFEFF"a","b ""x""",y', ...quotedFirstCell];
    const path = writeCsv('crlf.csv', lines.join('\r\n') + '\r\n\r\n');
    const ds = loadCsv(path);
    expect(ds.featureNames).toEqual(['a', 'b "x"']);
    expect(ds.nRows).toBe(MIN_ROWS);
    expect(ds.y[MIN_ROWS - 1]).toBe(3 * (MIN_ROWS - 1));
  });

  it('accepts signs, exponents and surrounding spaces', () => {
    const rows = dataLines(MIN_ROWS);
    rows[0] = ' -1.5e2 , +.5 ,1E-3';
    const path = writeCsv('formats.csv', ['a,b,y', ...rows].join('\n'));
    const ds = loadCsv(path);
    expect(Array.from(ds.x.subarray(0, 2))).toEqual([-150, 0.5]);
    expect(ds.y[0]).toBe(0.001);
  });

  it('allows constant features when asked', () => {
    const rows = Array.from({ length: 3 }, (_, i) => `7,${i},${i * 2}`);
    const path = writeCsv('small-test.csv', ['a,b,y', ...rows].join('\n'));
    const ds = loadCsv(path, { minRows: 2, allowConstantFeatures: true });
    expect(ds.nRows).toBe(3);
  });
});

describe('loadCsv rejects bad input', () => {
  it('missing file', () => {
    const path = join(dir, 'nope.csv');
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(path);
    expect(message).toContain('file not found');
  });

  it('directory instead of file', () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    const message = inputErrorOf(() => loadCsv(sub));
    expect(message).toContain('got a directory');
  });

  it('empty file', () => {
    const path = writeCsv('empty.csv', '');
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(path);
    expect(message).toContain('empty file');
  });

  it('file of blank lines', () => {
    const path = writeCsv('blank.csv', '\n\r\n\n');
    expect(inputErrorOf(() => loadCsv(path))).toContain('empty file');
  });

  it('header only', () => {
    const path = writeCsv('header-only.csv', 'a,b,y\n');
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(path);
    expect(message).toContain('expected data rows after the header, got none');
  });

  it('non-numeric cell', () => {
    const rows = dataLines(MIN_ROWS);
    rows[4] = '4,yes,12';
    const path = writeCsv('text-cell.csv', ['a,b,y', ...rows].join('\n'));
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(`${path} line 6, column "b"`);
    expect(message).toContain('expected a number, got "yes"');
  });

  it.each([
    ['', 'an empty cell'],
    ['NA', 'the missing-value marker "NA"'],
    ['NaN', 'the missing-value marker "NaN"'],
    ['?', 'the missing-value marker "?"'],
  ])('missing value %j', (cell, found) => {
    const rows = dataLines(MIN_ROWS);
    rows[9] = `9,${cell},27`;
    const path = writeCsv('missing.csv', ['a,b,y', ...rows].join('\n'));
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(`line 11, column "b"`);
    expect(message).toContain(`got ${found}`);
    expect(message).toContain('missing values');
  });

  it('overflowing number', () => {
    const rows = dataLines(MIN_ROWS);
    rows[0] = '1e999,1,0';
    const path = writeCsv('overflow.csv', ['a,b,y', ...rows].join('\n'));
    expect(inputErrorOf(() => loadCsv(path))).toContain('expected a finite number, got "1e999"');
  });

  it('hexadecimal and infinity are not numbers', () => {
    for (const cell of ['0x10', 'Infinity', '1,5']) {
      const rows = dataLines(MIN_ROWS);
      rows[2] = `"${cell}",5,6`;
      const path = writeCsv('odd-number.csv', ['a,b,y', ...rows].join('\n'));
      expect(inputErrorOf(() => loadCsv(path))).toContain(`got ${JSON.stringify(cell)}`);
    }
  });

  it('infinity asks for finite values', () => {
    for (const cell of ['Infinity', '-inf', '+INF']) {
      const rows = dataLines(MIN_ROWS);
      rows[2] = `${cell},5,6`;
      const path = writeCsv('infinite.csv', ['a,b,y', ...rows].join('\n'));
      const message = inputErrorOf(() => loadCsv(path));
      expect(message).toContain(`expected a finite number, got ${JSON.stringify(cell)}`);
      expect(message).toContain('remove the rows with infinite values or replace them');
    }
  });

  it('row with too few cells', () => {
    const rows = dataLines(MIN_ROWS);
    rows[2] = '2,5';
    const path = writeCsv('short-row.csv', ['a,b,y', ...rows].join('\n'));
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(`${path} line 4`);
    expect(message).toContain('expected 3 cells (one per header column), got 2');
  });

  it('row with too many cells', () => {
    const rows = dataLines(MIN_ROWS);
    rows[MIN_ROWS - 1] = '1,2,3,4';
    const path = writeCsv('long-row.csv', ['a,b,y', ...rows].join('\n'));
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(`line ${MIN_ROWS + 1}`);
    expect(message).toContain('got 4');
  });

  it('line numbers count blank lines and quoted line breaks', () => {
    const rows = dataLines(MIN_ROWS);
    rows[0] = '"0\n",1,0';
    rows[1] = '\n1,x,3';
    const path = writeCsv('lines.csv', ['a,b,y', ...rows].join('\n'));
    // Header line 1, first row lines 2-3, blank line 4, bad row line 5.
    expect(inputErrorOf(() => loadCsv(path))).toContain('line 5, column "b"');
  });

  it('constant feature column', () => {
    const rows = Array.from({ length: MIN_ROWS }, (_, i) => `${i},4,${i * 2}`);
    const path = writeCsv('constant-feature.csv', ['a,b,y', ...rows].join('\n'));
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(`${path} column "b"`);
    expect(message).toContain('constant 4 in every row');
    expect(message).toContain('drop the column');
  });

  it('constant target column', () => {
    const rows = Array.from({ length: MIN_ROWS }, (_, i) => `${i},${i * 3},1.5`);
    const path = writeCsv('constant-target.csv', ['a,b,y', ...rows].join('\n'));
    const message = inputErrorOf(() => loadCsv(path, { allowConstantFeatures: true }));
    expect(message).toContain('column "y"');
    expect(message).toContain('constant 1.5');
    expect(message).toContain('choose another target column');
  });

  it('too few rows to split', () => {
    const path = writeCsv('few.csv', validCsv(MIN_ROWS - 1));
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain(path);
    expect(message).toContain(`expected at least ${MIN_ROWS} data rows`);
    expect(message).toContain(`got ${MIN_ROWS - 1}`);
  });

  it('unknown target column', () => {
    const path = writeCsv('target-unknown.csv', validCsv());
    const message = inputErrorOf(() => loadCsv(path, { target: 'price' }));
    expect(message).toContain('no column named "price"');
    expect(message).toContain('available columns: a, b, y');
  });

  it('single column with semicolons', () => {
    const path = writeCsv('semicolon.csv', 'a;b;y\n1;2;3\n');
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain('expected at least 2 columns');
    expect(message).toContain('comma-separated');
  });

  it('empty and duplicate column names', () => {
    const empty = writeCsv('empty-name.csv', 'a,,y\n' + dataLines(MIN_ROWS).join('\n'));
    expect(inputErrorOf(() => loadCsv(empty))).toContain('column 2 has an empty name');
    const dup = writeCsv('dup-name.csv', 'a,a,y\n' + dataLines(MIN_ROWS).join('\n'));
    expect(inputErrorOf(() => loadCsv(dup))).toContain('"a" appears twice (columns 1 and 2)');
  });

  it('unclosed quote', () => {
    const path = writeCsv('unclosed.csv', 'a,b,y\n1,"2,3\n4,5,6\n');
    const message = inputErrorOf(() => loadCsv(path));
    expect(message).toContain('line 2');
    expect(message).toContain('expected a closing quote');
  });

  it('text after a closing quote', () => {
    const path = writeCsv('after-quote.csv', 'a,b,y\n1,"2"x,3\n');
    expect(inputErrorOf(() => loadCsv(path))).toContain('after a closing quote, got "x"');
  });
});

describe('parseCsvText', () => {
  it('keeps empty cells and quoted commas', () => {
    const records = parseCsvText('a,,"b,c"\n"",x,\n', 'inline');
    expect(records).toEqual([
      { line: 1, cells: ['a', '', 'b,c'] },
      { line: 2, cells: ['', 'x', ''] },
    ]);
  });

  it('treats a lone CR as a line break', () => {
    const records = parseCsvText('a,b\r1,2\r3,4', 'inline');
    expect(records.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(records[2].cells).toEqual(['3', '4']);
  });
});
