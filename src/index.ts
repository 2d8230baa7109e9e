/** The workbench's public API, one namespace per concept: what `import { experiments } from '..'` gives a notebook. */
export * as backend from './backend';
export * as data from './data';
export * as models from './models';
export * as losses from './losses';
export * as attacks from './attacks';
export * as train from './train';
export * as evaluation from './eval';
export * as analysis from './analysis';
export * as charts from './charts';
export * as tables from './tables';
export * as run from './run';
export * as experiments from './experiments';
export * as io from './io';
export * as threat from './threat';
export * as methods from './methods';
