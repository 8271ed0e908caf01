// The program: the Lennard-Jones energy of the atoms of an XYZ file. Built
// with ENABLE_MPI, it splits the sum over the MPI ranks.
#include <exception>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <stdexcept>
#include <string>

#ifdef USE_MPI
#include <mpi.h>
#endif

#include "lj_energy/lennard_jones.hpp"
#include "lj_energy/version.hpp"
#include "lj_energy/xyz.hpp"

namespace {

using lj_energy::read_xyz;
using lj_energy::total_energy;
using lj_energy::version;

// CMakeLists.txt defines PROGRAM_NAME, the program's file name.
void print_help(std::ostream& out) {
  out << "Usage: " << PROGRAM_NAME << " [--epsilon E] [--sigma S] FILE\n"
      << "\n"
      << "Print the Lennard-Jones energy of the atoms in FILE, an XYZ file\n"
      << "(positions in the length unit of sigma, energy in that of "
         "epsilon).\n"
      << "\n"
      << "Options:\n"
      << "  --epsilon E  the depth of the well (default 1)\n"
      << "  --sigma S    the distance of zero pair energy (default 1)\n"
      << "  --help       print this help and exit\n"
      << "  --version    print the version and exit\n";
}

struct Options {
  double epsilon = 1.0;
  double sigma = 1.0;
  std::string file;
  bool help = false;
  bool version = false;
};

double parse_number(const std::string& option, const std::string& text) {
  std::size_t end = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  if (end == 0 || end != text.size()) {
    throw std::invalid_argument(option + " needs a number, not \"" + text +
                                "\"");
  }
  return value;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--help" || argument == "-h") {
      options.help = true;
    } else if (argument == "--version") {
      options.version = true;
    } else if (argument == "--epsilon" || argument == "--sigma") {
      if (i + 1 == argc) {
        throw std::invalid_argument(argument + " needs a value");
      }
      const double value = parse_number(argument, argv[++i]);
      (argument == "--epsilon" ? options.epsilon : options.sigma) = value;
    } else if (!argument.empty() && argument[0] == '-') {
      throw std::invalid_argument("unknown option " + argument +
                                  " (see --help)");
    } else if (options.file.empty()) {
      options.file = argument;
    } else {
      throw std::invalid_argument("one input file only (see --help)");
    }
  }
  return options;
}

// Every rank reads the (small) input and sums its share of the pairs; rank 0
// prints the total.
int run(int argc, char** argv, int rank, int size) {
  const bool root = rank == 0;
  try {
    const Options options = parse(argc, argv);
    if (options.help) {
      if (root) {
        print_help(std::cout);
      }
      return 0;
    }
    if (options.version) {
      if (root) {
        std::cout << PROGRAM_NAME << ' ' << version() << '\n';
      }
      return 0;
    }
    if (options.file.empty()) {
      throw std::invalid_argument("no input file (see --help)");
    }
    std::ifstream input(options.file);
    if (!input) {
      throw std::runtime_error("cannot read " + options.file);
    }
    const auto positions = read_xyz(input);
    double energy =
        total_energy(positions, options.epsilon, options.sigma, rank, size);
#ifdef USE_MPI
    double total = 0.0;
    MPI_Reduce(&energy, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    energy = total;
#endif
    if (root) {
      std::cout << std::setprecision(12) << energy << '\n';
    }
    return 0;
  } catch (const std::exception& error) {
    if (root) {
      std::cerr << PROGRAM_NAME << ": " << error.what() << '\n';
    }
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
#ifdef USE_MPI
  MPI_Init(&argc, &argv);
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const int status = run(argc, argv, rank, size);
  MPI_Finalize();
  return status;
#else
  return run(argc, argv, 0, 1);
#endif
}
