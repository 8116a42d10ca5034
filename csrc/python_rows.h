// The eager CPU fast path of torchrng.sample, a function of the torchrng._C module (see
// python_rows.cpp).
#pragma once

#include <Python.h>

namespace torchrng {

PyObject* sample_dict(PyObject* self, PyObject* args);

}  // namespace torchrng
