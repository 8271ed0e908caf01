"""The C++ rules (DP8xx), and the Python rules of a repository without a Python package.

Each rule runs alone through repo-review's `compute_check` on small files
written here (a skip's reason ends its description, as repo-review prints
it); whole repositories shaped like ABACUS and DeePMD-kit run through
``dp-standard`` (`cli.run`), where the rules build on each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from repo_review.testing import compute_check

from deepmodeling_template import standard
from deepmodeling_template.standard import cli
from tests.helpers import outcomes, write

if TYPE_CHECKING:
    from pathlib import Path

    from repo_review.processor import Result

CPP_RULES = ("DP801", "DP802", "DP803", "DP804")
# Every rule about a Python package: none may fail where there is none.
PYTHON_RULES = (
    "DP102",
    "DP104",
    "DP201",
    "DP202",
    "DP203",
    "DP204",
    "DP205",
    "DP206",
    "DP207",
    "DP303",
    "DP401",
    "DP402",
    "DP403",
)
NO_CMAKE = "There is no CMakeLists.txt at the top of the repository"
EXTENSION = "builds the compiled extension of the Python package"

CMAKE = "cmake_minimum_required(VERSION 3.25)\nproject(x CXX)\ninclude(CTest)\n"
PRESETS = (
    '{"version": 6, "configurePresets": [{"name": "dev"}, {"name": "sanitizers", '
    '"cacheVariables": {"CMAKE_CXX_FLAGS": "-fsanitize=address,undefined"}}]}\n'
)
HOOKS = (
    "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
    "    rev: v6.0.0\n    hooks:\n      - id: trailing-whitespace\n"
)
CLANG_FORMAT_HOOK = (
    "  - repo: https://github.com/pre-commit/mirrors-clang-format\n"
    "    rev: v22.1.8\n    hooks:\n      - id: clang-format\n"
)
SKBUILD = (
    '[build-system]\nrequires = ["scikit-build-core>=0.11", "pybind11>=3"]\n'
    'build-backend = "scikit_build_core.build"\n[project]\nname = "x"\n'
)
LGPL = "GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n"
# ABACUS: the ASAN option of its CMakeLists.txt, switched on by a weekly job.
ASAN_OPTION = (
    'option(ENABLE_ASAN "Enable AddressSanitizer" OFF)\n'
    "if(ENABLE_ASAN)\n  if(NOT CMAKE_CXX_COMPILER_ID MATCHES GNU)\n"
    '    message(WARNING "GCC only")\n  endif()\n'
    "  add_compile_options(-fsanitize=address -fno-omit-frame-pointer)\n"
    "  add_link_options(-fsanitize=address)\nendif()\n"
)


def workflow(run: str, *, env: str = "") -> str:
    """A workflow with one job whose one step runs ``run``."""
    return (
        "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        f"{env}    steps:\n      - run: {run}\n"
    )


def check(name: str, root: Path, files: dict[str, str]) -> Result:
    """Run one rule on ``files`` through ``compute_check``."""
    write(root, files)
    fixtures = {key: fixture(root) for key, fixture in cli.FIXTURES.items()}
    return compute_check(name, root=root, package=root, **fixtures)


def fails_with(name: str, root: Path, files: dict[str, str], *messages: str) -> Result:
    """Run one rule on ``files``; it must fail, with each of ``messages`` in its message."""
    result = check(name, root, files)
    assert result.result is False
    for message in messages:
        assert message in result.err_msg
    return result


def test_the_family_is_registered():
    cpp = [rule.__name__ for rule in standard.RULES if rule.__module__.endswith("cpp")]
    assert cpp == list(CPP_RULES)
    assert "dp_cmake_presets" in cli.FIXTURES


# --- where the rules apply ---------------------------------------------------------


@pytest.mark.parametrize("name", CPP_RULES)
def test_without_cmake_at_the_top_each_rule_is_skipped_with_the_reason(tmp_path, name):
    result = check(name, tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'})
    assert result.result is None
    assert NO_CMAKE in result.description


@pytest.mark.parametrize("name", CPP_RULES)
def test_a_cmake_project_in_a_folder_is_named(tmp_path, name):
    """DeePMD-kit: `source/CMakeLists.txt`, which scikit-build-core builds."""
    files = {
        "pyproject.toml": SKBUILD
        + '[tool.scikit-build]\ncmake.source-dir = "source"\n',
        "source/CMakeLists.txt": CMAKE,
    }
    result = check(name, tmp_path, files)
    assert result.result is None
    assert NO_CMAKE in result.description
    assert "source/CMakeLists.txt builds C++ code in a folder" in result.description
    assert 'cmake.source-dir = "source"' in result.description


@pytest.mark.parametrize("name", ["DP801", "DP802", "DP804"])
def test_a_python_extension_build_skips_the_cpp_project_rules(tmp_path, name):
    """The compiled profile: scikit-build-core runs the top CMakeLists.txt."""
    result = check(name, tmp_path, {"pyproject.toml": SKBUILD, "CMakeLists.txt": CMAKE})
    assert result.result is None
    assert EXTENSION in result.description
    assert "scikit-build-core" in result.description


def test_a_python_extension_build_still_formats_its_cpp(tmp_path):
    files = {"pyproject.toml": SKBUILD, "CMakeLists.txt": CMAKE}
    assert check("DP803", tmp_path, files).result is False
    files |= {".clang-format": "BasedOnStyle: Google\n"}
    files |= {".pre-commit-config.yaml": HOOKS + CLANG_FORMAT_HOOK}
    assert check("DP803", tmp_path, files).result is True


def test_a_top_cmake_project_beside_a_package_built_elsewhere_is_judged(tmp_path):
    """scikit-build-core builds `source/`: the top CMakeLists.txt is a project of its own."""
    files = {
        "pyproject.toml": SKBUILD
        + '[tool.scikit-build]\ncmake.source-dir = "source"\n',
        "CMakeLists.txt": CMAKE,
    }
    assert check("DP801", tmp_path, files).result is False


# --- DP801 CMake presets -----------------------------------------------------------


@pytest.mark.parametrize(
    ("presets", "expected"),
    [
        ("{not json", "is not valid JSON"),
        ("[]\n", "must be a JSON object"),
        ('{"configurePresets": [{"name": "dev"}]}', "no integer `version`"),
        ('{"version": 6, "configurePresets": []}', "has no `configurePresets`"),
        (
            '{"version": 6, "configurePresets": [{"binaryDir": "b"}]}',
            "without a `name`",
        ),
    ],
)
def test_presets_that_cmake_cannot_use_fail(tmp_path, presets, expected):
    files = {"CMakeLists.txt": CMAKE, "CMakePresets.json": presets}
    result = check("DP801", tmp_path, files)
    assert result.result is False
    assert expected in result.err_msg


def test_presets_that_are_not_text_fail_without_a_crash(tmp_path):
    write(tmp_path, {"CMakeLists.txt": CMAKE})
    (tmp_path / "CMakePresets.json").write_bytes(b'{"version": 6, "x": "\xff"}')
    result = fails_with("DP801", tmp_path, {}, "is not UTF-8 text")
    assert "bug in the checker" not in result.err_msg


def test_missing_presets_fail_with_an_example(tmp_path):
    result = fails_with(
        "DP801", tmp_path, {"CMakeLists.txt": CMAKE}, "There is no `CMakePresets.json`"
    )
    assert '"configurePresets"' in result.err_msg


def test_presets_in_an_included_file_count(tmp_path):
    files = {
        "CMakeLists.txt": CMAKE,
        "CMakePresets.json": '{"version": 6, "include": ["cmake/presets.json"]}',
        "cmake/presets.json": '{"version": 6, "configurePresets": [{"name": "dev"}]}',
    }
    assert check("DP801", tmp_path, files).result is True


# --- DP802 tests through CTest -----------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "ctest --test-dir build --output-on-failure",
        "ctest --preset dev",
        'cmake --build build --target test ARGS="-V --timeout 1700"',  # ABACUS
    ],
)
def test_ctest_run_by_a_workflow_passes(tmp_path, run):
    files = {"CMakeLists.txt": CMAKE, ".github/workflows/t.yml": workflow(run)}
    assert check("DP802", tmp_path, files).result is True


def test_a_cmake_workflow_preset_runs_ctest_if_it_has_a_test_step(tmp_path):
    steps = '[{"type": "configure", "name": "dev"}, {"type": "build", "name": "dev"}]'
    presets = (
        '{"version": 6, "configurePresets": [{"name": "dev"}], '
        f'"workflowPresets": [{{"name": "ci", "steps": {steps}}}]}}'
    )
    files = {
        "CMakeLists.txt": CMAKE,
        "CMakePresets.json": presets,
        ".github/workflows/t.yml": workflow("cmake --workflow --preset ci"),
    }
    assert check("DP802", tmp_path, files).result is False
    tested = steps.replace("]", ', {"type": "test", "name": "dev"}]')
    files["CMakePresets.json"] = presets.replace(steps, tested)
    assert check("DP802", tmp_path, files).result is True


def test_testing_enabled_in_tests_cmakelists_passes(tmp_path):
    files = {
        "CMakeLists.txt": "project(x CXX)\nadd_subdirectory(tests)\n",
        "tests/CMakeLists.txt": "enable_testing()\ngtest_discover_tests(t)\n",
        ".github/workflows/t.yml": workflow("ctest --test-dir build"),
    }
    assert check("DP802", tmp_path, files).result is True


def test_testing_commented_out_and_no_ctest_fail_with_both_fixes(tmp_path):
    files = {
        "CMakeLists.txt": "project(x CXX)\n# include(CTest)\n",
        ".github/workflows/t.yml": workflow("cmake --build build"),
    }
    result = check("DP802", tmp_path, files)
    assert result.result is False
    assert result.err_msg.startswith("None of `CMakeLists.txt`, `tests/CMakeLists.txt`")
    assert "`include(CTest)`" in result.err_msg
    assert "No GitHub Actions step runs `ctest`" in result.err_msg


# --- DP803 a C++ formatter hook ----------------------------------------------------


def test_the_clang_format_hook_of_any_repository_counts(tmp_path):
    config = (
        "repos:\n  - repo: https://github.com/pocc/pre-commit-hooks\n"
        "    rev: v1.3.5\n    hooks:\n      - id: clang-format\n"
    )
    files = {
        "CMakeLists.txt": CMAKE,
        "_clang-format": "BasedOnStyle: Microsoft\n",
        ".pre-commit-config.yaml": config,
    }
    assert check("DP803", tmp_path, files).result is True


def test_a_commented_out_hook_fails_with_the_pinned_mirror(tmp_path):
    """ABACUS: `# - id: clang-format`, only clang-tidy runs."""
    config = (
        "repos:\n  - repo: https://github.com/pocc/pre-commit-hooks\n"
        "    rev: v1.3.5\n    hooks:\n      # - id: clang-format\n"
        "      - id: clang-tidy\n"
    )
    files = {
        "CMakeLists.txt": CMAKE,
        ".clang-format": "BasedOnStyle: Microsoft\n",
        ".pre-commit-config.yaml": config,
    }
    result = fails_with(
        "DP803",
        tmp_path,
        files,
        "runs no `clang-format` hook",
        "mirrors-clang-format\n    rev: v22.1.8",
    )
    assert "There is no `.clang-format`" not in result.err_msg


def test_no_style_and_no_config_fail_with_both_fixes(tmp_path):
    fails_with(
        "DP803",
        tmp_path,
        {"CMakeLists.txt": CMAKE},
        "There is no `.clang-format` at the top",
        "There is no `.pre-commit-config.yaml`, so unformatted C++",
    )


def test_a_broken_pre_commit_config_is_reported_as_such(tmp_path):
    files = {
        "CMakeLists.txt": CMAKE,
        ".clang-format": "BasedOnStyle: Google\n",
        ".pre-commit-config.yaml": "repos: [\n",
    }
    result = check("DP803", tmp_path, files)
    assert result.result is False
    assert result.err_msg.startswith("`.pre-commit-config.yaml` is not valid YAML")


# --- DP804 a sanitizer lane --------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        {
            ".github/workflows/t.yml": workflow(
                "cmake -B b -DCMAKE_CXX_FLAGS=-fsanitize=address"
            )
        },
        {
            ".github/workflows/t.yml": workflow(
                "cmake -B b",
                env='    env:\n      CXXFLAGS: "-fsanitize=address,undefined"\n',
            )
        },
        {
            "CMakePresets.json": '{"version": 6, "configurePresets": [{"name": "asan", '
            '"cacheVariables": {"CMAKE_CXX_FLAGS": {"type": "STRING", '
            '"value": "-fsanitize=undefined,address"}}}]}'
        },
        {
            "CMakePresets.json": '{"version": 6, "configurePresets": [{"name": "asan", '
            '"cacheVariables": {"ENABLE_ASAN": "ON"}}]}'
        },
    ],
    ids=["workflow-flag", "job-env", "typed-cache-variable", "preset-option"],
)
def test_address_sanitizer_in_a_preset_or_workflow_passes(tmp_path, files):
    files = {"CMakeLists.txt": CMAKE + ASAN_OPTION, **files}
    assert check("DP804", tmp_path, files).result is True


def test_the_abacus_option_switched_on_by_a_weekly_job_passes(tmp_path):
    files = {
        "CMakeLists.txt": CMAKE + ASAN_OPTION,
        ".github/workflows/dynamic.yml": workflow(
            "cmake -B build -DENABLE_ASAN=1 -DENABLE_DEEPKS=1"
        ).replace("on: push", "on:\n  schedule:\n    - cron: '0 16 * * 0'"),
    }
    assert check("DP804", tmp_path, files).result is True


@pytest.mark.parametrize(
    "run",
    [
        "cmake -B build -DENABLE_ASAN=OFF",
        "cmake -B build -DENABLE_LIBXC=1",
        'cmake -B build -DCMAKE_CXX_FLAGS="-fsanitize=leak"',  # DeePMD-kit's lane
        'cmake -B build -DCMAKE_CXX_FLAGS="-fsanitize=undefined"',
    ],
)
def test_no_address_sanitizer_fails_naming_the_unused_option(tmp_path, run):
    files = {
        "CMakeLists.txt": CMAKE + ASAN_OPTION,
        ".github/workflows/t.yml": workflow(run),
    }
    result = fails_with(
        "DP804", tmp_path, files, "`CMakeLists.txt` adds it under `ENABLE_ASAN`"
    )
    assert '"sanitizers"' in result.err_msg


def test_an_option_that_does_not_sanitize_is_not_a_lane(tmp_path):
    """Only the option's own branch counts: not its else(), not a comment."""
    files = {
        "CMakeLists.txt": CMAKE
        + "if(ENABLE_LIBXC)\n  add_compile_options(-O3)\n"
        + "else()\n  add_compile_options(-fsanitize=address)\nendif()\n"
        + "# add_compile_options(-fsanitize=address)\n",
        ".github/workflows/t.yml": workflow("cmake -B build -DENABLE_LIBXC=ON"),
    }
    result = check("DP804", tmp_path, files)
    assert result.result is False
    assert "adds it under" not in result.err_msg


