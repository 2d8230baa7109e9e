export * from './config';
export * from './load';
export * from './train-run';
