"""`copier update` adopts a new template release and never loses a maintainer's work.

Template versions are built in temporary git repositories: a scripted change
on top of the working tree (``v0.1.0`` -> ``v0.2.0``), and each of this
repository's releases, taken from its own history (``tests/releases.txt``),
followed by the working tree. Each scenario renders at the older version, commits, lives
a scripted "downstream life" (edits, a new dependency, pre-commit.ci and
Dependabot bumps, a deleted file), updates, and then checks what was kept, what
arrived and that the project is still green. The update bot, which runs these
updates weekly, has its own tests (``tests/test_update_bot.py``).
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from deepmodeling_template.hooks import freshness
from examples import regenerate
from tests.helpers import (
    BUMPED_RUFF,
    CHECKOUT,
    COPIER_YML,
    CPP_DOUBLE,
    CPP_NEW_TEST,
    CPP_VERSION,
    DELETED,
    DOUBLE,
    GIT_ENV,
    NEW_TEST,
    README_SECTION,
    REQUIRED_ANSWERS,
    RUFF,
    assert_clean,
    assert_downstream_kept,
    assert_template_change_arrived,
    copy_template,
    dpdata_like,
    export_commit,
    git_commit_all,
    leftovers,
    live,
    pinned_hook_revs,
    released_commits,
    render,
    render_at,
    replace_once,
    run,
    tag_release,
    template_repository,
    update,
    without_dependency,
)

if TYPE_CHECKING:
    pass

PROFILES = (
    list(COPIER_YML["profile"]["choices"].values())
    if "profile" in COPIER_YML
    else ["python"]
)


# --- template versions ----------------------------------------------------------


def next_version(tag: str) -> str:
    release = freshness.parse_release(tag)
    return str(release._replace(patch=release.patch + 1))


@pytest.fixture(scope="module", params=list(released_commits()))
def released_repo(request, tmp_path_factory) -> tuple[Path, str, str]:
    """One of this repository's releases, then the working tree as the next release.

    Every release in ``tests/releases.txt`` takes its turn: projects update
    from whichever release they are on. Returns the template repository, the
    released tag and the next tag.
    """
    released = request.param
    releases = released_commits()
    newest = max(
        [*releases, regenerate.template_release()], key=freshness.parse_release
    )
    upcoming = next_version(newest)
    repo = tmp_path_factory.mktemp("released-history") / "deepmodeling-template"
    repo.mkdir()
    export_commit(releases[released], repo)
    git_commit_all(repo, f"release {released}")
    run(["git", "tag", released], repo)
    for folder in ("includes", "template"):
        shutil.rmtree(repo / folder)
    (repo / "copier.yml").unlink()
    copy_template(repo)
    tag_release(repo, upcoming)
    return repo, released, upcoming


def profiles_at(repo: Path, tag: str) -> list[str]:
    """The `profile` choices of the release ``tag`` of the template repository ``repo``."""
    copier_yml = yaml.safe_load(run(["git", "show", f"{tag}:copier.yml"], repo).stdout)
    return list(
        copier_yml.get("profile", {}).get("choices", {"python": "python"}).values()
    )


# --- downstream life -------------------------------------------------------------


def without_life(relative: str, text: str) -> str:
    """``text`` of a lived-in project's file with what :func:`live` did taken out."""
    text = text.replace(README_SECTION, "").replace(DOUBLE, "")
    if relative == "pyproject.toml":
        text = without_dependency(text)
    text = text.replace(CPP_DOUBLE, "").replace(CPP_VERSION[1], CPP_VERSION[0])
    text = text.replace(f"rev: v{BUMPED_RUFF}", f"rev: v{pinned_hook_revs()[RUFF]}")
    if relative.startswith(".github/workflows/"):
        text = text.replace(CHECKOUT[1], CHECKOUT[0])
    return text


def assert_fresh_render_plus_life(
    project: Path, repo: Path, version: str, **answers: object
) -> None:
    """The updated project is the new release's own render, plus the downstream life.

    So every template change arrived, and nothing else changed.
    """
    fresh = render(
        project.parent / "fresh", {**REQUIRED_ANSWERS, **answers}, repo, vcs_ref=version
    )
    updated = {
        relative: without_life(relative, content.decode("utf-8"))
        for relative, content in regenerate.tree(project).items()
        if relative not in {NEW_TEST, CPP_NEW_TEST}
    }
    expected = {
        relative: content.decode("utf-8")
        for relative, content in regenerate.tree(fresh).items()
        if relative != DELETED
    }
    assert sorted(updated) == sorted(expected)
    for name, text in expected.items():
        assert updated[name] == text, "".join(
            difflib.unified_diff(
                text.splitlines(keepends=True),
                updated[name].splitlines(keepends=True),
                f"fresh/{name}",
                f"updated/{name}",
            )
        )


