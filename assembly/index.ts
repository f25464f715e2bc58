// Entry point of the WebAssembly kernels: every exported function works on byte offsets into
// this module's memory, which the TypeScript side manages with a bump allocator (the stub
// runtime never allocates after start-up).
export * from './elementwise';
export * from './gp-eval';
export * from './matmul';
export * from './mlp';
export * from './reduce';

/** Returns the first byte offset free for the caller, past the static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Returns 1 when this build uses SIMD kernels, 0 for the scalar build. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}