# --- whole repositories --------------------------------------------------------------


def abacus(root: Path) -> Path:
    """A repository shaped like abacus-develop: C++ at the top, pyabacus below."""
    return write(
        root,
        {
            "CMakeLists.txt": "cmake_minimum_required(VERSION 3.16)\nproject(ABACUS)\n"
            + ASAN_OPTION
            + "if(BUILD_TESTING)\n  include(CTest)\n  enable_testing()\nendif()\n",
            ".clang-format": "BasedOnStyle: Microsoft\n",
            ".clang-tidy": "Checks: 'modernize-*,readability-braces-around-statements'\n",
            ".editorconfig": "root = true\n",
            "LICENSE": LGPL,
            ".pre-commit-config.yaml": (
                "repos:\n  - repo: https://github.com/pocc/pre-commit-hooks\n"
                "    rev: v1.3.5\n    hooks:\n      # - id: clang-format\n"
                "      - id: clang-tidy\n        args: [-p=build, --fix-errors]\n"
            ),
            ".github/workflows/test.yml": workflow(
                'cmake --build build --target test ARGS="-V --timeout 1700"'
            ),
            ".github/workflows/dynamic.yml": workflow("cmake -B build -DENABLE_ASAN=1"),
            "python/pyabacus/pyproject.toml": (
                '[build-system]\nrequires = ["scikit-build-core>=0.11", "pybind11"]\n'
                'build-backend = "scikit_build_core.build"\n'
                '[project]\nname = "pyabacus"\nversion = "0.0.1"\nlicense = "LGPL-3.0-or-later"\n'
            ),
            "python/pyabacus/CMakeLists.txt": "project(pyabacus)\n",
        },
    )


