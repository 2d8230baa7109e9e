/**
 * The step FAB (Croce & Hein 2020) takes: the smallest perturbation, in the threat model's norm, that moves a
 * point onto a hyperplane while staying in the image box. Host-side (plain arrays): FAB reads the linearised
 * boundary back once per iteration anyway, and the exact solution needs a sort.
 */
import type { Norm } from './norm-ball';

/**
 * argmin ‖d‖ (L∞ or L2) subject to w·d = r and p + d ∈ [0, 1]; where the box makes w·d = r unreachable, the
 * box point that gets closest (every coordinate at its bound in the helpful direction). Exact: with
 * e = sign(r)·d, L2's KKT solution is e_i = clip(λ·w_i, box) and L∞'s is e_i = sign(w_i)·min(t, cap_i). In
 * both, w·e = g(s) = Σ c_i·min(s, key_i) (L∞: c = |w|, key = cap; L2: c = w², key = cap/|w|) is increasing and
 * piecewise linear in the scalar s, with breakpoints at the keys: a binary search over the sorted keys finds
 * the piece where g reaches |r|, on which s = (|r| − C)/A in closed form.
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
  const cap = new Float64Array(n), key = new Float64Array(n), c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    // room for e_i in the direction sign(w_i): e_i = σ·d_i, d_i ∈ [−p_i, 1 − p_i]
    cap[i] = Math.max(sigma * wi > 0 ? 1 - p[i] : p[i], 0);
    key[i] = norm === 'linf' ? cap[i] : cap[i] / Math.abs(wi);
    c[i] = norm === 'linf' ? Math.abs(wi) : wi * wi;
  }
  // g at a breakpoint (coordinates with w_i = 0 have c_i = 0 and add nothing)
  const g = (s: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += c[i] * Math.min(s, key[i]);
    return sum;
  };
  // a native numeric sort of the keys (no comparator: this runs twice per point per FAB iteration)
  const sorted = key.slice().sort();
  let lo = 0, hi = n; // the first sorted key at which g ≥ |r|: in [lo, hi); n when the box stops short of it
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (g(sorted[mid]) >= target) hi = mid; else lo = mid + 1;
  }
  let s = Infinity;
  if (lo < n) {
    // on the piece ending at k = sorted[lo], coordinates with key < k are at their caps (C), the rest move with s (A)
    const k = sorted[lo];
    let A = 0, C = 0;
    for (let i = 0; i < n; i++) {
      if (key[i] < k) C += c[i] * key[i]; else A += c[i];
    }
    s = A > 0 ? (target - C) / A : k;
  }
  for (let i = 0; i < n; i++) {
    if (w[i] === 0) continue;
    const mag = norm === 'linf' ? Math.min(s, cap[i]) : Math.min(s * Math.abs(w[i]), cap[i]);
    d[i] = sigma * Math.sign(w[i]) * mag;
  }
  return d;
}
