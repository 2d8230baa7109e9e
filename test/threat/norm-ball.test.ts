import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { hyperplaneStep, l2Ball, linfBall, normBall, projectToL2Ball, type NormBall } from '../../src/threat';

/** A batch of 6 random 4×4×1 images and far-away candidates (some inside the ball, most outside). */
function problem(seed: number) {
  return tf.tidy(() => {
    const x = tf.randomUniform([6, 4, 4, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
    const scale = tf.tensor1d([0.01, 0.1, 0.5, 1, 2, 5]).reshape([6, 1, 1, 1]);
    const v = x.add(tf.randomNormal([6, 4, 4, 1], 0, 1, 'float32', seed + 1).mul(scale)) as tf.Tensor4D;
    return { x, v };
  });
}
const rows = (t: tf.Tensor) => tf.tidy(() => t.arraySync() as number[][][][]).map((r) => r.flat(2));

describe('threat models: one projection per norm', () => {
  before(async () => { await useTestBackend(); });

  for (const ball of [linfBall, l2Ball] as NormBall[]) {
    test(`${ball.label}: projections land inside the ball and inside [0, 1], and are idempotent`, () => {
      for (const eps of [0.05, 0.3, 1.5]) {
        const { x, v } = problem(3);
        const p = ball.project(v, x, eps);
        const norms = Array.from(tf.tidy(() => ball.of(p.sub(x)).dataSync()));
        norms.forEach((nrm, i) => assert.ok(nrm <= eps * (1 + 1e-5) + 1e-7, `${ball.label} ε=${eps}: row ${i} at ${nrm}`));
        const [lo, hi] = tf.tidy(() => [p.min().dataSync()[0], p.max().dataSync()[0]]);
        assert.ok(lo >= 0 && hi <= 1, `[${lo}, ${hi}]`);
        const again = ball.project(p, x, eps);
        assert.ok(tf.tidy(() => again.sub(p).abs().max().dataSync()[0]) < 1e-5, 'projecting twice moves the point');
        tf.dispose([x, v, p, again]);
      }
    });

    test(`${ball.label}: random starts are on the sphere (surface) / inside the ball before projection`, () => {
      const x = tf.fill([5, 6, 6, 1], 0.5) as tf.Tensor4D;
      const s = ball.surface(x, 0.2, 7), i = ball.inside(x, 0.2, 7);
      const ns = Array.from(tf.tidy(() => ball.of(s.sub(x)).dataSync())), ni = Array.from(tf.tidy(() => ball.of(i.sub(x)).dataSync()));
      ns.forEach((n) => assert.ok(Math.abs(n - 0.2) < 1e-5, `surface at ${n}`));
      ni.forEach((n) => assert.ok(n <= 0.2 + 1e-6 && n > 0, `inside at ${n}`));
      tf.dispose([x, s, i]);
    });
  }

  test('the L2 projection is the Euclidean one: no point of the set is closer (vs. scale-then-clip)', () => {
    const { x, v } = problem(11);
    const eps = 0.5;
    const p = projectToL2Ball(v, x, eps);
    // scale into the ball, then clip: feasible, but never closer than the exact projection
    const naive = tf.tidy(() => {
      const d = v.sub(x);
      const n = l2Ball.of(d).reshape([6, 1, 1, 1]);
      return x.add(d.mul(tf.minimum(1, n.add(1e-12).reciprocal().mul(eps)))).clipByValue(0, 1) as tf.Tensor4D;
    });
    const dist = (a: tf.Tensor4D) => Array.from(tf.tidy(() => l2Ball.of(a.sub(v)).dataSync()));
    const exact = dist(p), rough = dist(naive);
    exact.forEach((e, i) => assert.ok(e <= rough[i] + 1e-5, `row ${i}: exact ${e} > scale-then-clip ${rough[i]}`));
    // KKT: away from the box faces the projection is x + δ with δ ∥ (v − x) clipped: check a point fully inside the box
    const xc = tf.fill([1, 3, 3, 1], 0.5) as tf.Tensor4D, vc = tf.fill([1, 3, 3, 1], 0.6) as tf.Tensor4D;
    const pc = projectToL2Ball(vc, xc, 0.15);
    rows(pc)[0].forEach((val) => assert.ok(Math.abs(val - (0.5 + 0.05)) < 1e-5, `${val}`)); // ‖0.1·1₉‖ = 0.3 → scaled by ½
    tf.dispose([x, v, p, naive, xc, vc, pc]);
  });

  test('normBall rejects unknown norms, naming the valid ones', () => {
    assert.throws(() => normBall('l1'), /unknown norm 'l1'; valid norms: linf, l2/);
    assert.equal(normBall(undefined).norm, 'linf');
  });

  test('hyperplaneStep: lands on the hyperplane inside the box with the minimal norm (brute-force check on 2-D cases)', () => {
    const cases: Array<[number[], number[], number]> = [
      [[0.5, 0.5], [1, 2], 0.6], [[0.1, 0.9], [-1, 3], -0.4], [[0.5, 0.2], [2, 0.5], 0.7], [[0.9, 0.9], [1, 1], 0.15],
    ];
    for (const norm of ['linf', 'l2'] as const) {
      for (const [p, w, r] of cases) {
        const d = hyperplaneStep(norm, p, w, r);
        const reached = w[0] * d[0] + w[1] * d[1];
        assert.ok(Math.abs(reached - r) < 1e-6, `${norm} ${p}: w·d = ${reached}, want ${r}`);
        p.forEach((pi, i) => assert.ok(pi + d[i] >= -1e-7 && pi + d[i] <= 1 + 1e-7));
        const size = (a: number, b: number) => (norm === 'linf' ? Math.max(Math.abs(a), Math.abs(b)) : Math.hypot(a, b));
        // brute force over the feasible segment of the line w·d = r inside the box
        let best = Infinity;
        for (let k = 0; k <= 200000; k++) {
          const d0 = -p[0] + k / 200000;
          const d1 = (r - w[0] * d0) / w[1];
          if (p[1] + d1 < 0 || p[1] + d1 > 1) continue;
          best = Math.min(best, size(d0, d1));
        }
        assert.ok(size(d[0], d[1]) <= best + 1e-4, `${norm} ${p} ${w} ${r}: ${size(d[0], d[1])} > brute force ${best}`);
      }
    }
    // unreachable inside the box: every coordinate at its helpful bound
    assert.deepEqual(Array.from(hyperplaneStep('l2', [0.5, 0.5], [1, 1], 5)), [0.5, 0.5]);
  });
});
