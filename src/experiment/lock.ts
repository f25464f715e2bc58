// A lock file in the output folder so that two processes never append to the same runs.jsonl.
// It contains the owner's process id. A lock whose process no longer exists (killed) is replaced.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

export const LOCK_FILE = 'experiment.lock';

/**
 * Creates `path` containing this process id. Throws InputError when another live process holds
 * it; a lock left by a process that no longer exists is replaced. Returns the release function.
 */
export function acquireLock(path: string): () => void {
  if (!tryCreate(path)) {
    const owner = Number.parseInt(readOwner(path), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new InputError(
        `experiment: ${path} is held by running process ${owner}; wait for it to finish ` +
          `or choose another --out`,
      );
    }
    rmSync(path, { force: true });
    if (!tryCreate(path)) {
      throw new InputError(
        `experiment: ${path} was created by another process just now; choose another --out`,
      );
    }
  }
  return () => rmSync(path, { force: true });
}

function tryCreate(path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readOwner(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
