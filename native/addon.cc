// N-API binding of the `torch` TensorFlow.js backend: a table of at::Tensor slots per Node context (so
// worker threads each get their own), copy-in / copy-out of typed arrays, and one `run` entry that calls
// an op of ops.cc by its index. Context-aware: safe to load from worker_threads.
#include <node_api.h>
#include <torch/csrc/api/include/torch/version.h>
#include <ATen/Parallel.h>
#include <ATen/Context.h>

#include <malloc.h>

#include <chrono>

#include <cstring>
#include <string>
#include <vector>

#include "ops.h"

namespace {

struct Context {
  std::vector<mat::Slot> slots;
  std::vector<int32_t> freeSlots;
  std::vector<mat::OpFn> ops;
  std::vector<std::string> opNames;
  at::Device device = at::kCPU;
  int64_t live = 0;
  // per context (worker thread): kernels run, host→device copies, and the time spent inside ATen's ops
  int64_t kernels = 0, uploads = 0;
  double opSeconds = 0;
};

#define NAPI_OK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, nullptr, "torch addon: N-API call failed: " #call); \
      return nullptr;                                                      \
    }                                                                      \
  } while (0)

Context* ctxOf(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return static_cast<Context*>(data);
}

napi_value throwError(napi_env env, const std::string& message) {
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

bool getArgs(napi_env env, napi_callback_info info, size_t n, napi_value* argv) {
  size_t argc = n;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < n) {
    napi_throw_type_error(env, nullptr, "torch addon: too few arguments");
    return false;
  }
  return true;
}

int64_t toInt(napi_env env, napi_value v) {
  int64_t out = 0;
  napi_get_value_int64(env, v, &out);
  return out;
}

std::vector<double> toNumbers(napi_env env, napi_value array) {
  uint32_t n = 0;
  napi_get_array_length(env, array, &n);
  std::vector<double> out(n);
  for (uint32_t k = 0; k < n; k++) {
    napi_value e;
    napi_get_element(env, array, k, &e);
    napi_get_value_double(env, e, &out[k]);
  }
  return out;
}

int32_t store(Context* ctx, mat::Slot slot) {
  ctx->live++;
  if (!ctx->freeSlots.empty()) {
    int32_t id = ctx->freeSlots.back();
    ctx->freeSlots.pop_back();
    ctx->slots[id] = std::move(slot);
    return id;
  }
  ctx->slots.push_back(std::move(slot));
  return static_cast<int32_t>(ctx->slots.size() - 1);
}

const mat::Slot* slotAt(Context* ctx, int64_t id) {
  if (id < 0 || id >= static_cast<int64_t>(ctx->slots.size()) || !ctx->slots[id].tensor.defined())
    throw std::out_of_range("torch addon: no tensor in slot " + std::to_string(id));
  return &ctx->slots[id];
}

// create(dtypeCode, shape: number[], data: TypedArray) -> slot
napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!getArgs(env, info, 3, argv)) return nullptr;
  Context* ctx = ctxOf(env);
  try {
    at::ScalarType type = mat::scalarType(static_cast<int>(toInt(env, argv[0])));
    std::vector<double> dims = toNumbers(env, argv[1]);
    std::vector<int64_t> shape(dims.begin(), dims.end());
    void* data = nullptr;
    size_t length = 0;
    napi_typedarray_type kind;
    napi_value buffer;
    size_t offset = 0;
    NAPI_OK(napi_get_typedarray_info(env, argv[2], &kind, &length, &data, &buffer, &offset));
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(type));
    size_t bytes = t.numel() * t.element_size();
    size_t given = length * (kind == napi_float32_array || kind == napi_int32_array ? 4 : 1);
    if (given != bytes)
      return throwError(env, "torch addon: data has " + std::to_string(given) + " bytes, shape needs " + std::to_string(bytes));
    if (bytes) std::memcpy(t.data_ptr(), data, bytes);
    if (ctx->device != at::kCPU) t = t.to(ctx->device);
    ctx->uploads++;
    napi_value out;
    NAPI_OK(napi_create_int32(env, store(ctx, mat::Slot{t, at::Tensor()}), &out));
    return out;
  } catch (const c10::Error& e) {
    return throwError(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    return throwError(env, e.what());
  }
}

