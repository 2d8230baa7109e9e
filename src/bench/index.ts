export * from './throughput';
export * from './torch-peer';
export * from './sweep';
