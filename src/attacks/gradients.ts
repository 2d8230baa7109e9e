import * as tf from '@tensorflow/tfjs';

/**
 * One forward + backward pass: the scalar `value` of `f(x)`, its gradient w.r.t. `x`, and auxiliary
 * tensors computed in the same forward pass (per-sample losses, logits), so an attack step never runs
 * the model twice. All returned tensors belong to the caller's current tf.tidy scope.
 */
export function valueAndGradWithAux<X extends tf.Tensor, A extends tf.Tensor[]>(
  f: (x: X) => { value: tf.Scalar; aux: A },
  x: X,
): { value: tf.Scalar; grad: X; aux: A } {
  let kept: tf.Tensor[] = [];
  const { value, grad } = tf.valueAndGrad((xx: X) => {
    const r = f(xx);
    // the gradient scope disposes everything but its result; keep the aux tensors alive past it
    kept = r.aux.map((t) => tf.keep(t));
    return r.value;
  })(x);
  // hand the aux tensors to the caller's scope (clone shares the data) and drop the kept handles
  const aux = kept.map((t) => {
    const c = t.clone();
    t.dispose();
    return c;
  }) as A;
  return { value: value as tf.Scalar, grad: grad as X, aux };
}
