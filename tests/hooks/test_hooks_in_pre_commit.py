"""The template's hooks, run by pre-commit exactly as a generated project's config declares them.

pre-commit cannot fetch GitHub here, so the hook repository is a local clone of
this one, tagged like a release; the project keeps only that repository's entry
of its generated ``.pre-commit-config.yaml``, with its ``args`` and options.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, committed_copy, git_commit_all, run

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "python"
HOOK_REPOSITORY_FILES = (
    ".pre-commit-hooks.yaml",
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "src",
)


def _our_entry(config: dict) -> dict:
    (entry,) = [
        repo
        for repo in config["repos"]
        if repo["repo"].endswith("/deepmodeling-template")
    ]
    return entry


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """This repository's hooks, tagged with the release the example pins."""
    config = yaml.safe_load(
        (EXAMPLE / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    )
    release = _our_entry(config)["rev"]
    repo = tmp_path_factory.mktemp("hooks") / "deepmodeling-template"
    repo.mkdir()
    for name in HOOK_REPOSITORY_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source,
                repo / name,
                ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"),
            )
        else:
            shutil.copy2(source, repo / name)
    git_commit_all(repo, f"release {release}")
    run(["git", "tag", release], repo)
    return repo, release


def tag_next_release(repo: Path, version: str) -> None:
    (repo / "NEXT").write_text(version, encoding="utf-8")
    git_commit_all(repo, f"release {version}")
    run(["git", "tag", version], repo)


def pre_commit(project: Path, tools: Path, home: Path, check: bool = True):
    return run(
        [tools / "pre-commit", "run", "--all-files", "--color", "never"],
        project,
        env={"PRE_COMMIT_HOME": str(home)},
        check=check,
    )


@pytest.fixture
def project(tmp_path, hook_repo) -> Path:
    """The python example, running only the template's own hooks, from ``hook_repo``."""
    project = committed_copy(EXAMPLE, tmp_path / "project")
    config_path = project / ".pre-commit-config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    entry = _our_entry(config)
    entry["repo"] = str(hook_repo[0])
    config["repos"] = [entry]
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    git_commit_all(project, "test: only the template's hooks")
    return project


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def test_a_fresh_project_passes_quietly(project, tools, pre_commit_home):
    result = pre_commit(project, tools, pre_commit_home)
    assert "check copier conflicts" in result.stdout
    assert "newest deepmodeling-template release" not in result.stdout


def test_behind_after_a_pre_commit_ci_bump_warns_without_failing(
    project, hook_repo, tools, pre_commit_home
):
    repo, release = hook_repo
    newer = "v99.0.0"
    tag_next_release(repo, newer)
    config_path = project / ".pre-commit-config.yaml"
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(
        text.replace(f"rev: {release}", f"rev: {newer}"), encoding="utf-8"
    )
    git_commit_all(project, "ci: pre-commit autoupdate")
    result = pre_commit(
        project, tools, pre_commit_home
    )  # passes: a warning, not a failure
    assert f"the newest deepmodeling-template release is {newer}" in result.stdout
    assert "copier update --defaults" in result.stdout


def test_conflict_markers_fail(project, tools, pre_commit_home):
    readme = project / "README.md"
    readme.write_text(
        readme.read_text(encoding="utf-8")
        + "<<<<<<< before updating\nours\n=======\ntheirs\n>>>>>>> after updating\n",
        encoding="utf-8",
    )
    result = pre_commit(project, tools, pre_commit_home, check=False)
    assert result.returncode == 1
    assert "README.md" in result.stdout
