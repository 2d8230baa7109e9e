export * from './method';
export * from './registry';
export { MAT_CENTER_NORM } from './mat';
