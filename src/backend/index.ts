export * from './select';
export { registerWasmConvGradients } from './wasm-conv-gradients';
export { registerWasmFastKernels } from './wasm-fast-kernels';
export { loadTorchAddon, fallbackCounts, resetFallbackCounts } from './torch';
export * from './precision';
export { torchCounters, resetTorchCounters } from './torch';
