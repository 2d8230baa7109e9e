/**
 * Replacements for wasm kernels that are far slower than the work they do (measured on this machine,
 * SmallCNN shapes, batch 128): BatchMatMul with a transposed operand 27–123 ms against 2–5 ms for an
 * explicit transpose followed by a plain matmul; MaxPoolGrad 75 ms against ~5 ms for a JS loop;
 * Sum over all but the last axis (every conv/dense bias gradient) 25 ms against 2.5 ms as ones · X.
 * And one correctness fix: wasm's Sign returns 0 for |x| < ~1e-7, which silently stalls every
 * sign-gradient attack (FGSM/PGD/BIBO) exactly where gradients are small, i.e. on saturated models.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
}
type KernelArgs = { inputs: Record<string, Info>; backend: WasmBackend; attrs: Record<string, unknown> };
type WasmKernel = (args: KernelArgs) => Info;

function original(name: string): WasmKernel {
  const k = tf.getKernel(name, 'wasm');
  if (k == null) throw new Error(`wasm backend has no ${name} kernel`);
  return k.kernelFunc as unknown as WasmKernel;
}

/** Swaps in a new kernel function, keeping the original's setup (its wasm bindings are made there). */
function replace(name: string, kernelFunc: WasmKernel): void {
  const { setupFunc, disposeFunc } = tf.getKernel(name, 'wasm') ?? {};
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', setupFunc, disposeFunc,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}

/** Matmul variants: transpose operands explicitly, then run the fast untransposed kernel. */
function untransposed(name: 'BatchMatMul' | '_FusedMatMul', transposeKernel: WasmKernel): WasmKernel {
  const base = original(name);
  return (args) => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return base(args);
    const made: Info[] = [];
    const swapLast = (t: Info) => {
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 1], perm[perm.length - 2]] = [perm[perm.length - 2], perm[perm.length - 1]];
      const out = transposeKernel({ inputs: { x: t }, backend: args.backend, attrs: { perm } });
      made.push(out);
      return out;
    };
    const inputs = { ...args.inputs };
    if (transposeA) inputs.a = swapLast(inputs.a);
    if (transposeB) inputs.b = swapLast(inputs.b);
    const out = base({ inputs, backend: args.backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    for (const t of made) args.backend.disposeData(t.dataId);
    return out;
  };
}

/** MaxPoolGrad, NHWC: routes each dy to the first maximum of its window (as TensorFlow does). */
const maxPoolGrad: WasmKernel = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize as [number, number],
    attrs.strides as [number, number], 1, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined);
  const out = backend.makeOutput(input.shape, 'float32');
  // views are taken after the allocation above, which may grow (and detach) the wasm heap
  const x = backend.typedArrayFromHeap(input), g = backend.typedArrayFromHeap(dy);
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const best = new Float32Array(C), arg = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * sh - top, yStart = Math.max(0, y0), yEnd = Math.min(H, y0 + fh);
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * sw - left, xStart = Math.max(0, x0), xEnd = Math.min(W, x0 + fw);
        best.fill(-Infinity); arg.fill(-1);
        for (let y = yStart; y < yEnd; y++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const base = ((b * H + y) * W + xx) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c];
              if (v > best[c]) { best[c] = v; arg[c] = base + c; }
            }
          }
        }
        const gBase = ((b * OH + oy) * OW + ox) * C;
        for (let c = 0; c < C; c++) if (arg[c] >= 0) dx[arg[c]] += g[gBase + c];
      }
    }
  }
  return out;
};

/** Sum over every axis but the last (bias gradients) as one GEMV, ones[1,R] · X[R,C]; else the original. */
function sumLeadingAxes(matMul: WasmKernel): WasmKernel {
  const base = original('Sum');
  const fill = original('Fill'), reshape = original('Reshape');
  return (args) => {
    const { x } = args.inputs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(args.attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32') return base(args);
    const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1), cols = x.shape[rank - 1];
    const { backend } = args;
    const ones = fill({ inputs: {}, backend, attrs: { shape: [1, 1, rows], value: 1, dtype: 'float32' } });
    const x3 = reshape({ inputs: { x }, backend, attrs: { shape: [1, rows, cols] } });
    const prod = matMul({ inputs: { a: ones, b: x3 }, backend, attrs: { transposeA: false, transposeB: false } });
    const outShape = args.attrs.keepDims ? [...x.shape.slice(0, -1).map(() => 1), cols] : [cols];
    const out = reshape({ inputs: { x: prod }, backend, attrs: { shape: outShape } });
    for (const t of [ones, x3, prod]) backend.disposeData(t.dataId);
    return out;
  };
}

/** Exact elementwise sign (wasm's rounds |x| < ~1e-7 to 0). NaN and ±0 pass through. */
function exactSign(): WasmKernel {
  const base = original('Sign');
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    if (x.dtype !== 'float32') return base({ inputs, backend, attrs });
    const out = backend.makeOutput(x.shape, 'float32');
    const src = backend.typedArrayFromHeap(x), dst = backend.typedArrayFromHeap(out);
    for (let i = 0; i < src.length; i++) { const v = src[i]; dst[i] = v > 0 ? 1 : v < 0 ? -1 : v; }
    return out;
  };
}

let registered = false;

export function registerWasmFastKernels(): void {
  if (registered) return;
  const transpose = original('Transpose');
  replace('BatchMatMul', untransposed('BatchMatMul', transpose));
  replace('_FusedMatMul', untransposed('_FusedMatMul', transpose));
  replace('MaxPoolGrad', maxPoolGrad);
  replace('Sum', sumLeadingAxes(original('BatchMatMul')));
  replace('Sign', exactSign());
  registered = true;
}
