// Native ops, one table entry each. Argument layouts are documented beside each entry and mirrored by the
// TypeScript kernel that calls it. Outputs are always contiguous in TensorFlow.js' layout.
#include "ops.h"

#include <dlfcn.h>

#include <cmath>
#include <limits>

#include <ATen/Parallel.h>

namespace mat {
namespace {

using Outs = std::vector<Slot>;
const at::Tensor& T(const Inputs& in, size_t k) { return in.at(k)->tensor; }
Outs one(const at::Tensor& t) { return {Slot{t.contiguous(), at::Tensor()}}; }

// NHWC data seen as NCHW with channels-last strides: what oneDNN convolves without a copy.
at::Tensor nchw(const at::Tensor& x) { return x.permute({0, 3, 1, 2}); }
at::Tensor nhwc(const at::Tensor& y) { return y.permute({0, 2, 3, 1}).contiguous(); }
// HWIO filter → OIHW channels-last (a small copy; oneDNN reorders weights anyway)
at::Tensor oihw(const at::Tensor& w) { return w.permute({3, 2, 0, 1}).contiguous(at::MemoryFormat::ChannelsLast); }

/** Window geometry shared by convolutions and pooling: stride, dilation, padding top/bottom/left/right. */
struct Window {
  std::vector<int64_t> stride, dilation;
  int64_t top, bottom, left, right;
  Window(const Args& a, size_t o)
      : stride(a.ints(o, 2)), dilation(a.ints(o + 2, 2)), top(a.i(o + 4)), bottom(a.i(o + 5)), left(a.i(o + 6)),
        right(a.i(o + 7)) {}
  bool symmetric() const { return top == bottom && left == right; }
  std::vector<int64_t> padding() const { return symmetric() ? std::vector<int64_t>{top, left} : std::vector<int64_t>{0, 0}; }
  /** NCHW input padded explicitly when TensorFlow's SAME padding is asymmetric (ATen pads symmetrically) */
  at::Tensor padded(const at::Tensor& x, double value = 0) const {
    return symmetric() ? x : at::constant_pad_nd(x, {left, right, top, bottom}, value);
  }
  at::Tensor unpadded(const at::Tensor& g, int64_t h, int64_t w) const {
    return symmetric() ? g : g.narrow(2, top, h).narrow(3, left, w);
  }
};

enum Activation { kLinear = 0, kRelu, kRelu6, kElu, kLeakyRelu, kSigmoid, kPrelu };
at::Tensor activate(at::Tensor t, int64_t code, double alpha, const at::Tensor& prelu) {
  switch (code) {
    case kLinear: return t;
    case kRelu: return at::relu_(t);
    case kRelu6: return at::clamp_(t, 0, 6);
    case kElu: return at::elu(t);
    case kLeakyRelu: return at::leaky_relu(t, alpha);
    case kSigmoid: return at::sigmoid(t);
    case kPrelu: return at::where(t > 0, t, t * prelu);
  }
  throw std::invalid_argument("unknown activation code " + std::to_string(code));
}

// Conv2D / FusedConv2D. inputs: x NHWC, filter HWIO[, bias][, prelu weights].
// args: window(8) = strideH, strideW, dilH, dilW, padTop, padBottom, padLeft, padRight; hasBias, activation, alpha, hasPrelu
Outs conv2d(const Inputs& in, const Args& a) {
  Window win(a, 0);
  bool hasBias = a.v.size() > 8 && a.b(8);
  int64_t act = a.v.size() > 9 ? a.i(9) : kLinear;
  at::Tensor bias = hasBias ? T(in, 2) : at::Tensor();
  at::Tensor prelu = act == kPrelu ? T(in, hasBias ? 3 : 2) : at::Tensor();
  at::Tensor y = at::conv2d(win.padded(nchw(T(in, 0))), oihw(T(in, 1)), bias, win.stride, win.padding(), win.dilation, 1);
  return one(activate(nhwc(y), act, a.v.size() > 10 ? a.f(10) : 0, prelu));
}

// Conv2DBackpropInput. inputs: dy NHWC, filter HWIO. args: window(8), N, H, W, C (the input's shape)
Outs conv2dBackpropInput(const Inputs& in, const Args& a) {
  Window win(a, 0);
  int64_t n = a.i(8), h = a.i(9), w = a.i(10), c = a.i(11);
  const at::Tensor& dy = T(in, 0);
  // only the input's sizes are read for the input gradient: an uninitialised tensor stands in for it
  // the input as convolved: explicitly padded when the padding is asymmetric
  int64_t hin = win.symmetric() ? h : h + win.top + win.bottom, win_ = win.symmetric() ? w : w + win.left + win.right;
  at::Tensor shapeOnly = at::empty({n, c, hin, win_}, dy.options().memory_format(at::MemoryFormat::ChannelsLast));
  auto grads = at::convolution_backward(nchw(dy), shapeOnly, oihw(T(in, 1)), c10::nullopt, win.stride, win.padding(),
                                        win.dilation, false, {0, 0}, 1, {true, false, false});
  return one(nhwc(win.unpadded(std::get<0>(grads), h, w)));
}

// Conv2DBackpropFilter. inputs: x NHWC, dy NHWC. args: window(8), filter height, width, in channels, out channels
Outs conv2dBackpropFilter(const Inputs& in, const Args& a) {
  Window win(a, 0);
  int64_t kh = a.i(8), kw = a.i(9), ci = a.i(10), co = a.i(11);
  const at::Tensor& x = T(in, 0);
  at::Tensor shapeOnly = at::empty({co, ci, kh, kw}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
  auto grads = at::convolution_backward(nchw(T(in, 1)), win.padded(nchw(x)), shapeOnly, c10::nullopt, win.stride,
                                        win.padding(), win.dilation, false, {0, 0}, 1, {false, true, false});
  return one(std::get<1>(grads).permute({2, 3, 1, 0}));
}

// MaxPool. inputs: x NHWC. args: window(8) with dilation 1, kernel height, width. Keeps the argmax indices.
Outs maxPool(const Inputs& in, const Args& a) {
  Window win(a, 0);
  std::vector<int64_t> k = a.ints(8, 2);
  double lowest = -std::numeric_limits<double>::infinity();
  auto out = at::max_pool2d_with_indices(win.padded(nchw(T(in, 0)), lowest), k, win.stride, win.padding(), {1, 1}, false);
  return {Slot{nhwc(std::get<0>(out)), std::get<1>(out)}};
}

// MaxPoolGrad. inputs: dy, x, y (the forward output, whose slot holds the indices). args: as maxPool
Outs maxPoolGrad(const Inputs& in, const Args& a) {
  Window win(a, 0);
  std::vector<int64_t> k = a.ints(8, 2);
  const at::Tensor& x = T(in, 1);
  double lowest = -std::numeric_limits<double>::infinity();
  at::Tensor xin = win.padded(nchw(x), lowest);
  at::Tensor indices = in.at(2)->aux;
  if (!indices.defined()) indices = std::get<1>(at::max_pool2d_with_indices(xin, k, win.stride, win.padding(), {1, 1}, false));
  at::Tensor g = at::max_pool2d_with_indices_backward(nchw(T(in, 0)), xin, k, win.stride, win.padding(), {1, 1}, false, indices);
  return one(nhwc(win.unpadded(g, x.size(1), x.size(2))));
}

// AvgPool (symmetric padding only; TensorFlow excludes padding from the count). args: as maxPool
Outs avgPool(const Inputs& in, const Args& a) {
  Window win(a, 0);
  return one(nhwc(at::avg_pool2d(nchw(T(in, 0)), a.ints(8, 2), win.stride, win.padding(), false, false)));
}

// AvgPoolGrad. inputs: dy, x. args: as avgPool
// With padding, ATen's channels-last CUDA kernel returns wrong gradients (pytorch/pytorch#188344: its NHWC backward
// drops the padding offset when it maps an input pixel to its windows; rel. error 0.70 measured on an H200), while
// its NCHW kernel is right on every device. Padded windows therefore go through tensors with plain NCHW strides,
// made explicitly: .contiguous() would keep a channels-last view wherever both layouts count as contiguous
// (C = 1, or H = W = 1), and ATen picks its kernel from the strides. Unpadded pooling keeps the copy-free path.
Outs avgPoolGrad(const Inputs& in, const Args& a) {
  Window win(a, 0);
  const at::Tensor &dy = T(in, 0), &x = T(in, 1);
  std::vector<int64_t> k = a.ints(8, 2);
  if (win.top == 0 && win.left == 0)
    return one(nhwc(at::avg_pool2d_backward(nchw(dy), nchw(x), k, win.stride, win.padding(), false, false, c10::nullopt)));
  at::Tensor dyNchw = at::empty({dy.size(0), dy.size(3), dy.size(1), dy.size(2)}, dy.options());
  dyNchw.copy_(nchw(dy));
  // only the input's sizes are read
  at::Tensor shapeOnly = at::empty({x.size(0), x.size(3), x.size(1), x.size(2)}, x.options());
  return one(nhwc(at::avg_pool2d_backward(dyNchw, shapeOnly, k, win.stride, win.padding(), false, false, c10::nullopt)));
}

// oneDNN's sgemm for float32 matrix products on the CPU. libtorch's own at::matmul goes to the system BLAS,
// which on Debian is whatever libblas.so.3 the alternatives point to (the reference BLAS unless OpenBLAS is
// installed: ≈ 7 GFLOP/s here, 10× slower than oneDNN's). libtorch already loads libdnnl, whose C API
// (dnnl_sgemm, row-major) is stable across oneDNN 1.x–3.x; looked up at run time, so a libtorch without it
// (a CUDA build, a static oneDNN) keeps at::matmul. Returns an undefined tensor when it does not apply.
using SgemmFn = int (*)(char, char, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*, int64_t, float, float*, int64_t);
static SgemmFn dnnlSgemm() {
  static SgemmFn fn = reinterpret_cast<SgemmFn>(dlsym(RTLD_DEFAULT, "dnnl_sgemm"));
  return fn;
}

at::Tensor sgemmMatMul(const at::Tensor& x, const at::Tensor& y, bool transA, bool transB, const at::Tensor& bias) {
  SgemmFn sgemm = dnnlSgemm();
  if (!sgemm || !x.is_cpu() || !y.is_cpu() || x.scalar_type() != at::kFloat || y.scalar_type() != at::kFloat) return {};
  if (x.dim() != y.dim() || x.dim() < 2 || x.dim() > 3 || !x.is_contiguous() || !y.is_contiguous()) return {};
  const int64_t batch = x.dim() == 3 ? x.size(0) : 1;
  if (x.dim() == 3 && y.size(0) != batch) return {};  // broadcasting batches: at::matmul
  const int64_t m = transA ? x.size(-1) : x.size(-2), k = transA ? x.size(-2) : x.size(-1);
  const int64_t n = transB ? y.size(-2) : y.size(-1);
  if ((transB ? y.size(-1) : y.size(-2)) != k) return {};
  if (bias.defined() && (bias.scalar_type() != at::kFloat || bias.dim() > 1 || !bias.is_cpu())) return {};
  std::vector<int64_t> shape = x.dim() == 3 ? std::vector<int64_t>{batch, m, n} : std::vector<int64_t>{m, n};
  // C starts as a copy of the broadcast bias (β = 1) or uninitialised (β = 0); a copy, never .contiguous():
  // for one row that is the bias' own storage, which sgemm would then overwrite
  at::Tensor out = at::empty(shape, x.options());
  if (bias.defined()) out.copy_(bias.expand(shape));
  const float* px = x.data_ptr<float>();
  const float* py = y.data_ptr<float>();
  float* po = out.data_ptr<float>();
  for (int64_t b = 0; b < batch; b++) {
    int status = sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, 1.0f, px + b * m * k, transA ? m : k,
                       py + b * k * n, transB ? k : n, bias.defined() ? 1.0f : 0.0f, po + b * m * n, n);
    if (status != 0) return {};
  }
  return out;
}

// BatchMatMul / _FusedMatMul. inputs: a, b[, bias][, prelu]. args: transposeA, transposeB, hasBias, activation, alpha
Outs matMul(const Inputs& in, const Args& a) {
  at::Tensor x = T(in, 0), y = T(in, 1);
  bool hasBias = a.v.size() > 2 && a.b(2);
  int64_t act = a.v.size() > 3 ? a.i(3) : kLinear;
  at::Tensor out = sgemmMatMul(x, y, a.b(0), a.b(1), hasBias ? T(in, 2) : at::Tensor());
  if (!out.defined()) {
    if (a.b(0)) x = x.transpose(-1, -2);
    if (a.b(1)) y = y.transpose(-1, -2);
    if (hasBias && x.dim() == 2 && y.dim() == 2 && T(in, 2).dim() <= 1) out = at::addmm(T(in, 2), x, y);
    else {
      out = at::matmul(x, y);
      if (hasBias) out = out + T(in, 2);
    }
  }
  at::Tensor prelu = act == kPrelu ? T(in, hasBias ? 3 : 2) : at::Tensor();
  return one(activate(out, act, a.v.size() > 4 ? a.f(4) : 0, prelu));
}

// FusedBatchNorm. inputs: x, mean, variance[, offset][, scale]. args: epsilon, hasOffset, hasScale
Outs batchNorm(const Inputs& in, const Args& a) {
  size_t k = 3;
  at::Tensor offset = a.b(1) ? T(in, k++) : at::Tensor();
  at::Tensor scale = a.b(2) ? T(in, k++) : at::Tensor();
  at::Tensor inv = at::rsqrt(T(in, 2) + a.f(0));
  if (scale.defined()) inv = inv * scale;
  at::Tensor shift = -T(in, 1) * inv;
  if (offset.defined()) shift = shift + offset;
  return one(at::addcmul(shift, T(in, 0), inv));
}

// The gradient of FusedBatchNorm (x NHWC, per-channel mean / variance / scale as inputs) in two passes over x,
// where TF.js' composed gradient makes about eleven. inputs: dy, x, mean, variance[, scale]. args: epsilon, hasScale
// outputs: dx, dmean, dvariance, dscale, doffset
Outs batchNormGrad(const Inputs& in, const Args& a) {
  const at::Tensor &dy = T(in, 0), &x = T(in, 1), &mean = T(in, 2), &variance = T(in, 3);
  at::Tensor scale = a.b(1) ? T(in, 4) : at::ones_like(mean);
  double eps = a.f(0);
  at::Tensor invstd = at::rsqrt(variance + eps);
  // inference-mode batch-norm backward: mean and variance are inputs here, not statistics of this batch
  auto g = at::native_batch_norm_backward(nchw(dy), nchw(x), scale, mean, variance, mean, invstd, false, eps,
                                           {true, true, true});
  at::Tensor dscale = std::get<1>(g), doffset = std::get<2>(g);
  // sum(dy·(x − mean)) = dscale / invstd; the mean and variance gradients follow per channel
  at::Tensor dmean = -doffset * scale * invstd;
  at::Tensor dvariance = -0.5 * dscale * scale * invstd * invstd;
  return {Slot{nhwc(std::get<0>(g)), at::Tensor()}, Slot{dmean.contiguous(), at::Tensor()},
          Slot{dvariance.contiguous(), at::Tensor()}, Slot{dscale.contiguous(), at::Tensor()},
          Slot{doffset.contiguous(), at::Tensor()}};
}

// Batch norm in training mode (x NHWC; the batch's own statistics over every axis but the last) in two passes
// over x, where TF.js' moments + FusedBatchNorm make five. inputs: x, scale, offset. args: epsilon
// outputs: y, mean, variance (biased, as tf.moments gives it)
Outs batchNormTraining(const Inputs& in, const Args& a) {
  const at::Tensor &x = T(in, 0), &scale = T(in, 1), &offset = T(in, 2);
  // ATen's channels-last statistics kernel (what PyTorch's training-mode batch norm runs); no running stats
  auto stats = at::batch_norm_update_stats(nchw(x), {}, {}, 0.0);
  at::Tensor mean = std::get<0>(stats), variance = std::get<1>(stats);
  at::Tensor inv = at::rsqrt(variance + a.f(0)) * scale;
  at::Tensor y = at::addcmul(offset - mean * inv, x, inv);
  return {Slot{y.contiguous(), at::Tensor()}, Slot{mean.contiguous(), at::Tensor()}, Slot{variance.contiguous(), at::Tensor()}};
}

// Its gradient, through the batch statistics too: ATen's training-mode batch-norm backward (two passes over x).
// Gradients arriving at the mean and variance outputs are added exactly, in one more pass, unless the caller
// knows on the host that both are zero (the engine's zeros for outputs nothing downstream used): deciding it
// here from their values would read them back, a device→host synchronisation in every batch-norm gradient.
// inputs: dy, x, scale, mean, variance, dmean, dvariance. args: epsilon, statisticsHaveGradients (default 1)
// outputs: dx, dscale, doffset
Outs batchNormTrainingGrad(const Inputs& in, const Args& a) {
  const at::Tensor &dy = T(in, 0), &x = T(in, 1), &scale = T(in, 2), &mean = T(in, 3), &variance = T(in, 4);
  const at::Tensor &dmean = T(in, 5), &dvariance = T(in, 6);
  double eps = a.f(0);
  bool statisticsHaveGradients = a.v.size() < 2 || a.b(1);
  at::Tensor invstd = at::rsqrt(variance + eps);
  auto g = at::native_batch_norm_backward(nchw(dy), nchw(x), scale, {}, {}, mean, invstd, true, eps, {true, true, true});
  at::Tensor dx = nhwc(std::get<0>(g));
  if (statisticsHaveGradients) {
    // dx += dmean/m + (x − mean)·2·dvariance/m, per channel: one pass, as dx + (dmean/m − mean·k) + x·k
    double m = static_cast<double>(x.numel() / x.size(-1));
    at::Tensor k = dvariance * (2.0 / m);
    dx = at::addcmul(dx.add_(dmean / m - mean * k), x, k);
  }
  return {Slot{dx.contiguous(), at::Tensor()}, Slot{std::get<1>(g).contiguous(), at::Tensor()},
          Slot{std::get<2>(g).contiguous(), at::Tensor()}};
}

// Optimizer updates: one call per variable where TF.js makes four (momentum) or eleven (Adam) kernel calls,
// in TF.js' operation order with its float32 constants, so the numbers match the unfused optimizer's.
static double f32(double v) { return static_cast<double>(static_cast<float>(v)); }

// SGD with momentum. inputs: value, accumulation, gradient. args: learningRate, momentum, nesterov
// outputs: value, accumulation
Outs momentumUpdate(const Inputs& in, const Args& a) {
  const at::Tensor &value = T(in, 0), &acc = T(in, 1), &grad = T(in, 2);
  const double c = f32(-a.f(0)), m = f32(a.f(1));
  at::Tensor newAcc = acc.mul(m).add_(grad);
  at::Tensor step = a.b(2) ? grad.add(newAcc.mul(m)) : newAcc;
  return {Slot{step.mul(c).add_(value), at::Tensor()}, Slot{newAcc, at::Tensor()}};
}

// Adam. inputs: value, m, v, gradient, accBeta1, accBeta2 (scalars: β^t before this step's update)
// args: learningRate, beta1, beta2, epsilon. outputs: value, m, v
Outs adamUpdate(const Inputs& in, const Args& a) {
  const at::Tensor &value = T(in, 0), &m1 = T(in, 1), &m2 = T(in, 2), &grad = T(in, 3);
  const double b1 = f32(a.f(1)), b2 = f32(a.f(2)), c1 = f32(1 - a.f(1)), c2 = f32(1 - a.f(2));
  at::Tensor newM1 = m1.mul(b1).add_(grad.mul(c1));
  at::Tensor newM2 = m2.mul(b2).add_(grad.square().mul_(c2));
  at::Tensor d1 = at::rsub(T(in, 4), 1), d2 = at::rsub(T(in, 5), 1);  // 1 − β^t, in float32 as TF.js
  at::Tensor step = newM1.div(d1).div_(newM2.div(d2).sqrt_().add_(f32(a.f(3))));
  return {Slot{step.mul_(f32(-a.f(0))).add_(value), at::Tensor()}, Slot{newM1, at::Tensor()}, Slot{newM2, at::Tensor()}};
}

// The gradient of Mean: dy broadcast back over the reduced axes and divided by their size, in one pass.
// inputs: dy. args: rank, dy's shape with 1 at reduced axes (rank), x's shape (rank)
Outs meanGrad(const Inputs& in, const Args& a) {
  int64_t rank = a.i(0);
  std::vector<int64_t> kept = a.ints(1, rank), full = a.ints(1 + rank, rank);
  int64_t count = 1;
  for (int64_t d = 0; d < rank; d++) count *= full[d] / kept[d];
  return one(at::div(T(in, 0).reshape(kept).expand(full), static_cast<double>(count)));
}

at::ScalarType reduceType(const at::Tensor& x) {
  return x.scalar_type() == at::kFloat ? at::kFloat : at::kInt;
}
// Reductions. inputs: x. args: keepDims, axes...
template <int kind>
Outs reduce(const Inputs& in, const Args& a) {
  const at::Tensor& x = T(in, 0);
  bool keep = a.b(0);
  std::vector<int64_t> axes = a.rest(1);
  if (axes.empty()) return one(x.clone());
  switch (kind) {
    case 0: return one(at::sum(x, axes, keep).to(reduceType(x)));
    case 1: return one(at::mean(x.to(at::kFloat), axes, keep).to(reduceType(x)));
    case 2: return one(at::amax(x, axes, keep));
    case 3: return one(at::amin(x, axes, keep));
    case 4: {
      at::Tensor t = x.to(x.scalar_type() == at::kFloat ? at::kFloat : at::kLong);
      for (auto it = axes.rbegin(); it != axes.rend(); ++it) t = at::prod(t, *it, true);
      if (!keep) {
        std::vector<int64_t> shape;
        for (int64_t d = 0; d < x.dim(); d++)
          if (std::find(axes.begin(), axes.end(), d) == axes.end()) shape.push_back(x.size(d));
        t = t.reshape(shape);
      }
      return one(t.to(reduceType(x)));
    }
    case 5: return one(at::amin(x.to(at::kBool).to(at::kByte), axes, keep).to(at::kBool));
    case 6: return one(at::amax(x.to(at::kBool).to(at::kByte), axes, keep).to(at::kBool));
  }
  throw std::logic_error("unknown reduction");
}

// ArgMax / ArgMin. inputs: x. args: axis
Outs argMax(const Inputs& in, const Args& a) { return one(at::argmax(T(in, 0), a.i(0)).to(at::kInt)); }
Outs argMin(const Inputs& in, const Args& a) { return one(at::argmin(T(in, 0), a.i(0)).to(at::kInt)); }

// Softmax. args: dim
Outs softmax(const Inputs& in, const Args& a) { return one(at::softmax(T(in, 0), a.i(0))); }

// Binary element-wise ops with NumPy broadcasting (TensorFlow's rule).
template <int kind>
Outs binary(const Inputs& in, const Args&) {
  const at::Tensor &x = T(in, 0), &y = T(in, 1);
  switch (kind) {
    case 0: return one(at::add(x, y));
    case 1: return one(at::sub(x, y));
    case 2: return one(at::mul(x, y));
    case 3: return one(at::div(x, y));
    case 4: return one(at::div(x, y, "floor"));
    case 5: return one(at::maximum(x, y));
    case 6: return one(at::minimum(x, y));
    case 7: return one(at::pow(x, y));
    case 8: { at::Tensor d = at::sub(x, y); return one(d.mul_(d)); }
    case 9: return one(at::remainder(x, y));
    case 10: return one(at::atan2(x, y));
    case 11: return one(at::eq(x, y));
    case 12: return one(at::ne(x, y));
    case 13: return one(at::lt(x, y));
    case 14: return one(at::le(x, y));
    case 15: return one(at::gt(x, y));
    case 16: return one(at::ge(x, y));
    case 17: return one(at::logical_and(x, y));
    case 18: return one(at::logical_or(x, y));
    case 19: { // EluGrad(dy, y)
      return one(at::where(y < 0, x * (y + 1), x));
    }
    case 20: return one(at::where(x > 0, x, x * y));  // Prelu(x, alpha)
  }
  throw std::logic_error("unknown binary op");
}

// Step: 1 where x > 0, alpha elsewhere, NaN stays NaN (TensorFlow.js' semantics). It is half of every ReLU
// gradient, so contiguous CPU floats get one fused pass instead of four ATen kernels.
at::Tensor step(const at::Tensor& x, double alpha) {
  if (x.is_cpu() && x.scalar_type() == at::kFloat && x.is_contiguous()) {
    at::Tensor out = at::empty_like(x);
    const float* in = x.data_ptr<float>();
    float* o = out.data_ptr<float>();
    float a = static_cast<float>(alpha);
    // written branch-free (selects, not jumps): signs of activations are random, so branches mispredict
    at::parallel_for(0, x.numel(), 65536, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) {
        float v = in[i];
        float r = v > 0 ? 1.0f : a;
        o[i] = v == v ? r : v;
      }
    });
    return out;
  }
  return at::where(x <= 0, at::full_like(x, alpha), at::where(x > 0, at::ones_like(x), x));
}

