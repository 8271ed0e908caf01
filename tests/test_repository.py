"""The template repository follows the standards it generates."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deepmodeling_template.hooks import freshness
from examples import regenerate
from tests.helpers import ROOT, released_commits, run


@pytest.mark.slow
def test_pre_commit_files_are_valid(tools):
    run([tools / "pre-commit", "validate-config", ".pre-commit-config.yaml"], ROOT)
    run([tools / "pre-commit", "validate-manifest", ".pre-commit-hooks.yaml"], ROOT)


@pytest.mark.slow
def test_own_code_is_ruff_clean(tools):
    run([tools / "ruff", "check", "--no-cache", "."], ROOT)
    run([tools / "ruff", "format", "--check", "--no-cache", "."], ROOT)


@pytest.mark.slow
def test_own_workflows_pass_zizmor(tools):
    result = run([tools / "zizmor", "--offline", "--format", "plain", ".github"], ROOT)
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize("tag", list(released_commits()))
def test_every_release_has_its_changelog_section(tag):
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## [{tag.removeprefix('v')}]" in changelog


def test_the_release_list_matches_the_tags():
    """Where the clone has tags, tests/releases.txt names each at its commit."""
    tags = run(["git", "tag", "--list", "v*"], ROOT).stdout.split()
    tagged = {
        tag: run(["git", "rev-parse", f"{tag}^{{commit}}"], ROOT).stdout.strip()
        for tag in tags
    }
    listed = released_commits()
    assert {tag: listed.get(tag) for tag in tagged} == tagged, (
        "add each release tag and its commit to tests/releases.txt"
    )


def test_template_release_is_not_behind_any_release():
    """Tagging without bumping `template_release` would pin projects' hooks to an older rev."""
    tags = run(["git", "tag", "--list", "v*"], ROOT).stdout.split()
    newest = max(map(freshness.parse_release, [*released_commits(), *tags]))
    declared = regenerate.template_release()
    assert freshness.parse_release(declared) >= newest, (
        f"includes/project.jinja declares {declared}: set template_release to the "
        "release you tag (CONTRIBUTING.md, Release)"
    )
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## [{declared.removeprefix('v')}]" in changelog


def test_the_repository_passes_its_own_standard():
    """This repository adopted its template; `dp-standard .` finds no failure here."""
    result = run(
        [Path(sys.executable).with_name("dp-standard"), "."], ROOT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout + result.stderr
