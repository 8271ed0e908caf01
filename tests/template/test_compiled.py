"""The compiled profile builds, from its sdist, into a wheel that passes its own tests.

The example in examples/compiled is committed, its sdist built, and a wheel
built from the unpacked sdist, with CMake and Ninja from PyPI (as on a machine
that has neither), once per session. The wheel is installed into a fresh
environment and the project's own tests run against it, as cibuildwheel runs
them in the release workflow. The gates in test_gates.py cover the rest
(editable install, lint, docs, zizmor, ...).
"""

from __future__ import annotations

import re
import shutil
import tarfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomllib
import yaml

from tests.helpers import (
    ROOT,
    committed_copy,
    extract_all,
    pinned_hook_revs,
    run,
    terminal_line,
)

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "compiled"
PACKAGE = "demo_project"
CLANG_FORMAT_HOOK = "https://github.com/pre-commit/mirrors-clang-format"


@dataclass
class Built:
    """The example's sdist, the wheel built from it, and what the build used."""

    sdist: Path
    source: Path  # the unpacked sdist
    wheel: Path
    build_env: Path  # bin directory of the build environment
    seconds: float


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    return committed_copy(EXAMPLE, tmp_path_factory.mktemp("compiled") / "compiled")


@pytest.fixture(scope="module")
def built(request, example, tools, make_venv, tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("compiled-dist")
    run(
        [
            tools / "python",
            "-m",
            "build",
            "--sdist",
            "--installer",
            "uv",
            "-o",
            out,
            ".",
        ],
        example,
    )
    sdist = next(out.glob("*.tar.gz"))
    unpacked = tmp_path_factory.mktemp("compiled-sdist")
    with tarfile.open(sdist) as archive:
        extract_all(archive, unpacked)
    source = next(unpacked.iterdir())

    # The build requirements the sdist declares, with CMake and Ninja from PyPI,
    # and no build isolation: scikit-build-core takes the cmake and ninja
    # packages over the system's programs.
    requires = tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))[
        "build-system"
    ]["requires"]
    build_env = make_venv(
        [*requires, "cmake", "ninja", "build==1.6.1"], name="compiled-build"
    )
    wheelhouse = tmp_path_factory.mktemp("compiled-wheelhouse")
    start = time.perf_counter()
    run(
        [
            build_env / "python",
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "-o",
            wheelhouse,
            ".",
        ],
        source,
    )
    seconds = time.perf_counter() - start
    terminal_line(
        request, f"\ncompiled example: wheel built from the sdist in {seconds:.1f} s"
    )
    return Built(sdist, source, next(wheelhouse.glob("*.whl")), build_env, seconds)


@pytest.fixture(scope="module")
def installed(built, make_venv) -> Path:
    """A fresh environment with the wheel, its test extra and mypy; returns its bin."""
    return make_venv([f"{built.wheel}[test]", "mypy"], name="compiled-wheel")


