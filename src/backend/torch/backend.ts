/**
 * The `torch` TensorFlow.js backend: tensors live in libtorch (dataId → slot of an at::Tensor in the addon),
 * kernels call ATen ops (./kernels), and every kernel without a native version runs on the `cpu` backend's
 * implementation through ./fallback. Values cross into JavaScript only on read.
 */
import * as tf from '@tensorflow/tfjs';
import type { TorchAddon, TorchAddonInfo } from './native';
import { DTYPE_CODES } from './native';

const DTYPES = Object.keys(DTYPE_CODES) as tf.DataType[];

type DataId = object;
type BackendValues = tf.backend_util.BackendValues;

interface TorchData {
  /** the addon's slot; undefined for string tensors, which stay in JavaScript */
  slot?: number;
  values?: BackendValues;
  dtype: tf.DataType;
  refCount: number;
  /** written from JavaScript as all zeros (small tensors only): e.g. the engine's gradient of an unused output */
  zeros?: boolean;
}

/** Writes up to this many elements are checked for being all zeros (a few µs at most). */
const ZERO_CHECK_MAX = 4096;

function allZeros(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
}

export class TorchBackend extends tf.KernelBackend {
  readonly data: tf.DataStorage<TorchData>;
  private readonly opIndices = new Map<string, number>();

  constructor(readonly addon: TorchAddon) {
    super();
    this.data = new tf.DataStorage(this, tf.engine());
  }

  /** Runs an op of native/ops.cc on input tensors; the addon reports each output's dtype and shape. */
  run(op: string, inputs: tf.TensorInfo[], args: number[] = []): tf.TensorInfo[] {
    let index = this.opIndices.get(op);
    if (index === undefined) {
      index = this.addon.opIndex(op);
      if (index < 0) throw new Error(`torch backend: the addon has no op '${op}' (rebuild it: npm run build:native)`);
      this.opIndices.set(op, index);
    }
    const flat = this.addon.run(index, inputs.map((t) => this.slotOf(t.dataId)), args);
    const outputs: tf.TensorInfo[] = [];
    for (let k = 0; k < flat.length;) {
      const slot = flat[k], dtype = DTYPES[flat[k + 1]], rank = flat[k + 2];
      const shape = flat.slice(k + 3, k + 3 + rank);
      k += 3 + rank;
      const dataId = {};
      this.data.set(dataId, { slot, dtype, refCount: 1 });
      outputs.push({ dataId, shape, dtype });
    }
    return outputs;
  }

  /** run() for the common single output */
  run1(op: string, inputs: tf.TensorInfo[], args: number[] = []): tf.TensorInfo {
    return this.run(op, inputs, args)[0];
  }

  slotOf(dataId: DataId): number {
    const d = this.data.get(dataId);
    if (d.slot === undefined) throw new Error(`torch backend: a ${d.dtype} tensor has no native storage`);
    return d.slot;
  }

  override write(values: BackendValues, shape: number[], dtype: tf.DataType): DataId {
    const dataId = {};
    this.data.set(dataId, this.store(values, shape, dtype, 1));
    return dataId;
  }

  private store(values: BackendValues | null, shape: number[], dtype: tf.DataType, refCount: number): TorchData {
    if (!(dtype in DTYPE_CODES)) {
      if (dtype === 'complex64') throw new Error('torch backend: complex64 tensors are not supported');
      return { values: values ?? [], dtype, refCount };
    }
    const size = shape.reduce((a, b) => a * b, 1);
    let typed: Float32Array | Int32Array | Uint8Array;
    if (values == null) typed = dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
    else if (dtype === 'float32') typed = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    else if (dtype === 'int32') typed = values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
    else typed = values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
    const zeros = typed.length <= ZERO_CHECK_MAX && allZeros(typed);
    return { slot: this.addon.create(DTYPE_CODES[dtype as keyof typeof DTYPE_CODES], shape, typed), dtype, refCount, ...(zeros ? { zeros } : {}) };
  }

  /**
   * Whether a tensor is known on the host to hold only zeros, without reading it: it was written from
   * JavaScript as zeros (the engine makes such a tensor for the gradient of every output nothing used).
   * False means unknown, never "nonzero".
   */
  knownZeros(t: tf.TensorInfo): boolean {
    return this.data.has(t.dataId) && this.data.get(t.dataId).zeros === true;
  }

  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: BackendValues | string[]): tf.TensorInfo {
    if (dtype === 'string' && values != null && values.length > 0 && typeof values[0] === 'string') {
      values = (values as string[]).map((s) => tf.util.encodeString(s));
    }
    return { dataId: this.write((values ?? null) as BackendValues, shape, dtype), shape, dtype };
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.data.set(dataId, this.store(values, shape, dtype, refCount));
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override readSync(dataId: DataId): BackendValues {
    const d = this.data.get(dataId);
    return d.slot === undefined ? d.values! : this.addon.read(d.slot);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const d = this.data.get(dataId);
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    if (d.slot !== undefined) this.addon.free(d.slot);
    this.data.delete(dataId);
    return true;
  }

  override memory(): { unreliable: boolean; numBytesInTorch: number } {
    return { unreliable: false, numBytesInTorch: this.addon.info().bytes };
  }

  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const start = performance.now();
    f();
    return { kernelMs: performance.now() - start };
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  info(): TorchAddonInfo {
    return this.addon.info();
  }

  override dispose(): void {
    // slots are freed with their dataIds; the addon's table goes with the Node context
  }
}
