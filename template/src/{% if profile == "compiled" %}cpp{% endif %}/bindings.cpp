// The Python module _core: bindings only, the physics is in potentials.cpp.
// pybind11 turns std::invalid_argument into ValueError. Keep _core.pyi, next to
// the Python package, in step with the signatures here (a test checks it).
#include <pybind11/pybind11.h>

#include "potentials.hpp"

namespace py = pybind11;

// mod_gil_not_used: the functions are thread-safe, so free-threaded Python
// may run them without the GIL.
PYBIND11_MODULE(_core, m, py::mod_gil_not_used()) {
  m.doc() = "Compiled kernels, in C++ (src/cpp/) bound with pybind11.";

  m.def("lennard_jones", &potentials::lennard_jones, py::arg("r"),
        py::kw_only(), py::arg("epsilon") = 1.0, py::arg("sigma") = 1.0,
        R"doc(Lennard-Jones pair energy of two particles.

.. math:: V(r) = 4 \varepsilon \left[ (\sigma / r)^{12} - (\sigma / r)^6 \right]

Parameters
----------
r : float
    The distance between the particles, in the unit of `sigma`.
epsilon : float, optional
    The depth of the potential well.
sigma : float, optional
    The distance at which the energy is zero.

Returns
-------
float
    The energy, in the unit of `epsilon`.

Raises
------
ValueError
    If `r` or `sigma` is not positive, or `epsilon` is negative.

Examples
--------
>>> round(lennard_jones(2 ** (1 / 6)), 12)  # the minimum, at -epsilon
-1.0
>>> lennard_jones(1.0, epsilon=0.5)  # zero at r = sigma
0.0
)doc");
}
