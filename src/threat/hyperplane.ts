/**
 * The step FAB (Croce & Hein 2020) takes: the smallest perturbation, in the threat model's norm, that moves a
 * point onto a hyperplane while staying in the image box. Host-side (plain arrays): FAB reads the linearised
 * boundary back once per iteration anyway, and the exact solution needs a sort.
 */
import type { Norm } from './norm-ball';

/**
 * argmin ‖d‖ (L∞ or L2) subject to w·d = r and p + d ∈ [0, 1]; where the box makes w·d = r unreachable, the
 * box point that gets closest (every coordinate at its bound in the helpful direction). Exact: with
 * e = sign(r)·d, L2's KKT solution is e_i = clip(λ·w_i, box) and L∞'s is e_i = sign(w_i)·min(t, cap_i), both
 * monotone in their scalar (λ, t), which a sweep over the sorted breakpoints solves.
 *
 * @param p the point (one flattened image), w the hyperplane's normal, r = b − w·p the gap to close
 * @returns d (a new array)
 */
export function hyperplaneStep(norm: Norm, p: ArrayLike<number>, w: ArrayLike<number>, r: number): Float32Array {
  const n = p.length;
  const d = new Float32Array(n);
  if (r === 0 || !Number.isFinite(r)) return d;
  const sigma = r > 0 ? 1 : -1;
  const target = Math.abs(r);
  // in e = σ·d: w·e = |r|; each coordinate moves towards sign(w_i) up to its cap (room in the box that way)
  const idx: number[] = [];
  const key = new Float64Array(n);
  const cap = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    // room for e_i in the direction sign(w_i): e_i = σ·d_i, d_i ∈ [−p_i, 1 − p_i]
    const room = sigma * wi > 0 ? 1 - p[i] : p[i];
    cap[i] = Math.max(room, 0);
    // breakpoint: L∞ where |e_i| = cap_i (t = cap_i); L2 where λ|w_i| = cap_i
    key[i] = norm === 'linf' ? cap[i] : cap[i] / Math.abs(wi);
    idx.push(i);
  }
  idx.sort((a, b) => key[a] - key[b]);
  // g(s) = s·A + C: A sums |w_i| (L∞) or w_i² (L2) over the unsaturated coordinates, C the saturated contributions
  let A = 0, C = 0;
  for (const i of idx) A += norm === 'linf' ? Math.abs(w[i]) : w[i] * w[i];
  let s = Infinity;
  for (const i of idx) {
    if (key[i] * A + C >= target) { s = (target - C) / A; break; }
    A -= norm === 'linf' ? Math.abs(w[i]) : w[i] * w[i];
    C += Math.abs(w[i]) * cap[i];
  }
  for (const i of idx) {
    const mag = norm === 'linf' ? Math.min(s, cap[i]) : Math.min(s * Math.abs(w[i]), cap[i]);
    d[i] = sigma * Math.sign(w[i]) * mag;
  }
  return d;
}
