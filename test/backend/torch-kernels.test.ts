import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { fallbackCounts, loadTorchAddon, nativeKernels, resetFallbackCounts } from '../../src/backend/torch';
import { batchNormTraining, fusedBatchNormTrainingAvailable } from '../../src/backend/fused-batch-norm';
import { createOptimizer } from '../../src/train/optimizer';
import { relError } from '../helpers/compare';
import { seededRandom } from '../../src/analysis/random';

// Kernel parity: every native kernel of the torch backend against the pure-JS cpu backend's, on the same
// seeded inputs (random shapes, strides 1 / 2, SAME / VALID, batch 1 and > 1). Floats: relative error
// < 1e-4; integers and booleans: equal. A case list that misses a native kernel fails the coverage test.
// Without a built addon the file is skipped, unless MAT_REQUIRE_TORCH=1 (CI) makes that a failure.

const addon = loadTorchAddon();
const missing = 'error' in addon ? addon.error : undefined;
const skip = missing && process.env.MAT_REQUIRE_TORCH !== '1' ? `torch backend unavailable: ${missing}` : false;

let seed = 1;
/** a float tensor of the given shape with values uniform in [lo, hi), the same on every backend */
function data(shape: number[], lo = -1, hi = 1): Float32Array {
  const next = seededRandom(seed++);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * next());
}
const t = (shape: number[], lo?: number, hi?: number) => { const d = data(shape, lo, hi); return () => tf.tensor(d, shape); };
const ints = (shape: number[], lo: number, hi: number) => { const d = data(shape, lo, hi); return () => tf.tensor(Int32Array.from(d, Math.floor), shape, 'int32'); };
const bools = (shape: number[]) => { const d = data(shape); return () => tf.tensor(Uint8Array.from(d, (v) => (v > 0 ? 1 : 0)), shape, 'bool'); };

type Case = { label: string; run: () => tf.Tensor | tf.Tensor[] };
const cases: Case[] = [];
const add = (label: string, run: () => tf.Tensor | tf.Tensor[]) => cases.push({ label, run });

// element-wise
const x = t([2, 3, 5]), pos = t([2, 3, 5], 0.1, 3), wide = t([2, 3, 5], -8, 8), unit = t([2, 3, 5], -0.9, 0.9);
const unaries: Array<[string, (a: tf.Tensor) => tf.Tensor, () => tf.Tensor]> = [
  ['abs', tf.abs, x], ['neg', tf.neg, x], ['exp', tf.exp, x], ['log', tf.log, pos], ['log1p', tf.log1p, pos],
  ['sqrt', tf.sqrt, pos], ['rsqrt', tf.rsqrt, pos], ['square', tf.square, x], ['relu', tf.relu, x], ['relu6', tf.relu6, wide],
  ['sigmoid', tf.sigmoid, wide], ['tanh', tf.tanh, wide], ['sign', tf.sign, x], ['floor', tf.floor, wide], ['ceil', tf.ceil, wide],
  ['round', tf.round, wide], ['sin', tf.sin, wide], ['cos', tf.cos, wide], ['reciprocal', tf.reciprocal, pos],
  ['softplus', tf.softplus, wide], ['elu', tf.elu, wide], ['expm1', tf.expm1, x], ['erf', tf.erf, x], ['atanh', tf.atanh, unit],
  ['zerosLike', tf.zerosLike, x], ['onesLike', tf.onesLike, x], ['abs int32', tf.abs, ints([7], -5, 5)],
  ['relu int32', tf.relu, ints([7], -5, 5)],
];
for (const [label, op, input] of unaries) add(label, () => op(input()));
const special = () => tf.tensor([1, NaN, Infinity, -Infinity, 0, -2]);
add('isNaN', () => tf.isNaN(special())); add('isInf', () => tf.isInf(special())); add('isFinite', () => tf.isFinite(special()));
add('logicalNot', () => tf.logicalNot(bools([9])()));
add('step', () => tf.step(x(), 0.1)); add('leakyRelu', () => tf.leakyRelu(x(), 0.3)); add('clipByValue', () => tf.clipByValue(wide(), -2, 3));
add('prelu', () => tf.prelu(x(), tf.tensor([0.1, 0.2, 0.3, 0.4, 0.5])));
add('elu gradient (EluGrad)', () => tf.grad((a: tf.Tensor) => tf.elu(a).mul(x()).sum())(wide()));
add('addN', () => tf.addN([x(), pos(), wide()]));
const row = t([5]), scalar = () => tf.scalar(0.7);
const binaries: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
  ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum], ['minimum', tf.minimum],
  ['squaredDifference', tf.squaredDifference], ['mod', tf.mod], ['atan2', tf.atan2], ['equal', tf.equal], ['notEqual', tf.notEqual],
  ['less', tf.less], ['lessEqual', tf.lessEqual], ['greater', tf.greater], ['greaterEqual', tf.greaterEqual],
];
for (const [label, op] of binaries) {
  add(`${label} same shape`, () => op(x(), pos()));
  add(`${label} broadcast row`, () => op(x(), row()));
  add(`${label} broadcast scalar`, () => op(x(), scalar()));
}
add('pow', () => tf.pow(pos(), x()));
add('floorDiv int32', () => tf.floorDiv(ints([12], -20, 20)(), ints([12], 1, 6)()));
add('add int32', () => tf.add(ints([12], -20, 20)(), ints([12], -5, 6)()));
add('logicalAnd', () => tf.logicalAnd(bools([9])(), bools([9])())); add('logicalOr', () => tf.logicalOr(bools([9])(), bools([9])()));