// Unary element-wise ops. args: an optional alpha / bounds
template <int kind>
Outs unary(const Inputs& in, const Args& a) {
  const at::Tensor& x = T(in, 0);
  switch (kind) {
    case 0: return one(at::abs(x));
    case 1: return one(at::neg(x));
    case 2: return one(at::exp(x));
    case 3: return one(at::log(x));
    case 4: return one(at::log1p(x));
    case 5: return one(at::sqrt(x));
    case 6: return one(at::rsqrt(x));
    case 7: return one(at::mul(x, x));
    case 8: return one(at::relu(x));
    case 9: return one(at::clamp(x, 0, 6));
    case 10: return one(at::sigmoid(x));
    case 11: return one(at::tanh(x));
    case 12: return one(at::sign(x));
    case 13: return one(at::floor(x));
    case 14: return one(at::ceil(x));
    case 15: return one(at::round(x));
    case 16: return one(at::sin(x));
    case 17: return one(at::cos(x));
    case 18: return one(at::reciprocal(x));
    case 19: return one(at::softplus(x));
    case 20: return one(at::elu(x));
    case 21: return one(at::isnan(x));
    case 22: return one(at::isinf(x));
    case 23: return one(at::isfinite(x));
    case 24: return one(at::logical_not(x));
    case 25: return one(step(x, a.f(0)));
    case 26: return one(at::leaky_relu(x, a.f(0)));
    case 27: return one(at::clamp(x, a.f(0), a.f(1)));
    case 28: return one(at::expm1(x));
    case 29: return one(at::erf(x));
    case 30: return one(at::zeros_like(x));
    case 31: return one(at::ones_like(x));
    case 32: return one(at::atanh(x));
  }
  throw std::logic_error("unknown unary op");
}

