import { adaptiveObjectiveDefaults } from '../attacks/adaptive-objectives';
import { matLoss } from '../losses/mat';
import { CENTERS_NORM_OPTION, INNER_MAX_OPTIONS, requireCentersHead, settingOr, type MethodDefinition } from './method';

/**
 * Default center norm C for MAT. The FTC, SO and BIBO losses are scale-free in the centers
 * (cos(φ, μ) and μ/‖μ‖), so C does not affect MAT training at all; it only scales the logits φ·μ_k of
 * the transformed model (Sec. 3.3), i.e. what logit-based attacks see. We use C = 10, the MMC-10 value
 * of Pang et al. (2020), so MAT and MMC models carry the identical head and are attacked on the same
 * logit scale. Evaluations on saturated softmax should prefer margin losses over CE either way.
 */
export const MAT_CENTER_NORM = 10;

/**
 * Manifold-Aware Training, Eq. 9: FTC + α·SO + β·BIBO on a 'centers' head (the MAT transformation, §3.3).
 * The paper's α, β (its appendix) are missing; rows use 0 or 1. BIBO's inner max defaults: the dataset's
 * TRADES-style budget ("PGD as in TRADES"). Adaptive attack: FTC + α·SO + β·CD(φ(x'), φ(x)) (§4.4).
 */
export const mat = {
  label: 'MAT',
  headKind: 'centers',
  innerMaxStyle: 'trades',
  options: {
    ...INNER_MAX_OPTIONS,
    steps: { ...INNER_MAX_OPTIONS.steps, alias: 'bibo-steps' },
    alpha: { type: 'number', min: 0, flag: 'alpha', help: 'weight of the SO loss (default 1)' },
    beta: { type: 'number', min: 0, flag: 'beta', help: 'weight of the BIBO loss (default 1)' },
    centersNorm: CENTERS_NORM_OPTION,
  },
  objective: ({ options, dataset, inner, innerAt, seedAt }) => {
    const centersNorm = options.centersNorm ?? MAT_CENTER_NORM;
    const alpha = options.alpha ?? 1;
    const beta = options.beta ?? 1;
    return {
      centersNorm,
      settings: beta > 0 ? { dataset, centersNorm, alpha, beta, ...inner } : { centersNorm, alpha, beta },
      loss: (model, x, y, step = 0) => {
        requireCentersHead(model, 'mat');
        return matLoss(model, x, y, { alpha, beta, bibo: { ...innerAt(step), seed: seedAt(step) } });
      },
    };
  },
  adaptiveObjective: (settings) => ({
    name: 'mat',
    options: { alpha: settingOr(settings, 'alpha', adaptiveObjectiveDefaults.mat.alpha), beta: settingOr(settings, 'beta', adaptiveObjectiveDefaults.mat.beta) },
  }),
  // the four rows of Table 2's ablation: α (SO weight) and β (BIBO weight) of Eq. 9 set to 0 or 1
  rows: {
    mat: { label: 'MAT (none)', defense: 'MAT', so: 'X', bibo: 'X', innerMax: false, options: { alpha: 0, beta: 0 } },
    'mat-so': { label: 'MAT (SO)', defense: 'MAT', so: 'O', bibo: 'X', innerMax: false, options: { alpha: 1, beta: 0 } },
    'mat-bibo': { label: 'MAT (BIBO)', defense: 'MAT', so: 'X', bibo: 'O', innerMax: true, options: { alpha: 0, beta: 1 } },
    'mat-so-bibo': { label: 'MAT (SO+BIBO)', defense: 'MAT', so: 'O', bibo: 'O', innerMax: true, options: { alpha: 1, beta: 1 } },
  },
  rowOf: ({ alpha = 1, beta = 1 }) => (alpha > 0 ? (beta > 0 ? 'mat-so-bibo' : 'mat-so') : beta > 0 ? 'mat-bibo' : 'mat'),
} satisfies MethodDefinition;