// convolutions: strides 1 / 2, SAME (asymmetric at stride 2) / VALID, batch 1 and 3, several channel counts
for (const stride of [1, 2] as const)
  for (const pad of ['same', 'valid'] as const)
    for (const [inC, outC] of [[1, 16], [3, 8], [16, 32]])
      for (const batch of [1, 3]) {
        const size = stride === 2 ? 9 : 8;
        const xs = t([batch, size, size + 1, inC]), ws = t([3, 3, inC, outC]);
        const label = `conv ${JSON.stringify({ stride, pad, inC, outC, batch })}`;
        add(`${label} forward`, () => tf.conv2d(xs() as tf.Tensor4D, ws() as tf.Tensor4D, stride, pad));
        const dy = tf.tidy(() => tf.conv2d(xs() as tf.Tensor4D, ws() as tf.Tensor4D, stride, pad)).shape;
        const dys = t(dy);
        add(`${label} gradients`, () => tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad).mul(dys()).sum())([xs(), ws()]));
      }
{
  const xs = t([2, 7, 7, 3]), ws = t([3, 3, 3, 4]), bias = t([4]), ws5 = t([5, 5, 3, 4]);
  add('fused conv2d bias + relu', () => tf.fused.conv2d({ x: xs() as tf.Tensor4D, filter: ws() as tf.Tensor4D, strides: 1, pad: 'same', bias: bias(), activation: 'relu' }));
  add('fused conv2d gradients', () => tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
    tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 2, pad: 'same', bias: c, activation: 'relu' }).square().sum())([xs(), ws(), bias()]));
  add('conv2d 5×5 dilated 2', () => tf.conv2d(xs() as tf.Tensor4D, ws5() as tf.Tensor4D, 1, 'same', 'NHWC', 2));
}
// pooling: 2×2/2 VALID, 3×3/2 SAME (asymmetric), 3×3/1 SAME
for (const [k, s, pad] of [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'same']] as const)
  for (const batch of [1, 2]) {
    const xs = t([batch, 8, 9, 4]);
    const label = `${k}×${k}/${s} ${pad} batch ${batch}`;
    add(`maxPool ${label}`, () => tf.maxPool(xs() as tf.Tensor4D, k, s, pad));
    add(`maxPool gradient ${label}`, () => tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, k, s, pad).mul(tf.maxPool(a as tf.Tensor4D, k, s, pad)).sum())(xs()));
    if (pad === 'valid' || s === 1) add(`avgPool ${label}`, () => tf.avgPool(xs() as tf.Tensor4D, k, s, pad));
    // the cpu AvgPoolGrad divides by the whole window even where its forward excluded SAME padding; ATen's
    // gradient is the forward's exact one (checked separately below), so parity is asserted on VALID only
    if (pad === 'valid') add(`avgPool gradient ${label}`, () => tf.grad((a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, k, s, pad).square().sum())(xs()));
  }
