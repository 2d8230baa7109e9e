import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { fab, fabT, type AttackTarget } from '../../src/attacks';
import { apgdCe, square } from '../../src/attacks';
import { useTrainedToy, l2Dists, maxLinf, range } from './fixtures';

/**
 * Golden test: on a linear model z = W·vec(x) + b the exact minimal perturbation to the boundary between the
 * true class y and a class k ignoring the box is |(w_y − w_k)·x + b_y − b_k| / ‖w_y − w_k‖_dual (dual of
 * L2: L2, of L∞: L1); with the box it can only be larger. So the minimum over k ≠ y is a lower bound no
 * adversarial can beat, and — for points far from the box faces — it is also what a good minimum-norm
 * attack should reach. FAB-T must find perturbations ≥ the bound (else the evaluator or the model is wrong)
 * and within FACTOR of it (else FAB is broken).
 */
const FACTOR = 1.1;
const D = 16;
const C = 4;

/** A fixed, seeded linear model on 4×4×1 images and points near the middle of the box (far from its faces). */
function linearProblem() {
  const W = tf.randomNormal([D, C], 0, 1, 'float32', 5) as tf.Tensor2D;
  const b = tf.randomNormal([C], 0, 0.1, 'float32', 6) as tf.Tensor1D;
  const model: AttackTarget = { logits: (x) => tf.tidy(() => x.reshape([x.shape[0], D]).matMul(W).add(b) as tf.Tensor2D) };
  const x = tf.randomUniform([24, 4, 4, 1], 0.4, 0.6, 'float32', 7) as tf.Tensor4D;
  const y = tf.tidy(() => model.logits(x).argMax(1).toInt() as tf.Tensor1D); // clean-correct by construction
  return { W, b, model, x, y };
}

/** Per sample min_{k≠y} |margin_k| / ‖w_y − w_k‖_dual (the box ignored). */
function exactMinimalNorms(W: tf.Tensor2D, b: tf.Tensor1D, x: tf.Tensor4D, y: tf.Tensor1D, dual: 'l1' | 'l2'): number[] {
  const w = W.arraySync(), bb = b.arraySync(), xs = x.reshape([x.shape[0], D]).arraySync() as number[][], ys = Array.from(y.dataSync());
  return xs.map((xi, i) => {
    let best = Infinity;
    for (let k = 0; k < C; k++) {
      if (k === ys[i]) continue;
      let margin = bb[ys[i]] - bb[k], norm = 0;
      for (let j = 0; j < D; j++) {
        const dw = w[j][ys[i]] - w[j][k];
        margin += dw * xi[j];
        norm += dual === 'l2' ? dw * dw : Math.abs(dw);
      }
      best = Math.min(best, Math.abs(margin) / (dual === 'l2' ? Math.sqrt(norm) : norm));
    }
    return best;
  });
}

