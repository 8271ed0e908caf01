"""DP8xx: a C++ project built with CMake, tested through CTest, formatted and sanitized.

The rules apply where CMake builds the repository from its top: a
``CMakeLists.txt`` at the root (ABACUS).  Elsewhere they are skipped, and the
skip names a ``CMakeLists.txt`` in a folder if there is one (DeePMD-kit's
``source/``).  Where the root ``CMakeLists.txt`` only builds the compiled
extension of a Python package (scikit-build-core runs CMake, pytest runs the
tests), the presets, CTest and sanitizer rules are skipped too: the formatter
rule still applies to its C++ code.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._core import (
    Rule,
    Skip,
    is_file,
    list_dir,
    listing,
    load_json,
    load_toml,
    read_text,
    sequence,
    table,
)
from ._pyproject import build_requirements
from .ci import _jobs, _steps
from .precommit import hook_ids

if TYPE_CHECKING:
    from collections.abc import Iterator
    from importlib.resources.abc import Traversable

    from ._core import Document, Verdict

CMAKE = "CMakeLists.txt"
PRESETS = "CMakePresets.json"
# Where a project's tests are registered with CTest (DP802).
TEST_LISTS = (CMAKE, f"tests/{CMAKE}", f"test/{CMAKE}")
CLANG_FORMAT_FILES = (".clang-format", "_clang-format")
CLANG_FORMAT_HOOK = "clang-format"
# The distributions of Python build backends that run CMake for the package.
CMAKE_BACKENDS = ("scikit-build-core", "scikit-build", "py-build-cmake")
ENABLES_TESTING = re.compile(
    r"^\s*(?:enable_testing\s*\(|include\s*\(\s*CTest\s*\))",
    re.IGNORECASE | re.MULTILINE,
)
# `ctest`, `ctest --preset dev`, `cmake --build build --target test`.
RUNS_CTEST = re.compile(r"\bctest\b|--target[\s=]+(?:test|RUN_TESTS)\b")
# `cmake --workflow --preset ci`: runs ctest when the workflow preset has a test step.
RUNS_WORKFLOW = re.compile(r"\bcmake\s+--workflow\b")
# GCC and Clang spell it `-fsanitize=address,undefined`, MSVC `/fsanitize=address`.
ADDRESS_SANITIZER = re.compile(r"[-/]fsanitize=[\w,]*\baddress\b")
# `-DENABLE_ASAN=1` on a cmake command line: the option and its value.
CMAKE_DEFINE = re.compile(r"-D\s*([A-Za-z_]\w*)(?::\w+)?=(\S+)")
TRUE_VALUES = {"1", "on", "yes", "true", "y"}
# The commands that open, divide and close a CMake `if()` block.
BLOCK = re.compile(r"\b(if|elseif|else|endif)\s*\(\s*([^)]*?)\s*\)", re.IGNORECASE)
PRESETS_EXAMPLE = (
    "```json\n{\n"
    '  "version": 6,\n'
    '  "configurePresets": [\n'
    '    {"name": "dev", "binaryDir": "build/dev",\n'
    '     "cacheVariables": {"CMAKE_BUILD_TYPE": "Debug"}},\n'
    '    {"name": "release", "binaryDir": "build/release",\n'
    '     "cacheVariables": {"CMAKE_BUILD_TYPE": "Release"}}\n'
    "  ]\n}\n```"
)


def not_a_cmake_project(root: Traversable) -> Skip | None:
    """Skip the C++ rules where no ``CMakeLists.txt`` is at the top, naming those below."""
    if is_file(root, CMAKE):
        return None
    below = [
        f"{item.name}/{CMAKE}"
        for item in list_dir(root)
        if not item.name.startswith(".") and is_file(root, f"{item.name}/{CMAKE}")
    ]
    source_dir = skbuild_source_dir(root)
    built = (
        " (the Python package's build runs it: `[tool.scikit-build] "
        f'cmake.source-dir = "{source_dir}"`)'
        if f"{source_dir}/{CMAKE}" in below
        else ""
    )
    found = (
        f" {listing(below)} {'builds' if len(below) == 1 else 'build'} C++ code in a "
        f"folder{built}; these rules judge a repository that CMake builds from its "
        "top, where its presets, CI and hooks are."
        if below
        else ""
    )
    return Skip(
        f"There is no `{CMAKE}` at the top of the repository, so the C++ rules do "
        f"not apply here.{found}"
    )


def skbuild_source_dir(root: Traversable) -> str:
    """Read where scikit-build-core finds ``CMakeLists.txt``: ``""`` for the top."""
    document = load_toml(root, "pyproject.toml")
    value = table(document.data, "tool", "scikit-build", "cmake").get("source-dir")
    path = str(value or "").strip().removeprefix("./").strip("/")
    return "" if path == "." else path


def python_extension_build(root: Traversable) -> Skip | None:
    """Skip the C++ project rules where the root CMake project is a Python package's build.

    The top ``pyproject.toml`` is read (not the one of ``--package-dir``): it
    says whether a Python build backend runs this ``CMakeLists.txt``.
    """
    requirements = build_requirements(load_toml(root, "pyproject.toml"))
    backend = next((name for name in CMAKE_BACKENDS if name in requirements), None)
    if backend is None or skbuild_source_dir(root):
        return None
    return Skip(
        f"`{CMAKE}` builds the compiled extension of the Python package "
        f"(`pyproject.toml` builds it with {backend}), whose tests run with the "
        "package's: CMake presets, CTest and a sanitizer lane are rules for a C++ "
        "project that CMake builds on its own."
    )


def not_a_cmake_application(root: Traversable) -> Skip | None:
    """Skip the rules about a C++ application: no top CMake project, or a Python build's."""
    return not_a_cmake_project(root) or python_extension_build(root)