// read(slot) -> Float32Array | Int32Array | Uint8Array (a copy)
napi_value Read(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  Context* ctx = ctxOf(env);
  try {
    at::Tensor t = slotAt(ctx, toInt(env, argv[0]))->tensor;
    mat::readbackCount()++;
    if (!t.is_cpu()) t = t.cpu();
    t = t.contiguous();
    int code = mat::dtypeCode(t.scalar_type());
    size_t bytes = t.numel() * t.element_size();
    void* data = nullptr;
    napi_value buffer, out;
    NAPI_OK(napi_create_arraybuffer(env, bytes, &data, &buffer));
    if (bytes) std::memcpy(data, t.data_ptr(), bytes);
    napi_typedarray_type kind = code == 0 ? napi_float32_array : code == 1 ? napi_int32_array : napi_uint8_array;
    NAPI_OK(napi_create_typedarray(env, kind, t.numel(), buffer, 0, &out));
    return out;
  } catch (const c10::Error& e) {
    return throwError(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    return throwError(env, e.what());
  }
}

// free(slot)
napi_value Free(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  Context* ctx = ctxOf(env);
  int64_t id = toInt(env, argv[0]);
  if (id >= 0 && id < static_cast<int64_t>(ctx->slots.size()) && ctx->slots[id].tensor.defined()) {
    ctx->slots[id] = mat::Slot();
    ctx->freeSlots.push_back(static_cast<int32_t>(id));
    ctx->live--;
  }
  return nullptr;
}

// describe(slot) -> [dtypeCode, ...shape]
napi_value Describe(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  try {
    const at::Tensor& t = slotAt(ctxOf(env), toInt(env, argv[0]))->tensor;
    napi_value out, v;
    NAPI_OK(napi_create_array_with_length(env, t.dim() + 1, &out));
    NAPI_OK(napi_create_int32(env, mat::dtypeCode(t.scalar_type()), &v));
    NAPI_OK(napi_set_element(env, out, 0, v));
    for (int64_t d = 0; d < t.dim(); d++) {
      NAPI_OK(napi_create_int64(env, t.size(d), &v));
      NAPI_OK(napi_set_element(env, out, d + 1, v));
    }
    return out;
  } catch (const std::exception& e) {
    return throwError(env, e.what());
  }
}

// opIndex(name) -> index for run(), or -1 when this build has no such op
napi_value OpIndex(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  char name[64];
  size_t len = 0;
  NAPI_OK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
  Context* ctx = ctxOf(env);
  int32_t index = -1;
  for (size_t k = 0; k < ctx->opNames.size(); k++)
    if (ctx->opNames[k] == name) index = static_cast<int32_t>(k);
  napi_value out;
  NAPI_OK(napi_create_int32(env, index, &out));
  return out;
}

// run(opIndex, inputSlots: number[], args: number[]) -> [slot, dtypeCode, rank, ...dims] per output
napi_value Run(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!getArgs(env, info, 3, argv)) return nullptr;
  Context* ctx = ctxOf(env);
  int64_t op = toInt(env, argv[0]);
  if (op < 0 || op >= static_cast<int64_t>(ctx->ops.size())) return throwError(env, "torch addon: unknown op index");
  try {
    std::vector<double> ids = toNumbers(env, argv[1]);
    mat::Inputs inputs;
    for (double id : ids) inputs.push_back(slotAt(ctx, static_cast<int64_t>(id)));
    mat::Args args{toNumbers(env, argv[2])};
    auto started = std::chrono::steady_clock::now();
    std::vector<mat::Slot> outs = ctx->ops[op](inputs, args);
    ctx->opSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ctx->kernels++;
    // flat: per output slot, dtype code, rank, dims... (one call returns everything the kernel needs)
    std::vector<int64_t> flat;
    for (auto& slot : outs) {
      const at::Tensor& t = slot.tensor;
      int code = mat::dtypeCode(t.scalar_type());
      int64_t rank = t.dim();
      std::vector<int64_t> dims(t.sizes().begin(), t.sizes().end());
      flat.push_back(store(ctx, std::move(slot)));
      flat.push_back(code);
      flat.push_back(rank);
      flat.insert(flat.end(), dims.begin(), dims.end());
    }
    napi_value result, v;
    NAPI_OK(napi_create_array_with_length(env, flat.size(), &result));
    for (size_t k = 0; k < flat.size(); k++) {
      NAPI_OK(napi_create_int64(env, flat[k], &v));
      NAPI_OK(napi_set_element(env, result, k, v));
    }
    return result;
  } catch (const c10::Error& e) {
    return throwError(env, "torch op '" + ctx->opNames[op] + "': " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    return throwError(env, "torch op '" + ctx->opNames[op] + "': " + e.what());
  }
}

// setThreads(n): at::set_num_threads (process-wide: intra-op pool)
napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  int64_t n = toInt(env, argv[0]);
  if (n < 1) return throwError(env, "torch addon: threads must be >= 1");
  at::set_num_threads(static_cast<int>(n));
  return nullptr;
}

