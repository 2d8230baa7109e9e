import * as tf from '@tensorflow/tfjs';
import type { Classifier, HeadKind } from './classifier';
import { FEATURES_LAYER, LOGITS_LAYER } from './head';

/** What {@link classifierFromModel} cannot read off the model itself. */
export interface ClassifierMeta {
  /** architecture name, e.g. 'smallcnn' (default 'unknown') */
  arch?: string;
  /** default: 'centers' when the logits layer has no bias and is non-trainable, else 'linear' */
  headKind?: HeadKind;
}

/**
 * {@link Classifier} over a functional tf.LayersModel `input → … → 'features' → 'logits'`.
 * φ comes from a second tf.model over the same layers (input → 'features'), so the two share weights.
 */
export class LayersClassifier implements Classifier {
  readonly arch: string;
  readonly numClasses: number;
  readonly featureDim: number;
  readonly inputShape: [number, number, number];
  readonly headKind: HeadKind;
  /** input → φ, sharing every layer with {@link model} */
  readonly featureModel: tf.LayersModel;
  private readonly logitsLayer: tf.layers.Layer;

  constructor(
    readonly model: tf.LayersModel,
    meta: ClassifierMeta = {},
  ) {
    const names = model.layers.map((l) => l.name);
    for (const needed of [FEATURES_LAYER, LOGITS_LAYER]) {
      if (!names.includes(needed)) {
        throw new Error(
          `classifier model must contain a layer named '${needed}' (input → … → '${FEATURES_LAYER}' → ` +
            `'${LOGITS_LAYER}'); layers found: ${names.join(', ')}`,
        );
      }
    }
    const featuresLayer = model.getLayer(FEATURES_LAYER);
    this.logitsLayer = model.getLayer(LOGITS_LAYER);
    if (model.outputs.length !== 1 || model.outputs[0] !== this.logitsLayer.output) {
      throw new Error(`classifier model's single output must be the '${LOGITS_LAYER}' layer's output`);
    }
    const inShape = model.inputs[0].shape;
    if (model.inputs.length !== 1 || inShape.length !== 4) {
      throw new Error(`classifier model must have one NHWC image input, got input shape [${inShape}]`);
    }
    this.inputShape = [inShape[1], inShape[2], inShape[3]] as [number, number, number];
    const phiShape = (featuresLayer.output as tf.SymbolicTensor).shape;
    const logitShape = (this.logitsLayer.output as tf.SymbolicTensor).shape;
    this.featureDim = phiShape[phiShape.length - 1] as number;
    this.numClasses = logitShape[logitShape.length - 1] as number;
    this.arch = meta.arch ?? 'unknown';
    const weights = this.logitsLayer.getWeights();
    const looksLikeCenters = weights.length === 1 && !this.logitsLayer.trainable;
    this.headKind = meta.headKind ?? (looksLikeCenters ? 'centers' : 'linear');
    if (this.headKind === 'centers') {
      if (weights.length !== 1) throw new Error(`a 'centers' head must be a bias-free Dense layer`);
      this.logitsLayer.trainable = false; // also freezes the underlying tf.Variable after a load
    }
    this.featureModel = tf.model({ inputs: model.inputs, outputs: featuresLayer.output as tf.SymbolicTensor });
  }

  features(x: tf.Tensor4D, training = false): tf.Tensor2D {
    return this.featureModel.apply(x, { training }) as tf.Tensor2D;
  }

  headLogits(phi: tf.Tensor2D): tf.Tensor2D {
    return this.logitsLayer.apply(phi) as tf.Tensor2D;
  }

  logits(x: tf.Tensor4D, training = false): tf.Tensor2D {
    return this.model.apply(x, { training }) as tf.Tensor2D;
  }

  /** A copy of the head kernel [featureDim, numClasses] (centersᵀ for 'centers'); the caller disposes it. */
  headKernel(): tf.Tensor2D {
    return (this.logitsLayer.getWeights()[0] as tf.Tensor2D).clone();
  }

  /** The variables an optimizer should update (pass them as `varList`). */
  trainableVariables(): tf.Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** total number of weights (trainable or not), as `model.countParams()` */
  countParams(): number {
    return this.model.countParams();
  }

  /** Frees the weights (both views share them; only the full model is disposed). */
  dispose(): void {
    this.model.dispose();
  }
}

/** Rewraps a loaded LayersModel (e.g. from `tf.loadLayersModel`) as a {@link Classifier}. */
export function classifierFromModel(model: tf.LayersModel, meta: ClassifierMeta = {}): LayersClassifier {
  return new LayersClassifier(model, meta);
}
