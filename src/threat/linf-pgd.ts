import * as tf from '@tensorflow/tfjs';
import { clipToBox, linfBox, type LinfBudget } from './linf-ball';
import { normBall, type Norm } from './norm-ball';
import { outsideGradientTape } from './outside-tape';

/** Where a run starts: at x, at x + U(−ε, ε) (Madry et al. 2018), or at x + σ·N(0, 1) (TRADES). */
export type LinfStart = 'none' | 'uniform' | 'normal';
export const LINF_STARTS: readonly LinfStart[] = ['none', 'uniform', 'normal'];

export interface LinfPgdOptions {
  /** radius, step size and steps; in the chosen norm */
  budget: LinfBudget;
  /**
   * the threat model (default 'linf'): 'l2' steps by α·∇/‖∇‖₂, projects onto B₂(x, ε) ∩ [0,1] and draws the
   * 'uniform' start uniformly in the L2 ball (Madry et al.'s L2 PGD; the 'normal' start is the same in both)
   */
  norm?: Norm;
  /** start point of every run (default 'uniform') */
  start?: LinfStart;
  /** σ of the 'normal' start (default 0.001, TRADES) */
  startStd?: number;
  /** seed of run `restart`'s random start; undefined → unseeded (default: unseeded) */
  seed?: (restart: number) => number | undefined;
  /** independent runs; per sample the best is kept (default 1) */
  restarts?: number;
  /** per-sample success flags of a result (bool [N]); ranks restarts: a successful run beats an unsuccessful one */
  success?: (xAdv: tf.Tensor4D) => tf.Tensor1D;
  /**
   * evaluation: per sample, the first iterate (start included) at which `success` holds is the run's result,
   * so an adversarial found on the way is not lost by later steps (one extra forward per step; needs
   * `success`). Default false: training's inner maximisations use the last iterate, as Madry et al.
   */
  keepSuccessful?: boolean;
  /**
   * run off any enclosing gradient tape and return a constant (training's inner maximisations, which run
   * inside `optimizer.minimize`; see {@link outsideGradientTape}). Default false.
   */
  offTape?: boolean;
}

/** Checks a budget and start (RangeError naming the bad value). */
export function checkLinfPgd(budget: LinfBudget, start: string): void {
  const { epsilon, stepSize, steps } = budget;
  if (!(epsilon >= 0)) throw new RangeError(`epsilon must be ≥ 0, got ${epsilon}`);
  if (!(stepSize >= 0)) throw new RangeError(`stepSize must be ≥ 0, got ${stepSize}`);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
  if (!(LINF_STARTS as readonly string[]).includes(start)) {
    throw new RangeError(`unknown randomStart '${start}'; expected 'none', 'uniform' or 'normal'`);
  }
}

/**
 * The one L∞ projected-gradient loop (foolbox's generic loop with the L∞ norm plugged in), shared by
 * FGSM, PGD, adaptive PGD and every inner maximisation of training (AT, TRADES, BIBO, AT-MMC):
 * x ← Π_{B∞(x₀,ε) ∩ [0,1]}(x + α · sign ∇ Σᵢ objective(x)ᵢ), `steps` times from the chosen start
 * (projected too). The *last* iterate of each run is its result (Madry et al. 2018) — or, with
 * `keepSuccessful`, the first successful iterate where there is one. With restarts > 1,
 * per sample the best run is kept: a successful one over an unsuccessful one, otherwise the higher objective.
 *
 * @param objective per-sample value to maximise → [N]; differentiable in its argument. Summing makes each
 *   sample's gradient independent of the batch (TRADES sums too; sign makes the scale irrelevant anyway).
 * @returns x' (the caller disposes it); x is not modified
 */
