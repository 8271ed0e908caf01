/// @file
/// @brief Reading positions from XYZ files.
#pragma once

#include <istream>
#include <vector>

#include "lj_energy/lennard_jones.hpp"

namespace lj_energy {

/// @brief Read the positions of an XYZ file.
///
/// The format: the number of atoms on the first line, a comment on the
/// second, then one line per atom: its element and its x, y and z.
///
/// @param input the file's text
/// @return the positions, in the order of the file
/// @throws std::runtime_error if the text is not an XYZ file
std::vector<Position> read_xyz(std::istream& input);

}  // namespace lj_energy
