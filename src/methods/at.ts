import { adversarialTrainingLoss } from '../losses/madry-at';
import { INNER_MAX_OPTIONS, type MethodDefinition } from './method';

/**
 * Madry et al. (2018) adversarial training: CE on PGD examples (uniform start). Inner max defaults: the
 * dataset's Madry-style budget. Adaptive attack: CE (adaptive PGD = PGD).
 */
export const at = {
  label: 'AT',
  headKind: 'linear',
  innerMaxStyle: 'madry',
  options: { ...INNER_MAX_OPTIONS },
  objective: ({ dataset, inner, innerAt, seedAt }) => ({
    settings: { dataset, ...inner },
    loss: (model, x, y, step = 0) => adversarialTrainingLoss(model, x, y, { ...innerAt(step), seed: seedAt(step) }),
  }),
  adaptiveObjective: () => ({ name: 'ce', options: {} }),
  rows: {
    at: { label: 'AT', defense: 'AT', so: '-', bibo: '-', innerMax: true, options: {} },
  },
} satisfies MethodDefinition;
