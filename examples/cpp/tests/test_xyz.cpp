// Reading XYZ files, well formed and not.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "lj_energy/xyz.hpp"

namespace {

using lj_energy::read_xyz;

TEST(ReadXyz, ReadsThePositionsInOrder) {
  std::istringstream input("2\nwater's hydrogens\nH 0 0 0\nH 1.5 -2 0.25\n");
  const auto positions = read_xyz(input);
  ASSERT_EQ(positions.size(), 2U);
  EXPECT_EQ(positions[1][0], 1.5);
  EXPECT_EQ(positions[1][1], -2.0);
  EXPECT_EQ(positions[1][2], 0.25);
}

TEST(ReadXyz, ReadsTheTestData) {
  std::ifstream input(std::string(DATA_DIR) + "/tetramer.xyz");
  ASSERT_TRUE(input);
  EXPECT_EQ(read_xyz(input).size(), 4U);
}

TEST(ReadXyz, RejectsAMissingCount) {
  std::istringstream input("two\n\nH 0 0 0\n");
  EXPECT_THROW(read_xyz(input), std::runtime_error);
}

TEST(ReadXyz, RejectsTooFewAtoms) {
  std::istringstream input("2\n\nH 0 0 0\n");
  EXPECT_THROW(read_xyz(input), std::runtime_error);
}

TEST(ReadXyz, RejectsAShortLine) {
  std::istringstream input("1\n\nH 0 0\n");
  EXPECT_THROW(read_xyz(input), std::runtime_error);
}

}  // namespace
