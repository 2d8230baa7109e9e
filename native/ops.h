// The table of native ops the TypeScript kernels call by name (src/backend/torch/kernels/*).
// Every tensor is a contiguous at::Tensor in TensorFlow.js' own layout (NHWC images, HWIO filters);
// convolutions and pooling look at it through channels-last NCHW views, so no op transposes data.
#pragma once
#include <ATen/ATen.h>
#include <atomic>
#include <string>
#include <unordered_map>
#include <vector>

namespace mat {

/** A stored tensor and, for max pooling, the indices its gradient needs (freed with the tensor). */
struct Slot {
  at::Tensor tensor;
  at::Tensor aux;
};

/** The numeric attributes of one call, in the order each op documents. */
struct Args {
  std::vector<double> v;
  int64_t i(size_t k) const { return static_cast<int64_t>(v.at(k)); }
  double f(size_t k) const { return v.at(k); }
  bool b(size_t k) const { return v.at(k) != 0; }
  std::vector<int64_t> ints(size_t from, size_t n) const {
    std::vector<int64_t> out(n);
    for (size_t k = 0; k < n; k++) out[k] = i(from + k);
    return out;
  }
  /** the ints from `from` to the end */
  std::vector<int64_t> rest(size_t from) const { return ints(from, v.size() - from); }
};

using Inputs = std::vector<const Slot*>;
using OpFn = std::vector<Slot> (*)(const Inputs&, const Args&);

const std::unordered_map<std::string, OpFn>& opTable();

/** Where ops that have no input (Fill) create their output; set by the addon's setDevice. */
at::Device& currentDevice();

/** Device→host reads (a tensor copied out to JavaScript, a scalar read on the host): each one synchronises
 * the GPU with the host. Counted by the addon's read and by any op that reads a value; see counters(). */
std::atomic<int64_t>& readbackCount();

/** tfjs dtype codes shared with src/backend/torch/native.ts */
at::ScalarType scalarType(int code);
int dtypeCode(at::ScalarType t);

}  // namespace mat
