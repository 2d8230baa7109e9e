export * from './json';
export * from './paths';
export * from './provenance';
export * from './interrupt';
