/**
 * The project's fused kernels (../../fused-batch-norm, ../../fused-updates) on torch: training-mode batch
 * norm and its gradient, two passes over x each way; an optimizer's whole per-variable update in one call.
 */
import { BATCH_NORM_TRAINING_GRAD_KERNEL, BATCH_NORM_TRAINING_KERNEL } from '../../fused-batch-norm';
import { ADAM_UPDATE_KERNEL, MOMENTUM_UPDATE_KERNEL } from '../../fused-updates';
import { kernel, type TorchKernel } from './define';

export const fusedKernels: TorchKernel[] = [
  kernel(BATCH_NORM_TRAINING_KERNEL, ({ x, scale, offset }, { varianceEpsilon }, b) => {
    if (x!.shape.length !== 4 || x!.dtype !== 'float32') throw new Error(`torch backend: ${BATCH_NORM_TRAINING_KERNEL} takes a rank-4 float32 tensor, got ${x!.dtype} [${x!.shape}]`);
    return b.run('batchNormTraining', [x!, scale!, offset!], [varianceEpsilon as number]);
  }),
  // the statistics' own gradients are decided on the host (zeros the engine wrote for unused outputs), never by
  // reading them back: that would synchronise a GPU in every batch-norm gradient
  kernel(BATCH_NORM_TRAINING_GRAD_KERNEL, ({ dy, x, scale, mean, variance, dmean, dvariance }, { varianceEpsilon }, b) => {
    const statisticsHaveGradients = !(b.knownZeros(dmean!) && b.knownZeros(dvariance!));
    return b.run('batchNormTrainingGrad', [dy!, x!, scale!, mean!, variance!, dmean!, dvariance!], [varianceEpsilon as number, statisticsHaveGradients ? 1 : 0]);
  }),
  kernel(MOMENTUM_UPDATE_KERNEL, ({ value, accumulation, gradient }, { learningRate, momentum, nesterov }, b) =>
    b.run('momentumUpdate', [value!, accumulation!, gradient!], [learningRate as number, momentum as number, nesterov ? 1 : 0])),
  kernel(ADAM_UPDATE_KERNEL, ({ value, m, v, gradient, accBeta1, accBeta2 }, { learningRate, beta1, beta2, epsilon }, b) =>
    b.run('adamUpdate', [value!, m!, v!, gradient!, accBeta1!, accBeta2!], [learningRate as number, beta1 as number, beta2 as number, epsilon as number])),
];