export function linfPgd(objective: (xAdv: tf.Tensor4D) => tf.Tensor1D, x: tf.Tensor4D, options: LinfPgdOptions): tf.Tensor4D {
  const { budget, start = 'uniform', startStd = 0.001, seed = () => undefined, restarts = 1, success, keepSuccessful = false, offTape = false } = options;
  checkLinfPgd(budget, start);
  const ball = normBall(options.norm);
  if (keepSuccessful && success === undefined) throw new RangeError('linfPgd: keepSuccessful needs a success function');
  const run = () => tf.tidy(() => {
    const { epsilon, stepSize, steps } = budget;
    const { lo, hi } = linfBox(x, ball.norm === 'linf' ? epsilon : 1);
    // L∞: the box itself; L2: the ball's projection (which also clips to [0, 1])
    const project = (v: tf.Tensor4D) => (ball.norm === 'linf' ? clipToBox(v, lo, hi) : ball.project(v, x, epsilon));
    const gradOf = tf.grad((xx: tf.Tensor) => objective(xx as tf.Tensor4D).sum()) as (v: tf.Tensor4D) => tf.Tensor4D;
    let best: { x: tf.Tensor4D; loss: tf.Tensor1D; ok: tf.Tensor1D } | null = null;

    for (let r = 0; r < restarts; r++) {
      let xAdv = tf.tidy(() => {
        if (start === 'none') return project(x);
        if (start === 'uniform') return project(ball.inside(x, epsilon, seed(r)));
        return project(x.add(tf.randomNormal(x.shape, 0, startStd, 'float32', seed(r))));
      });
      // keepSuccessful: the first successful iterate per sample (`kept`, valid where `found`)
      let kept = keepSuccessful ? { x: xAdv.clone(), found: success!(xAdv) } : null;
      for (let s = 0; s < steps; s++) {
        const next = tf.tidy(() => project(xAdv.add(ball.ascent(gradOf(xAdv)).mul(stepSize))));
        xAdv.dispose();
        xAdv = next;
        if (kept !== null) {
          const prev: { x: tf.Tensor4D; found: tf.Tensor1D } = kept;
          kept = tf.tidy(() => {
            const ok = success!(next);
            const first = ok.logicalAnd(prev.found.logicalNot());
            return { x: tf.where(first.reshape([-1, 1, 1, 1]), next, prev.x) as tf.Tensor4D, found: prev.found.logicalOr(ok) as tf.Tensor1D };
          });
          tf.dispose([prev.x, prev.found]);
        }
      }
      if (kept !== null) {
        const last = xAdv;
        xAdv = tf.tidy(() => tf.where(kept!.found.reshape([-1, 1, 1, 1]), kept!.x, last) as tf.Tensor4D);
        tf.dispose([last, kept.x, kept.found]);
      }
      if (restarts === 1) return xAdv;
      if (success === undefined) throw new RangeError('linfPgd: restarts > 1 need a success function to rank the runs');

      const cand = tf.tidy(() => ({ loss: objective(xAdv), ok: success(xAdv) }));
      if (best === null) {
        best = { x: xAdv, loss: cand.loss, ok: cand.ok };
        continue;
      }
      const prev: { x: tf.Tensor4D; loss: tf.Tensor1D; ok: tf.Tensor1D } = best;
      best = tf.tidy(() => {
        // better ⇔ newly successful, or same success status and higher objective
        const better = cand.ok
          .logicalAnd(prev.ok.logicalNot())
          .logicalOr(cand.ok.equal(prev.ok).logicalAnd(cand.loss.greater(prev.loss))) as tf.Tensor1D;
        return {
          x: tf.where(better.reshape([-1, 1, 1, 1]), xAdv, prev.x) as tf.Tensor4D,
          loss: tf.where(better, cand.loss, prev.loss) as tf.Tensor1D,
          ok: cand.ok.logicalOr(prev.ok) as tf.Tensor1D,
        };
      });
      tf.dispose([prev.x, prev.loss, prev.ok, xAdv, cand.loss, cand.ok]);
    }
    return best === null ? x.clone() : best.x;
  });
  return offTape ? outsideGradientTape(run) : run();
}
