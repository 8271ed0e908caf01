#include "lj_energy/lennard_jones.hpp"

#include <cstddef>
#include <limits>
#include <stdexcept>

namespace lj_energy {

namespace {

// Written as !(x > 0) so that NaN is rejected too.
void check_parameters(double epsilon, double sigma) {
  if (!(sigma > 0.0)) {
    throw std::invalid_argument("sigma must be positive");
  }
  if (!(epsilon >= 0.0)) {
    throw std::invalid_argument("epsilon must not be negative");
  }
}

// The pair energy from the squared distance: no square root, and no throw, as
// the OpenMP loop below requires (an exception must not leave it).
double pair_energy(double r2, double epsilon, double sigma2) {
  if (r2 == 0.0) {
    return std::numeric_limits<double>::infinity();
  }
  const double sr2 = sigma2 / r2;
  const double sr6 = sr2 * sr2 * sr2;
  return 4.0 * epsilon * (sr6 * sr6 - sr6);
}

double squared_distance(const Position& a, const Position& b) {
  const double dx = a[0] - b[0];
  const double dy = a[1] - b[1];
  const double dz = a[2] - b[2];
  return dx * dx + dy * dy + dz * dz;
}

}  // namespace

double lennard_jones(double r, double epsilon, double sigma) {
  if (!(r > 0.0)) {
    throw std::invalid_argument("the distance r must be positive");
  }
  check_parameters(epsilon, sigma);
  return pair_energy(r * r, epsilon, sigma * sigma);
}

double total_energy(const std::vector<Position>& positions,
                    double epsilon,
                    double sigma,
                    int rank,
                    int size) {
  check_parameters(epsilon, sigma);
  if (size < 1 || rank < 0 || rank >= size) {
    throw std::invalid_argument("the rank must be in [0, size)");
  }
  const auto n = static_cast<std::ptrdiff_t>(positions.size());
  const double sigma2 = sigma * sigma;
  double energy = 0.0;
  // The first particles' pairs are the most: dynamic scheduling evens out
  // the threads' work.
#ifdef _OPENMP
#pragma omp parallel for reduction(+ : energy) schedule(dynamic)
#endif
  for (std::ptrdiff_t i = rank; i < n; i += size) {
    for (std::ptrdiff_t j = i + 1; j < n; ++j) {
      const auto a = static_cast<std::size_t>(i);
      const auto b = static_cast<std::size_t>(j);
      energy += pair_energy(squared_distance(positions[a], positions[b]),
                            epsilon, sigma2);
    }
  }
  return energy;
}

}  // namespace lj_energy
