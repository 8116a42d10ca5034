// sample_dict: the eager CPU fast path of torchrng.sample. One plain CPython call allocates the
// rows, runs the CPU backend of the sample_rows op on them (the same kernels, directly, with the
// GIL released) and splits them into the sampler's make_params dict, as torchrng/sample/_layout.py
// does with torch ops on the op's output. Going through the dispatcher and half a dozen Python-level
// view ops costs more than sampling a few thousand rows; here every tensor is made in C++.
#include "python_rows.h"

#include <ATen/EmptyTensor.h>
#include <c10/core/TensorImpl.h>
#include <torch/csrc/Exceptions.h>
#include <torch/csrc/autograd/python_variable.h>
#include <torch/csrc/utils/object_ptr.h>

#include <array>
#include <vector>

#include "cpu/samplers_cpu.h"
#include "samplers/common.h"

namespace torchrng {
namespace {

// Field kinds; torchrng/sample/_layout.py holds the same numbers.
enum FieldKind : long long {
  kView = 0,  // the columns themselves, in the rows' dtype (a view)
  kBits = 1,  // float64 columns holding int64 bit patterns, as int64 (a view)
  kBool = 2,  // the columns != 0, as a new bool tensor
  kInt = 3,   // the columns cast to int64 (C++ truncation, as Tensor.to), a new tensor
};

constexpr at::ScalarType kDtypes[] = {at::kBool, at::kLong, at::kDouble};

// A tensor of `dtype` over the rows' storage (no dispatcher call: an as_strided view through it
// costs more than the field's data). The rows are private to the call, so no view tracking.
at::Tensor alias_of(const at::Tensor& rows, at::ScalarType dtype, c10::IntArrayRef sizes, c10::IntArrayRef strides,
                    int64_t offset) {
  auto impl = c10::make_intrusive<c10::TensorImpl>(c10::Storage(rows.storage()), c10::DispatchKeySet(c10::DispatchKey::CPU),
                                                   c10::scalarTypeToTypeMeta(dtype));
  impl->set_sizes_and_strides(sizes, strides, offset);
  return at::Tensor(std::move(impl));
}

at::Tensor empty_cpu(c10::IntArrayRef sizes, at::ScalarType dtype) { return at::detail::empty_cpu(sizes, dtype); }

// dst[i, e] = convert(src[i * columns + begin + e]) for e < count.
template <class Dst, class Src, class F>
void convert_columns(const at::Tensor& rows, int64_t begin, int64_t count, const at::Tensor& dst, F convert) {
  const Src* src = static_cast<const Src*>(rows.data_ptr());
  Dst* out = static_cast<Dst*>(dst.data_ptr());
  const int64_t n = rows.size(0), columns = rows.size(1);
  if (count == 1) {  // the usual field (a flag): one strided column, without the inner loop
    const Src* column = src + begin;
    for (int64_t i = 0; i < n; ++i) out[i] = convert(column[i * columns]);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t e = 0; e < count; ++e) out[i * count + e] = convert(src[i * columns + begin + e]);
  }
}

template <class Dst, class F>
void convert_any(const at::Tensor& rows, int64_t begin, int64_t count, const at::Tensor& dst, F convert) {
  switch (rows.scalar_type()) {
    case at::kBool: return convert_columns<Dst, bool>(rows, begin, count, dst, convert);
    case at::kLong: return convert_columns<Dst, int64_t>(rows, begin, count, dst, convert);
    default: return convert_columns<Dst, double>(rows, begin, count, dst, convert);
  }
}

at::Tensor make_field(const at::Tensor& rows, long long kind, int64_t begin,
                      const std::vector<int64_t>& shape) {
  const int64_t n = rows.size(0), columns = rows.size(1);
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  TORCH_CHECK(begin >= 0 && count >= 0 && begin + count <= columns, "sample_dict: field columns [", begin, ", ",
              begin + count, ") outside the ", columns, " columns");
  std::vector<int64_t> sizes{n}, strides{columns};
  sizes.insert(sizes.end(), shape.begin(), shape.end());
  strides.resize(sizes.size());
  int64_t inner = 1;
  for (size_t d = sizes.size(); d-- > 1;) {
    strides[d] = inner;
    inner *= sizes[d];
  }
  switch (kind) {
    case kView:
      return alias_of(rows, rows.scalar_type(), sizes, strides, begin);
    case kBits:
      TORCH_CHECK(rows.scalar_type() == at::kDouble, "sample_dict: int64 bit fields need float64 rows");
      return alias_of(rows, at::kLong, sizes, strides, begin);
    case kBool: {
      at::Tensor out = empty_cpu(sizes, at::kBool);
      convert_any<bool>(rows, begin, count, out, [](auto x) { return x != 0; });
      return out;
    }
    case kInt: {
      at::Tensor out = empty_cpu(sizes, at::kLong);
      convert_any<int64_t>(rows, begin, count, out, [](auto x) { return static_cast<int64_t>(x); });
      return out;
    }
    default:
      TORCH_CHECK(false, "sample_dict: unknown field kind ", kind);
  }
}

std::vector<int64_t> int_sequence(PyObject* obj, const char* what) {
  PyObject* seq = PySequence_Fast(obj, what);
  if (!seq) throw python_error();
  const Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
  std::vector<int64_t> values(static_cast<size_t>(count));
  for (Py_ssize_t i = 0; i < count; ++i) values[static_cast<size_t>(i)] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, i));
  Py_DECREF(seq);
  if (PyErr_Occurred()) throw python_error();
  return values;
}

