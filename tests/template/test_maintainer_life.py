"""Maintainers' lives that once lost work: headings, names, commits, appended sections, adoption, owners."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from identify.identify import tags_from_path

from deepmodeling_template.hooks import conflicts
from tests.helpers import (
    COPIER,
    GIT_ENV,
    PRE_COMMIT_HOOKS,
    REQUIRED_ANSWERS,
    ROOT,
    assert_clean,
    copier_at_a_terminal,
    dpdata_like,
    git_commit_all,
    render,
    render_at,
    run,
    update,
)

README = (ROOT / "README.md").read_text(encoding="utf-8")
RST_TITLE = "Credits\n=======\n\nThe people behind it.\n"
SETEXT_TITLE = "Notes\n=======\n\nA setext heading.\n"
# pre-commit-hooks ids whose console script has another name.
ENTRY = {"trailing-whitespace": "trailing-whitespace-fixer"}


def copier(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the ``copier`` command as a maintainer types it, without a terminal."""
    return subprocess.run(
        [str(COPIER), *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def readme_command(start: str) -> list[str]:
    """The README's shell command that starts with ``start``, as words."""
    (line,) = [line for line in README.splitlines() if line.startswith(start)]
    return shlex.split(line)


# --- 1. reStructuredText and Markdown headings ----------------------------------------


@pytest.mark.slow
def test_headings_trip_no_declared_hook(tmp_path, tools):
    """dpdata's docs/credits.rst underline passes every hook; Copier's markers do not."""
    config = yaml.safe_load(
        (ROOT / "examples" / "python" / ".pre-commit-config.yaml").read_text("utf-8")
    )
    (hooks,) = [
        repo["hooks"]
        for repo in config["repos"]
        if repo["repo"].endswith("/pre-commit-hooks")
    ]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "credits.rst").write_text(RST_TITLE, encoding="utf-8")
    (tmp_path / "NOTES.md").write_text(SETEXT_TITLE, encoding="utf-8")
    git_commit_all(tmp_path, "docs: credits")
    files = ["docs/credits.rst", "NOTES.md"]
    for hook in hooks:
        entry = ENTRY.get(hook["id"], hook["id"])
        args, kind = PRE_COMMIT_HOOKS[entry]  # the gates run the same hooks
        assert hook.get("args", []) == args
        typed = [name for name in files if kind in tags_from_path(str(tmp_path / name))]
        if not typed:
            continue
        result = run([tools / entry, *args, *typed], tmp_path, check=False)
        assert result.returncode == 0, (hook["id"], result.stdout)
    assert conflicts.find_leftovers(tmp_path, []) == []

    (tmp_path / "NOTES.md").write_text(
        "<<<<<<< before updating\nours\n=======\ntheirs\n>>>>>>> after updating\n",
        encoding="utf-8",
    )
    (tmp_path / "README.md.rej").write_text("@@ -1 +1 @@\n", encoding="utf-8")
    assert len(conflicts.find_leftovers(tmp_path, [])) == 4


# --- 2. a project name without Latin letters -------------------------------------------


def test_a_name_without_latin_letters_is_asked_for(tmp_path):
    """Typed interactively, Copier goes on to ask for the PyPI name."""
    text = copier_at_a_terminal(
        [
            "copy",
            "--vcs-ref=HEAD",
            "--data",
            "adopting=false",
            "--data",
            "project_name=深度势能",
            str(ROOT),
            str(tmp_path / "project"),
        ],
        until=b"PyPI",
    )
    assert "Distribution name on PyPI" in text, text
    assert "Traceback" not in text and "Validation error" not in text


def test_defaults_stop_and_name_dist_name(tmp_path):
    result = copier(
        [
            "copy",
            "--vcs-ref=HEAD",
            "--defaults",
            "--data",
            "project_name=深度势能",
            "--data",
            "maintainer_name=Ada Lovelace",
            "--data",
            "maintainer_email=ada@example.org",
            str(ROOT),
            str(tmp_path / "project"),
        ],
        tmp_path,
    )
    assert result.returncode != 0
    assert 'Question "dist_name" is required' in result.stderr
    assert not (tmp_path / "project").exists()


def test_a_mixed_name_still_derives_its_pypi_name(tmp_path):
    project = render(
        tmp_path / "project",
        {**REQUIRED_ANSWERS, "project_name": "DeePMD-kit 深度势能"},
    )
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text("utf-8"))
    assert (answers["dist_name"], answers["import_name"]) == (
        "deepmd-kit",
        "deepmd_kit",
    )


