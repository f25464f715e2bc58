// Splits CSV text into records of string cells (RFC 4180 quoting), keeping the 1-based line
// number where each record starts so that errors can point into the file.
import { InputError } from '../core/errors.js';

export interface CsvRecord {
  /** 1-based line number in the file where the record starts. */
  line: number;
  cells: string[];
}

/**
 * Parses comma-separated text. Accepts `\n`, `\r\n` and lone `\r` line endings, a leading UTF-8
 * byte order mark, and quoted cells with `""` for a literal quote and embedded commas or line
 * breaks. Skips blank lines anywhere in the file. `file` only labels error messages.
 */
export function parseCsvText(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  let line = 1;
  let recordLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quotedRecord = false;
  let i = start;

  const endRecord = (): void => {
    cells.push(cell);
    const blank = !quotedRecord && cells.length === 1 && cells[0].trim() === '';
    if (!blank) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    quotedRecord = false;
  };

  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && cell.trim() === '') {
      quotedRecord = true;
      const quoteLine = line;
      cell = '';
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new InputError(
            `parseCsv: ${file} line ${quoteLine}: expected a closing quote, got the end of the ` +
              `file; close the quoted cell with "`,
          );
        }
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n' || (q === '\r' && text[i + 1] !== '\n')) line++;
        cell += q;
        i++;
      }
      // Only spaces may follow the closing quote before the next separator.
      while (text[i] === ' ' || text[i] === '\t') i++;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new InputError(
          `parseCsv: ${file} line ${line}: expected a comma or line end after a closing quote, ` +
            `got ${JSON.stringify(next)}; write a literal quote inside a quoted cell as ""`,
        );
      }
      continue;
    }
    if (ch === ',') {
      cells.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    cell += ch;
    i++;
  }
  if (cell !== '' || cells.length > 0 || quotedRecord) endRecord();
  return records;
}
