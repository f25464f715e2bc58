// Instantiates a fresh copy of the compiled kernel module for one fused MLP, so every network
// owns its linear memory. The module is compiled once per process and cached.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MlpWasmExports } from './fused-wasm.js';

export type WasmVariant = 'release' | 'debug' | 'scalar';

const compiled = new Map<WasmVariant, WebAssembly.Module>();

// The module sits in build/ at the package root, two levels above src/nn and three above
// dist/src/nn.
function wasmPath(variant: WasmVariant): string {
  for (const up of ['../../build/', '../../../build/']) {
    const path = fileURLToPath(new URL(`${up}${variant}.wasm`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`loadMlpExports: build/${variant}.wasm not found; run npm run asbuild`);
}

/** Returns the exports of a new instance (with its own memory) of the kernel module. */
export function loadMlpExports(variant: WasmVariant = 'release'): MlpWasmExports {
  let module = compiled.get(variant);
  if (module === undefined) {
    module = new WebAssembly.Module(readFileSync(wasmPath(variant)));
    compiled.set(variant, module);
  }
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort: () => {
        throw new Error(`${variant} WebAssembly build: assertion failed`);
      },
    },
  });
  return instance.exports as unknown as MlpWasmExports;
}