// Cast. args: dtype code
Outs cast(const Inputs& in, const Args& a) { return one(T(in, 0).to(scalarType(a.i(0)))); }

// Reshape (a view of the same storage). args: shape...
Outs reshape(const Inputs& in, const Args& a) { return one(T(in, 0).reshape(a.rest(0))); }

// Transpose. args: perm...
Outs transpose(const Inputs& in, const Args& a) { return one(T(in, 0).permute(a.rest(0))); }

// PadV2. args: constant, then before/after per dimension
Outs pad(const Inputs& in, const Args& a) {
  std::vector<int64_t> pairs = a.rest(1), aten;
  for (size_t d = pairs.size() / 2; d-- > 0;) { aten.push_back(pairs[2 * d]); aten.push_back(pairs[2 * d + 1]); }
  return one(at::constant_pad_nd(T(in, 0), aten, a.f(0)));
}

// Slice. args: begin per dimension, then size per dimension (resolved, no -1)
Outs slice(const Inputs& in, const Args& a) {
  at::Tensor t = T(in, 0);
  int64_t rank = t.dim();
  for (int64_t d = 0; d < rank; d++) t = t.narrow(d, a.i(d), a.i(rank + d));
  return one(t);
}

// StridedSlice on resolved begin/end/strides (all positive steps). args: rank, begin..., end..., strides...
Outs stridedSlice(const Inputs& in, const Args& a) {
  at::Tensor t = T(in, 0);
  int64_t rank = a.i(0);
  for (int64_t d = 0; d < rank; d++) t = t.slice(d, a.i(1 + d), a.i(1 + rank + d), a.i(1 + 2 * rank + d));
  return one(t);
}

