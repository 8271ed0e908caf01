#include "lj_energy/version.hpp"

namespace lj_energy {

// CMakeLists.txt defines PROJECT_VERSION_STRING from its project() version.
const char* version() { return PROJECT_VERSION_STRING; }

}  // namespace lj_energy
