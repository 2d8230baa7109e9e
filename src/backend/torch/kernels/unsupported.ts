/**
 * Thrown by a native kernel for attributes it does not cover (e.g. NCHW data, asymmetric average pooling):
 * the registration then runs the `cpu` backend's kernel for that call instead.
 */
export class Unsupported extends Error {
  constructor(what: string) {
    super(`not native: ${what}`);
  }
}
