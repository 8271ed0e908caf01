#include "potentials.hpp"

#include <cmath>
#include <stdexcept>

namespace potentials {

double lennard_jones(double r, double epsilon, double sigma) {
  // Written as !(x > 0) so that NaN is rejected too.
  if (!(r > 0.0)) {
    throw std::invalid_argument("the distance r must be positive");
  }
  if (!(sigma > 0.0)) {
    throw std::invalid_argument("sigma must be positive");
  }
  if (!(epsilon >= 0.0)) {
    throw std::invalid_argument("epsilon must not be negative");
  }
  const double sr6 = std::pow(sigma / r, 6);
  return 4.0 * epsilon * (sr6 * sr6 - sr6);
}

}  // namespace potentials
