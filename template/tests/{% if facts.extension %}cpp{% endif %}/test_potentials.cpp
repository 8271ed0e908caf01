// Tests of the C++ core on its own, without Python: CTest runs them (see
// CMakeLists.txt, BUILD_TESTING). The Python tests cover the bindings.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "potentials.hpp"

namespace {

TEST(LennardJones, IsZeroAtSigma) {
  EXPECT_NEAR(potentials::lennard_jones(1.0, 1.0, 1.0), 0.0, 1e-12);
}

TEST(LennardJones, HasItsMinimumOfMinusEpsilon) {
  const double r_min = std::pow(2.0, 1.0 / 6.0);
  EXPECT_NEAR(potentials::lennard_jones(r_min, 0.5, 1.0), -0.5, 1e-12);
}

TEST(LennardJones, ScalesWithSigma) {
  EXPECT_NEAR(potentials::lennard_jones(2.0, 1.0, 2.0), 0.0, 1e-12);
}

TEST(LennardJones, RejectsInvalidArguments) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(potentials::lennard_jones(0.0, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(potentials::lennard_jones(nan, 1.0, 1.0), std::invalid_argument);
  EXPECT_THROW(potentials::lennard_jones(1.0, 1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(potentials::lennard_jones(1.0, -1.0, 1.0),
               std::invalid_argument);
}

}  // namespace