# --- 3. the documented commit -----------------------------------------------------------


def test_the_documented_commit_keeps_added_files(template_repo, tmp_path):
    """The after-update message's commit stages the files the update added."""
    project = render_at(template_repo, tmp_path / "project", "v0.1.0")
    result = copier(["update", "--defaults", "--vcs-ref=v0.2.0"], project)
    assert result.returncode == 0, result.stderr
    (command,) = re.findall(r"^\s*(git add .*&& git commit .*)$", result.stderr, re.M)
    subprocess.run(
        command, shell=True, cwd=project, env={**os.environ, **GIT_ENV}, check=True
    )
    assert run(["git", "status", "--porcelain"], project).stdout == ""
    assert ".github/CODEOWNERS" in run(["git", "ls-files"], project).stdout.split()


# --- 4. an appended README section -------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [{"license": "MIT"}, {"project_name": "Demo Kit", "dist_name": "demo-project"}],
)
def test_an_appended_readme_section_survives_an_answer_change(
    template_repo,
    tmp_path,
    change,
):
    project = render_at(template_repo, tmp_path / "project", "v0.2.0")
    section = "\n## Acknowledgements\n\nFunded by the Demo grant.\n"
    with (project / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(section)
    git_commit_all(project, "docs: acknowledgements")
    update(project, "v0.2.0", **change)
    assert_clean(project)
    text = (project / "README.md").read_text(encoding="utf-8")
    assert text.endswith(section)
    assert all(value in text for value in change.values() if value != "demo-project")


# --- 5. adopted repositories keep their files ---------------------------------------------


def test_an_adopted_repository_keeps_its_files_on_every_update(
    template_repo,
    tmp_path,
):
    repo = dpdata_like(tmp_path / "dpdata")
    (repo / "CONTRIBUTING.md").write_text(
        "# Contributing to dpdata\n", encoding="utf-8"
    )
    # Adoption adds tests.yml only where no workflow of theirs runs the tests.
    (repo / ".github" / "workflows" / "test.yml").unlink()
    git_commit_all(repo, "docs: contributing")
    (listing,) = re.findall(r'kept_files="\$\((git ls-files .*)\)"', README)
    kept = subprocess.run(
        listing, shell=True, cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert "dpdata/system.py" not in kept  # only where adoption writes
    ours = {path: (repo / path).read_bytes() for path in kept.split()}
    result = copier(
        [
            "copy",
            "--vcs-ref=v0.1.0",
            "--skip",
            "*",
            "--data",
            "adopting=true",
            "--data",
            f"kept_files={kept}",
            *[f"--data={key}={value}" for key, value in REQUIRED_ANSWERS.items()],
            "--defaults",
            str(template_repo),
            ".",
        ],
        repo,
    )
    assert result.returncode == 0, result.stderr
    assert "check-copier-conflicts" in result.stderr  # the snippet for their config
    assert "autoupdate_schedule: weekly" in result.stderr
    git_commit_all(repo, "chore: adopt deepmodeling-template")

    update(repo, "v0.2.0")  # the new release edits CONTRIBUTING and pre-commit
    assert_clean(repo)
    assert {path: (repo / path).read_bytes() for path in ours} == ours
    tests_workflow = (repo / ".github" / "workflows" / "tests.yml").read_text("utf-8")
    assert "timeout-minutes: 30" in tests_workflow  # added at adoption: still updated


# --- 7. moving to another owner --------------------------------------------------------------


def test_moving_to_another_owner_with_the_documented_answers(
    template_repo,
    tmp_path,
):
    project = render_at(template_repo, tmp_path / "project", "v0.2.0")
    assert (project / ".github" / "workflows" / "mirror_gitee.yml").exists()
    words = readme_command("copier update --defaults --data github_owner=")
    answers = dict(
        word.split("=", 1)
        for word in words[words.index("--defaults") + 1 :]
        if "=" in word
    )
    update(project, "v0.2.0", **answers)
    assert_clean(project)
    assert not (project / ".github" / "workflows" / "mirror_gitee.yml").exists()
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "DeepModeling community](" not in readme
    assert "github.com/my-group/demo-project" in readme
    conf = (project / "docs" / "conf.py").read_text(encoding="utf-8")
    assert 'copyright_holder = "Ada Lovelace"' in conf
