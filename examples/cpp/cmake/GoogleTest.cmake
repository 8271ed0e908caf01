# GoogleTest for the C++ tests: the system's (Debian/Ubuntu libgtest-dev,
# Homebrew, conda-forge gtest) when CMake finds it, else the pinned release
# below, downloaded at configure time. Include it once, then link
# GTest::gtest_main and call gtest_discover_tests().
find_package(GTest CONFIG QUIET)
if(NOT GTest_FOUND)
  include(FetchContent)
  FetchContent_Declare(
    googletest
    GIT_REPOSITORY https://github.com/google/googletest.git
    GIT_TAG v1.17.0
    GIT_SHALLOW TRUE
  )
  # On Windows, link the runtime the way the rest of the project does.
  set(gtest_force_shared_crt ON CACHE BOOL "" FORCE)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  FetchContent_MakeAvailable(googletest)
endif()
include(GoogleTest)
