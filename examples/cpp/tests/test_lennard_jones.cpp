// The library's energies, against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "lj_energy/lennard_jones.hpp"

namespace {

using lj_energy::lennard_jones;
using lj_energy::Position;
using lj_energy::total_energy;

TEST(LennardJones, IsZeroAtSigma) {
  EXPECT_NEAR(lennard_jones(1.0, 1.0, 1.0), 0.0, 1e-12);
  EXPECT_NEAR(lennard_jones(2.0, 1.0, 2.0), 0.0, 1e-12);
}

TEST(LennardJones, HasItsMinimumOfMinusEpsilon) {
  const double r_min = std::pow(2.0, 1.0 / 6.0);
  EXPECT_NEAR(lennard_jones(r_min, 0.5, 1.0), -0.5, 1e-12);
}

TEST(LennardJones, RejectsInvalidArguments) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(lennard_jones(0.0, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(lennard_jones(nan, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(lennard_jones(1.0, 1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(lennard_jones(1.0, -1.0, 1.0), std::invalid_argument);
}

const std::vector<Position> kTriangle = {
    Position{0.0, 0.0, 0.0}, Position{1.5, 0.0, 0.0}, Position{0.0, 2.0, 0.0}};

TEST(TotalEnergy, SumsEveryPairOnce) {
  const double expected = lennard_jones(1.5, 0.8, 1.1) +
                          lennard_jones(2.0, 0.8, 1.1) +
                          lennard_jones(2.5, 0.8, 1.1);
  EXPECT_NEAR(total_energy(kTriangle, 0.8, 1.1), expected, 1e-12);
}

TEST(TotalEnergy, SharesOfTheRanksAddUpToTheTotal) {
  const double total = total_energy(kTriangle, 1.0, 1.0);
  double sum = 0.0;
  for (int rank = 0; rank < 4; ++rank) {
    sum += total_energy(kTriangle, 1.0, 1.0, rank, 4);
  }
  EXPECT_NEAR(sum, total, 1e-12);
}

TEST(TotalEnergy, HasNoPairsWithFewerThanTwoParticles) {
  EXPECT_EQ(total_energy({}, 1.0, 1.0), 0.0);
  const std::vector<Position> one = {Position{1.0, 2.0, 3.0}};
  EXPECT_EQ(total_energy(one, 1.0, 1.0), 0.0);
}

TEST(TotalEnergy, IsInfiniteForCoincidentParticles) {
  const std::vector<Position> two = {Position{0.0, 0.0, 0.0},
                                     Position{0.0, 0.0, 0.0}};
  EXPECT_TRUE(std::isinf(total_energy(two, 1.0, 1.0)));
}

TEST(TotalEnergy, RejectsInvalidArguments) {
  EXPECT_THROW(total_energy(kTriangle, 1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(total_energy(kTriangle, -1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(total_energy(kTriangle, 1.0, 1.0, 2, 2), std::invalid_argument);
  EXPECT_THROW(total_energy(kTriangle, 1.0, 1.0, 0, 0), std::invalid_argument);
}

}  // namespace
