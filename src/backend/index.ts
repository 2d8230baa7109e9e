export * from './select';
export { registerWasmConvGradients } from './wasm-conv-gradients';