std::vector<double> float_sequence(PyObject* obj, const char* what) {
  PyObject* seq = PySequence_Fast(obj, what);
  if (!seq) throw python_error();
  const Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
  std::vector<double> values(static_cast<size_t>(count));
  for (Py_ssize_t i = 0; i < count; ++i) values[static_cast<size_t>(i)] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, i));
  Py_DECREF(seq);
  if (PyErr_Occurred()) throw python_error();
  return values;
}

}  // namespace

// sample_dict(sampler_id, hyper, dtype_code, n, columns, height, width, stream, fields[, sizes]) -> dict
//   dtype_code: the rows' dtype (0 bool, 1 int64, 2 float64); stream: [key0, key1, index_base,
//   block_base]; fields: ((key, kind, begin, shape), ...), each field covering the
//   prod(shape) columns from `begin`, returned with shape (n, *shape); sizes: None, or a CPU
//   (n, 2) int64 tensor of per-sample (height, width), which then replaces height and width.
PyObject* sample_dict(PyObject*, PyObject* args) {
  HANDLE_TH_ERRORS
  long long id, dtype_code, n, columns, height, width;
  PyObject *hyper_obj, *stream_obj, *fields, *sizes_obj = Py_None;
  if (!PyArg_ParseTuple(args, "LOLLLLLOO!|O", &id, &hyper_obj, &dtype_code, &n, &columns, &height, &width, &stream_obj,
                        &PyTuple_Type, &fields, &sizes_obj)) {
    return nullptr;
  }
  std::optional<at::Tensor> sizes;
  if (sizes_obj != Py_None) {
    TORCH_CHECK_TYPE(THPVariable_Check(sizes_obj), "sample_dict: sizes must be a tensor or None");
    sizes = THPVariable_Unpack(sizes_obj);
  }
  TORCH_CHECK_VALUE(dtype_code >= 0 && dtype_code <= 2, "sample_dict: dtype_code must be 0, 1 or 2");
  TORCH_CHECK_VALUE(n >= 0 && columns >= 0, "sample_dict: n and columns must be >= 0");
  const std::vector<double> hyper = float_sequence(hyper_obj, "sample_dict: hyper must be a sequence of floats");
  const std::vector<int64_t> stream = int_sequence(stream_obj, "sample_dict: stream must be a sequence of ints");
  const std::array<int64_t, 2> size{height, width};
  const c10::IntArrayRef image_size = sizes ? c10::IntArrayRef() : c10::IntArrayRef(size);
  const at::Tensor rows = empty_cpu({n, columns}, kDtypes[dtype_code]);
  {
    pybind11::gil_scoped_release no_gil;  // the kernel touches no Python object (sizes is held above)
    cpu::sample_rows(rows, id, hyper, image_size, sizes, std::nullopt, stream, std::nullopt, std::nullopt,
                     std::nullopt);
  }
  THPObjectPtr result(PyDict_New());  // released on every error path, a C++ exception's included
  if (!result) return nullptr;
  const Py_ssize_t count = PyTuple_GET_SIZE(fields);
  for (Py_ssize_t f = 0; f < count; ++f) {
    PyObject *key, *shape_obj;
    long long kind, begin;
    if (!PyArg_ParseTuple(PyTuple_GET_ITEM(fields, f), "ULLO", &key, &kind, &begin, &shape_obj)) return nullptr;
    const std::vector<int64_t> shape = int_sequence(shape_obj, "sample_dict: a field's shape must be a sequence of ints");
    THPObjectPtr tensor(THPVariable_Wrap(make_field(rows, kind, begin, shape)));
    if (!tensor || PyDict_SetItem(result.get(), key, tensor.get()) < 0) return nullptr;
  }
  return result.release();
  END_HANDLE_TH_ERRORS
}

}  // namespace torchrng
