"""Fast tests of the cpp profile's render: its files, presets and workflows.

No build here: test_cpp.py configures, builds and tests the example.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.helpers import ON_A_RELEASE_TAG, REQUIRED_ANSWERS, message_after_copy, render

CPP_ONLY = [
    ".clang-format",
    ".clang-tidy",
    ".editorconfig",
    "CMakeLists.txt",
    "CMakePresets.json",
    "app/main.cpp",
    "cmake/Config.cmake.in",
    "cmake/GoogleTest.cmake",
    "docs/Doxyfile",
    "docs/api.md",
    "docs/requirements.txt",
    "include/dp_demo/lennard_jones.hpp",
    "include/dp_demo/version.hpp",
    "include/dp_demo/xyz.hpp",
    "src/lennard_jones.cpp",
    "src/version.cpp",
    "src/xyz.cpp",
    "tests/CMakeLists.txt",
    "tests/data/tetramer.xyz",
    "tests/test_lennard_jones.cpp",
    "tests/test_xyz.cpp",
]
PYTHON_ONLY = [
    ".git_archival.txt",
    ".gitattributes",
    "pyproject.toml",
    "src/dp_demo",
    "src/cpp",
    "tests/cpp",
    "tests/test_units.py",
]
PRESETS = {"dev", "release", "openmp", "mpi", "sanitizers", "coverage"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return render(
        tmp_path_factory.mktemp("cpp") / "project",
        {**REQUIRED_ANSWERS, "profile": "cpp", "dist_name": "dp-demo"},
    )


def read(project, path: str) -> str:
    return (project / path).read_text(encoding="utf-8")


def workflow(project, name: str) -> dict:
    return yaml.safe_load(read(project, f".github/workflows/{name}"))


def test_the_application_has_its_files_and_no_python_package(project):
    for name in CPP_ONLY:
        assert (project / name).exists(), name
    for name in PYTHON_ONLY:
        assert not (project / name).exists(), name
    answers = yaml.safe_load(read(project, ".copier-answers.yml"))
    assert not {"import_name", "python_min", "cli"} & set(answers)
    assert answers["description"] == "A C++ program from the DeepModeling community"
    every_text = "".join(
        p.read_text(encoding="utf-8") for p in project.rglob("*") if p.is_file()
    )
    for python_only in ("pypi.org", "pyproject", "setuptools", "pytest", "PyPI"):
        assert python_only not in every_text, python_only


def test_cmake_names_the_project_the_program_and_the_options(project):
    cmake = read(project, "CMakeLists.txt")
    assert "cmake_minimum_required(VERSION 3.21)" in cmake
    assert "project(\n  dp_demo\n  VERSION 0.1.0\n" in cmake
    assert 'set(PROGRAM_NAME "dp-demo")' in cmake
    options = re.findall(r'^option\((\w+) "[^"]+" (\w+)\)$', cmake, re.MULTILINE)
    # Both off by default: the default build needs a compiler and CMake only.
    assert options == [("ENABLE_OPENMP", "OFF"), ("ENABLE_MPI", "OFF")]
    assert "include(CTest)" in cmake
    tests = read(project, "tests/CMakeLists.txt")
    assert "gtest_discover_tests(unit_tests)" in tests
    assert "include(${PROJECT_SOURCE_DIR}/cmake/GoogleTest.cmake)" in tests


def test_presets_cover_every_lane(project):
    presets = json.loads(read(project, "CMakePresets.json"))
    assert presets["version"] == 3
    configure = {p["name"]: p for p in presets["configurePresets"]}
    assert PRESETS <= set(configure)
    sanitizers = configure["sanitizers"]["cacheVariables"]
    assert "-fsanitize=address,undefined" in sanitizers["CMAKE_CXX_FLAGS"]
    assert configure["openmp"]["cacheVariables"] == {"ENABLE_OPENMP": "ON"}
    assert configure["mpi"]["cacheVariables"] == {"ENABLE_MPI": "ON"}
    for kind in ("buildPresets", "testPresets"):
        for preset in presets[kind]:
            assert preset["configurePreset"] in configure, preset
    tested = {p["name"] for p in presets["testPresets"]}
    assert tested == PRESETS - {"release"}


def test_ci_runs_every_lane_through_ctest(project):
    tests = workflow(project, "tests.yml")
    jobs = tests["jobs"]
    lanes = jobs["test"]["strategy"]["matrix"]["include"]
    assert {lane["name"] for lane in lanes} == {
        "GCC",
        "Clang",
        "macOS",
        "OpenMP",
        "MPI",
        "Sanitizers",
    }
    assert {lane["preset"] for lane in lanes} == PRESETS - {"release", "coverage"}
    assert {lane["os"] for lane in lanes} == {"ubuntu-latest", "macos-latest"}
    runs = [step.get("run", "") for step in jobs["test"]["steps"]]
    assert 'ctest --preset "$PRESET"' in runs
    assert "ctest --preset coverage" in [
        s.get("run") for s in jobs["coverage"]["steps"]
    ]
    # Only the upload job holds the OIDC token.
    assert [name for name, job in jobs.items() if "id-token" in job["permissions"]] == [
        "codecov"
    ]
    assert jobs["codecov"]["needs"] == "coverage"
    docs = [step.get("run", "") for step in jobs["docs"]["steps"]]
    assert any("install -y -q doxygen" in r for r in docs)
    assert "uv pip install --system -r docs/requirements.txt" in docs
    assert "types" not in jobs and "wheel" not in jobs and "cpp" not in jobs
    assert jobs["pass"]["needs"] == ["test", "tidy", "coverage", "docs", "leftovers"]
    tidy = [step.get("run", "") for step in jobs["tidy"]["steps"]]
    assert 'uvx "clang-tidy==22.1.8" -p build/dev src/*.cpp app/*.cpp' in tidy
    rtd = yaml.safe_load(read(project, ".readthedocs.yaml"))
    assert rtd["build"]["apt_packages"] == ["doxygen"]
    assert rtd["python"]["install"] == [{"requirements": "docs/requirements.txt"}]


def test_release_is_a_source_tarball_with_provenance(project):
    release = workflow(project, "release.yml")
    jobs = release["jobs"]
    assert release["permissions"] == {}
    assert release[True]["push"]["tags"] == ["v*"]
    assert set(jobs) == {"build", "publish"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    publish = jobs["publish"]
    assert publish["if"] == ON_A_RELEASE_TAG
    assert publish["permissions"] == {
        "attestations": "write",
        "contents": "write",
        "id-token": "write",
    }
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert "actions/attest-build-provenance@v4" in uses
    assert not any("pypi" in use for use in uses)
    build = "\n".join(step.get("run", "") for step in jobs["build"]["steps"])
    assert "build/release/dp-demo --version" in build
    assert 'git archive --format=tar.gz --prefix="$NAME/"' in build


def test_a_name_that_starts_with_a_digit_gets_a_cpp_identifier(tmp_path):
    project = render(
        tmp_path / "project",
        {**REQUIRED_ANSWERS, "profile": "cpp", "project_name": "3D Tool"},
    )
    header = read(project, "include/lib_3d_tool/lennard_jones.hpp")
    assert "namespace lib_3d_tool {" in header
    assert 'set(PROGRAM_NAME "3d-tool")' in read(project, "CMakeLists.txt")


def test_hooks_format_the_cpp(project):
    hooks = yaml.safe_load(read(project, ".pre-commit-config.yaml"))["repos"]
    assert any("mirrors-clang-format" in hook["repo"] for hook in hooks)


def test_message_after_copy_gives_cpp_steps(tmp_path):
    message = message_after_copy(tmp_path / "project", profile="cpp")
    assert "ctest --preset dev" in message
    assert "PyPI" not in message and "pip install -e" not in message
    assert "source tarball" in message
