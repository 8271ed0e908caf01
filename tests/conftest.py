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
    git_commit_all,
    pinned_hook_revs,
    render,
    synthetic_change,
    template_repository,
    venv,
)

# How the tests are spread over pytest-xdist's workers.
pytest_plugins = ["tests.scheduling"]

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path


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