// Concat (args: axis) and Pack (args: axis) over all inputs; Unpack splits along axis.
std::vector<at::Tensor> tensors(const Inputs& in) {
  std::vector<at::Tensor> out;
  for (auto* s : in) out.push_back(s->tensor);
  return out;
}
Outs concat(const Inputs& in, const Args& a) { return one(at::cat(tensors(in), a.i(0))); }
Outs pack(const Inputs& in, const Args& a) { return one(at::stack(tensors(in), a.i(0))); }
Outs unpack(const Inputs& in, const Args& a) {
  Outs out;
  for (auto& t : T(in, 0).unbind(a.i(0))) out.push_back(Slot{t.contiguous(), at::Tensor()});
  return out;
}
// SplitV. args: axis, sizes...
Outs split(const Inputs& in, const Args& a) {
  Outs out;
  int64_t axis = a.i(0), start = 0;
  for (int64_t size : a.rest(1)) {
    out.push_back(Slot{T(in, 0).narrow(axis, start, size).contiguous(), at::Tensor()});
    start += size;
  }
  return out;
}
Outs addN(const Inputs& in, const Args&) {
  at::Tensor sum = T(in, 0).clone();
  for (size_t k = 1; k < in.size(); k++) sum.add_(T(in, k));
  return one(sum);
}

