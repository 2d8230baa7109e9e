import * as tf from '@tensorflow/tfjs';

/**
 * Runs `fn` with any enclosing gradient tape paused and returns its result as a constant.
 *
 * Why: the inner maximisations (PGD for BIBO, AT, TRADES) call tf.grad themselves. Inside
 * `optimizer.minimize` / `tf.variableGrads` tfjs would record all of that on the outer tape: the found
 * x' would then depend on the weights through the whole search (second-order terms through sign(∇),
 * and kernels such as MaxPoolGrad have no gradient, so the outer backward pass can even throw), and every
 * intermediate of the search would be kept alive until the outer step ends. The papers treat x' as a
 * constant (`x_adv.detach()` in TRADES), which is what running the search off-tape gives, at the cost of
 * reaching into the engine's (public, typed) `state` for the tape depth.
 * Outside any tape this is just `fn()`.
 */
export function outsideGradientTape<T>(fn: () => T): T {
  const state = tf.engine().state;
  if (state.gradientDepth === 0) return fn();
  const depth = state.gradientDepth;
  const tape = state.activeTape;
  state.gradientDepth = 0;
  state.activeTape = null as unknown as typeof tape;
  try {
    return fn();
  } finally {
    state.gradientDepth = depth;
    state.activeTape = tape;
  }
}
