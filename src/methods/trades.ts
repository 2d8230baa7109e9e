import { adaptiveObjectiveDefaults } from '../attacks/adaptive-objectives';
import { tradesLoss } from '../losses/trades';
import { INNER_MAX_OPTIONS, settingOr, type MethodDefinition } from './method';

/**
 * TRADES (Zhang et al. 2019), Eq. 1: CE(f(x), y) + β·KL(p(x) ‖ p(x')). β defaults to the dataset's (TRADES:
 * 1 on MNIST, 6 on CIFAR-10). Adaptive attack: CE + β·KL (Eq. 1 with its max dropped).
 */
export const trades = {
  label: 'TRADES',
  headKind: 'linear',
  innerMaxStyle: 'trades',
  options: {
    ...INNER_MAX_OPTIONS,
    beta: { type: 'number', min: 0, flag: 'beta', help: "robust weight β (the dataset's: 1 MNIST, 6 CIFAR-10)" },
  },
  objective: ({ options, dataset, inner, innerAt, tradesBeta, seedAt }) => {
    const beta = options.beta ?? tradesBeta;
    return {
      settings: { dataset, beta, ...inner },
      loss: (model, x, y, step = 0) => tradesLoss(model, x, y, { ...innerAt(step), beta, seed: seedAt(step) }),
    };
  },
  adaptiveObjective: (settings) => ({ name: 'trades', options: { beta: settingOr(settings, 'beta', adaptiveObjectiveDefaults.trades.beta) } }),
  rows: {
    // TRADES' KL term is BIBO-like (paper footnote 1), hence 'O'
    trades: { label: 'TRADES', defense: 'TRADES', so: '-', bibo: 'O', innerMax: true, options: {} },
  },
} satisfies MethodDefinition;