# The release before the README moved "Contributing" to its end: updating from it,
# a section appended to the README meets that move once (CHANGELOG: keep both).
README_REORDERED = "v0.2.0"
CONFLICT = re.compile(
    r"<<<<<<< before updating\n(.*?)=======\n(.*?)>>>>>>> after updating\n", re.DOTALL
)


def keep_both_sides(path: Path) -> None:
    """Resolve each conflict as the CHANGELOG says: the template's lines, then yours."""
    text = path.read_text(encoding="utf-8")
    resolved, count = CONFLICT.subn(lambda m: f"{m[2]}\n{m[1]}", text)
    assert count == 1, text
    path.write_text(resolved, encoding="utf-8")


# --- scenarios -------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_update_after_downstream_life_is_clean(template_repo, tmp_path, profile):
    extra = {"profile": profile} if "profile" in COPIER_YML else {}
    project = render_at(template_repo, tmp_path / "project", "v0.1.0", **extra)
    live(project)
    update(project, "v0.2.0")
    assert_clean(project)
    assert_downstream_kept(project)
    assert_template_change_arrived(project)
    assert_fresh_render_plus_life(project, template_repo, "v0.2.0", **extra)


@pytest.mark.parametrize("profile", PROFILES)
def test_update_from_each_release_is_clean(released_repo, tmp_path, profile):
    """From this repository's newest release, as users' projects update."""
    repo, released, upcoming = released_repo
    if profile not in profiles_at(repo, released):
        pytest.skip(f"{released} has no {profile} profile: no project is on it")
    project = render_at(repo, tmp_path / "project", released, profile=profile)
    live(project)
    update(project, upcoming)
    if freshness.parse_release(released) <= freshness.parse_release(README_REORDERED):
        keep_both_sides(project / "README.md")
    assert_clean(project)
    assert_downstream_kept(project)
    assert_fresh_render_plus_life(project, repo, upcoming, profile=profile)


def test_update_turning_the_cli_on(template_repo, tmp_path):
    project = render_at(template_repo, tmp_path / "project", "v0.1.0")
    live(project)
    update(project, "v0.2.0", cli=True)
    assert_clean(project)
    assert_downstream_kept(project)
    assert_template_change_arrived(project)
    assert (project / "src" / "demo_project" / "cli.py").exists()
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert 'demo-project = "demo_project.cli:main"' in pyproject
    assert (
        yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))[
            "cli"
        ]
        is True
    )


def test_bot_bump_of_the_template_hook_merges_cleanly(template_repo, tmp_path):
    """pre-commit.ci bumps the deepmodeling-template rev before the update lands."""
    project = render_at(template_repo, tmp_path / "project", "v0.1.0")
    replace_once(project / ".pre-commit-config.yaml", "rev: v0.1.0", "rev: v0.2.0")
    git_commit_all(project, "ci: pre-commit autoupdate")
    update(project, "v0.2.0")
    assert_clean(project)
    assert_template_change_arrived(project)