def test_sdist_carries_sources_and_version(built):
    with tarfile.open(built.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {
        "CMakeLists.txt",
        "pyproject.toml",
        "src/cpp/bindings.cpp",
        "src/cpp/potentials.cpp",
        "src/cpp/potentials.hpp",
        f"src/{PACKAGE}/_core.pyi",
        f"src/{PACKAGE}/_version.py",
        f"src/{PACKAGE}/potentials.py",
        "tests/test_potentials.py",
    } <= names
    version = built.sdist.name.removesuffix(".tar.gz").split("-")[1]
    assert version != "0.0.0"  # setuptools-scm read the git tags, not the fallback
    assert f"-{version}-" in built.wheel.name  # and the wheel kept the sdist's version


def test_wheel_was_built_with_cmake_and_ninja_from_pypi(built):
    caches = list((built.source / "build").glob("*/CMakeCache.txt"))
    assert len(caches) == 1
    cache = caches[0].read_text(encoding="utf-8")
    tools = {
        key: Path(value)
        for key, value in re.findall(
            r"^(CMAKE_COMMAND|CMAKE_MAKE_PROGRAM):\w+=(.+)$", cache, re.MULTILINE
        )
    }
    env = built.build_env.parent.resolve()
    assert tools["CMAKE_COMMAND"].resolve().is_relative_to(env), tools
    assert tools["CMAKE_MAKE_PROGRAM"].resolve().is_relative_to(env), tools
    assert tools["CMAKE_MAKE_PROGRAM"].name.startswith("ninja")


def test_wheel_holds_the_extension_and_its_types(built):
    with zipfile.ZipFile(built.wheel) as archive:
        names = archive.namelist()
    package = {n.split("/", 1)[1] for n in names if n.startswith(f"{PACKAGE}/")}
    assert [n for n in package if re.fullmatch(r"_core\..+\.so", n)]
    assert {
        "__init__.py",
        "_core.pyi",
        "_version.py",
        "potentials.py",
        "py.typed",
    } <= package
    assert not [n for n in names if n.endswith((".cpp", ".hpp"))]


def test_project_tests_pass_against_the_wheel(built, installed, tmp_path):
    # Only the tests and their configuration, as cibuildwheel's test-sources:
    # the package can come from nowhere but the installed wheel.
    shutil.copytree(built.source / "tests", tmp_path / "tests")
    shutil.copy(built.source / "pyproject.toml", tmp_path)
    result = run(
        [installed / "python", "-m", "pytest", "-p", "no:cacheprovider"], tmp_path
    )
    assert " passed" in result.stdout and "skipped" not in result.stdout
    where = run(
        [installed / "python", "-c", f"import {PACKAGE}._core as m; print(m.__file__)"],
        tmp_path,
    ).stdout
    assert "site-packages" in where


def test_type_checkers_see_the_stub(installed, tmp_path):
    """py.typed and _core.pyi give the compiled function its types."""
    (tmp_path / "use.py").write_text(
        f"from {PACKAGE}.potentials import lennard_jones\n"
        "reveal_type(lennard_jones(1.2, epsilon=0.5))\n"
        'lennard_jones("far")\n',
        encoding="utf-8",
    )
    result = run(
        [
            installed / "mypy",
            "--no-incremental",
            "--cache-dir",
            tmp_path / "cache",
            "use.py",
        ],
        tmp_path,
        check=False,
    )
    assert re.search(
        r'use\.py:2: note: Revealed type is "(builtins\.)?float"', result.stdout
    )
    assert 'Argument 1 to "lennard_jones" has incompatible type "str"' in result.stdout


def test_cpp_is_clang_formatted(example, make_venv):
    """The C++ passes the clang-format hook, at the version the hook pins."""
    version = pinned_hook_revs()[CLANG_FORMAT_HOOK]
    config = yaml.safe_load(
        (example / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    )
    assert {"repo": CLANG_FORMAT_HOOK, "rev": f"v{version}"}.items() <= next(
        r for r in config["repos"] if r["repo"] == CLANG_FORMAT_HOOK
    ).items()
    style = yaml.safe_load((example / ".clang-format").read_text(encoding="utf-8"))
    assert style == {
        "BasedOnStyle": "Google",
        "BinPackParameters": False,
        "InsertBraces": True,
    }
    clang_format = (
        make_venv([f"clang-format=={version}"], name="clang-format") / "clang-format"
    )
    assert version in run([clang_format, "--version"], example).stdout
    sources = run(["git", "ls-files", "*.cpp", "*.hpp"], example).stdout.split()
    assert len(sources) == 4  # with the GoogleTest suite
    run([clang_format, "--dry-run", "--Werror", *sources], example)


def test_cibuildwheel_builds_every_python_on_every_platform(example, built, make_venv):
    """The release workflow's cibuildwheel reads its configuration from the sdist."""
    workflow = (example / ".github" / "workflows" / "release.yml").read_text(
        encoding="utf-8"
    )
    tag = re.search(r"uses: pypa/cibuildwheel@v([\d.]+)", workflow).group(1)
    cibuildwheel = (
        make_venv([f"cibuildwheel=={tag}.*"], name="cibuildwheel") / "cibuildwheel"
    )
    requires = tomllib.loads((example / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]["requires-python"]
    oldest = int(requires.removeprefix(">=3."))
    for platform in ("linux", "macos", "windows"):
        identifiers = run(
            [
                cibuildwheel,
                "--print-build-identifiers",
                "--platform",
                platform,
                built.sdist,
            ],
            built.sdist.parent,
        ).stdout.split()
        minors = {int(re.match(r"cp3(\d+)", i).group(1)) for i in identifiers}
        assert min(minors) == oldest, (platform, identifiers)
        assert max(minors) >= 14, (platform, identifiers)


def test_cibuildwheel_builds_the_chosen_wheels(tmp_path):
    """cibuildwheel itself lists what the release builds: CPython 3.10 to 3.15 (and
    the free-threaded 3.14t, 3.15t) for 64-bit Linux, Windows and macOS only."""
    shutil.copy(EXAMPLE / "pyproject.toml", tmp_path / "pyproject.toml")
    expected_pythons = {
        "cp310",
        "cp311",
        "cp312",
        "cp313",
        "cp314",
        "cp314t",
        "cp315",
        "cp315t",
    }
    for platform, arch in [
        ("linux", "x86_64"),
        ("windows", "AMD64"),
        ("macos", "x86_64"),
    ]:
        listed = run(
            [
                "uvx",
                "cibuildwheel==4.3.5",
                "--print-build-identifiers",
                "--platform",
                platform,
                "--archs",
                arch,
            ],
            cwd=tmp_path,
        ).stdout.split()
        assert {identifier.split("-")[0] for identifier in listed} == expected_pythons
        assert not [i for i in listed if re.search("win32|i686|musllinux", i)], listed
