/**
 * Compute profiles: how much of the paper's protocol each kind of machine can afford. A profile holds one
 * budget per dataset; every number below is a choice, and the comment next to it says why.
 *
 * - `smoke`: CI and `npm run notebooks` — every notebook in seconds on 2 CPU cores. The numbers it produces
 *   are meaningless (models trained for ~15 steps); it only proves that every step runs end to end.
 * - `cpu` (the notebooks' default): what a laptop / 2-core box does in minutes to hours with the wasm
 *   backend. Full MNIST training set, 1–2 epochs, 10-step inner maximisation, attacks on test subsets.
 * - `paper`: the paper's / TRADES' settings, for a GPU machine (`@tensorflow/tfjs-node-gpu`).
 *
 * Throughput measured on this project's 2-core machine (wasm backend, XNNPACK, SIMD, other jobs running),
 * SmallCNN on MNIST — the basis of the time estimates quoted below (1 thread; with 2 XNNPACK threads,
 * MAT_WASM_THREADS, the first two rise to ≈ 410 and ≈ 60 img/s):
 *   natural training ≈ 230–285 img/s (one MNIST epoch ≈ 3.5–4.5 min);
 *   training with a 10-step inner maximisation (AT, TRADES, MAT+BIBO, AT-MMC) ≈ 35 img/s (≈ 29 min/epoch);
 *   one attack step (forward + input gradient) ≈ 400 image-steps/s (PGD-40 on 1,000 images ≈ 100 s).
 *
 * The paper's appendix with its hyper-parameters (Appendix C, attack parameters) is missing from the text
 * we have; where it is silent we follow TRADES (Zhang et al. 2019) and foolbox, as src/attacks does.
 */
import { DATASETS, DATASET_NAMES, type DatasetEntry, type DatasetName } from '../data';
import type { Arch } from '../models';
import type { LinfBudget } from '../threat';
import type { RowKey, TrainingObjectiveOptions } from '../methods';
import type { OptimizerName } from '../train/optimizer';

export type { LinfBudget };

