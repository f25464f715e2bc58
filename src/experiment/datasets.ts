// Finds the experiment's datasets: every `.csv` file of the data folder, identified by its file
// stem, with its SHA-256 and row count. Files are read here only as bytes; workers parse them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';

export interface DatasetFile {
  /** File name without `.csv`. */
  name: string;
  /** Absolute path. */
  path: string;
  sha256: string;
  /** Lines after the header that are not blank. */
  rows: number;
}

/**
 * Lists the CSV files of `dataDir`, sorted by name. Throws InputError when the folder is
 * missing, is not a folder or contains no `.csv` file.
 */
export function findDatasets(dataDir: string): DatasetFile[] {
  const dir = resolve(dataDir);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(`experiment: data folder ${dataDir} not found; check --data-dir`);
  }
  if (!isDir) {
    throw new InputError(
      `experiment: --data-dir ${dataDir} is a file, expected a folder of CSV files`,
    );
  }

  const names = readdirSync(dir)
    .filter((file) => file.toLowerCase().endsWith('.csv'))
    .sort();
  if (names.length === 0) {
    throw new InputError(
      `experiment: no .csv files in ${dataDir}; put one CSV file per dataset there`,
    );
  }
  return names.map((file) => describeFile(join(dir, file)));
}

function describeFile(path: string): DatasetFile {
  const bytes = readFileSync(path);
  const lines = bytes.toString('utf8').split('\n');
  const rows = lines.slice(1).filter((line) => line.trim() !== '').length;
  return {
    name: basename(path).slice(0, -'.csv'.length),
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    rows,
  };
}

/**
 * Picks the datasets to run: the `requested` names in that order, or else the `limit` files
 * with the fewest rows (all when limit is null), returned in name order. Throws InputError
 * listing the available names when a requested name is unknown.
 */
export function selectDatasets(
  available: readonly DatasetFile[],
  requested: readonly string[] | null,
  limit: number | null,
): DatasetFile[] {
  if (requested !== null) {
    return requested.map((name) => {
      const found = available.find((file) => file.name === name);
      if (found === undefined) {
        const names = available.map((file) => file.name).join(', ');
        throw new InputError(
          `experiment: unknown dataset "${name}" in --datasets; available: ${names}`,
        );
      }
      return found;
    });
  }
  if (limit === null || limit >= available.length) return [...available];
  const smallest = [...available]
    .sort((a, b) => a.rows - b.rows || a.name.localeCompare(b.name))
    .slice(0, limit);
  return smallest.sort((a, b) => (a.name < b.name ? -1 : 1));
}