// Tile. args: reps per dimension
Outs tile(const Inputs& in, const Args& a) { return one(T(in, 0).repeat(a.rest(0))); }

// Reverse. args: dims...
Outs reverse(const Inputs& in, const Args& a) { return one(at::flip(T(in, 0), a.rest(0))); }

// GatherV2 (batchDims 0). inputs: x, indices. args: axis
Outs gather(const Inputs& in, const Args& a) {
  const at::Tensor &x = T(in, 0), &idx = T(in, 1);
  int64_t axis = a.i(0);
  at::Tensor picked = at::index_select(x, axis, idx.reshape({-1}).to(at::kLong));
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (auto s : idx.sizes()) shape.push_back(s);
  for (int64_t d = axis + 1; d < x.dim(); d++) shape.push_back(x.size(d));
  return one(picked.reshape(shape));
}

// OneHot. inputs: indices. args: depth, onValue, offValue, dtype code (out-of-range indices give a row of off)
Outs oneHot(const Inputs& in, const Args& a) {
  const at::Tensor& idx = T(in, 0);
  at::Tensor hot = idx.unsqueeze(-1).to(at::kLong) == at::arange(a.i(0), idx.options().dtype(at::kLong));
  return one((hot.to(at::kFloat) * (a.f(1) - a.f(2)) + a.f(2)).to(scalarType(a.i(3))));
}

