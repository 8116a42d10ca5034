// The Python module `torchrng._C`. Importing it loads the library, which runs the static operator
// registrations (torchrng.random and torchrng.sample wrap torch.ops.torchrng.*).
//
// It also holds two plain CPython functions that skip the dispatcher where it would cost more than
// the sampling itself: sample_one, for the drop-in transforms, which sample one parameter set per
// call (it runs the same sampler structs as the sample_rows op, on the host, and returns a tuple
// of Python numbers), and sample_dict (python_rows.cpp), torchrng.sample's eager CPU path.
#include <Python.h>

#include <exception>
#include <memory>
#include <vector>

#include <c10/util/Exception.h>

#include "python_rows.h"
#include "samplers/registry.h"

namespace {

template <typename T>
PyObject* to_python(T v) {
  if constexpr (std::is_same_v<T, bool>) {
    return PyBool_FromLong(v ? 1 : 0);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return PyLong_FromLongLong(v);
  } else {
    return PyFloat_FromDouble(v);
  }
}

// sample_one(sampler_id, hyper: tuple[float], height, width, key0, key1, index, block_base) -> tuple
PyObject* sample_one(PyObject*, PyObject* args) {
  long long id, height, width;
  unsigned long long k0, k1, index, block_base;
  PyObject* hyper_obj;
  if (!PyArg_ParseTuple(args, "LOLLKKKK", &id, &hyper_obj, &height, &width, &k0, &k1, &index, &block_base)) {
    return nullptr;
  }
  if (height < 1 || width < 1 || height >= (1LL << 31) || width >= (1LL << 31)) {
    PyErr_Format(PyExc_ValueError, "image size must be at least 1x1 and below 2**31 per side, got %lldx%lld", height,
                 width);
    return nullptr;
  }
  PyObject* seq = PySequence_Fast(hyper_obj, "hyper must be a sequence of floats");
  if (!seq) return nullptr;
  const Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
  std::vector<double> hyper(static_cast<size_t>(count));
  for (Py_ssize_t i = 0; i < count; ++i) {
    hyper[static_cast<size_t>(i)] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(seq, i));
  }
  Py_DECREF(seq);
  if (PyErr_Occurred()) return nullptr;
  const torchrng::core::Stream stream{{{static_cast<uint32_t>(k0), static_cast<uint32_t>(k1)}}, 0, block_base};
  const torchrng::core::SampleBlocks blocks{stream, index};
  PyObject* result = nullptr;
  try {
    torchrng::samplers::visit_sampler(id, hyper, [&](const auto& s) {
      using S = std::decay_t<decltype(s)>;
      if constexpr (torchrng::samplers::UsesBoxes<S>::value) {
        PyErr_SetString(PyExc_ValueError, "sample_one: this sampler needs boxes; use torchrng.sample");
      } else {
        using Value = typename S::Value;
        const int64_t columns = torchrng::samplers::columns_of(s);
        Value fixed[64];
        std::unique_ptr<Value[]> heap(columns > 64 ? new Value[static_cast<size_t>(columns)] : nullptr);
        Value* row = heap ? heap.get() : fixed;
        s(blocks, height, width, row);
        result = PyTuple_New(columns);
        for (int64_t j = 0; j < columns; ++j) PyTuple_SET_ITEM(result, j, to_python(row[j]));
      }
    });
  } catch (const c10::Error& e) {  // a TORCH_CHECK: its message, without the C++ backtrace
    PyErr_SetString(PyExc_ValueError, e.what_without_backtrace());
    return nullptr;
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
    return nullptr;
  }
  return result;
}

// philox4x32(c0, c1, c2, c3, k0, k1) -> (w0, w1, w2, w3): one block, for key derivations.
PyObject* philox4x32(PyObject*, PyObject* args) {
  unsigned int c[4], k[2];
  if (!PyArg_ParseTuple(args, "IIIIII", &c[0], &c[1], &c[2], &c[3], &k[0], &k[1])) return nullptr;
  const auto r = torchrng::core::philox4x32<10>(torchrng::core::u32x4{{c[0], c[1], c[2], c[3]}},
                                                 torchrng::core::u32x2{{k[0], k[1]}});
  return Py_BuildValue("(IIII)", r.v[0], r.v[1], r.v[2], r.v[3]);
}

PyMethodDef methods[] = {
    {"philox4x32", philox4x32, METH_VARARGS, "One Philox4x32-10 block from 32-bit counter and key words."},
    {"sample_one", sample_one, METH_VARARGS, "One parameter row of a sampler, on the host, as a tuple."},
    {"sample_dict", torchrng::sample_dict, METH_VARARGS, "A sampler's make_params dict for n CPU rows (eager)."},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

extern "C" {
PyObject* PyInit__C(void) {
  static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_C", nullptr, -1, methods};
  return PyModule_Create(&module_def);
}
}
