import * as tf from '@tensorflow/tfjs';
import type { LossResult } from '../losses/loss-result';
import { MMC_CENTER_NORM, mmcAdversary, mmcLoss } from '../losses/mmc';
import { CENTERS_NORM_OPTION, INNER_MAX_OPTIONS, requireCentersHead, type MethodDefinition } from './method';

/**
 * Max-Mahalanobis center loss (Pang et al. 2020), Eq. 2, on a 'centers' head of norm 10 (MMC-10);
 * `adversarial` trains on PGD examples of the MMC loss (AT-MMC, the model the paper's Table 3 quotes).
 * Adaptive attack: maximise the MMC loss itself (Tramèr et al. 2020).
 */
export const mmc = {
  label: 'MMC',
  headKind: 'centers',
  innerMaxStyle: 'madry',
  options: {
    ...INNER_MAX_OPTIONS,
    centersNorm: CENTERS_NORM_OPTION,
    adversarial: { type: 'boolean', help: 'train on PGD examples of the MMC loss (AT-MMC; default false)' },
  },
  objective: ({ options, dataset, inner, innerAt, seedAt }) => {
    const centersNorm = options.centersNorm ?? MMC_CENTER_NORM;
    const adversarial = options.adversarial ?? false;
    return {
      centersNorm,
      settings: adversarial ? { dataset, centersNorm, adversarial, ...inner } : { centersNorm, adversarial },
      loss: (model, x, y, step = 0) => {
        requireCentersHead(model, 'mmc');
        const centers = tf.tidy(() => model.headKernel().transpose() as tf.Tensor2D);
        const xAdv = adversarial ? mmcAdversary(model, x, y, centers, { ...innerAt(step), seed: seedAt(step) }) : undefined;
        const phi = model.features(xAdv ?? x, true);
        const loss = mmcLoss(phi, y, centers);
        const result: LossResult = { total: loss, parts: { mmc: loss.clone() } };
        if (!adversarial) result.logits = model.headLogits(phi);
        tf.dispose([centers, phi, ...(xAdv ? [xAdv] : [])]);
        return result;
      },
    };
  },
  adaptiveObjective: () => ({ name: 'mmc', options: {} }),
  rows: {
    // Pang et al. (2020)'s adversarially trained MMC (AT-MMC, centers of norm 10): the MMC numbers the
    // paper quotes in Table 3 (55 % PGD at 8/255) are AT-MMC's
    mmc: { label: 'MMC', defense: 'MMC', so: '-', bibo: '-', innerMax: true, options: { adversarial: true } },
  },
} satisfies MethodDefinition;
