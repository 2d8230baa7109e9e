export * from './predict';
export * from './robust';
