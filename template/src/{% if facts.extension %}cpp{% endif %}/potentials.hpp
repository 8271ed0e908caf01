// Pair potentials in plain C++, with no Python in sight: other C++ code can use
// them as they are. bindings.cpp turns them into a Python module.
#pragma once

namespace potentials {

// The Lennard-Jones energy 4 epsilon [(sigma / r)^12 - (sigma / r)^6] of two
// particles a distance r apart. Throws std::invalid_argument unless r > 0,
// sigma > 0 and epsilon >= 0.
double lennard_jones(double r, double epsilon, double sigma);

}  // namespace potentials
