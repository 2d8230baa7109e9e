export * from './paths';
export * from './provenance';
export * from './train-run';
