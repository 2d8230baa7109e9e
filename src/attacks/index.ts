export type {
  AdaptiveLoss,
  Attack,
  AttackKind,
  AttackTarget,
  LinfBallOptions,
  LinfPresetName,
  PgdCommonOptions,
  ThreatOptions,
  TargetSpec,
} from './types';
export { checkOptions, defaultLinfPreset, linfPresets, resolveLinfPreset } from './options';
export { crossEntropyPerSample, dlrLoss, logitMargin, targetedDlrLoss } from './losses';
export { fgsm, type FgsmOptions } from './fgsm';
export { pgd, pgdDefaults, type PgdOptions } from './pgd';
export { adaptivePgd, type AdaptivePgdOptions } from './adaptive-pgd';
export { apgdCheckpoints, apgdDefaults, type ApgdOptions } from './apgd';
export { apgdCe, type ApgdCeOptions } from './apgd-ce';
export { apgdDlr, type ApgdDlrOptions } from './apgd-dlr';
export { apgdT, apgdTDefaults, type ApgdTOptions } from './apgd-t';
export { apgdAdaptive, type ApgdAdaptiveOptions } from './apgd-adaptive';
export { cwL2, cwL2Defaults, cwL2FoolboxDefaults, type CwL2Options } from './cw-l2';
export { ddn, ddnDefaults, type DdnOptions } from './ddn';
export { square, type SquareOptions } from './square';
export { fab, fabDefaults, type FabOptions } from './fab';
export { fabT, fabTDefaults, type FabTOptions } from './fab-t';
export {
  attackNames,
  attacks,
  isAttackName,
  runAttack,
  type AttackEntry,
  type AttackName,
  type AttackOptionsMap,
} from './registry';
export {
  adaptiveObjective,
  adaptiveObjectiveDefaults,
  adaptiveObjectiveNames,
  adaptiveObjectives,
  ceAdaptiveLoss,
  matAdaptiveLoss,
  mmcAdaptiveLoss,
  tradesAdaptiveLoss,
  type AdaptiveObjectiveName,
  type AdaptiveObjectiveOptionsMap,
  type AdaptiveObjectiveSpec,
  type DisposableAdaptiveLoss,
  type FeatureAttackTarget,
  type MatAdaptiveOptions,
  type MmcAdaptiveOptions,
  type TradesAdaptiveOptions,
} from './adaptive-objectives';
export { AUTOATTACK_STANDARD, autoAttackStandard, type CascadeAttack } from './autoattack';
