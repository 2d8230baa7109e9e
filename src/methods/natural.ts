import { crossEntropy } from '../losses/cross-entropy';
import type { MethodDefinition } from './method';

/** Natural training: cross-entropy on clean examples. Adaptive attack: plain CE (adaptive PGD = PGD). */
export const natural = {
  label: 'Natural',
  headKind: 'linear',
  innerMaxStyle: 'none',
  options: {},
  objective: () => ({
    settings: {},
    loss: (model, x, y) => {
      const logits = model.logits(x, true);
      const ce = crossEntropy(logits, y);
      return { total: ce, parts: { ce: ce.clone() }, logits };
    },
  }),
  adaptiveObjective: () => ({ name: 'ce', options: {} }),
  rows: {
    natural: { label: 'Natural', defense: 'Natural', so: '-', bibo: '-', innerMax: false, options: {} },
  },
} satisfies MethodDefinition;
