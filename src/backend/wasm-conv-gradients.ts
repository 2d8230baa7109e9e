/**
 * Convolution gradient kernels for the wasm backend, composed from its fast XNNPACK Conv2D.
 *
 * tfjs-backend-wasm 4.22 ships no Conv2DBackpropFilter (training a conv net throws) and a
 * Conv2DBackpropInput about 10× slower than its forward Conv2D. Both gradients are themselves
 * convolutions, so we express them as one forward Conv2D each, plus cheap transposes:
 *
 *  dx = conv2d(dilate_s(dy), flip(W)ᵀ, stride 1, padding "full minus forward padding")
 *  dW = conv2d(xᵀ, dyᵀ, dilation s, stride 1)   with batch and channel axes swapped
 *
 * Kernels run at backend level (TensorInfo in, TensorInfo out) so the engine's bookkeeping and
 * tape are untouched: every intermediate is released with `backend.disposeData`.
 */
import * as tf from '@tensorflow/tfjs';

type Info = tf.TensorInfo;
type Pad = [[number, number], [number, number], [number, number], [number, number]];
// Minimal view of the wasm backend we rely on (its class is not exported with types we can use here).
interface WasmBackend extends tf.KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

function kernel(name: string) {
  const k = tf.getKernel(name, 'wasm');
  if (k == null) throw new Error(`wasm backend has no ${name} kernel to compose gradients from`);
  return k.kernelFunc as (args: { inputs: Record<string, Info>; backend: WasmBackend; attrs?: object }) => Info;
}

/** Runs backend kernels, releasing every intermediate except the returned one. */
class KernelScope {
  private readonly owned: Info[] = [];
  constructor(readonly backend: WasmBackend) {}
  run(name: string, inputs: Record<string, Info>, attrs: object = {}): Info {
    const out = kernel(name)({ inputs, backend: this.backend, attrs });
    this.owned.push(out);
    return out;
  }
  transpose(x: Info, perm: number[]): Info { return this.run('Transpose', { x }, { perm }); }
  reshape(x: Info, shape: number[]): Info { return this.run('Reshape', { x }, { shape }); }
  slice(x: Info, begin: number[], size: number[]): Info { return this.run('Slice', { x }, { begin, size }); }
  pad(x: Info, paddings: Array<[number, number]>): Info {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }
  conv(x: Info, filter: Info, pad: Pad, dilations: [number, number]): Info {
    return this.run('Conv2D', { x, filter },
      { strides: [1, 1], pad, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined });
  }
  /** Releases everything this scope made except `keep`. */
  finish(keep: Info): Info {
    for (const t of this.owned) if (t !== keep) this.backend.disposeData(t.dataId);
    return keep;
  }
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs) {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`wasm conv gradients support NHWC only, got ${attrs.dataFormat}`);
  }
  const dil = attrs.dilations ?? 1;
  if (!(dil === 1 || (Array.isArray(dil) && dil[0] === 1 && dil[1] === 1))) {
    throw new Error('wasm conv gradients do not support dilated convolutions');
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad as 'valid', attrs.dimRoundingMode, false, 'channelsLast');
}

/** Inserts (s−1) zeros between the rows and columns of dy: [N,oH,oW,C] → [N,(oH−1)s+1,(oW−1)s+1,C]. */
function dilate(k: KernelScope, dy: Info, sh: number, sw: number): Info {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const expanded = k.reshape(dy, [n, oh, 1, ow, 1, c]);
  const padded = k.pad(expanded, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const flat = k.reshape(padded, [n, oh * sh, ow * sw, c]);
  return k.slice(flat, [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]);
}

/** Crops rows/columns for negative padding amounts, returns the input and the non-negative padding. */
function cropNegative(k: KernelScope, x: Info, top: number, bottom: number, left: number, right: number) {
  const [n, h, w, c] = x.shape;
  const ct = Math.max(0, -top), cb = Math.max(0, -bottom), cl = Math.max(0, -left), cr = Math.max(0, -right);
  const cropped = ct + cb + cl + cr > 0 ? k.slice(x, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]) : x;
  const pad: Pad = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]];
  return { x: cropped, pad };
}

function conv2DBackpropInput(args: { inputs: Record<string, Info>; backend: object; attrs?: object }): Info {
  const backend = args.backend as WasmBackend;
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as ConvAttrs & { inputShape: [number, number, number, number] };
  const info = convInfo(attrs.inputShape, filter.shape, attrs);
  const [fh, fw] = [info.filterHeight, info.filterWidth];
  const k = new KernelScope(backend);
  // flip(W) spatially and swap in/out channels: [fh,fw,in,out] → [fh,fw,out,in]
  const flipped = k.run('Reverse', { x: filter }, { dims: [0, 1] });
  const wT = k.transpose(flipped, [0, 1, 3, 2]);
  const dyd = dilate(k, dy, info.strideHeight, info.strideWidth);
  const [, dh, dw] = dyd.shape;
  const top = fh - 1 - info.padInfo.top, left = fw - 1 - info.padInfo.left;
  const bottom = info.inHeight + fh - 1 - dh - top, right = info.inWidth + fw - 1 - dw - left;
  const { x, pad } = cropNegative(k, dyd, top, bottom, left, right);
  return k.finish(k.conv(x, wT, pad, [1, 1]));
}

function conv2DBackpropFilter(args: { inputs: Record<string, Info>; backend: object; attrs?: object }): Info {
  const backend = args.backend as WasmBackend;
  const { x, dy } = args.inputs;
  const attrs = args.attrs as ConvAttrs & { filterShape: [number, number, number, number] };
  const info = convInfo(x.shape, attrs.filterShape, attrs);
  const [fh, fw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [oh, ow] = [info.outHeight, info.outWidth];
  const k = new KernelScope(backend);
  // batch ↔ channels: x [N,H,W,C] → [C,H,W,N] is the conv input, dy [N,oH,oW,O] → [oH,oW,N,O] the filter,
  // dilated by the forward stride; the output [C,fh,fw,O] is dW with axes to reorder.
  const xT = k.transpose(x, [3, 1, 2, 0]);
  const dyT = k.transpose(dy, [1, 2, 0, 3]);
  const top = info.padInfo.top, left = info.padInfo.left;
  const bottom = fh + (oh - 1) * sh - info.inHeight - top;
  const right = fw + (ow - 1) * sw - info.inWidth - left;
  const { x: xc, pad } = cropNegative(k, xT, top, bottom, left, right);
  const out = k.conv(xc, dyT, pad, [sh, sw]);
  return k.finish(k.transpose(out, [1, 2, 0, 3]));
}

let registered = false;

/** Registers the composed gradients on the wasm backend (idempotent; replaces the slow built-in dx). */
export function registerWasmConvGradients(): void {
  if (registered) return;
  for (const [kernelName, kernelFunc] of [
    ['Conv2DBackpropInput', conv2DBackpropInput],
    ['Conv2DBackpropFilter', conv2DBackpropFilter],
  ] as const) {
    if (tf.getKernel(kernelName, 'wasm') != null) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
  }
  registered = true;
}
