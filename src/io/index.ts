export * from './json';
export * from './paths';
export * from './provenance';
