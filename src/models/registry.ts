import * as tf from '@tensorflow/tfjs';
import type { HeadKind } from './classifier';
import { setCenters, LOGITS_LAYER } from './head';
import { LayersClassifier } from './layers-classifier';
import { buildMlp } from './mlp';
import { buildSmallCnn } from './smallcnn';
import { buildVgg } from './vgg';
import { buildWideResNet, WRN_CPU_DEFAULT } from './wrn';

/** Architectures: the paper's (smallcnn = TRADES MNIST net, vgg = MNIST, wrn = CIFAR-10) plus a test MLP. */
export type Arch = 'smallcnn' | 'vgg' | 'wrn' | 'mlp';

export interface CreateClassifierOptions {
  /** NHWC without batch; default [28, 28, 1] (MNIST), [32, 32, 3] for 'wrn' */
  inputShape?: [number, number, number];
  /** default 10 */
  numClasses?: number;
  /** width of φ; default 200 smallcnn, 256 vgg, 64·width wrn, 16 mlp */
  featureDim?: number;
  /** default 'linear' */
  headKind?: HeadKind;
  /** [numClasses, featureDim], required iff headKind is 'centers' (e.g. `maxMahalanobisCenters(L, D, C)`) */
  centers?: tf.Tensor2D | number[][];
  /** base seed for every initialiser; omitted → unseeded (dropout masks are never seeded) */
  seed?: number;
  /** wrn only: 6n+4, default 16 (WRN-34-10: depth 34, width 10) */
  depth?: number;
  /** wrn only: widen factor, default 1 */
  width?: number;
  /** dropout rate (smallcnn/vgg default 0.5 after the hidden FC; wrn default 0 inside blocks); mlp: none */
  dropout?: number;
  /** hidden FC width (vgg default 256, mlp default 32) */
  hidden?: number;
}

type Builder = (o: Required<Pick<CreateClassifierOptions, 'inputShape' | 'numClasses' | 'featureDim' | 'headKind'>> &
  CreateClassifierOptions) => tf.LayersModel;

interface ArchEntry {
  build: Builder;
  defaultInputShape: [number, number, number];
  defaultFeatureDim: (o: CreateClassifierOptions) => number;
  /** options this architecture understands besides the common ones */
  extra: ReadonlyArray<keyof CreateClassifierOptions>;
}

const ARCHS: Record<Arch, ArchEntry> = {
  smallcnn: {
    build: (o) => buildSmallCnn(o),
    defaultInputShape: [28, 28, 1],
    defaultFeatureDim: () => 200,
    extra: ['dropout'],
  },
  vgg: {
    build: (o) => buildVgg(o),
    defaultInputShape: [28, 28, 1],
    defaultFeatureDim: () => 256,
    extra: ['dropout', 'hidden'],
  },
  wrn: {
    build: (o) => buildWideResNet(o),
    defaultInputShape: [32, 32, 3],
    defaultFeatureDim: (o) => 64 * (o.width ?? WRN_CPU_DEFAULT.width),
    extra: ['depth', 'width', 'dropout'],
  },
  mlp: {
    build: (o) => buildMlp(o),
    defaultInputShape: [28, 28, 1],
    defaultFeatureDim: () => 16,
    extra: ['hidden'],
  },
};

const COMMON: ReadonlyArray<keyof CreateClassifierOptions> = [
  'inputShape',
  'numClasses',
  'featureDim',
  'headKind',
  'centers',
  'seed',
];

/** Names accepted by {@link createClassifier}. */
export const ARCH_NAMES = Object.keys(ARCHS) as Arch[];

/**
 * Builds a fresh classifier `input → body → 'features' (linear) → 'logits'`.
 * @throws RangeError for an unknown arch, an option the arch does not use, or a bad head setup.
 */
export function createClassifier(arch: Arch, options: CreateClassifierOptions = {}): LayersClassifier {
  const entry = (ARCHS as Record<string, ArchEntry | undefined>)[arch];
  if (entry === undefined) {
    throw new RangeError(`unknown architecture '${arch}'; expected one of ${ARCH_NAMES.join(', ')}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const k = key as keyof CreateClassifierOptions;
    if (!COMMON.includes(k) && !entry.extra.includes(k)) {
      throw new RangeError(`option '${key}' is not used by architecture '${arch}'`);
    }
  }
  const headKind = options.headKind ?? 'linear';
  if (headKind !== 'linear' && headKind !== 'centers') {
    throw new RangeError(`unknown headKind '${headKind}'; expected 'linear' or 'centers'`);
  }
  if (headKind === 'centers' && options.centers === undefined) {
    throw new RangeError(`headKind 'centers' needs options.centers ([numClasses, featureDim])`);
  }
  if (headKind === 'linear' && options.centers !== undefined) {
    throw new RangeError(`options.centers is only used with headKind 'centers'`);
  }
  const resolved = {
    ...options,
    inputShape: options.inputShape ?? entry.defaultInputShape,
    numClasses: options.numClasses ?? 10,
    featureDim: options.featureDim ?? entry.defaultFeatureDim(options),
    headKind,
  };
  const model = entry.build(resolved);
  if (headKind === 'centers') {
    try {
      setCenters(model.getLayer(LOGITS_LAYER), options.centers!);
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  return new LayersClassifier(model, { arch, headKind });
}
