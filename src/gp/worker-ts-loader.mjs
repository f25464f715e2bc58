// Module hooks that let a worker thread import this package's TypeScript sources directly, as
// tests do when they run from src/ without a build. A relative `.js` import from a `.ts` file
// resolves to the `.ts` sibling when no `.js` file exists. The `.ts` files are transpiled with
// the TypeScript compiler (a dev dependency). Compiled builds never load this file.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Resolves `x.js` imported from a `.ts` module to `x.ts` when only the latter exists. */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (specifier.startsWith('.') && specifier.endsWith('.js') && parent?.endsWith('.ts')) {
    const url = new URL(specifier, parent);
    const tsUrl = new URL(`${url.href.slice(0, -3)}.ts`);
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(tsUrl))) {
      return { url: tsUrl.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

/** Transpiles `.ts` modules to JavaScript; types are dropped without checking. */
export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const { default: ts } = await import('typescript');
  const fileName = fileURLToPath(url);
  const output = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}

// Loaded with `node --import`, this file registers itself as the hooks module.
if (!import.meta.url.includes('?hooks')) register(`${import.meta.url}?hooks`);