// setDevice('cpu' | 'cuda'): where new tensors are created
napi_value SetDevice(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  char name[16];
  size_t len = 0;
  NAPI_OK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
  std::string device(name);
  if (device == "cuda") {
    if (!at::hasCUDA()) return throwError(env, "torch addon: this libtorch has no CUDA device");
    ctxOf(env)->device = at::Device(at::kCUDA, 0);
    mat::currentDevice() = ctxOf(env)->device;
  } else if (device == "cpu") {
    ctxOf(env)->device = at::kCPU;
    mat::currentDevice() = at::kCPU;
  } else {
    return throwError(env, "torch addon: unknown device '" + device + "'");
  }
  return nullptr;
}

// counters() -> { readbacks, kernels, uploads, opSeconds }: device→host reads (every read and any scalar an op
// reads; process-wide), native kernels run, host→device copies, seconds inside ATen's ops (on CUDA: launch cost)
napi_value Counters(napi_env env, napi_callback_info) {
  Context* ctx = ctxOf(env);
  napi_value out, v;
  NAPI_OK(napi_create_object(env, &out));
  NAPI_OK(napi_create_int64(env, mat::readbackCount().load(), &v));
  NAPI_OK(napi_set_named_property(env, out, "readbacks", v));
  NAPI_OK(napi_create_int64(env, ctx->kernels, &v));
  NAPI_OK(napi_set_named_property(env, out, "kernels", v));
  NAPI_OK(napi_create_int64(env, ctx->uploads, &v));
  NAPI_OK(napi_set_named_property(env, out, "uploads", v));
  NAPI_OK(napi_create_double(env, ctx->opSeconds, &v));
  NAPI_OK(napi_set_named_property(env, out, "opSeconds", v));
  return out;
}

napi_value ResetCounters(napi_env env, napi_callback_info) {
  Context* ctx = ctxOf(env);
  mat::readbackCount() = 0;
  ctx->kernels = ctx->uploads = 0;
  ctx->opSeconds = 0;
  return nullptr;
}

// setPrecision('fp32' | 'tf32') -> { allowTF32CuDNN, allowTF32CuBLAS }: whether cuDNN convolutions and cuBLAS
// matrix products may round float32 inputs to TF32 (process-wide, ATen's global context). libtorch allows it
// for cuDNN by default; nothing changes on the CPU, where the flags are only recorded.
napi_value SetPrecision(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  char name[16];
  size_t len = 0;
  NAPI_OK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
  std::string mode(name);
  if (mode != "fp32" && mode != "tf32") return throwError(env, "torch addon: unknown precision '" + mode + "' (fp32 or tf32)");
  bool tf32 = mode == "tf32";
  try {
    auto& context = at::globalContext();
    context.setAllowTF32CuDNN(tf32);
    context.setAllowTF32CuBLAS(tf32);
    context.setFloat32MatmulPrecision(tf32 ? "high" : "highest");
    napi_value out, v;
    NAPI_OK(napi_create_object(env, &out));
    NAPI_OK(napi_get_boolean(env, context.allowTF32CuDNN(), &v));
    NAPI_OK(napi_set_named_property(env, out, "allowTF32CuDNN", v));
    NAPI_OK(napi_get_boolean(env, context.allowTF32CuBLAS(), &v));
    NAPI_OK(napi_set_named_property(env, out, "allowTF32CuBLAS", v));
    return out;
  } catch (const c10::Error& e) {
    return throwError(env, std::string("torch addon: setPrecision: ") + e.what_without_backtrace());
  }
}

