"""The cpp profile: a C++ application green on its first run, judged by the real tools.

The example in examples/cpp is committed, then configured, built and tested
with its own CMake presets, once per preset and session: GoogleTest from the
system with CMake's downloads switched off, CMake from PyPI when the system's is
older than the presets need. Then the program, the installed CMake package,
clang-format at the pinned version, the release workflow's own steps, and every
gate of test_gates.py that applies to a project without a Python package.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from identify.identify import tags_from_path

from tests.helpers import (
    CUSTOM_ANSWERS,
    ROOT,
    assert_gate_passed,
    committed_copy,
    offline_docs_build,
    outcomes,
    pinned_hook_revs,
    project_gates,
    run,
    terminal_line,
)

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "cpp"
PROGRAM = "lj-energy"
LIBRARY = "lj_energy"
CLANG_FORMAT_HOOK = "https://github.com/pre-commit/mirrors-clang-format"
# CMakePresets.json version 3 needs CMake 3.21.
CMAKE_MINIMUM = (3, 21)
PYPI_CMAKE = "cmake==3.31.6"
TETRAMER_ENERGY = "-5.99599185587\n"
# Open MPI refuses to start as root (CI containers) without these.
MPI_ENV = (
    {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
    if os.geteuid() == 0
    else {}
)


@dataclass
class Lane:
    """One preset configured, built and tested, with what each step took."""

    build_dir: Path
    ctest: subprocess.CompletedProcess[str]
    seconds: dict[str, float]


def version_of(cmake: str) -> tuple[int, ...]:
    """``cmake --version``'s version, or () when there is no such program."""
    if shutil.which(cmake) is None:
        return ()
    output = subprocess.run(
        [cmake, "--version"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"version (\d+)\.(\d+)", output)
    return tuple(int(part) for part in found.groups()) if found else ()


@pytest.fixture(scope="session")
def cmake_bin(make_venv: Callable[..., Path]) -> Path:
    """The folder of a cmake and ctest recent enough for the presets."""
    if version_of("cmake") >= CMAKE_MINIMUM:
        return Path(shutil.which("cmake") or "cmake").parent
    return make_venv([PYPI_CMAKE], name="cmake")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return committed_copy(EXAMPLE, tmp_path_factory.mktemp("cpp") / "cpp")


def build_lane(
    project: Path, cmake_bin: Path, preset: str, env: dict[str, str] | None = None
) -> Lane:
    """Configure, build and test ``preset``, as the tests workflow does, offline."""
    seconds = {}
    steps = {
        # FETCHCONTENT_FULLY_DISCONNECTED: GoogleTest must come from the system.
        "configure": [
            cmake_bin / "cmake",
            "--preset",
            preset,
            "-DFETCHCONTENT_FULLY_DISCONNECTED=ON",
        ],
        "build": [
            cmake_bin / "cmake",
            "--build",
            "--preset",
            preset,
            "--parallel",
            "2",
        ],
    }
    for step, command in steps.items():
        start = time.perf_counter()
        run(command, project, env=env)
        seconds[step] = time.perf_counter() - start
    start = time.perf_counter()
    ctest = run(
        [cmake_bin / "ctest", "--preset", preset], project, env=MPI_ENV, check=False
    )
    seconds["ctest"] = time.perf_counter() - start
    return Lane(project / "build" / preset, ctest, seconds)


@pytest.fixture(scope="module")
def lanes(
    request: pytest.FixtureRequest, example: Path, cmake_bin: Path
) -> Callable[[str], Lane]:
    """Build a preset of the example once per module; returns a getter."""
    cache: dict[str, Lane] = {}

    def get(preset: str) -> Lane:
        if preset not in cache:
            cache[preset] = build_lane(example, cmake_bin, preset)
            figures = ", ".join(
                f"{step} {s:.1f} s" for step, s in cache[preset].seconds.items()
            )
            terminal_line(request, f"\ncpp example, preset {preset}: {figures}")
        return cache[preset]

    return get


def assert_tests_passed(lane: Lane, at_least: int) -> None:
    output = lane.ctest.stdout
    assert lane.ctest.returncode == 0, output + lane.ctest.stderr
    total = re.search(r"100% tests passed, 0 tests failed out of (\d+)", output)
    assert total, output
    assert int(total[1]) >= at_least, output


def cmake_version(project: Path) -> str:
    """The version of project() in CMakeLists.txt."""
    text = (project / "CMakeLists.txt").read_text(encoding="utf-8")
    return re.search(r"^\s+VERSION\s+(\S+)", text, re.MULTILINE)[1]


# --- the build and its tests --------------------------------------------------------


def test_dev_preset_passes_its_tests_with_the_system_googletest(lanes):
    lane = lanes("dev")
    # 13 GoogleTest cases, discovered one by one, and the program's 5.
    assert_tests_passed(lane, at_least=18)
    assert "ReadXyz.RejectsAShortLine" in lane.ctest.stdout
    assert "program.energy" in lane.ctest.stdout
    cache = (lane.build_dir / "CMakeCache.txt").read_text(encoding="utf-8")
    assert re.search(r"^GTest_DIR:PATH=/", cache, re.MULTILINE), "not the system's"
    assert not (lane.build_dir / "_deps").exists()  # nothing fetched
    assert re.search(r"^ENABLE_OPENMP:BOOL=OFF$", cache, re.MULTILINE)
    assert re.search(r"^ENABLE_MPI:BOOL=OFF$", cache, re.MULTILINE)


def test_program_prints_the_one_version(lanes, example):
    program = lanes("dev").build_dir / PROGRAM
    assert cmake_version(example) == "0.1.0"
    result = run([program, "--version"], example)
    assert result.stdout == f"{PROGRAM} {cmake_version(example)}\n"
    usage = run([program, "--help"], example).stdout
    assert usage.startswith(f"Usage: {PROGRAM} ")
    assert "--version" in usage and "--epsilon" in usage


def test_program_computes_the_energy_and_refuses_bad_input(lanes, example):
    program = lanes("dev").build_dir / PROGRAM
    data = example / "tests" / "data" / "tetramer.xyz"
    assert run([program, data], example).stdout == TETRAMER_ENERGY
    # Argon in angstrom and kJ/mol: the same shape, scaled.
    scaled = run([program, "--epsilon", "2", data], example).stdout
    assert float(scaled) == pytest.approx(2 * float(TETRAMER_ENERGY))
    for arguments, message in [
        (["missing.xyz"], "cannot read missing.xyz"),
        (["--sigma", "x", data], '--sigma needs a number, not "x"'),
        (["--sigma", "-1", data], "sigma must be positive"),
        (["--frobnicate"], "unknown option --frobnicate"),
        ([], "no input file"),
    ]:
        result = run([program, *arguments], example, check=False)
        assert result.returncode == 1, arguments
        assert result.stderr == f"{PROGRAM}: {message}" + (
            " (see --help)\n" if "option" in message or "input" in message else "\n"
        ), result.stderr


def test_openmp_lane_builds_with_openmp_and_passes(lanes):
    lane = lanes("openmp")
    assert_tests_passed(lane, at_least=18)
    commands = json.loads(
        (lane.build_dir / "compile_commands.json").read_text(encoding="utf-8")
    )
    energy = next(c for c in commands if c["file"].endswith("src/lennard_jones.cpp"))
    assert "-fopenmp" in energy["command"]


def test_sanitizer_lane_builds_with_the_sanitizers_and_passes(lanes):
    lane = lanes("sanitizers")
    assert_tests_passed(lane, at_least=18)
    commands = json.loads(
        (lane.build_dir / "compile_commands.json").read_text(encoding="utf-8")
    )
    assert all("-fsanitize=address,undefined" in c["command"] for c in commands)


@pytest.mark.skipif(
    shutil.which("clang++") is None, reason="no clang++ here (CI's Clang lanes)"
)
@pytest.mark.parametrize("preset", ["dev", "sanitizers"])
def test_clang_lanes_pass(example, tmp_path, cmake_bin, preset):
    """The tests workflow's Clang and Sanitizers lanes: CXX=clang++."""
    project = tmp_path / "clang"
    shutil.copytree(
        example, project, ignore=shutil.ignore_patterns("build", "_build", "dist")
    )
    lane = build_lane(project, cmake_bin, preset, env={"CXX": "clang++"})
    assert_tests_passed(lane, at_least=18)
    cache = (lane.build_dir / "CMakeCache.txt").read_text(encoding="utf-8")
    assert re.search(r"^CMAKE_CXX_COMPILER:FILEPATH=.*clang\+\+$", cache, re.M)


def test_sanitizer_lane_catches_a_memory_error(lanes, example, tmp_path, cmake_bin):
    """The lane is real: an out-of-bounds read in a test fails ctest."""
    lanes("sanitizers")  # the lane's flags, configured
    project = tmp_path / "broken"
    shutil.copytree(example, project, ignore=shutil.ignore_patterns("build"))
    test = project / "tests" / "test_xyz.cpp"
    test.write_text(
        test.read_text(encoding="utf-8").replace(
            "EXPECT_EQ(positions[1][2], 0.25);",
            "EXPECT_EQ(positions.data()[2][0], 0.25);",  # one past the end
        ),
        encoding="utf-8",
    )
    lane = build_lane(project, cmake_bin, "sanitizers")
    assert lane.ctest.returncode != 0
    assert "AddressSanitizer" in lane.ctest.stdout + lane.ctest.stderr


def test_coverage_lane_reports_to_gcovr_as_ci_does(lanes, example, make_venv):
    lane = lanes("coverage")
    assert_tests_passed(lane, at_least=18)
    command, pin = workflow_command(example, "coverage", "gcovr")
    gcovr = make_venv([f"gcovr=={pin}"], name="gcovr") / "gcovr"
    run(["bash", "-c", command.replace(f'uvx "gcovr=={pin}"', str(gcovr))], example)
    report = (example / "coverage.xml").read_text(encoding="utf-8")
    files = set(re.findall(r'filename="([^"]+)"', report))
    assert {"src/lennard_jones.cpp", "src/xyz.cpp", "app/main.cpp"} <= files
    assert not any(name.startswith("tests/") for name in files)
    line_rate = float(re.search(r'<coverage line-rate="([0-9.]+)"', report)[1])
    assert line_rate > 0.8


def workflow_command(project: Path, job: str, tool: str) -> tuple[str, str]:
    """The tests workflow's ``uvx "TOOL==PIN" ...`` step of ``job``, and the pin."""
    workflow = yaml.safe_load(
        (project / ".github" / "workflows" / "tests.yml").read_text(encoding="utf-8")
    )
    (command,) = [
        step["run"]
        for step in workflow["jobs"][job]["steps"]
        if f'uvx "{tool}==' in step.get("run", "")
    ]
    return command, re.search(rf'uvx "{tool}==([^"]+)"', command)[1]


def test_clang_tidy_passes_as_ci_runs_it(lanes, example, make_venv):
    lanes("dev")  # compile_commands.json
    command, pin = workflow_command(example, "tidy", "clang-tidy")
    tidy = make_venv([f"clang-tidy=={pin}"], name="clang-tidy") / "clang-tidy"
    result = run(
        ["bash", "-c", command.replace(f'uvx "clang-tidy=={pin}"', str(tidy))], example
    )
    assert "Processing file" in result.stdout + result.stderr


@pytest.mark.skipif(
    shutil.which("mpiexec") is None, reason="no MPI here (CI's MPI lane builds it)"
)
def test_mpi_lane_splits_the_sum_over_two_ranks(lanes):
    lane = lanes("mpi")
    assert_tests_passed(lane, at_least=19)
    assert "program.energy_mpi" in lane.ctest.stdout


# --- the installed package --------------------------------------------------------

CONSUMER_CMAKE = f"""cmake_minimum_required(VERSION 3.21)
project(consumer LANGUAGES CXX)
find_package({LIBRARY} 0.1 CONFIG REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE {LIBRARY}::{LIBRARY})
"""
CONSUMER_MAIN = f"""#include <iostream>

#include "{LIBRARY}/lennard_jones.hpp"
#include "{LIBRARY}/version.hpp"

int main() {{
  std::cout << {LIBRARY}::version() << ' '
            << {LIBRARY}::lennard_jones(1.0, 1.0, 1.0) << '\\n';
}}
"""


def test_another_code_finds_the_installed_library(lanes, example, tmp_path, cmake_bin):
    lane = lanes("dev")
    prefix = tmp_path / "prefix"
    cmake = cmake_bin / "cmake"
    run([cmake, "--install", lane.build_dir, "--prefix", prefix], example)
    installed = run([prefix / "bin" / PROGRAM, "--version"], example)
    assert installed.stdout == f"{PROGRAM} 0.1.0\n"
    assert (prefix / "include" / LIBRARY / "lennard_jones.hpp").is_file()

    consumer = tmp_path / "consumer"
    consumer.mkdir()
    (consumer / "CMakeLists.txt").write_text(CONSUMER_CMAKE, encoding="utf-8")
    (consumer / "main.cpp").write_text(CONSUMER_MAIN, encoding="utf-8")
    run(
        [
            cmake,
            "-S",
            consumer,
            "-B",
            consumer / "build",
            f"-DCMAKE_PREFIX_PATH={prefix}",
        ],
        consumer,
    )
    run([cmake, "--build", consumer / "build"], consumer)
    assert run([consumer / "build" / "consumer"], consumer).stdout == "0.1.0 0\n"


# --- the release workflow's own steps ---------------------------------------------


def release_steps(project: Path) -> list[dict]:
    workflow = yaml.safe_load(
        (project / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    )
    return workflow["jobs"]["build"]["steps"]


def evaluate(text: str, context: dict[str, str]) -> str:
    """``text`` with its ``${{ name }}`` expressions replaced from ``context``."""
    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: context[m[1]], text)


def run_build_job(
    project: Path, tag: str, out: Path
) -> subprocess.CompletedProcess[str]:
    """Run the release build job's shell steps in order, as on a push of ``tag``.

    The expressions of their `env:` are the few GitHub would evaluate; the run
    stops at the first step that fails, whose result it returns.
    """
    outputs = out / "github_output"
    outputs.touch()
    result = None
    for step in release_steps(project):
        if "run" not in step:
            continue
        values = dict(
            line.split("=", 1)
            for line in outputs.read_text(encoding="utf-8").splitlines()
        )
        context = {
            "github.ref_name": tag,
            "steps.version.outputs.version": values.get("version", ""),
        }
        env = {
            key: evaluate(str(value), context)
            for key, value in step.get("env", {}).items()
        }
        result = run(
            ["bash", "-eo", "pipefail", "-c", step["run"]],
            project,
            env={**env, "GITHUB_OUTPUT": str(outputs)},
            check=False,
        )
        if result.returncode:
            return result
    assert result is not None
    return result


def test_release_archives_the_tagged_sources(example, tmp_path):
    shutil.rmtree(example / "dist", ignore_errors=True)
    result = run_build_job(example, "v0.1.0", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    tarball = example / "dist" / f"{PROGRAM}-0.1.0.tar.gz"
    checksum = example / "dist" / f"{PROGRAM}-0.1.0.tar.gz.sha256"
    digest, name = checksum.read_text(encoding="utf-8").split()
    assert (digest, name) == (
        hashlib.sha256(tarball.read_bytes()).hexdigest(),
        tarball.name,
    )
    top = f"{PROGRAM}-0.1.0/"
    with tarfile.open(tarball) as archive:
        members = archive.getmembers()
    assert all(m.name.startswith(top) or m.name == top.rstrip("/") for m in members)
    # The committed files, nothing built.
    tracked = run(["git", "ls-files"], example).stdout.split()
    assert {m.name.removeprefix(top) for m in members if m.isfile()} == set(tracked)
    shutil.rmtree(example / "dist")


def test_release_refuses_a_tag_that_is_not_the_version(example, tmp_path):
    result = run_build_job(example, "v0.2.0", tmp_path)
    assert result.returncode == 1
    assert "::error::The tag v0.2.0 does not name the version 0.1.0" in result.stdout
    assert not (example / "dist").exists()


# --- lint and the other gates --------------------------------------------------------


def cpp_files(project: Path) -> list[str]:
    files = run(["git", "ls-files"], project).stdout.split()
    return [f for f in files if {"c++", "c"} & tags_from_path(str(project / f))]


@pytest.fixture(scope="session")
def clang_format(make_venv: Callable[..., Path]) -> Path:
    """clang-format from PyPI, at the version the pre-commit hook pins."""
    pin = pinned_hook_revs()[CLANG_FORMAT_HOOK]
    return make_venv([f"clang-format=={pin}"], name="clang-format") / "clang-format"


@pytest.fixture(scope="module")
def custom(rendered: Callable[..., Path]) -> Path:
    """The hostile answer set as a C++ application."""
    return rendered(**{**CUSTOM_ANSWERS, "profile": "cpp"})


def test_cpp_is_clang_formatted(example, custom, clang_format):
    for project in (example, custom):
        files = cpp_files(project)
        assert len(files) >= 8
        run([clang_format, "--dry-run", "--Werror", *files], project)


def test_a_hostile_render_builds_and_passes_its_tests(custom, cmake_bin):
    lane = build_lane(custom, cmake_bin, "dev")
    assert_tests_passed(lane, at_least=18)
    program = lane.build_dir / CUSTOM_ANSWERS["dist_name"]
    assert run([program, "--version"], custom).stdout == (
        f"{CUSTOM_ANSWERS['dist_name']} 0.1.0\n"
    )


@pytest.fixture(scope="module")
def gates(example, tools, schema_tools, cff_tools, make_venv, tmp_path_factory):
    """Every gate of test_gates.py that applies without a Python package, once."""
    results = {
        gate: [run(command, example, check=False) for command in commands]
        for gate, commands in project_gates(
            example, tools, schema_tools, cff_tools
        ).items()
    }
    if shutil.which("doxygen"):
        docs_env = make_venv(
            ["-r", str(example / "docs" / "requirements.txt")], name="cpp-docs"
        )
        out = tmp_path_factory.mktemp("cpp-docs")
        start = time.perf_counter()
        results["docs"] = [run(offline_docs_build(docs_env, out), example, check=False)]
        results["docs seconds"] = time.perf_counter() - start
        results["docs out"] = out
    return results


@pytest.mark.parametrize(
    "gate",
    [
        "pre-commit-hooks",
        "ruff",
        "codespell",
        "pre-commit validate-config",
        "schemas",
        "cffconvert",
        "zizmor",
    ],
)
def test_gate_passes(gates, gate):
    assert_gate_passed(gate, gates[gate])


def test_zizmor_finds_nothing(gates):
    assert "No findings to report" in gates["zizmor"][0].stdout


@pytest.mark.skipif(
    shutil.which("doxygen") is None, reason="no doxygen (.ci/run installs it)"
)
def test_docs_build_offline_with_the_cpp_api(gates):
    (result,) = gates["docs"]
    assert result.returncode == 0, result.stdout + result.stderr
    api = (gates["docs out"] / "html" / "api.html").read_text(encoding="utf-8")
    for documented in ("total_energy", "read_xyz", "lennard_jones", "Parameters"):
        assert documented in api
    credits_page = (gates["docs out"] / "html" / "credits.html").read_text(
        encoding="utf-8"
    )
    assert "Ada Lovelace" in credits_page


@pytest.mark.skipif(
    shutil.which("doxygen") is None, reason="no doxygen (.ci/run installs it)"
)
def test_an_undocumented_function_fails_the_docs(example, tmp_path):
    project = tmp_path / "undocumented"
    shutil.copytree(
        example, project, ignore=shutil.ignore_patterns("build", "_build", ".git")
    )
    header = project / "include" / LIBRARY / "version.hpp"
    header.write_text(
        header.read_text(encoding="utf-8").replace(
            "const char* version();", "const char* version();\nint undocumented();"
        ),
        encoding="utf-8",
    )
    (project / "docs" / "_build" / "doxygen").mkdir(parents=True)
    result = run(["doxygen", "Doxyfile"], project / "docs", check=False)
    assert result.returncode != 0
    assert "undocumented" in result.stderr


def test_gates_leave_the_tree_clean(gates, lanes, example):
    """No fixer changed a file, and every build artifact is git-ignored."""
    lanes("dev")
    assert run(["git", "status", "--porcelain"], example).stdout == ""


def test_meets_the_deepmodeling_standard(example):
    """No rule fails; the C++ rules, where the checker has them, pass."""
    results = outcomes(example)
    failed = {name: o for name, o in results.items() if o.result is False}
    assert failed == {}
    for rule in ("DP801", "DP802", "DP803", "DP804"):
        if rule in results:
            assert results[rule].result is True, rule


def test_a_hostile_docs_configuration_is_valid_and_formatted(custom, tools):
    """The answers land in docs/conf.py quoted, as ruff format would write them."""
    conf = custom / "docs" / "conf.py"
    compile(conf.read_text(encoding="utf-8"), str(conf), "exec")
    run([tools / "ruff", "format", "--check", "--no-cache", "docs/conf.py"], custom)
    run([tools / "ruff", "check", "--no-cache", "docs/conf.py"], custom)
