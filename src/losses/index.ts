export { NORM_EPSILON, rowNorm, rowCosine, rowCosineDistance, cosineToCenters } from './cosine';
export { maxMahalanobisCenters, maxMahalanobisCenterRows } from './max-mahalanobis-centers';
export {
  centersOf,
  featureToCenterLoss,
  featureToCenterLossPerSample,
  cosinePredict,
} from './feature-to-center';
export { secondOrderLoss, secondOrderLossPerSample } from './second-order';
export { biboAdversary, biboLoss, biboLossPerSample, type BiboOptions } from './bibo';
export type { LossParts, LossResult } from './loss-result';
export { matLoss, type MatLossOptions, type MatParts } from './mat';
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
