/**
 * Seeded dropout masks. tfjs' Dropout layer draws from an unseeded generator unless its `seed` is set,
 * and a fixed `seed` would repeat one mask forever; so each training-mode call of a Dropout layer gets
 * a fresh seed that is a pure function of (run seed, optimizer step, call number within the step).
 * Masks then depend on nothing a crash can lose: a resumed run draws exactly the masks of an
 * uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs';
import { streamSeed } from '../attacks/seed';

export interface DropoutSeeds {
  /** the masks of the next calls belong to optimizer step `step` */
  atStep(step: number): void;
  /** removes the hooks and restores each layer's own seed */
  release(): void;
}

function dropoutLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const found: tf.layers.Layer[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      if (layer instanceof tf.LayersModel) visit(layer.layers);
      else if (layer.getClassName() === 'Dropout') found.push(layer);
    }
  };
  visit(model.layers);
  return found;
}

/** Makes every Dropout layer of `model` draw its masks from `seed` (see the file comment). */
export function seedDropout(model: tf.LayersModel, seed: number): DropoutSeeds {
  const layers = dropoutLayers(model);
  const ownSeeds = layers.map((l) => (l as unknown as { seed?: number }).seed);
  let step = 0;
  let call = 0;
  layers.forEach((layer, i) => {
    layer.setCallHook((_inputs, kwargs) => {
      // Dropout.call reads this.seed right after its call hook; inference calls draw nothing
      if (kwargs?.training === true) (layer as unknown as { seed?: number }).seed = streamSeed(seed, step, i, call++);
    });
  });
  return {
    atStep(s: number) { step = s; call = 0; },
    release() {
      layers.forEach((layer, i) => {
        layer.clearCallHook();
        (layer as unknown as { seed?: number }).seed = ownSeeds[i];
      });
    },
  };
}