def cmake_text(root: Traversable, path: str) -> str:
    """Read a CMake file without its comments; empty when it is missing or unreadable."""
    if not is_file(root, path):
        return ""
    try:
        text = read_text(root, path)
    except ValueError:
        return ""
    return re.sub(r"#.*", "", text)


def run_texts(workflows: tuple[Document, ...]) -> Iterator[str]:
    """Yield what each job and step of the workflows runs: scripts, ``uses``, env and inputs."""
    for workflow in workflows:
        for _, job in _jobs(workflow):
            yield from map(str, table(job.get("env")).values())
            for step in _steps(job):
                yield from (
                    step[key]
                    for key in ("run", "uses")
                    if isinstance(step.get(key), str)
                )
                yield from map(str, table(step.get("env")).values())
                yield from map(str, table(step.get("with")).values())


def configure_presets(root: Traversable, presets: Document) -> list[dict[str, Any]]:
    """List the configure presets of ``CMakePresets.json`` and the files it includes."""
    documents = [presets] + [
        load_json(root, included)
        for included in sequence(table(presets.data).get("include"))
        if isinstance(included, str) and included != presets.path
    ]
    return [
        preset
        for document in documents
        for preset in sequence(table(document.data).get("configurePresets"))
        if isinstance(preset, dict)
    ]


def tests_in_workflow_presets(presets: Document) -> bool:
    """Tell whether a workflow preset of ``CMakePresets.json`` runs a test preset."""
    return any(
        table(step).get("type") == "test"
        for workflow in sequence(table(presets.data).get("workflowPresets"))
        for step in sequence(table(workflow).get("steps"))
    )


