// Reads the package version from package.json, found by walking up from this module, so the
// same code works from src/cli (tests) and dist/src/cli (installed bin).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'jacdistill';

export function readVersion(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const text = readFileSync(candidate, 'utf8');
      const pkg = JSON.parse(text) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`readVersion: package.json of ${PACKAGE_NAME} above ${start}, got none`);
    }
    dir = parent;
  }
}
