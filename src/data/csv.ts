// Loads a numeric regression table from a CSV file, rejecting anything the models cannot use
// with a one-line InputError that names the file, the line or column, and the fix.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { InputError } from '../core/errors.js';
import { parseCsvText, type CsvRecord } from './csv-parse.js';
import type { Dataset } from './dataset.js';

/**
 * Fewest data rows loadCsv accepts by default: a 60/20/20 split of 20 rows leaves 4 rows each
 * for validation and test, the least that gives a usable R².
 */
export const MIN_ROWS = 20;

export interface LoadCsvOptions {
  /** Target column name; the last column when omitted. */
  target?: string;
  /** Dataset name for reports; the file name without `.csv` when omitted. */
  name?: string;
  /** Fewest data rows accepted (default MIN_ROWS). A fixed test file may need fewer. */
  minRows?: number;
  /**
   * Accept feature columns with one value in every row (default false). Useful for a fixed test
   * file, whose scaling comes from the training data. A constant target is always rejected.
   */
  allowConstantFeatures?: boolean;
}

/** Cell texts read as a missing value (compared case-insensitively after trimming). */
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

/** A plain decimal number: optional sign, digits with an optional point, optional exponent. */
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a CSV file with a header row into a Dataset. Every cell must be a finite decimal number.
 * The target is the last column unless `opts.target` names another. Throws InputError for a
 * missing or unreadable file, an empty file, a header without rows, a cell that is missing or
 * not a number, a row with the wrong number of cells, a constant column, fewer than
 * `opts.minRows` rows, or an unknown target column.
 */
export function loadCsv(path: string, opts: LoadCsvOptions = {}): Dataset {
  const records = parseCsvText(readText(path), path);
  if (records.length === 0) {
    throw new InputError(
      `loadCsv: ${path}: expected a header row and data rows, got an empty file; ` +
        `give a CSV file whose first line names the columns`,
    );
  }

  const [headerRecord, ...rows] = records;
  const header = readHeader(headerRecord, path);
  const targetIndex = findTarget(header, opts.target, path);
  if (rows.length === 0) {
    throw new InputError(
      `loadCsv: ${path}: expected data rows after the header, got none; add rows below the header`,
    );
  }

  const minRows = opts.minRows ?? MIN_ROWS;
  if (rows.length < minRows) {
    const why = minRows === MIN_ROWS ? ' to split into training, validation and test sets' : '';
    throw new InputError(
      `loadCsv: ${path}: expected at least ${minRows} data rows${why}, got ${rows.length}; ` +
        `add rows`,
    );
  }

  const table = readCells(rows, header, path);
  const featureIndices = header.map((_, j) => j).filter((j) => j !== targetIndex);
  checkVarying(table, header, targetIndex, path, 'target');
  if (opts.allowConstantFeatures !== true) {
    for (const j of featureIndices) checkVarying(table, header, j, path, 'feature');
  }

  const nRows = rows.length;
  const nFeatures = featureIndices.length;
  const x = new Float64Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (let k = 0; k < nFeatures; k++) x[i * nFeatures + k] = table[featureIndices[k]][i];
    y[i] = table[targetIndex][i];
  }

  return {
    name: opts.name ?? basename(path, extname(path)),
    source: path,
    featureNames: featureIndices.map((j) => header[j]),
    targetName: header[targetIndex],
    nRows,
    nFeatures,
    x,
    y,
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new InputError(`loadCsv: ${path}: file not found; check the path`);
    }
    if (code === 'EISDIR') {
      throw new InputError(`loadCsv: ${path}: expected a file, got a directory; give a CSV file`);
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new InputError(`loadCsv: ${path}: cannot read the file (${reason})`);
  }
}

function readHeader(record: CsvRecord, path: string): string[] {
  const names = record.cells.map((cell) => cell.trim());
  if (names.length < 2) {
    const raw = names[0] ?? '';
    const hint = /[;\t]/.test(raw)
      ? '; the header looks separated by semicolons or tabs, so save the file comma-separated'
      : '';
    throw new InputError(
      `loadCsv: ${path} line ${record.line}: expected at least 2 columns (features and a ` +
        `target), got 1 column named ${JSON.stringify(raw)}${hint}`,
    );
  }
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    if (name === '') {
      throw new InputError(
        `loadCsv: ${path} line ${record.line}: column ${j + 1} has an empty name; ` +
          `name every column in the header (and remove trailing commas)`,
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new InputError(
        `loadCsv: ${path} line ${record.line}: column name "${name}" appears twice ` +
          `(columns ${first + 1} and ${j + 1}); give every column a distinct name`,
      );
    }
    seen.set(name, j);
  });
  return names;
}

function findTarget(header: string[], target: string | undefined, path: string): number {
  if (target === undefined) return header.length - 1;
  const index = header.indexOf(target);
  if (index < 0) {
    throw new InputError(
      `loadCsv: ${path}: no column named "${target}" to use as the target; ` +
        `available columns: ${header.join(', ')}`,
    );
  }
  return index;
}

/** Parses every data cell and returns the table column by column. */
function readCells(rows: CsvRecord[], header: string[], path: string): Float64Array[] {
  const columns = header.map(() => new Float64Array(rows.length));
  rows.forEach((row, i) => {
    if (row.cells.length !== header.length) {
      throw new InputError(
        `loadCsv: ${path} line ${row.line}: expected ${header.length} cells (one per header ` +
          `column), got ${row.cells.length}; check for missing or extra commas`,
      );
    }
    row.cells.forEach((cell, j) => {
      columns[j][i] = parseCell(cell, path, row.line, header[j]);
    });
  });
  return columns;
}

function parseCell(cell: string, path: string, line: number, column: string): number {
  const text = cell.trim();
  const where = `loadCsv: ${path} line ${line}, column "${column}"`;
  if (MISSING_TOKENS.has(text.toLowerCase())) {
    const found = text === '' ? 'an empty cell' : `the missing-value marker ${showCell(text)}`;
    throw new InputError(
      `${where}: expected a number, got ${found}; remove rows with missing values or fill them in`,
    );
  }
  if (/^[+-]?(inf|infinity)$/i.test(text)) {
    throw new InputError(
      `${where}: expected a finite number, got ${showCell(text)}; ` +
        'remove the rows with infinite values or replace them',
    );
  }
  if (!NUMBER_PATTERN.test(text)) {
    throw new InputError(
      `${where}: expected a number, got ${showCell(text)}; every column must be numeric, ` +
        `so encode categories as 0/1 columns or drop the column`,
    );
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new InputError(
      `${where}: expected a finite number, got ${showCell(text)}, which overflows a 64-bit ` +
        `float; rescale the column`,
    );
  }
  return value;
}

/** Quotes a cell for a message, cut to 40 characters so one bad cell cannot flood the line. */
function showCell(text: string): string {
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return JSON.stringify(cut);
}

function checkVarying(
  table: Float64Array[],
  header: string[],
  j: number,
  path: string,
  role: 'feature' | 'target',
): void {
  const column = table[j];
  const first = column[0];
  if (column.every((value) => value === first)) {
    const fix =
      role === 'target'
        ? 'a constant target cannot be learned, so choose another target column'
        : `drop the column (for example, remove it from the file)`;
    throw new InputError(
      `loadCsv: ${path} column "${header[j]}": expected varying values, got the constant ` +
        `${first} in every row; ${fix}`,
    );
  }
}