def preset_values(preset: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield ``(name, value)`` for each cache variable and environment variable of a preset."""
    for key in ("cacheVariables", "environment"):
        for name, value in table(preset.get(key)).items():
            if isinstance(value, dict):  # {"type": "STRING", "value": "..."}
                value = value.get("value", "")
            yield str(name), str(value)


def sanitizer_options(root: Traversable) -> set[str]:
    """Find the CMake options whose ``if(OPTION)`` block adds ``-fsanitize=address``.

    ABACUS builds its sanitizer lane with ``-DENABLE_ASAN=1``; its
    ``CMakeLists.txt`` turns that into the compiler flag.
    """
    text = cmake_text(root, CMAKE)
    options = set()
    tokens = list(BLOCK.finditer(text))
    for index, token in enumerate(tokens):
        if token[1].lower() != "if" or not re.fullmatch(r"\w+", token[2]):
            continue
        # The block's first branch: up to its own else(), elseif() or endif().
        depth, end = 0, len(text)
        for later in tokens[index:]:
            kind = later[1].lower()
            if kind in {"else", "elseif"} and depth == 1:
                end = later.start()
                break
            depth += {"if": 1, "endif": -1}.get(kind, 0)
            if depth == 0:
                end = later.start()
                break
        if ADDRESS_SANITIZER.search(text[token.end() : end]):
            options.add(token[2])
    return options


def switches_on(text: str, options: set[str]) -> bool:
    """Tell whether a command line sets one of ``options`` to a true value."""
    return any(
        name in options and value.strip("'\"").lower() in TRUE_VALUES
        for name, value in CMAKE_DEFINE.findall(text)
    )


class DP801(Rule):
    """CMakePresets.json names the configurations that maintainers and CI share."""

    @classmethod
    def check(cls, root: Traversable, dp_cmake_presets: Document) -> Verdict:
        """Check ``CMakePresets.json``: a JSON object with a version and named configure presets."""
        if skip := not_a_cmake_application(root):
            return skip
        if not dp_cmake_presets.found:
            return (
                f"There is no `{PRESETS}`, so every developer and every CI job "
                "spells its own `cmake -D...` line, and they drift apart. Name the "
                "configurations once (presets version 6 needs CMake 3.25, version 3 "
                "CMake 3.21), and build them with `cmake --preset dev`:\n\n"
                f"{PRESETS_EXAMPLE}\n\nAdd `sanitizers` and `coverage` presets "
                "for those CI lanes (DP804)."
            )
        if dp_cmake_presets.error:
            return dp_cmake_presets.error
        data = dp_cmake_presets.data
        if not isinstance(data, dict):
            return f"`{PRESETS}` must be a JSON object with `version` and `configurePresets`."
        problems = []
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            problems.append(
                "has no integer `version`, so CMake refuses to read it (write "
                '`"version": 6` for CMake 3.25 and later)'
            )
        presets = configure_presets(root, dp_cmake_presets)
        unnamed = [preset for preset in presets if not preset.get("name")]
        if not presets:
            problems.append(
                "has no `configurePresets`, so `cmake --preset NAME` has nothing to "
                "configure"
            )
        elif unnamed:
            problems.append(
                f"has {len(unnamed)} configure preset(s) without a `name`, which "
                "CMake requires"
            )
        if problems:
            return f"`{PRESETS}` " + "; ".join(problems) + f":\n\n{PRESETS_EXAMPLE}"
        return True


class DP802(Rule):
    """The tests are registered with CTest, and CI runs them with ctest."""

    @classmethod
    def check(
        cls,
        root: Traversable,
        dp_workflows: tuple[Document, ...],
        dp_cmake_presets: Document,
    ) -> Verdict:
        """Look for ``enable_testing()``/``include(CTest)`` and a workflow step that runs ctest."""
        if skip := not_a_cmake_application(root):
            return skip
        problems = []
        if not any(
            ENABLES_TESTING.search(cmake_text(root, path)) for path in TEST_LISTS
        ):
            problems.append(
                f"None of {listing(TEST_LISTS)} calls `enable_testing()` or "
                "`include(CTest)`, so `ctest` finds no tests. Add `include(CTest)` "
                f"to the top `{CMAKE}` and register the tests with `add_test()` "
                "or, for GoogleTest, `gtest_discover_tests()`."
            )
        testing_workflow = tests_in_workflow_presets(dp_cmake_presets)
        if not any(
            RUNS_CTEST.search(text) or (testing_workflow and RUNS_WORKFLOW.search(text))
            for text in run_texts(dp_workflows)
        ):
            problems.append(
                "No GitHub Actions step runs `ctest` (or `cmake --build ... --target "
                "test`), so the tests never run on pull requests. After the build, "
                "run `ctest --test-dir build --output-on-failure` (or `ctest --preset "
                "dev`) in the test workflow."
            )
        if problems:
            return " ".join(problems)
        return True


class DP803(Rule):
    """clang-format formats the C++ code: a .clang-format and its pre-commit hook."""

    @classmethod
    def check(cls, root: Traversable, dp_precommit: Document) -> Verdict:
        """Find ``.clang-format`` at the top and a ``clang-format`` hook, from any repository."""
        skip = not_a_cmake_project(root)
        if skip:
            return skip
        problems = []
        if not any(is_file(root, name) for name in CLANG_FORMAT_FILES):
            problems.append(
                "There is no `.clang-format` at the top, so clang-format falls back "
                "to the LLVM style and each editor formats differently. Write the "
                "style down (`BasedOnStyle: Microsoft` in ABACUS, `Google` in "
                "DeePMD-kit), for example with `clang-format --style=Google "
                "--dump-config > .clang-format`."
            )
        if dp_precommit.error:
            problems.append(dp_precommit.error)
        elif CLANG_FORMAT_HOOK not in hook_ids(dp_precommit):
            where = (
                f"`{dp_precommit.path}` runs no `{CLANG_FORMAT_HOOK}` hook"
                if dp_precommit.found
                else f"There is no `{dp_precommit.path}`"
            )
            problems.append(
                f"{where}, so unformatted C++ reaches review. Add the "
                "pinned mirror (pre-commit.ci keeps it up to date):\n\n```yaml\n"
                "  - repo: https://github.com/pre-commit/mirrors-clang-format\n"
                "    rev: v22.1.8\n    hooks:\n      - id: clang-format\n"
                "        types_or: [c++, c]\n```"
            )
        return " ".join(problems) if problems else True


class DP804(Rule):
    """A CI lane builds and tests with AddressSanitizer."""

    @classmethod
    def check(
        cls,
        root: Traversable,
        dp_workflows: tuple[Document, ...],
        dp_cmake_presets: Document,
    ) -> Verdict:
        """Find ``-fsanitize=address`` in a configure preset or a workflow, directly or by an option."""
        if skip := not_a_cmake_application(root):
            return skip
        options = sanitizer_options(root)
        for preset in configure_presets(root, dp_cmake_presets):
            for name, value in preset_values(preset):
                if ADDRESS_SANITIZER.search(value) or (
                    name in options and value.lower() in TRUE_VALUES
                ):
                    return True
        for text in run_texts(dp_workflows):
            if ADDRESS_SANITIZER.search(text) or switches_on(text, options):
                return True
        named = (
            f" (`{CMAKE}` adds it under {listing(sorted(options))}, but no workflow "
            "or preset switches that on)"
            if options
            else ""
        )
        return (
            "No configure preset or GitHub Actions job builds with "
            f"`-fsanitize=address`{named}, so memory errors (out-of-bounds reads, "
            "use after free) pass the tests unnoticed until they corrupt a result. "
            f"Add a `sanitizers` preset to `{PRESETS}`:\n\n```json\n"
            '{"name": "sanitizers", "binaryDir": "build/sanitizers",\n'
            ' "cacheVariables": {"CMAKE_BUILD_TYPE": "Debug",\n'
            '   "CMAKE_CXX_FLAGS": "-fsanitize=address,undefined -fno-omit-frame-pointer"}}\n'
            "```\n\nand a CI job that configures, builds and runs `ctest` with it "
            "(weekly is enough if it is slow)."
        )
