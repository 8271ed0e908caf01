"""Fixtures shared by the template's tests.

Rendering is cached per answer set for the whole session, and the tools the
gates run are installed once, from PyPI, at the versions the generated
``.pre-commit-config.yaml`` pins.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from copier import run_copy

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template"
sys.path.insert(0, str(ROOT / "examples"))

import regenerate  # noqa: E402  (examples/regenerate.py defines the examples)

# The fewest answers `copier copy --defaults` needs (and a fixed year).
REQUIRED_ANSWERS: dict[str, Any] = regenerate.EXAMPLES["python"][0]

# Every question away from its default, with text that needs quoting everywhere.
CUSTOM_ANSWERS: dict[str, Any] = {
    "project_name": 'Ünïcode "Q" Tool: #1',
    "dist_name": "unicode-q-tool",
    "import_name": "uqtool",
    "description": 'Computes *things*: fast & "exact" \\ # {{ not jinja }}',
    "maintainer_name": "Zoë O'Brien-张",
    "maintainer_email": "zoe.obrien+dp@example.ac.uk",
    "github_owner": "example-lab",
    "repo_name": "uq_tool",
    "license": "MIT",
    "copyright_holder": "Example Lab [Physics]",
    "copyright_year": "2024",
    "maturity": "incubating",
    "python_min": "3.11",
    "cli": True,
    "gitee_mirror": False,
}

# The examples in examples/, and the hostile custom set.
ANSWER_SETS: dict[str, dict[str, Any]] = {
    **{name: answers for name, (answers, _) in regenerate.EXAMPLES.items()},
    "custom": CUSTOM_ANSWERS,
}

# Set when the tests run inside a git hook; they would point git at this repository.
HOOK_GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Lovelace",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Lovelace",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
}


def run(
    command: Sequence[str | os.PathLike[str]],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with its output."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={
            **{k: v for k, v in os.environ.items() if k not in HOOK_GIT_VARIABLES},
            **GIT_ENV,
            **(env or {}),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} exited {result.returncode} in {cwd}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}",
            pytrace=False,
        )
    return result


def git_commit_all(project: Path, message: str = "chore: generate project") -> None:
    """Make ``project`` a git repository with everything committed."""
    if not (project / ".git").exists():
        run(["git", "init", "-q", "-b", "main"], project)
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-q", "--no-verify", "-m", message], project)


def copy_template(destination: Path) -> Path:
    """Copy what Copier reads of this repository (not its tests or examples) to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "copier.yml", destination / "copier.yml")
    for folder in ("includes", "template"):
        shutil.copytree(ROOT / folder, destination / folder)
    return destination


def tag_release(repo: Path, version: str) -> None:
    """Make ``repo`` (a template copy) release ``version``, as CONTRIBUTING.md describes."""
    project = repo / "includes" / "project.jinja"
    text = project.read_text(encoding="utf-8")
    project.write_text(
        re.sub(r'template_release = "v[^"]+"', f'template_release = "{version}"', text),
        encoding="utf-8",
    )
    git_commit_all(repo, f"release {version}")
    run(["git", "tag", version], repo)


def released_commits() -> dict[str, str]:
    """Tag -> commit of this repository's releases, newest first."""
    lines = (ROOT / "tests" / "releases.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split() for line in lines if line and not line.startswith("#")]
    return {tag: commit for tag, commit in pairs}


@pytest.fixture
def newest_release_from_pinned_rev(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the newest release from a project's pinned rev, not the installed version.

    The installed checker is a development version here; pinning this keeps
    the tests independent of how the repository is installed.
    """
    from deepmodeling_template import freshness

    monkeypatch.setattr(freshness, "own_version", lambda: None)


@pytest.fixture(scope="session")
def released_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as a template repository tagged with the release it declares.

    Projects rendered from it record that release as ``_commit``, as users'
    projects do, instead of the hash of an untagged commit.
    """
    repo = copy_template(tmp_path_factory.mktemp("released") / "deepmodeling-template")
    tag_release(repo, regenerate.template_release())
    return repo


def render(
    destination: Path,
    answers: Mapping[str, Any],
    template: Path = ROOT,
    vcs_ref: str = "HEAD",
    **kwargs: Any,
) -> Path:
    """Render the template (the working tree by default), as ``copier copy --defaults`` would."""
    run_copy(
        str(template),
        destination,
        data=dict(answers),
        defaults=True,
        vcs_ref=vcs_ref,
        unsafe=False,
        quiet=True,
        **kwargs,
    )
    return destination


def committed_copy(source: Path, destination: Path) -> Path:
    """Copy a stored example and commit it, as its maintainer's first commit would."""
    shutil.copytree(source, destination)
    git_commit_all(destination)
    return destination


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


def pinned_hook_revs() -> dict[str, str]:
    """Hook repository URL -> version (without ``v``) in the generated pre-commit config."""
    config = (TEMPLATE / ".pre-commit-config.yaml.jinja").read_text(encoding="utf-8")
    pairs = zip(
        (
            line.split("repo:")[1].strip()
            for line in config.splitlines()
            if "- repo:" in line
        ),
        (
            line.split("rev:")[1].strip()
            for line in config.splitlines()
            if " rev:" in line
        ),
        strict=True,
    )
    return {repo: rev.removeprefix("v") for repo, rev in pairs}


def _venv(path: Path, requirements: Sequence[str], python: str | None = None) -> Path:
    """Create a virtual environment with uv and install ``requirements``; return its bin."""
    from uv import find_uv_bin

    uv = find_uv_bin()
    run([uv, "venv", "-q", "--python", python or "python3", path], ROOT)
    run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            path / "bin" / "python",
            *requirements,
        ],
        ROOT,
    )
    return path / "bin"


@pytest.fixture(scope="session")
def make_venv(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Factory for uv-made virtual environments; returns the ``bin`` directory."""

    def make(requirements: Sequence[str], name: str = "venv") -> Path:
        return _venv(tmp_path_factory.mktemp(name) / ".venv", requirements)

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