// Select. inputs: condition, t, e (a rank-1 condition picks rows)
Outs select(const Inputs& in, const Args&) {
  at::Tensor c = T(in, 0);
  const at::Tensor& t = T(in, 1);
  if (c.dim() == 1 && t.dim() > 1) {
    std::vector<int64_t> shape(t.dim(), 1);
    shape[0] = c.size(0);
    c = c.reshape(shape);
  }
  return one(at::where(c.to(at::kBool), t, T(in, 2)));
}

// Fill. args: dtype code, value, shape...
Outs fill(const Inputs&, const Args& a) {
  return one(at::full(a.rest(2), a.f(1), at::TensorOptions().dtype(scalarType(a.i(0))).device(currentDevice())));
}

// TopK. args: k. Stable descending sort so ties keep the lower index first, as TensorFlow does.
Outs topK(const Inputs& in, const Args& a) {
  auto sorted = at::sort(T(in, 0), true, -1, true);
  int64_t k = a.i(0);
  return {Slot{std::get<0>(sorted).narrow(-1, 0, k).contiguous(), at::Tensor()},
          Slot{std::get<1>(sorted).narrow(-1, 0, k).to(at::kInt).contiguous(), at::Tensor()}};
}

// Cumsum. args: axis, exclusive, reverse
Outs cumsum(const Inputs& in, const Args& a) {
  at::Tensor x = T(in, 0);
  int64_t axis = a.i(0);
  if (a.b(2)) x = at::flip(x, {axis});
  at::Tensor s = at::cumsum(x, axis, x.scalar_type());
  if (a.b(1)) s = s - x;
  if (a.b(2)) s = at::flip(s, {axis});
  return one(s);
}

}  // namespace

