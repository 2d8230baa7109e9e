export * from './checkpoint';
export type { LossFn } from './loss-fn';
export * from './optimizer';
export * from './trainer';
