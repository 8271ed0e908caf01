"""Fixtures shared by the tests (the functions behind them are in ``helpers.py``).

Rendering is cached per answer set for the whole session, and the tools the
gates run are installed once, from PyPI, at the versions the generated
``.pre-commit-config.yaml`` pins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import yaml

from examples import regenerate
from tests.helpers import (
    ANSWER_SETS,
    git_commit_all,
    pinned_hook_revs,
    render,
    synthetic_change,
    template_repository,
    venv,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path


# The modules that take longest on two cores (`--durations`), scheduled first so
# that both workers finish together. A hint only: a stale entry costs seconds,
# never a result.
LONGEST_FIRST = (
    "tests/template/test_gates.py",
    "tests/template/test_cpp.py",
    "tests/template/test_update_bot.py",
    "tests/template/test_update.py",
    "tests/template/test_adoption.py",
)
GATES = "tests/template/test_gates.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collect the longest modules first (the order xdist hands them out in)."""

    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::")[0]
        return (
            LONGEST_FIRST.index(module)
            if module in LONGEST_FIRST
            else len(LONGEST_FIRST)
        )

    items.sort(key=rank)


def xdist_scope(nodeid: str) -> str:
    """The tests that run together on one worker: a module, or one project's gates.

    A module's session and module fixtures (rendered projects, builds) are then
    made once, while the gates of the projects of test_gates.py, its ``project``
    parameter (the first part of a test's parameter ID), spread over workers.
    """
    module, _, test = nodeid.partition("::")
    if module != GATES or "[" not in test:
        return module
    params = test.partition("[")[2].removesuffix("]")
    projects = [
        name for name in ANSWER_SETS if params == name or params.startswith(f"{name}-")
    ]
    return f"{module}[{max(projects, key=len, default='')}]"


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadscope`` with the scopes of :func:`xdist_scope`.

    (``--dist loadgroup`` would say the same with marks, but pytest-xdist 3.8
    does not see marks under pytest 9.2.)
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByModuleAndProject(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return ByModuleAndProject(config, log)


@pytest.fixture
def newest_release_from_pinned_rev(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the newest release from a project's pinned rev, not the installed version.

    The installed checker is a development version here; pinning this keeps
    the tests independent of how the repository is installed.
    """
    from deepmodeling_template.hooks import freshness

    monkeypatch.setattr(freshness, "own_version", lambda: None)


@pytest.fixture(scope="session")
def released_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as a template repository tagged with the release it declares.

    Projects rendered from it record that release as ``_commit``, as users'
    projects do, instead of the hash of an untagged commit.
    """
    return template_repository(
        tmp_path_factory.mktemp("released") / "deepmodeling-template",
        {regenerate.template_release(): None},
    )


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Releases v0.1.0 (this tree) and v0.2.0 (a synthetic template change)."""
    return template_repository(
        tmp_path_factory.mktemp("template") / "deepmodeling-template",
        {"v0.1.0": None, "v0.2.0": synthetic_change},
    )


@pytest.fixture(scope="session")
def rendered(
    tmp_path_factory: pytest.TempPathFactory, released_template: Path
) -> Callable[..., Path]:
    """Render an answer set once per session, committed; returns the project directory."""
    cache: dict[str, Path] = {}

    def get(**answers: Any) -> Path:
        key = yaml.safe_dump(answers, sort_keys=True)
        if key not in cache:
            project = render(
                tmp_path_factory.mktemp("project") / "project",
                answers,
                released_template,
            )
            git_commit_all(project)
            cache[key] = project
        return cache[key]

    return get


@pytest.fixture(scope="session")
def make_venv(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Factory for uv-made virtual environments; returns the ``bin`` directory."""

    def make(requirements: Sequence[str], name: str = "venv") -> Path:
        return venv(tmp_path_factory.mktemp(name) / ".venv", requirements)

    return make


@pytest.fixture(scope="session")
def tools(make_venv: Callable[..., Path]) -> Iterator[Path]:
    """The gates' tools, at the versions the generated pre-commit config pins."""
    revs = pinned_hook_revs()
    yield make_venv(
        [
            f"ruff=={revs['https://github.com/astral-sh/ruff-pre-commit']}",
            f"zizmor=={revs['https://github.com/zizmorcore/zizmor-pre-commit']}",
            f"pre-commit-hooks=={revs['https://github.com/pre-commit/pre-commit-hooks']}",
            f"codespell=={revs['https://github.com/codespell-project/codespell']}",
            "pre-commit==4.7.0",
            "validate-pyproject[all]==0.27",
            "build==1.6.1",
            "twine==7.0.0",
            "sp-repo-review==2026.8.14",
            "repo-review==1.3.0",
            "uv",
        ],
        name="tools",
    )


@pytest.fixture(scope="session")
def schema_tools(make_venv: Callable[..., Path]) -> Path:
    """check-jsonschema (it needs a newer jsonschema than cffconvert allows)."""
    return make_venv(["check-jsonschema==0.39.0"], name="schema-tools")


@pytest.fixture(scope="session")
def cff_tools(make_venv: Callable[..., Path]) -> Path:
    """cffconvert, which validates CITATION.cff offline against its bundled schema."""
    return make_venv(["cffconvert==2.0.0"], name="cff-tools")
