/// @file
/// @brief The version of the library.
#pragma once

namespace lj_energy {

/// @brief The version, "MAJOR.MINOR.PATCH": the `project()` version in
/// CMakeLists.txt, which releases are tagged with.
const char* version();

}  // namespace lj_energy
