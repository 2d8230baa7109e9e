export * from './throughput';
export * from './torch-peer';