// matrix products, batch norm
const ma = t([6, 4]), mb = t([4, 5]), mbT = t([5, 4]), maT = t([4, 6]), mbias = t([5]);
add('matMul', () => tf.matMul(ma(), mb())); add('matMul transposeB', () => tf.matMul(ma(), mbT(), false, true));
add('matMul transposeA', () => tf.matMul(maT(), mb(), true, false));
add('batched matMul', () => tf.matMul(t([3, 6, 4])(), t([3, 4, 2])()));
add('fused matMul bias + relu', () => tf.fused.matMul({ a: ma(), b: mb(), bias: mbias(), activation: 'relu' }));
add('fused matMul, one row, twice: the bias is left as it was', () => {
  const row = t([1, 4])(), bias = mbias();
  const first = tf.fused.matMul({ a: row, b: mb(), bias }), second = tf.fused.matMul({ a: row, b: mb(), bias });
  return [first, second, bias];
});
add('batched matMul (rank 3, transposed)', () => tf.matMul(t([3, 4, 6])(), t([3, 5, 4])(), true, true));
add('fused matMul gradients', () => tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
  tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation: 'relu' }).square().sum())([ma(), mb(), mbias()]));
add('batchNorm', () => tf.batchNorm(t([2, 3, 3, 4])(), t([4])(), t([4], 0.5, 2)(), t([4])(), t([4])(), 1e-3));
add('batchNorm gradients (NHWC, per-channel statistics)', () => {
  const dy = t([2, 3, 3, 4])();
  return tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
    tf.batchNorm(a, m as tf.Tensor1D, v as tf.Tensor1D, o as tf.Tensor1D, s as tf.Tensor1D, 1e-3).mul(dy).sum())(
    [t([2, 3, 3, 4])(), t([4])(), t([4], 0.5, 2)(), t([4])(), t([4])()]);
});
// training-mode batch norm: the fused pair where the backend has it (torch), TF.js' composition on cpu
const bnTraining = (a: tf.Tensor, g: tf.Tensor, o: tf.Tensor): tf.Tensor[] => {
  if (fusedBatchNormTrainingAvailable()) return batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, o as tf.Tensor1D, 1e-5);
  const { mean, variance } = tf.moments(a, [0, 1, 2]);
  return [tf.batchNorm(a, mean, variance, o as tf.Tensor1D, g as tf.Tensor1D, 1e-5), mean, variance];
};
const bnIn = t([3, 5, 4, 6], -2, 3), bnScale = t([6], 0.5, 2), bnOffset = t([6]), bnDy = t([3, 5, 4, 6]), bnWeights = t([6], 1, 6);
add('batch norm, training mode (batch statistics)', () => bnTraining(bnIn(), bnScale(), bnOffset()));
add('batch norm, training mode: gradients through y', () => tf.grads((a: tf.Tensor, g: tf.Tensor, o: tf.Tensor) =>
  bnTraining(a, g, o)[0].mul(bnDy()).sum())([bnIn(), bnScale(), bnOffset()]));
