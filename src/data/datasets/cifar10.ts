import * as path from 'node:path';
import { epsilonRange, type DatasetEntry } from '../dataset-entry';
import { CIFAR10_CLASS_NAMES, cifar10Paths, loadCifar10Split, resolveCifar10Dir } from '../cifar10';

/**
 * CIFAR-10 ($MAT_CIFAR10_DIR). Threat model: ε = 8/255 (the paper's Table 3 radius; torchattacks'
 * default). Evaluation PGD-20 with step 2/255 (TRADES' CIFAR-10 evaluation uses 20 steps). Inner
 * maximisations: Madry-style AT / AT-MMC 8/255, step 2/255, 10 steps; TRADES / BIBO use TRADES' own
 * values (train_trades_cifar10.py: 0.031, step 0.007, 10 steps). TRADES β = 6 (TRADES' CIFAR-10 value).
 */
export const cifar10: DatasetEntry<'cifar10'> = {
  info: { name: 'cifar10', shape: [32, 32, 3], numClasses: 10, classNames: CIFAR10_CLASS_NAMES, sizes: { train: 50000, test: 10000 } },
  files: async (split, dir) => cifar10Paths(await resolveCifar10Dir(dir), split),
  load: async (split, files) => loadCifar10Split(path.dirname(files[0]), split),
  threatModel: {
    attack: { epsilon: 8 / 255, stepSize: 2 / 255, steps: 20 },
    innerMax: { madry: { epsilon: 8 / 255, stepSize: 2 / 255, steps: 10 }, trades: { epsilon: 0.031, stepSize: 0.007, steps: 10 } },
    // RobustBench's CIFAR-10 L2 leaderboard radius
    l2Epsilon: 0.5,
  },
  tradesBeta: 6,
  defaultArch: 'wrn',
  paper: { column: 'CIFAR10', title: 'CIFAR10' },
  // whole grey levels, exactly k/255 (epsilonRange's 6-decimal rounding would make 4/255 read 0.015686)
  sweepEpsilons: epsilonRange(2, 16, 2).map((levels) => levels / 255),
  epsilonInGreyLevels: true,
};
