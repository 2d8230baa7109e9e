// danfojs 1.2.0 publishes its typings only through package.json "exports", which the repo's
// `moduleResolution: node` ignores; map the bare specifier to its declaration entry (types only —
// at runtime `require('danfojs')` resolves normally through "exports").
declare module 'danfojs' {
  export * from 'danfojs/dist/danfojs-browser/src/index';
}