// info() -> { torchVersion, threads, cuda, device, liveTensors, bytes, ops }
napi_value Info(napi_env env, napi_callback_info) {
  Context* ctx = ctxOf(env);
  napi_value out, v;
  NAPI_OK(napi_create_object(env, &out));
  NAPI_OK(napi_create_string_utf8(env, TORCH_VERSION, NAPI_AUTO_LENGTH, &v));
  NAPI_OK(napi_set_named_property(env, out, "torchVersion", v));
  NAPI_OK(napi_create_int32(env, at::get_num_threads(), &v));
  NAPI_OK(napi_set_named_property(env, out, "threads", v));
  NAPI_OK(napi_get_boolean(env, at::hasCUDA(), &v));
  NAPI_OK(napi_set_named_property(env, out, "cuda", v));
  std::string device = ctx->device.str();
  NAPI_OK(napi_create_string_utf8(env, device.c_str(), NAPI_AUTO_LENGTH, &v));
  NAPI_OK(napi_set_named_property(env, out, "device", v));
  NAPI_OK(napi_create_int64(env, ctx->live, &v));
  NAPI_OK(napi_set_named_property(env, out, "liveTensors", v));
  double bytes = 0;
  for (auto& s : ctx->slots)
    if (s.tensor.defined()) bytes += static_cast<double>(s.tensor.numel() * s.tensor.element_size());
  NAPI_OK(napi_create_double(env, bytes, &v));
  NAPI_OK(napi_set_named_property(env, out, "bytes", v));
  NAPI_OK(napi_create_array_with_length(env, ctx->opNames.size(), &v));
  for (size_t k = 0; k < ctx->opNames.size(); k++) {
    napi_value name;
    NAPI_OK(napi_create_string_utf8(env, ctx->opNames[k].c_str(), NAPI_AUTO_LENGTH, &name));
    NAPI_OK(napi_set_element(env, v, k, name));
  }
  NAPI_OK(napi_set_named_property(env, out, "ops", v));
  return out;
}

void destroyContext(napi_env, void* data, void*) { delete static_cast<Context*>(data); }

}  // namespace

NAPI_MODULE_INIT() {
  // Activations of a few MB are freed and allocated again every step. By default glibc serves such sizes with
  // mmap (or trims them off the heap) and each step pays page faults on fresh pages — a third of the CPU time
  // measured on a SmallCNN epoch. Keep them on the heap and reuse them, as a caching allocator would.
  static bool mallocTuned = false;
  if (!mallocTuned && !getenv("MAT_TORCH_DEFAULT_MALLOC")) {
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallocTuned = true;
  }
  auto* ctx = new Context();
  for (auto& [name, fn] : mat::opTable()) {
    ctx->opNames.push_back(name);
    ctx->ops.push_back(fn);
  }
  napi_set_instance_data(env, ctx, destroyContext, nullptr);
  napi_property_descriptor props[] = {
      {"create", nullptr, Create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"read", nullptr, Read, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"free", nullptr, Free, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"describe", nullptr, Describe, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"opIndex", nullptr, OpIndex, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"run", nullptr, Run, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setDevice", nullptr, SetDevice, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"counters", nullptr, Counters, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"resetCounters", nullptr, ResetCounters, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setPrecision", nullptr, SetPrecision, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