add('batch norm, training mode: gradients through y, mean and variance', () => tf.grads((a: tf.Tensor, g: tf.Tensor, o: tf.Tensor) => {
  const [y, mean, variance] = bnTraining(a, g, o);
  return y.mul(bnDy()).sum().add(mean.mul(bnWeights()).sum()).add(variance.square().sum());
})([bnIn(), bnScale(), bnOffset()]));
// optimizer updates: the project's optimizers (fused update on torch, TF.js' on cpu), three steps, values and slots
const optimizerCase = (name: 'sgd' | 'adam') => () => {
  const v = tf.variable(t([4, 3])());
  const opt = createOptimizer({ name, learningRate: 0.05, momentum: 0.9 });
  for (let k = 0; k < 3; k++) { const g = t([4, 3])(); opt.applyGradients({ [v.name]: g }); g.dispose(); }
  const slots = (opt as unknown as Record<string, Array<{ variable: tf.Variable }>>)[name === 'sgd' ? 'accumulations' : 'accumulatedSecondMoment'];
  const out = [v.clone(), slots[0].variable.clone()];
  v.dispose(); opt.dispose();
  return out;
};
add('SGD-momentum steps', optimizerCase('sgd'));
add('Adam steps', optimizerCase('adam'));
add('batchNorm without offset and scale', () => tf.batchNorm(t([3, 4])(), t([4])(), t([4], 0.5, 2)()));
// reductions
const r3 = t([3, 4, 5]);
for (const axis of [undefined, 0, -1, [0, 2]] as Array<number | number[] | undefined>)
  for (const keepDims of [false, true]) {
    const label = `axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
    add(`sum ${label}`, () => tf.sum(r3(), axis, keepDims)); add(`mean ${label}`, () => tf.mean(r3(), axis, keepDims));
    add(`max ${label}`, () => tf.max(r3(), axis, keepDims)); add(`min ${label}`, () => tf.min(r3(), axis, keepDims));
    add(`prod ${label}`, () => tf.prod(t([3, 4, 5], 0.5, 1.5)(), axis, keepDims));
    add(`all ${label}`, () => tf.all(bools([3, 4, 5])(), axis, keepDims)); add(`any ${label}`, () => tf.any(bools([3, 4, 5])(), axis, keepDims));
  }
add('mean gradients', () => tf.grads((a: tf.Tensor) => tf.mean(a, [0, 1, 2]).square().sum().add(tf.mean(a).mul(3)).add(tf.mean(a, -1, true).sum()))([t([2, 3, 4, 5])()]));
add('sum int32', () => tf.sum(ints([4, 6], -9, 9)(), 1)); add('sum bool', () => tf.sum(bools([4, 6])(), 0));
add('argMax', () => tf.argMax(r3(), -1)); add('argMin', () => tf.argMin(r3(), 1));
add('softmax', () => tf.softmax(t([4, 10], -5, 5)()));
add('topk', () => { const r = tf.topk(t([3, 10])(), 4); return [r.values, r.indices]; });
add('topk with ties', () => { const r = tf.topk(tf.tensor([[1, 3, 3, 2, 3], [0, 0, 0, 0, 1]]), 3); return [r.values, r.indices]; });
add('cumsum', () => tf.cumsum(r3(), 1)); add('cumsum exclusive reverse', () => tf.cumsum(r3(), 2, true, true));
// shapes and selection
add('reshape', () => tf.reshape(r3(), [4, -1])); add('expandDims', () => tf.expandDims(r3(), 1)); add('identity (clone)', () => tf.clone(r3()));
add('cast float → int32', () => tf.cast(wide(), 'int32')); add('cast int32 → float', () => tf.cast(ints([5], -9, 9)(), 'float32'));
add('cast float → bool', () => tf.cast(tf.tensor([0, 1.5, -2, 0]), 'bool'));
add('transpose', () => tf.transpose(r3(), [2, 0, 1])); add('pad', () => tf.pad(r3(), [[1, 0], [0, 2], [1, 1]], 0.5));
add('slice', () => tf.slice(r3(), [1, 0, 2], [2, -1, 3]));
add('stridedSlice', () => tf.stridedSlice(r3(), [0, 1, 0], [3, 4, 5], [2, 1, 2]));
add('concat', () => tf.concat([r3(), t([3, 2, 5])()], 1)); add('stack', () => tf.stack([x(), pos()], 1));
add('unstack', () => tf.unstack(r3(), 1)); add('split', () => tf.split(r3(), [1, 3, 1], 2));
add('tile', () => tf.tile(t([2, 3])(), [2, 3])); add('reverse', () => tf.reverse(r3(), [0, 2]));
add('gather', () => tf.gather(r3(), tf.tensor([[2, 0], [1, 1]], undefined, 'int32'), 1));
add('oneHot', () => tf.oneHot(tf.tensor([0, 3, 9, -1], undefined, 'int32'), 10));
add('where full condition', () => tf.where(bools([3, 4, 5])(), r3(), tf.onesLike(r3())));
add('fill', () => tf.fill([2, 3], 4.5)); add('fill int32', () => tf.fill([4], 7, 'int32'));

async function runOn(backend: string, c: Case) {
  await tf.setBackend(backend);
  seed = 1_000_000 + cases.indexOf(c); // inputs drawn inside a case are the same on both backends
  let out: tf.Tensor[] = [];
  const run = () => {
    const r = c.run();
    out = Array.isArray(r) ? r : [r];
    return out;
  };
  const profile = await tf.profile(run);
  const values = out.map((o) => ({ shape: o.shape, dtype: o.dtype, data: o.dataSync().slice() }));
  tf.dispose(out);
  return { values, kernels: profile.kernelNames };
}

// torch on CPU, or on CUDA where MAT_TEST_BACKEND=torch-cuda (scripts/gpu-check.sh); tfjs calls both 'torch'
const torchFlavour = process.env.MAT_TEST_BACKEND === 'torch-cuda' ? 'torch-cuda' : 'torch';

before(async () => {
  if (skip) return;
  // parity runs in fp32: libtorch would otherwise let cuDNN round convolutions to TF32 (a case below checks TF32)
  await initBackend({ prefer: torchFlavour, precision: 'fp32' });
});

test('every native torch kernel matches the cpu kernel (floats rel. error < 1e-4, ints and bools equal)', { skip }, async () => {
  resetFallbackCounts();
  for (const c of cases) {
    const ref = await runOn('cpu', c);
    const got = await runOn('torch', c);
    assert.equal(got.values.length, ref.values.length, `${c.label}: number of outputs`);
    ref.values.forEach((r, k) => {
      const g = got.values[k];
      assert.deepEqual(g.shape, r.shape, `${c.label}: shape of output ${k}`);
      assert.equal(g.dtype, r.dtype, `${c.label}: dtype of output ${k}`);
      if (r.dtype === 'float32') {
        const finite = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isFinite(v) ? v : 0));
        assert.deepEqual(Array.from(g.data, (v) => Number.isFinite(v as number) ? 0 : String(v)), Array.from(r.data, (v) => Number.isFinite(v as number) ? 0 : String(v)), `${c.label}: non-finite values`);
        const err = relError(finite(g.data as Float32Array), finite(r.data as Float32Array));
        assert.ok(err < 1e-4, `${c.label}: rel. error ${err}`);
      } else {
        assert.deepEqual(Array.from(g.data as ArrayLike<number>), Array.from(r.data as ArrayLike<number>), `${c.label}: values`);
      }
    });
  }
  assert.deepEqual(fallbackCounts(), {}, 'no case should have needed the cpu fallback');
});

test('the parity cases exercise every native kernel', { skip }, async () => {
  const hit = new Set<string>();
  for (const c of cases) for (const k of (await runOn('torch', c)).kernels) hit.add(k);
  const untested = nativeKernels.map((k) => k.name).filter((name) => !hit.has(name));
  assert.deepEqual(untested, [], `native kernels without a parity case: ${untested.join(', ')}`);
});

test('torch tensors are freed: tensor count, data ids and libtorch bytes stay flat over training steps', { skip }, async () => {
  await tf.setBackend('torch');
  const addonInfo = () => (addon as Exclude<typeof addon, { error: string }>).info();
  const w = tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 1, 'float32', 1));
  const xs = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 2);
  const opt = tf.train.momentum(0.01, 0.9);
  const gamma = tf.variable(tf.ones([4])), beta = tf.variable(tf.zeros([4]));
  // conv → batch norm on batch statistics (native gradient) → max pool, as a WideResNet block trains
  const step = () => tf.tidy(() => { opt.minimize(() => {
    const h = tf.conv2d(xs as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    return tf.maxPool(tf.batchNorm(h, mean, variance, beta, gamma, 1e-3) as tf.Tensor4D, 2, 2, 'valid').square().sum();
  }); });
  step();
  const before = { mem: tf.memory(), live: addonInfo().liveTensors, bytes: addonInfo().bytes };
  for (let i = 0; i < 5; i++) step();
  assert.equal(tf.memory().numTensors, before.mem.numTensors);
  assert.equal(tf.memory().numDataBuffers, before.mem.numDataBuffers);
  assert.equal(addonInfo().liveTensors, before.live);
  assert.equal(addonInfo().bytes, before.bytes);
  tf.dispose([w, xs, gamma, beta]); opt.dispose();
});

// avgPool is linear: d/dx_i of <avgPool(x), dy> = <avgPool(e_i), dy>. With padding the native gradient takes
// plain NCHW strides (ATen's channels-last CUDA kernel drops the padding offset, pytorch#188344); these shapes
// hit the layouts where channels-last and NCHW strides coincide (C = 1, H = W = 1 outputs) and where they do not.
for (const [shape, k, label] of [
  [[1, 4, 5, 1], 3, 'one channel'], [[2, 5, 4, 3], 3, 'three channels, batch 2'], [[1, 3, 3, 4], 3, 'a 1×1-sized border case'],
  [[2, 6, 7, 2], 5, '5×5 windows, padding 2'],
] as Array<[[number, number, number, number], number, string]>) {
  test(`the SAME average-pooling gradient is the exact gradient of its forward (${label} ${JSON.stringify(shape)})`, { skip }, async () => {
    await tf.setBackend('torch');
    const size = shape.reduce((a, b) => a * b, 1);
    const dyShape = tf.tidy(() => tf.avgPool(tf.zeros(shape) as tf.Tensor4D, k, 1, 'same').shape) as number[];
    const dy = tf.tensor(data(dyShape), dyShape);
    const f = (a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, k, 1, 'same').mul(dy).sum();
    const grad = tf.tidy(() => tf.grad(f)(tf.zeros(shape)).dataSync());
    const exact = Array.from({ length: size }, (_, i) => tf.tidy(() => f(tf.oneHot(tf.tensor1d([i], 'int32'), size).toFloat().reshape(shape)).dataSync()[0]));
    assert.ok(relError(grad, exact) < 1e-6, `rel. error ${relError(grad, exact)}`);
    dy.dispose();
  });
}

// TF32 (only where it acts: CUDA): convolution gradients within a stated tolerance of fp32 — TF32 keeps a 10-bit
// mantissa (relative rounding 2^-11 ≈ 4.9e-4 per input), so sums of many products stay within ~1e-2 relative
const tf32Skip = skip || (torchFlavour !== 'torch-cuda' ? 'TF32 acts on CUDA only (MAT_TEST_BACKEND=torch-cuda): nothing to check on the CPU' : false);
test('TF32 convolutions agree with fp32 within rel. error 1e-2, and fp32 is restored after', { skip: tf32Skip }, async () => {
  const xs = t([8, 16, 16, 16]), ws = t([3, 3, 16, 32]);
  const conv = () => tf.tidy(() => tf.conv2d(xs() as tf.Tensor4D, ws() as tf.Tensor4D, 1, 'same').dataSync());
  const fp32 = conv();
  await initBackend({ prefer: torchFlavour, precision: 'tf32' });
  const tf32 = conv();
  await initBackend({ prefer: torchFlavour, precision: 'fp32' });
  const again = conv();
  assert.ok(relError(tf32, fp32) < 1e-2, `TF32 vs fp32: rel. error ${relError(tf32, fp32)}`);
  assert.ok(relError(again, fp32) < 1e-6, `fp32 after TF32: rel. error ${relError(again, fp32)}`);
});

test('unsupported attributes fall back to the cpu kernel, counted by name', { skip }, async () => {
  await tf.setBackend('torch');
  resetFallbackCounts();
  const xs = tf.tensor4d(data([1, 6, 6, 2]), [1, 6, 6, 2]);
  // 3×3/2 SAME average pooling pads asymmetrically: not native
  const got = tf.avgPool(xs, 3, 2, 'same');
  assert.deepEqual(fallbackCounts(), { AvgPool: 1 });
  const onTorch = got.dataSync().slice();
  await tf.setBackend('cpu');
  const ref = tf.avgPool(tf.tensor4d(xs.dataSync(), [1, 6, 6, 2]), 3, 2, 'same');
  assert.ok(relError(onTorch, ref.dataSync()) < 1e-6);
  tf.dispose([ref]);
  await tf.setBackend('torch');
  tf.dispose([xs, got]);
});
