/**
 * The multi-threaded wasm backend (XNNPACK with a pthread pool) in Node.
 *
 * tfjs-backend-wasm ships a threaded SIMD build, but its loader only works in browsers: it hands
 * Emscripten the pthread worker script and the main script as blob: URLs, which Node's worker_threads
 * cannot start. The Emscripten output itself supports Node workers, so we load the threaded build here
 * with real file paths instead, and register it as the 'wasm' backend. Two more details:
 *  - the C++ side caps the pool at "logical cores / 2" (it assumes hyper-threading), read through
 *    os.cpus() on Node; we report 2 × the wanted thread count while the module starts;
 *  - with shared memory, the module's HEAPU8 view goes stale when another thread grows the heap, so
 *    views are refreshed before tfjs reads tensor data.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const BUILD = 'tfjs-backend-wasm-threaded-simd';

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  HEAPU8: Uint8Array;
  wasmMemory: { buffer: ArrayBufferLike };
  tfjs?: Record<string, unknown>;
  PThread: { runningWorkers: Array<{ unref(): void }>; unusedWorkers: Array<{ unref(): void }> };
}

/** Writes the pthread worker script to a content-addressed temp file (shared by concurrent processes). */
function workerScript(contents: string): string {
  // tfjs escapes newlines the same way before making its blob: string literals in the script contain them
  const text = contents.replace(/\n/g, '\\n');
  const hash = crypto.createHash('sha1').update(text).digest('hex').slice(0, 12);
  const file = path.join(os.tmpdir(), `mat-${BUILD}-${hash}.worker.js`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return file;
}

async function loadThreadedModule(threads: number): Promise<EmscriptenModule> {
  const dir = path.dirname(require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${BUILD}.js`));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(path.join(dir, `${BUILD}.js`)) as (config: object) => Promise<EmscriptenModule>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { wasmWorkerContents } = require(path.join(dir, `${BUILD}.worker.js`)) as { wasmWorkerContents: string };
  const worker = workerScript(wasmWorkerContents);
  // the real module object (an `import * as` namespace is a read-only copy)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeOs = require('node:os') as { cpus: () => os.CpuInfo[] };
  const realCpus = nodeOs.cpus;
  const cpu = realCpus()[0];
  nodeOs.cpus = () => Array.from({ length: 2 * threads }, () => cpu);
  try {
    const module = await factory({
      locateFile: (file: string, prefix: string) =>
        file.endsWith('.worker.js') ? worker : file.endsWith('.wasm') ? path.join(dir, `${BUILD}.wasm`) : prefix + file,
      mainScriptUrlOrBlob: path.join(dir, `${BUILD}.js`),
      print: () => undefined,
    });
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  } finally {
    nodeOs.cpus = realCpus;
  }
}

/**
 * Replaces the registered 'wasm' backend by the threaded build with `threads` XNNPACK threads.
 * Call before tf.setBackend('wasm').
 */
export async function registerThreadedWasm(threads: number): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const module = await loadThreadedModule(threads);
  wasm.setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => {
    const backend = new wasm.BackendWasm(module as never); // creates the XNNPACK thread pool
    // Emscripten ref()s a worker while it runs a pthread; XNNPACK's pool threads live forever, so
    // they would keep Node from exiting when the program is done
    for (const w of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) w.unref();
    const read = backend.typedArrayFromHeap.bind(backend);
    backend.typedArrayFromHeap = (info) => {
      if (module.HEAPU8.buffer !== module.wasmMemory.buffer) module.HEAPU8 = new Uint8Array(module.wasmMemory.buffer);
      return read(info);
    };
    return backend;
  }, 3);
}