describe('FAB / FAB-T', () => {
  const toy = useTrainedToy();

  for (const norm of ['l2', 'linf'] as const) {
    test(`golden (${norm}): FAB-T's perturbations on a linear model are ≥ the exact minimal norm and within ×${FACTOR}`, () => {
      const { W, b, model, x, y } = linearProblem();
      const exact = exactMinimalNorms(W, b, x, y, norm === 'l2' ? 'l2' : 'l1');
      const xAdv = fabT(model, x, y, { norm, nIter: 50, nTargetClasses: C - 1 });
      const found = norm === 'l2' ? l2Dists(xAdv, x) : Array.from(tf.tidy(() => xAdv.sub(x).abs().reshape([x.shape[0], -1]).max(1).dataSync()));
      const fooled = tf.tidy(() => Array.from(model.logits(xAdv).argMax(1).notEqual(y).dataSync()));
      fooled.forEach((f, i) => assert.equal(f, 1, `${norm}: sample ${i} not fooled (exact minimal norm ${exact[i]})`));
      found.forEach((n, i) => {
        assert.ok(n >= exact[i] * (1 - 1e-4), `${norm}: sample ${i}: ${n} below the exact minimum ${exact[i]} — impossible`);
        assert.ok(n <= exact[i] * FACTOR, `${norm}: sample ${i}: ${n} > ${FACTOR} × exact ${exact[i]}`);
      });
      // untargeted FAB reaches the same bound
      const xU = fab(model, x, y, { norm, nIter: 50 });
      const foundU = norm === 'l2' ? l2Dists(xU, x) : Array.from(tf.tidy(() => xU.sub(x).abs().reshape([x.shape[0], -1]).max(1).dataSync()));
      foundU.forEach((n, i) => assert.ok(n >= exact[i] * (1 - 1e-4) && n <= exact[i] * FACTOR, `fab ${norm}: sample ${i}: ${n} vs exact ${exact[i]}`));
      tf.dispose([W, b, x, y, xAdv, xU]);
    });
  }

  test('fixed-ε mode: only adversarials inside the ball count; below the minimal norm nothing is found', () => {
    const { W, b, model, x, y } = linearProblem();
    const exact = exactMinimalNorms(W, b, x, y, 'l2');
    const small = Math.min(...exact) * 0.9;
    const xAdv = fabT(model, x, y, { norm: 'l2', epsilon: small, nIter: 30, nTargetClasses: 3 });
    assert.ok(maxLinf(xAdv, x) === 0, 'FAB-T returned a perturbed point although no adversarial exists inside the ball');
    const big = Math.max(...exact) * 1.2;
    const xBig = fabT(model, x, y, { norm: 'l2', epsilon: big, nIter: 30, nTargetClasses: 3 });
    assert.ok(Math.max(...l2Dists(xBig, x)) <= big, 'outside the ball');
    assert.equal(tf.tidy(() => model.logits(xBig).argMax(1).equal(y).sum().dataSync()[0]), 0, 'every point has an adversarial inside 1.2 × its minimal norm');
    tf.dispose([W, b, x, y, xAdv, xBig]);
  });

  test('APGD-L2 and Square-L2 never leave the L2 ball, even at a radius that breaks nothing', () => {
    const { W, b, model, x, y } = linearProblem();
    const exact = exactMinimalNorms(W, b, x, y, 'l2');
    for (const epsilon of [Math.min(...exact) * 0.5, Math.max(...exact) * 1.5]) {
      for (const [name, xAdv] of [
        ['apgd-ce', apgdCe(model, x, y, { norm: 'l2', epsilon, nIter: 20 })],
        ['square', square(model, x, y, { norm: 'l2', epsilon, nQueries: 200 })],
      ] as const) {
        const worst = Math.max(...l2Dists(xAdv, x));
        assert.ok(worst <= epsilon * (1 + 1e-5) + 1e-6, `${name}: ‖δ‖₂ = ${worst} > ε = ${epsilon}`);
        const [lo, hi] = range(xAdv);
        assert.ok(lo >= 0 && hi <= 1);
        const robust = tf.tidy(() => model.logits(xAdv).argMax(1).equal(y).sum().dataSync()[0]);
        // below the minimal norm nothing can break; at 1.5× every point is breakable and APGD must find them
        if (epsilon < Math.min(...exact)) assert.equal(robust, x.shape[0], `${name} broke a point inside its minimal norm`);
        else if (name === 'apgd-ce') assert.equal(robust, 0, `apgd-ce (L2) left ${robust} breakable points robust`);
        xAdv.dispose();
      }
    }
    tf.dispose([W, b, x, y]);
  });

  test('FAB-T on the trained toy: adversarials are misclassified and smaller than the ones in the option ε', () => {
    const xAdv = fabT(toy.target, toy.x, toy.y, { norm: 'linf', nIter: 20, nTargetClasses: 3 });
    const fooled = tf.tidy(() => Array.from(toy.target.logits(xAdv, false).argMax(1).notEqual(toy.y).dataSync()));
    assert.ok(fooled.filter(Boolean).length > toy.x.shape[0] / 2, 'FAB-T fooled fewer than half the toy points');
    xAdv.dispose();
  });
});
