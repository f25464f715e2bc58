// config.json: the experiment configuration written atomically (temporary file, fsync, rename),
// and the comparison that rejects a resume whose configuration differs from the stored one.
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { InputError } from '../core/errors.js';
import type { ExperimentConfig } from './types.js';

export const CONFIG_FILE = 'config.json';

/** config.json: the configuration plus facts that do not change any result. */
export interface ConfigFile extends ExperimentConfig {
  /** The command line that started the experiment, for the report. */
  command: string;
  dataDir: string;
}

/**
 * Writes `text` to `path` so that readers see either the old or the new file, never a partial
 * one: the text goes to a temporary file in the same folder, which is fsynced and renamed.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

export function writeConfig(path: string, config: ConfigFile): void {
  writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`);
}

/** Reads config.json; throws InputError when it is missing or not valid JSON. */
export function readConfig(path: string): ConfigFile {
  if (!existsSync(path)) {
    throw new InputError(
      `readConfig: ${path} not found; give the output folder of jacdistill experiment`,
    );
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ConfigFile;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InputError(
      `readConfig: ${path} is not valid JSON (${reason}); restore it or start a new --out`,
    );
  }
}

/** Fields of config.json that fix results and so must match on resume. */
const COMPARED_FIELDS: readonly (keyof ExperimentConfig)[] = [
  'version',
  'preset',
  'datasets',
  'lambdas',
  'trials',
  'seedControlStudents',
  'budgets',
];

/**
 * Returns the first differing field between the stored and the requested configuration as
 * `{ field, stored, requested }` with a dotted path such as `budgets.teacher.maxEpochs`, or
 * null when every compared field is equal.
 */
export function configDifference(
  stored: ExperimentConfig,
  requested: ExperimentConfig,
): { field: string; stored: unknown; requested: unknown } | null {
  for (const key of COMPARED_FIELDS) {
    const found = firstDifference(stored[key], requested[key], key);
    if (found !== null) return found;
  }
  return null;
}

function firstDifference(
  a: unknown,
  b: unknown,
  path: string,
): { field: string; stored: unknown; requested: unknown } | null {
  const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
  if (!bothObjects) return Object.is(a, b) ? null : { field: path, stored: a, requested: b };
  if (Array.isArray(a) !== Array.isArray(b)) return { field: path, stored: a, requested: b };
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) {
    return { field: path, stored: a, requested: b };
  }

  const objA = a as Record<string, unknown>;
  const objB = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(objA), ...Object.keys(objB)])];
  for (const key of keys) {
    const child = Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`;
    const found = firstDifference(objA[key], objB[key], child);
    if (found !== null) return found;
  }
  return null;
}