std::atomic<int64_t>& readbackCount() {
  static std::atomic<int64_t> count{0};
  return count;
}

at::Device& currentDevice() {
  static at::Device device = at::kCPU;
  return device;
}

at::ScalarType scalarType(int code) {
  switch (code) {
    case 0: return at::kFloat;
    case 1: return at::kInt;
    case 2: return at::kBool;
  }
  throw std::invalid_argument("unknown dtype code " + std::to_string(code));
}

int dtypeCode(at::ScalarType t) {
  if (t == at::kFloat) return 0;
  if (t == at::kInt) return 1;
  if (t == at::kBool) return 2;
  throw std::invalid_argument(std::string("tensor of unsupported dtype ") + c10::toString(t));
}

const std::unordered_map<std::string, OpFn>& opTable() {
  static const std::unordered_map<std::string, OpFn> table = {
      {"conv2d", conv2d}, {"conv2dBackpropInput", conv2dBackpropInput}, {"conv2dBackpropFilter", conv2dBackpropFilter},
      {"maxPool", maxPool}, {"maxPoolGrad", maxPoolGrad}, {"avgPool", avgPool}, {"avgPoolGrad", avgPoolGrad},
      {"matMul", matMul}, {"batchNorm", batchNorm}, {"batchNormGrad", batchNormGrad},
      {"batchNormTraining", batchNormTraining}, {"batchNormTrainingGrad", batchNormTrainingGrad},
      {"momentumUpdate", momentumUpdate}, {"adamUpdate", adamUpdate}, {"meanGrad", meanGrad}, {"softmax", softmax},
      {"sum", reduce<0>}, {"mean", reduce<1>}, {"max", reduce<2>}, {"min", reduce<3>}, {"prod", reduce<4>},
      {"all", reduce<5>}, {"any", reduce<6>}, {"argMax", argMax}, {"argMin", argMin},
      {"add", binary<0>}, {"sub", binary<1>}, {"mul", binary<2>}, {"div", binary<3>}, {"floorDiv", binary<4>},
      {"maximum", binary<5>}, {"minimum", binary<6>}, {"pow", binary<7>}, {"squaredDifference", binary<8>},
      {"mod", binary<9>}, {"atan2", binary<10>}, {"equal", binary<11>}, {"notEqual", binary<12>}, {"less", binary<13>},
      {"lessEqual", binary<14>}, {"greater", binary<15>}, {"greaterEqual", binary<16>}, {"logicalAnd", binary<17>},
      {"logicalOr", binary<18>}, {"eluGrad", binary<19>}, {"prelu", binary<20>},
      {"abs", unary<0>}, {"neg", unary<1>}, {"exp", unary<2>}, {"log", unary<3>}, {"log1p", unary<4>},
      {"sqrt", unary<5>}, {"rsqrt", unary<6>}, {"square", unary<7>}, {"relu", unary<8>}, {"relu6", unary<9>},
      {"sigmoid", unary<10>}, {"tanh", unary<11>}, {"sign", unary<12>}, {"floor", unary<13>}, {"ceil", unary<14>},
      {"round", unary<15>}, {"sin", unary<16>}, {"cos", unary<17>}, {"reciprocal", unary<18>}, {"softplus", unary<19>},
      {"elu", unary<20>}, {"isNan", unary<21>}, {"isInf", unary<22>}, {"isFinite", unary<23>},
      {"logicalNot", unary<24>}, {"step", unary<25>}, {"leakyRelu", unary<26>}, {"clip", unary<27>},
      {"expm1", unary<28>}, {"erf", unary<29>}, {"zerosLike", unary<30>}, {"onesLike", unary<31>},
      {"atanh", unary<32>}, {"split", split},
      {"cast", cast}, {"reshape", reshape}, {"transpose", transpose}, {"pad", pad}, {"slice", slice},
      {"stridedSlice", stridedSlice}, {"concat", concat}, {"pack", pack}, {"unpack", unpack}, {"addN", addN},
      {"tile", tile}, {"reverse", reverse}, {"gather", gather}, {"oneHot", oneHot}, {"select", select},
      {"fill", fill}, {"topK", topK}, {"cumsum", cumsum},
  };
  return table;
}

}  // namespace mat
