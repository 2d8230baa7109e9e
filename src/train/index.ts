export * from './checkpoint';
export type { LossFn } from './objective';
export * from './optimizer';
export * from './trainer';
