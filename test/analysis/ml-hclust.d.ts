// ml-hclust 4 is ESM-only with `exports`-only typings, which the repo's `moduleResolution: node`
// cannot see; point the bare specifier at its declaration file (types only — runtime uses require(esm)).
declare module 'ml-hclust' {
  export * from 'ml-hclust/lib/index';
}