/** The profiles. */
export const PROFILE_NAMES = ['smoke', 'cpu-quick', 'cpu', 'gpu', 'paper'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Datasets an experiment can run on: every registered dataset (a profile may not cover all of them). */
export const EXPERIMENT_DATASETS: readonly DatasetName[] = DATASET_NAMES;
export type ExperimentDataset = DatasetName;

/** Everything one profile spends on one dataset. */
export interface DatasetBudget {
  model: {
    arch: Arch;
    /** width of φ (architecture default when omitted) */
    featureDim?: number;
    /** wrn only */
    depth?: number;
    width?: number;
  };
  train: {
    /** seeded subset of the training split (omitted = all of it) */
    trainSubset?: number;
    /** test examples for the clean accuracy written to results.json (omitted = full test split) */
    testSubset?: number;
    /** epochs of rows without an inner maximisation (Natural, MAT, MAT+SO) */
    epochs: number;
    /** epochs of rows with one (AT, TRADES, MAT+BIBO, MAT+SO+BIBO, AT-MMC): ~10× dearer per epoch */
    innerMaxEpochs: number;
    /** stop after this many optimizer steps (smoke) */
    maxSteps?: number;
    batchSize: number;
    optimizer: OptimizerName;
    learningRate: number;
    momentum: number;
    /** epochs (0-based) at which the rate is multiplied by 0.1 */
    lrMilestones?: number[];
    seed: number;
  };
  /** inner maximisation of AT / TRADES / BIBO / AT-MMC during training */
  innerMax: LinfBudget;
  /** method options of single rows on top of the row's own (e.g. AT-MMC's ε ramp) */
  rowOptions?: Partial<Record<RowKey, TrainingObjectiveOptions>>;
  eval: {
    /** seeded test subset attacked by the fixed-ε attacks (omitted = full test split) */
    subset?: number;
    /** the PGD of Tables 2 and 4 (and of the features behind Tables 1 and 5) */
    pgd: LinfBudget & { restarts: number; bestIterate?: boolean };
    /** seeded test subset for the minimisation attacks (C&W, DDN) */
    minimizationSubset?: number;
    /** C&W budget; learningRate / initialConst default to src/attacks' (foolbox's 0.01 / 1e-3) */
    cw: { binarySearchSteps: number; steps: number; learningRate?: number; initialConst?: number };
    ddn: { steps: number };
    /** APGD-CE and APGD-DLR of the attack summary (every row), on `subset`; restarts run on the points still robust (default 1) */
    apgd: { nIter: number; restarts?: number };
    /**
     * the rest of an AutoAttack-strength evaluation, on `subset`: APGD-T (targets: the most likely wrong
     * classes), APGD on the defence's own objective (`apgd`'s budget) and Square with `squareQueries` queries.
     * The `autoattack-standard` suite adds FAB-T at the table's L∞ ε and AutoAttack's standard cascade at the
     * dataset's L2 radius `l2Epsilon` (with these target and query counts).
     */
    autoAttack?: { nTargetClasses: number; squareQueries: number; l2Epsilon: number };
    /** Figure 2: PGD at each ε, step size 2.5·ε/steps (Madry et al.'s rule) */
    sweep: { epsilons: number[]; steps: number; subset?: number };
    /**
     * Table 3 (the MMC comparison): targeted (random target) and untargeted PGD with `shortSteps` and
     * `longSteps` iterations at the paper's ε = 8/255 and 16/255 times `epsilonScale` (1 on CIFAR-10),
     * step size 2/255 times `epsilonScale` (Pang et al. 2020).
     */
    mmc: { epsilonScale: number; shortSteps: number; longSteps: number; subset?: number };
    /** examples per attack batch */
    batchSize: number;
  };
  analysis: {
    /** seeded test examples whose clean / PGD / DDN features are analysed (Tables 1 and 5, Figure 1) */
    points: number;
    /** at most this many clean points go into Ward's clustering */
    wardMaxPoints: number;
    /** t-SNE: points drawn from each set (clean, PGD) — twice this many are embedded */
    tsnePointsPerSet: number;
    tsneIterations: number;
    /** DDN iterations for the DDN features of Table 1 */
    ddnSteps: number;
  };
  /** the tiny MAT run of 01-tour */
  tour: { trainSubset?: number; epochs: number; maxSteps?: number };
}

/** A named profile: a budget per dataset. */
export interface ProfileDefinition {
  /** folder name under the results root */
  name: string;
  description: string;
  datasets: Partial<Record<ExperimentDataset, DatasetBudget>>;
}

/** The paper's Table 3 radii (CIFAR-10) and PGD step (Pang et al. 2020). */
export const TABLE3_EPSILONS = [8 / 255, 16 / 255] as const;
export const TABLE3_STEP = 2 / 255;

/**
 * Table 3's radii are scaled by the dataset's ε / CIFAR-10's 8/255: MNIST 8/255 → 0.3, 16/255 → 0.6;
 * Fashion-MNIST 8/255 → 0.1, 16/255 → 0.2; CIFAR-10 unchanged.
 */
export function table3Scale(dataset: DatasetEntry): number {
  return dataset.threatModel.attack.epsilon / TABLE3_EPSILONS[0];
}

// ---- smoke ---------------------------------------------------------------------------------------

/**
 * smoke, MNIST-like (28×28×1). Budget: the whole notebook suite (8 trained rows, every table and figure)
 * in a few minutes on 2 busy cores. Inner maximisation 2 steps of 0.15 (2 × 0.15 = 0.3 = ε: still reaches
 * the ball's surface); attacks 3 PGD steps on 100 images; C&W 1 × 10 steps and DDN 10 steps on 50 images;
 * t-SNE on 50 + 50 points for 200 iterations.
 */
function smokeBudget(dataset: DatasetEntry): DatasetBudget {
  const epsilon = dataset.threatModel.attack.epsilon;
  // every other radius of the dataset's sweep (MNIST 0.1 … 0.4)
  const sweep = dataset.sweepEpsilons.filter((_, i) => i % 2 === 1);
  return {
    model: { arch: 'smallcnn' },
    train: {
      trainSubset: 1000, // enough distinct batches for 15 steps of 32
      testSubset: 200,
      epochs: 1,
      innerMaxEpochs: 1,
      maxSteps: 15, // ~2 s (natural) to ~6 s (2-step inner max) per row
      batchSize: 32,
      optimizer: 'adam', // moves further than SGD in 15 steps, so the smoke models are not all at chance
      learningRate: 1e-3,
      momentum: 0.9,
      seed: 0,
    },
    innerMax: { epsilon, stepSize: epsilon / 2, steps: 2 },
    eval: {
      subset: 100,
      pgd: { epsilon, stepSize: epsilon / 3, steps: 3, restarts: 1 },
      minimizationSubset: 50,
      cw: { binarySearchSteps: 1, steps: 10 },
      ddn: { steps: 10 },
      apgd: { nIter: 3 },
      autoAttack: { nTargetClasses: 2, squareQueries: 20, l2Epsilon: dataset.threatModel.l2Epsilon },
      sweep: { epsilons: sweep, steps: 3, subset: 100 },
      mmc: { epsilonScale: table3Scale(dataset), shortSteps: 2, longSteps: 4, subset: 50 },
      batchSize: 100,
    },
    analysis: { points: 100, wardMaxPoints: 100, tsnePointsPerSet: 50, tsneIterations: 200, ddnSteps: 10 },
    tour: { trainSubset: 1000, epochs: 1, maxSteps: 15 },
  };
}

/**
 * smoke, CIFAR-10 (32×32×3): the MNIST smoke budget cut to CIFAR-sized work, so that
 * `reproduce --profile smoke --dataset cifar10` trains and attacks every row in a couple of minutes on 2 busy
 * cores — in CI on the synthetic folder of scripts/make-cifar10-fixture.mjs, whose default size (500 training,
 * 100 test images) covers every subset below. WRN-10-1: the smallest WideResNet (depth 6n+4 with n = 1), the
 * paper's architecture family at a size a CPU trains in seconds. ε = 8/255 from the dataset registry, inner
 * max 2 steps of ε/2 (still reaches the ball's surface). Attacks on 32 images ("a few dozen"; C&W / DDN on
 * 16), features of 50.
 */
function smokeCifarBudget(dataset: DatasetEntry): DatasetBudget {
  const base = smokeBudget(dataset);
  return {
    ...base,
    model: { arch: 'wrn', depth: 10, width: 1 },
    // 10 Adam steps of 32; lr 3e-3 (measured on the synthetic folder: Natural 21 % clean at 1e-3, 37 % at 3e-3, 20 % at 1e-2)
    train: { ...base.train, trainSubset: 320, testSubset: 100, maxSteps: 10, learningRate: 3e-3 },
    eval: {
      ...base.eval,
      subset: 32,
      minimizationSubset: 16,
      sweep: { ...base.eval.sweep, subset: 32 },
      mmc: { ...base.eval.mmc, subset: 32 },
      batchSize: 32,
    },
    analysis: { ...base.analysis, points: 50, wardMaxPoints: 50, tsnePointsPerSet: 25 },
    tour: { trainSubset: 320, epochs: 1, maxSteps: 10 },
  };
}

// ---- cpu -----------------------------------------------------------------------------------------

/**
 * cpu-quick (the first reproduction, kept for comparison), MNIST (and, with its own ε, Fashion-MNIST).
 * Sized so that `npm run reproduce -- --profile cpu-quick`
 * (8 rows trained and evaluated) fits in well under 3 hours on this project's 2-core machine (wasm
 * backend, 2 XNNPACK threads), measured there: natural training ≈ 450 img/s (≈ 2.2 min per MNIST
 * epoch); one attack step (forward + input gradient) ≈ 900 img/s; training with a 5-step inner max ≈ 90
 * img/s (≈ 11 min per epoch), so a 3-step one ≈ 8 min. Every choice below trades precision for time:
 *  - training: full 60k training set, **one epoch for every row** (the same number of optimizer steps
 *    for all eight, so the comparison is fair), batch 128, Adam lr 1e-3. TRADES trains 100 epochs with
 *    SGD lr 0.01; in one epoch that optimizer leaves the MAT rows behind (FTC is a bounded cosine loss
 *    whose gradient scales with 1/‖φ‖) — measured on full MNIST, one epoch, MAT (SO): SGD 0.01 → 93.6 %,
 *    Adam 1e-3 → 98.3 %. One epoch of adversarial training at ε = 0.3 is far from converged: expect robust
 *    accuracies below the paper's; the *ordering* of the rows, and whether it survives adaptive attacks,
 *    is what this profile can show.
 *  - inner maximisation (AT, TRADES, MAT+BIBO, MAT+SO+BIBO, AT-MMC): 3 steps of ε/3 from a random start
 *    instead of TRADES' 40 of 0.01 (≈ 10× cheaper; 3 × ε/3 still reaches any point of the ball —
 *    ten steps of 0.01 would not even reach its surface).
 *  - evaluation: clean accuracy on the full 10k test set; PGD-40 (ε 0.3, step 0.01, random start — the
 *    TRADES/Madry MNIST attack, not weakened) with the sanity checks, adaptive PGD-40 and APGD-CE / APGD-DLR
 *    (25 iterations: Croce & Hein's schedule keeps most of its strength there) on one seeded 500-image subset
 *    (±1.8 % binomial std at 80 %); C&W (4 binary steps × 100 Adam steps at lr 0.05 from c = 1 — it over-estimates
 *    the minimal L2, see src/attacks/README.md) and DDN (100 steps, the DDN paper's budget) on 100 images.
 *  - Figure 2: PGD-10 at 8 radii on 200 images; Table 3: PGD-10/50 targeted and untargeted at 2 radii on
 *    200 images.
 *  - features: 300 test images (Ward on all of them; ±2.7 % on a match rate), PGD-40 and DDN-100 on them,
 *    t-SNE of 150 clean + 150 PGD points for 1,000 iterations.
 */
function cpuQuickBudget(dataset: DatasetEntry): DatasetBudget {
  const { epsilon, stepSize: evalStep } = dataset.threatModel.attack;
  return {
    model: { arch: 'smallcnn' },
    train: {
      epochs: 1,
      innerMaxEpochs: 1,
      batchSize: 128,
      optimizer: 'adam',
      learningRate: 1e-3,
      momentum: 0.9,
      seed: 0,
    },
    innerMax: { epsilon, stepSize: epsilon / 3, steps: 3 },
    eval: {
      subset: 500,
      pgd: { epsilon, stepSize: evalStep, steps: 40, restarts: 1 },
      minimizationSubset: 100,
      // foolbox's start (c = 1e-3, lr 0.01) needs ≥ 4 ×10 binary steps before c bites: with 3 it found no
      // adversarial at all (measured: 0 % success on the natural model); c = 1 and lr 0.05 succeed at once
      cw: { binarySearchSteps: 4, steps: 100, learningRate: 0.05, initialConst: 1 },
      ddn: { steps: 100 },
      apgd: { nIter: 25 },
      sweep: { epsilons: [...dataset.sweepEpsilons], steps: 10, subset: 200 },
      mmc: { epsilonScale: table3Scale(dataset), shortSteps: 10, longSteps: 50, subset: 200 },
      batchSize: 250,
    },
    analysis: { points: 300, wardMaxPoints: 300, tsnePointsPerSet: 150, tsneIterations: 1000, ddnSteps: 100 },
    // 01-tour's MAT run: 5,000 images, one epoch (≈ 25 s) — a tour, not a result
    tour: { trainSubset: 5000, epochs: 1 },
  };
}

/**
 * cpu, MNIST and Fashion-MNIST (each with its own ε): the budget at which the paper's claims can be tested
 * on a 2-core machine with the libtorch engine (the fastest backend here; wasm takes ≈ 4× longer).
 * Measured on that machine (torch, 2 threads): training with a 10-step inner max ≈ 220 img/s (≈ 4.6 min per
 * MNIST epoch), an attack step ≈ 3,100 img/s.
 *  - training: every row — the baselines and the four MAT variants alike — **3 epochs**, batch 128, Adam
 *    lr 1e-3 dropped to 1e-4 for the last epoch; rows with an inner maximisation use **10 steps of ε/4 from a
 *    random start** (Madry's 2.5·ε/steps rule rounded; 10 × ε/4 reaches any point of the ball). The issue's
 *    bar (AT ≥ 88 %, TRADES ≥ 90 % PGD-40) was measured in PyTorch at ≈ 87 / 90 % after 2 epochs of this
 *    schedule; the third epoch at the lower rate is the margin. ≈ 14 min per inner-max row, 1 min otherwise.
 *  - AT-MMC ramps ε linearly from 0 over its first epoch (see src/methods/mmc.ts: without the ramp the
 *    MMC loss collapses to one class at this budget).
 *  - evaluation (≤ 15 min per row): see `autoAttack` below; one seeded 500-image subset for every fixed-ε
 *    attack, so the per-example worst case exists (binomial 95 % interval ≈ ±2.6 pts at 90 %).
 */
function cpuBudget(dataset: DatasetEntry): DatasetBudget {
  const quick = cpuQuickBudget(dataset);
  const { epsilon } = dataset.threatModel.attack;
  return {
    ...quick,
    train: { ...quick.train, epochs: 3, innerMaxEpochs: 3, lrMilestones: [2] },
    innerMax: { epsilon, stepSize: epsilon / 4, steps: 10 },
    // AT-MMC: ε (and the step) ramp up linearly over the first epoch
    rowOptions: { mmc: { epsilonRamp: Math.ceil(dataset.info.sizes.train / quick.train.batchSize) } },
    eval: {
      ...quick.eval,
      pgd: { ...quick.eval.pgd, bestIterate: true },
      apgd: { nIter: 100, restarts: 3 },
      autoAttack: { nTargetClasses: 9, squareQueries: 5000, l2Epsilon: dataset.threatModel.l2Epsilon },
    },
  };
}

// ---- gpu -----------------------------------------------------------------------------------------

/**
 * gpu, MNIST and Fashion-MNIST: the `cpu` protocol with what one GPU buys — 20 epochs instead of 3 (Adam
 * 1e-3, ×0.1 for the last 5), the same 10-step inner max of ε/4, and every attack on the **full test set**
 * (C&W, DDN, the sweep, Table 3 and the features on 1,000 images). Sized from torch-cuda's step rates
 * measured on an NVIDIA H200 (issue 20's table, SmallCNN, batch 128, fp32): training with a 10-step inner max
 * ≈ 1,900–2,200 img/s, a natural training step ≈ 20,500 img/s, an attack step ≈ 32,000 img/s. Then:
 *  - training: 20 × 60,000 images ≈ 10 min per inner-max row (AT, TRADES, MAT (BIBO), MAT (SO+BIBO), MMC),
 *    ≈ 1 min per natural-cost row;
 *  - evaluation: ≈ 3,600 attack steps per test image for the seven headline attacks (`attackStepsPerExample`)
 *    × 10,000 images ≈ 19 min per row (an upper bound: broken points leave APGD's restarts and Square early);
 *  - so ≈ 30 min per robust row and ≈ 3½ h for the eight rows on one H200 at today's torch-cuda speed
 *    (≈ 0.4× PyTorch's; `mat reproduce --profile gpu --plan` re-times every step on the machine it runs on).
 */
function gpuBudget(dataset: DatasetEntry): DatasetBudget {
  const cpu = cpuBudget(dataset);
  return {
    ...cpu,
    train: { ...cpu.train, epochs: 20, innerMaxEpochs: 20, lrMilestones: [15] },
    // AT-MMC: the same ramp as cpu (over the first epoch)
    eval: {
      ...cpu.eval,
      subset: undefined,
      minimizationSubset: 1000,
      sweep: { ...cpu.eval.sweep, subset: 1000 },
      mmc: { ...cpu.eval.mmc, subset: 1000 },
      batchSize: 500,
    },
    analysis: { ...cpu.analysis, points: 1000, wardMaxPoints: 1000, tsnePointsPerSet: 500 },
  };
}

// ---- paper ---------------------------------------------------------------------------------------

/**
 * paper, MNIST: TRADES' MNIST protocol (train_trades_mnist.py: 100 epochs, batch 128, SGD lr 0.01
 * momentum 0.9, rate ×0.1 at epochs 55, 75, 90 (1-based), inner max ε 0.3 / step 0.01 / 40 steps;
 * evaluation PGD-40 step 0.01 on the full test set) on the paper's MNIST network, "VGG Net" (§4.2; our
 * VGG-style net, src/models/vgg.ts — the paper gives no details). C&W with foolbox's budget (9 binary
 * steps × 10,000), DDN 100 steps, both on the full test set; features of the full test set.
 * Hours on a GPU; not meant for a CPU.
 */
function paperMnistBudget(dataset: DatasetEntry): DatasetBudget {
  return {
    model: { arch: 'vgg' },
    train: {
      epochs: 100,
      innerMaxEpochs: 100,
      batchSize: 128,
      optimizer: 'sgd',
      learningRate: 0.01,
      momentum: 0.9,
      lrMilestones: [54, 74, 89],
      seed: 0,
    },
    innerMax: { ...dataset.threatModel.innerMax.trades },
    eval: {
      pgd: { ...dataset.threatModel.attack, restarts: 1, bestIterate: true },
      cw: { binarySearchSteps: 9, steps: 10000 },
      ddn: { steps: 100 },
      apgd: { nIter: 100, restarts: 5 },
      autoAttack: { nTargetClasses: 9, squareQueries: 5000, l2Epsilon: dataset.threatModel.l2Epsilon },
      sweep: { epsilons: [...dataset.sweepEpsilons], steps: 40 },
      mmc: { epsilonScale: table3Scale(dataset), shortSteps: 10, longSteps: 50 },
      batchSize: 500,
    },
    analysis: { points: 10000, wardMaxPoints: 10000, tsnePointsPerSet: 1000, tsneIterations: 1000, ddnSteps: 100 },
    tour: { trainSubset: 10000, epochs: 1 },
  };
}

/**
 * paper, CIFAR-10: TRADES' CIFAR-10 protocol (train_trades_cifar10.py: WRN-34-10, 76 epochs, batch 128,
 * SGD lr 0.1 momentum 0.9, rate ×0.1 from epoch 75 (1-based); inner max 8/255, step 2/255 (TRADES: 0.007),
 * 10 steps; evaluation PGD-20, 8/255, step 2/255). Deviation: TRADES' weight decay 2e-4 is not applied
 * (src/train's optimizers have none).
 */
const paperCifarBudget = (dataset: DatasetEntry): DatasetBudget => ({
  model: { arch: 'wrn', depth: 34, width: 10 },
  train: {
    epochs: 76,
    innerMaxEpochs: 76,
    batchSize: 128,
    optimizer: 'sgd',
    learningRate: 0.1,
    momentum: 0.9,
    lrMilestones: [74],
    seed: 0,
  },
  innerMax: { ...dataset.threatModel.innerMax.madry },
  eval: {
    pgd: { ...dataset.threatModel.attack, restarts: 1, bestIterate: true },
    cw: { binarySearchSteps: 9, steps: 10000 },
    ddn: { steps: 100 },
    apgd: { nIter: 100, restarts: 5 },
    autoAttack: { nTargetClasses: 9, squareQueries: 5000, l2Epsilon: dataset.threatModel.l2Epsilon },
    sweep: { epsilons: [...dataset.sweepEpsilons], steps: 20 },
    mmc: { epsilonScale: table3Scale(dataset), shortSteps: 10, longSteps: 50 },
    batchSize: 200,
  },
  analysis: { points: 10000, wardMaxPoints: 10000, tsnePointsPerSet: 1000, tsneIterations: 1000, ddnSteps: 100 },
  tour: { trainSubset: 10000, epochs: 1 },
});

// Every budget reads its dataset's threat model (ε, evaluation PGD, inner max) from the dataset registry
// (src/data/datasets/), the same numbers `mat train` and `mat eval` use: MNIST ε = 0.3, Fashion-MNIST 0.1.

export const PROFILES: Readonly<Record<ProfileName, ProfileDefinition>> = {
  smoke: {
    name: 'smoke',
    description: 'CI: every step end to end in seconds (numbers are meaningless)',
    datasets: {
      mnist: smokeBudget(DATASETS.mnist),
      'fashion-mnist': smokeBudget(DATASETS['fashion-mnist']),
      cifar10: smokeCifarBudget(DATASETS.cifar10),
    },
  },
  'cpu-quick': {
    name: 'cpu-quick',
    description: 'the first CPU reproduction: 1 epoch per row, 3-step inner max (under-trains the robust rows)',
    datasets: {
      mnist: cpuQuickBudget(DATASETS.mnist),
      'fashion-mnist': cpuQuickBudget(DATASETS['fashion-mnist']),
    },
  },
  cpu: {
    name: 'cpu',
    description: 'CPU (torch): 3 epochs per row, 10-step inner max, AutoAttack-strength evaluation on 500 test images',
    datasets: {
      mnist: cpuBudget(DATASETS.mnist),
      'fashion-mnist': cpuBudget(DATASETS['fashion-mnist']),
    },
  },
  gpu: {
    name: 'gpu',
    description: 'one GPU (torch-cuda): the cpu protocol with 20 epochs per row and every attack on the full test set (≈ 30 min per robust row on an H200)',
    datasets: {
      mnist: gpuBudget(DATASETS.mnist),
      'fashion-mnist': gpuBudget(DATASETS['fashion-mnist']),
    },
  },
  paper: {
    name: 'paper',
    description: "the paper's / TRADES' settings for a GPU machine (100 epochs MNIST, 40-step inner max, full test set)",
    datasets: {
      mnist: paperMnistBudget(DATASETS.mnist),
      'fashion-mnist': paperMnistBudget(DATASETS['fashion-mnist']),
      cifar10: paperCifarBudget(DATASETS.cifar10),
    },
  },
};

/** Checks a profile name (RangeError naming the valid ones). */
export function parseProfileName(name: string): ProfileName {
  if ((PROFILE_NAMES as readonly string[]).includes(name)) return name as ProfileName;
  throw new RangeError(`unknown profile '${name}'; valid profiles: ${PROFILE_NAMES.join(', ')}`);
}

/** Checks a dataset name (RangeError naming the valid ones). */
export function parseExperimentDataset(name: string): ExperimentDataset {
  if ((EXPERIMENT_DATASETS as readonly string[]).includes(name)) return name as ExperimentDataset;
  throw new RangeError(`unknown dataset '${name}'; valid datasets: ${EXPERIMENT_DATASETS.join(', ')}`);
}

/** A profile by name, or the definition itself (tests and custom budgets). */
export type ProfileRef = ProfileName | ProfileDefinition;

/** Resolves a profile reference to its definition. */
export function profileDefinition(profile: ProfileRef): ProfileDefinition {
  if (typeof profile === 'string') return PROFILES[parseProfileName(profile)];
  return profile;
}

/** The budget of `profile` on `dataset`; a dataset the profile does not cover throws a RangeError. */
export function datasetBudget(profile: ProfileRef, dataset: ExperimentDataset): DatasetBudget {
  const def = profileDefinition(profile);
  parseExperimentDataset(dataset);
  const budget = def.datasets[dataset];
  if (budget === undefined) {
    throw new RangeError(`profile '${def.name}' has no budget for dataset '${dataset}' (it covers ${Object.keys(def.datasets).join(', ')})`);
  }
  return budget;
}
