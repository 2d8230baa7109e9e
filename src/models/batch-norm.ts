/**
 * Keras' BatchNormalization whose training-mode step runs on the backend's fused kernels when it has them
 * (../backend/fused-batch-norm; torch does): the same weights, config, class name (a saved topology loads as
 * the stock layer), batch statistics and moving-average updates — fewer, larger kernels. Elsewhere, in
 * inference mode and for layouts the fused kernel does not take, it is the stock layer.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, fusedBatchNormTrainingAvailable } from '../backend/fused-batch-norm';

type BatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
type BatchNormLayer = ReturnType<typeof tf.layers.batchNormalization>;
type Kwargs = Record<string, unknown>;

/** The stock class, from TF.js' serialization registry (no instance made: that would shift layer names). */
function stockClass(): new (args: BatchNormArgs) => BatchNormLayer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.BatchNormalization as unknown as [new (args: BatchNormArgs) => BatchNormLayer] | undefined;
  if (!entry) throw new Error('TF.js has no BatchNormalization layer registered');
  return entry[0];
}

/** The stock layer's fields the fused path reads (not part of TF.js' typings). */
interface Fields {
  axis: number | number[];
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

let fusedClass: (new (args: BatchNormArgs) => BatchNormLayer) | undefined;

function fused(): new (args: BatchNormArgs) => BatchNormLayer {
  if (fusedClass) return fusedClass;
  const Stock = stockClass() as unknown as new (args: BatchNormArgs) => BatchNormLayer & { call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] };
  class FusedBatchNormalization extends Stock {
    static readonly className = 'BatchNormalization';

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const f = this as unknown as Fields;
      const lastAxis = f.axis === -1 || f.axis === 3;
      if (!kwargs.training || x.rank !== 4 || x.dtype !== 'float32' || !lastAxis || !f.center || !f.scale || !fusedBatchNormTrainingAvailable()) {
        return super.call(inputs, kwargs);
      }
      return tf.tidy(() => {
        const [y, mean, variance] = batchNormTraining(x as tf.Tensor4D, f.gamma.read() as tf.Tensor1D, f.beta.read() as tf.Tensor1D, f.epsilon);
        movingAverage(f.movingMean, mean, f.momentum);
        movingAverage(f.movingVariance, variance, f.momentum);
        return y;
      });
    }
  }
  fusedClass = FusedBatchNormalization;
  return fusedClass;
}

/** The stock layer's update, operation for operation: v ← v − (v − value)·(1 − momentum). */
function movingAverage(variable: tf.LayerVariable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const orig = variable.read();
    variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - momentum)));
  });
}

/** Drop-in for `tf.layers.batchNormalization`. */
export function batchNormalization(args: BatchNormArgs = {}): BatchNormLayer {
  return new (fused())(args);
}
