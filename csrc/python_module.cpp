// The Python module `torchrng._C`. It is empty: importing it loads the library, which runs the
// static operator registrations; torchrng.ops and torchrng.random wrap torch.ops.torchrng.*.
#include <Python.h>

extern "C" {
PyObject* PyInit__C(void) {
  static struct PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_C", nullptr, -1, nullptr};
  return PyModule_Create(&module_def);
}
}