def test_a_real_conflict_is_caught_by_the_guard(template_repo, tmp_path):
    """Copier exits 0 with markers in the file; the published hook fails on them."""
    project = render_at(template_repo, tmp_path / "project", "v0.1.0")
    replace_once(
        project / ".pre-commit-config.yaml",
        "      - id: check-json\n",
        "      - id: check-executables-have-shebangs\n      - id: check-json\n",
    )
    git_commit_all(project, "ci: one more hook")
    update(project, "v0.2.0")  # no exception: Copier does not report conflicts
    problems = leftovers(project)
    assert any(".pre-commit-config.yaml" in line for line in problems)
    text = (project / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "<<<<<<< before updating" in text and ">>>>>>> after updating" in text


def test_update_needs_no_trust_and_keeps_a_clean_tree(template_repo, tmp_path):
    project = render_at(template_repo, tmp_path / "project", "v0.1.0")
    update(project, "v0.2.0")
    status = run(["git", "status", "--porcelain"], project).stdout
    assert ".copier-answers.yml" in status  # the update is a reviewable change...
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-q", "-m", "chore: update"], project, env=GIT_ENV)
    assert (
        run(["git", "status", "--porcelain"], project).stdout == ""
    )  # ...and nothing else is left


def assert_updated_project_is_green(
    repo: Path, old: str, new: str, project: Path, make_venv
) -> None:
    """Render at ``old``, live, update to ``new``: the project's tests and lint pass."""
    render_at(repo, project, old)
    live(project)
    update(project, new)
    git_commit_all(project, f"chore: update from deepmodeling-template {new}")
    venv = make_venv(["-e", f"{project}[test]", f"ruff=={BUMPED_RUFF}"], name="updated")
    run([venv / "python", "-m", "pytest", "-p", "no:cacheprovider"], project)
    run([venv / "ruff", "check", "--no-cache", "."], project)
    run([venv / "ruff", "format", "--check", "--no-cache", "."], project)


@pytest.mark.slow
def test_updated_project_passes_its_own_tests_and_lint(
    template_repo, tmp_path, make_venv
):
    assert_updated_project_is_green(
        template_repo, "v0.1.0", "v0.2.0", tmp_path / "project", make_venv
    )


@pytest.mark.slow
def test_project_updated_from_a_release_passes_its_own_tests_and_lint(
    released_repo, tmp_path, make_venv
):
    repo, released, upcoming = released_repo
    assert_updated_project_is_green(
        repo, released, upcoming, tmp_path / "project", make_venv
    )


# --- renamed and removed questions ---------------------------------------------------

MIRROR_WORKFLOW = "template/.github/workflows/{name}mirror_gitee.yml{{% endif %}}.jinja"
BOT_WORKFLOW = (
    "template/.github/workflows/{% if update_bot %}template-update.yml{% endif %}.jinja"
)


def retire_questions(repo: Path) -> None:
    """A release that renames `gitee_mirror` and removes `update_bot`, as CONTRIBUTING.md says."""
    copier_yml = repo / "copier.yml"
    replace_once(copier_yml, "gitee_mirror:\n", "mirror_to_gitee:\n")
    replace_once(
        copier_yml,
        '  default: "{{ deepmodeling_owned }}"\n  validator:',
        '  default: "{{ gitee_mirror if gitee_mirror is defined'
        ' else deepmodeling_owned }}"\n  validator:',
    )
    text = copier_yml.read_text(encoding="utf-8")
    start = text.index("update_bot:\n")
    copier_yml.write_text(
        text[:start] + text[text.index("\n\n", start) + 2 :], encoding="utf-8"
    )
    (repo / MIRROR_WORKFLOW.format(name="{% if gitee_mirror %}")).rename(
        repo / MIRROR_WORKFLOW.format(name="{% if mirror_to_gitee %}")
    )
    bot = repo / BOT_WORKFLOW
    replace_once(
        bot, "--data update_bot=false", "--skip .github/workflows/template-update.yml"
    )
    bot.rename(bot.with_name("template-update.yml.jinja"))


@pytest.fixture(scope="module")
def retiring_repo(tmp_path_factory) -> Path:
    """Releases v0.1.0 (this tree) and v0.2.0 (one question renamed, one removed)."""
    return template_repository(
        tmp_path_factory.mktemp("template") / "deepmodeling-template",
        {"v0.1.0": None, "v0.2.0": retire_questions},
    )


def test_a_renamed_question_keeps_its_answer_without_trust(retiring_repo, tmp_path):
    """The new name's default reads the old answer: no migration script, no --trust."""
    project = render_at(
        retiring_repo, tmp_path / "project", "v0.1.0", gitee_mirror=False
    )
    update(project, "v0.2.0")  # unsafe=False: raises if the update needed trust
    assert_clean(project)
    answers = yaml.safe_load(
        (project / ".copier-answers.yml").read_text(encoding="utf-8")
    )
    assert answers["mirror_to_gitee"] is False  # the default for deepmodeling is True
    assert "gitee_mirror" not in answers
    assert not (project / ".github" / "workflows" / "mirror_gitee.yml").exists()


def test_a_removed_question_leaves_the_answers_file(retiring_repo, tmp_path):
    project = render_at(retiring_repo, tmp_path / "project", "v0.1.0")
    workflow = project / ".github" / "workflows" / "template-update.yml"
    with workflow.open("a", encoding="utf-8") as edited:
        edited.write("# Reviewed by the Demo group.\n")
    git_commit_all(project, "ci: note the review")
    update(project, "v0.2.0")
    assert_clean(project)
    answers = yaml.safe_load(
        (project / ".copier-answers.yml").read_text(encoding="utf-8")
    )
    assert "update_bot" not in answers
    text = workflow.read_text(encoding="utf-8")
    assert "# Reviewed by the Demo group." in text
    assert "--skip .github/workflows/template-update.yml" in text


# --- adopting the template in an existing repository ---------------------------------


def test_adopting_in_an_existing_repository(tmp_path):
    """The README's adoption command adds community files and answers, and changes nothing of theirs."""
    repo = dpdata_like(tmp_path / "dpdata")
    before = regenerate.tree(repo)
    answers = {
        "adopting": True,
        "project_name": "dpdata",
        "maintainer_name": "Ada Lovelace",
        "maintainer_email": "ada@example.org",
    }
    render(repo, answers, skip_if_exists=["*"])
    after = regenerate.tree(repo)
    for path, content in before.items():
        assert after.get(path) == content, f"{path} was changed"
    status = run(["git", "status", "--porcelain"], repo).stdout.splitlines()
    assert status and all(line.startswith("??") for line in status), (
        status
    )  # only new files: a reviewable diff
    added = {line[3:] for line in status}
    assert {
        ".copier-answers.yml",
        "CITATION.cff",
        "CODE_OF_CONDUCT.md",
        "SECURITY.md",
        ".github/dependabot.yml",
    } <= added
    assert not (repo / "src").exists() and not (repo / "docs" / "index.md").exists()
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["adopting"] is True
