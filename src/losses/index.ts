export { NORM_EPSILON, rowNorm, rowCosine, rowCosineDistance, cosineToCenters } from './cosine';
export { maxMahalanobisCenters, maxMahalanobisCenterRows } from './max-mahalanobis-centers';
export {
  centersOf,
  featureToCenterLoss,
  featureToCenterLossPerSample,
  cosinePredict,
} from './feature-to-center';
export { secondOrderLoss, secondOrderLossPerSample } from './second-order';
export { outsideGradientTape } from './outside-tape';
export {
  linfPgdMaximize,
  MNIST_INNER_MAX,
  CIFAR10_INNER_MAX,
  type LinfPgdOptions,
  type RandomStart,
} from './inner-max';
export { biboAdversary, biboLoss, biboLossPerSample, type BiboOptions } from './bibo';
export type { LossParts, LossResult } from './loss-result';
export {
  matLoss,
  matVariantWeights,
  MAT_VARIANTS,
  type MatLossOptions,
  type MatParts,
  type MatVariant,
} from './mat';
export { crossEntropy, crossEntropyPerSample } from './cross-entropy';
export { klDivergencePerSample } from './kl';
export { adversarialTrainingLoss, madryAdversary, type AdversarialTrainingOptions } from './madry-at';
export { tradesLoss, tradesAdversary, type TradesOptions } from './trades';
export {
  mmcLoss,
  mmcLossPerSample,
  nearestCenterPredict,
  mmcAdversary,
  MMC_CENTER_NORM,
  type MmcAdversaryOptions,
} from './mmc';
export {
  trainingObjective,
  METHOD_NAMES,
  MAT_CENTER_NORM,
  type Method,
  type DatasetPreset,
  type TrainingObjective,
  type TrainingObjectiveOptions,
} from './objective';
