/** Reductions, arg-max/min, softmax, top-k and cumulative sums. */
import * as tf from '@tensorflow/tfjs';
import { axesOf, kernel, type TorchKernel } from './define';

function reduction(name: string, op: string, axisAttr = 'axis'): TorchKernel {
  return kernel(name, ({ x }, attrs, b) => b.run1(op, [x!], [attrs.keepDims ? 1 : 0, ...axesOf(attrs[axisAttr] as number[], x!.shape.length)]));
}

export const reductionKernels: TorchKernel[] = [
  reduction('Sum', 'sum'), reduction('Mean', 'mean'), reduction('Max', 'max', 'reductionIndices'), reduction('Min', 'min'),
  reduction('Prod', 'prod'), reduction('All', 'all'), reduction('Any', 'any'),
  kernel('ArgMax', ({ x }, { axis }, b) => b.run1('argMax', [x!], axesOf(axis as number, x!.shape.length))),
  kernel('ArgMin', ({ x }, { axis }, b) => b.run1('argMin', [x!], axesOf(axis as number, x!.shape.length))),
  kernel('Softmax', ({ logits }, { dim }, b) => b.run1('softmax', [logits!], axesOf(dim as number, logits!.shape.length))),
  kernel('TopK', ({ x }, { k }, b) => {
    if (!tf.util.isInt(k as number) || (k as number) > x!.shape[x!.shape.length - 1]) throw new RangeError(`topk: k = ${k} out of range`);
    return b.run('topK', [x!], [k as number]);
  }),
  kernel('Cumsum', ({ x }, { axis, exclusive, reverse }, b) =>
    b.run1('cumsum', [x!], [axesOf(axis as number, x!.shape.length)[0], exclusive ? 1 : 0, reverse ? 1 : 0])),
];
