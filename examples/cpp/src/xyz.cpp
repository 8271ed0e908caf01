#include "lj_energy/xyz.hpp"

#include <cstddef>
#include <sstream>
#include <stdexcept>
#include <string>

namespace lj_energy {

std::vector<Position> read_xyz(std::istream& input) {
  std::string line;
  long long count = -1;
  if (!std::getline(input, line) || !(std::istringstream(line) >> count) ||
      count < 0) {
    throw std::runtime_error(
        "line 1 of the XYZ file must hold the number of atoms");
  }
  std::getline(input, line);  // the comment line
  std::vector<Position> positions;
  positions.reserve(static_cast<std::size_t>(count));
  for (long long atom = 0; atom < count; ++atom) {
    std::string element;
    Position position{};
    if (!std::getline(input, line) ||
        !(std::istringstream(line) >> element >> position[0] >> position[1] >>
          position[2])) {
      throw std::runtime_error("line " + std::to_string(atom + 3) +
                               " of the XYZ file must hold an element and "
                               "its x, y and z");
    }
    positions.push_back(position);
  }
  return positions;
}

}  // namespace lj_energy
