export type { Classifier, HeadKind } from './classifier';
export { LayersClassifier, classifierFromModel, type ClassifierMeta } from './layers-classifier';
export { createClassifier, ARCH_NAMES, type Arch, type CreateClassifierOptions } from './registry';
export { FEATURES_LAYER, LOGITS_LAYER, appendHead, setCenters, type HeadOptions } from './head';
export { buildSmallCnn, type SmallCnnOptions } from './smallcnn';
export { buildVgg, type VggOptions } from './vgg';
export { buildWideResNet, WRN_CPU_DEFAULT, WRN_34_10, type WrnOptions } from './wrn';
export { buildMlp, type MlpOptions } from './mlp';
export { SeedSequence } from './init';
