export * from './types';
export * from './tsne-scatter';
export * from './accuracy-curve';
export * from './ablation-bars';
export * from './ablation-curve';
export * from './render';
export * from './display';
