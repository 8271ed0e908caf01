/// @file
/// @brief The Lennard-Jones pair potential and the energy of a configuration.
#pragma once

#include <array>
#include <vector>

namespace lj_energy {

/// @brief A position in space, in the length unit of sigma.
using Position = std::array<double, 3>;

/// @brief The Lennard-Jones energy of two particles.
///
/// @f$ V(r) = 4 \epsilon [(\sigma / r)^{12} - (\sigma / r)^6] @f$, in the
/// energy unit of @p epsilon.
///
/// @param r       the distance between the particles, in the unit of @p sigma
/// @param epsilon the depth of the well
/// @param sigma   the distance at which the energy is zero
/// @return the pair energy
/// @throws std::invalid_argument unless r > 0, sigma > 0 and epsilon >= 0
double lennard_jones(double r, double epsilon, double sigma);

/// @brief The Lennard-Jones energy of a configuration: the sum over its pairs.
///
/// The pairs are split over @p size workers (MPI ranks): this call sums the
/// pairs (i, j), i < j, whose first particle i has i % size == rank, so the
/// ranks' results add up to the total. With OpenMP, the sum runs on all cores.
///
/// @param positions the particles' positions
/// @param epsilon   the depth of the well
/// @param sigma     the distance at which the pair energy is zero
/// @param rank      this worker's index, from 0 to size - 1
/// @param size      the number of workers
/// @return this worker's share of the energy (infinite if two particles
///         coincide)
/// @throws std::invalid_argument unless sigma > 0, epsilon >= 0 and
///         0 <= rank < size
double total_energy(const std::vector<Position>& positions,
                    double epsilon,
                    double sigma,
                    int rank = 0,
                    int size = 1);

}  // namespace lj_energy