def test_abacus_gets_cpp_verdicts_and_no_python_failure(tmp_path):
    results = outcomes(abacus(tmp_path))
    verdicts = {name: results[name].result for name in CPP_RULES}
    assert verdicts == {"DP801": False, "DP802": True, "DP803": False, "DP804": True}
    assert "There is no `CMakePresets.json`" in results["DP801"].message
    assert "runs no `clang-format` hook" in results["DP803"].message
    for name in PYTHON_RULES:
        assert results[name].result is None, name
        assert "no Python package" in results[name].message, name
    # The package below the top is named, and said without --show-all.
    assert "-p python/pyabacus" in results["DP201"].message
    assert results["DP201"].notice


def test_abacus_pointed_at_pyabacus_judges_both(tmp_path):
    """The C++ rules read the top: pyabacus' scikit-build-core does not make ABACUS an extension."""
    results = outcomes(abacus(tmp_path), "python/pyabacus")
    assert results["DP201"].result is True
    assert results["DP202"].result is True
    verdicts = {name: results[name].result for name in CPP_RULES}
    assert verdicts == {"DP801": False, "DP802": True, "DP803": False, "DP804": True}


def test_a_pure_cpp_repository_fails_no_python_rule(tmp_path):
    """A C++ code whose pyproject.toml only configures tools has no Python package."""
    write(
        tmp_path,
        {
            "CMakeLists.txt": CMAKE,
            "pyproject.toml": '[tool.codespell]\nskip = "*.json"\n',
            ".pre-commit-config.yaml": HOOKS,
            ".github/workflows/t.yml": workflow("ctest"),
        },
    )
    results = outcomes(tmp_path)
    for name in PYTHON_RULES:
        assert results[name].result is None, name
        assert "no Python package" in results[name].message, name


def test_deepmd_kit_keeps_its_python_verdicts_and_skips_the_cpp_rules(tmp_path):
    """A Python package at the top whose C++ is in `source/`."""
    write(
        tmp_path,
        {
            "pyproject.toml": SKBUILD
            + '[tool.scikit-build]\ncmake.source-dir = "source"\n',
            "source/CMakeLists.txt": CMAKE,
            ".clang-format": "BasedOnStyle: Google\n",
            ".pre-commit-config.yaml": HOOKS,
        },
    )
    results = outcomes(tmp_path)
    assert results["DP201"].result is True
    assert results["DP202"].result is False  # no license: the Python rules apply
    assert results["DP303"].result is False
    for name in CPP_RULES:
        assert results[name].result is None
        assert "`source/CMakeLists.txt` builds C++ code" in results[name].message
