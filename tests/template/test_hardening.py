"""Hostile answers, secure workflows, and clear errors for what users get wrong."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from copier import run_update
from copier.errors import InteractiveSessionError, UnsupportedVersionError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from examples import regenerate
from tests.helpers import (
    ANSWER_SETS,
    REQUIRED_ANSWERS,
    ROOT,
    copy_template,
    git_commit_all,
    render,
    run,
    template_repository,
)

# Copier leaks a directory iterator on its error paths (its bug, not the template's).
pytestmark = pytest.mark.filterwarnings(
    "ignore::pytest.PytestUnraisableExceptionWarning"
)

# --- every answer is safe in every format ------------------------------------------

# One line of text: anything a person might type, except what no format can hold
# (control characters, line and paragraph separators, BOM, non-characters),
# which the validators refuse (see test_validators.py).
one_line = (
    st.text(
        alphabet=st.characters(
            exclude_categories=("Cc", "Cs", "Zl", "Zp"),
            exclude_characters="\ufeff\ufffe\uffff\x85",
        ),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)
# Text built to hit the quoting rules of TOML, YAML, Python and Markdown.
tricky = (
    st.lists(
        st.sampled_from(
            [
                '"',
                "'",
                "\\",
                ":",
                "#",
                "- ",
                "{{ x }}",
                "{%",
                "*",
                "_",
                "[a](b)",
                "<b>",
                "&amp;",
                "1. ",
                "`",
                "|",
                "~",
                "!",
                "%",
                "$",
                "--",
                "🧪",
                "中文",
                "é",
                " ",
                "a",
                "z: y",
                "null",
                "yes",
            ],
        ),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)
answer_text = st.one_of(one_line, tricky)


def _inline_text(tokens, index: int) -> str:
    return "".join(
        child.content
        for child in tokens[index].children
        if child.type in {"text", "code_inline"}
    )


def _markdown_heading_and_paragraphs(text: str) -> tuple[str, list[str]]:
    """The first heading's text, and the text of every paragraph, as a reader sees them."""
    tokens = MarkdownIt("commonmark").parse(text)
    heading = next(i for i, t in enumerate(tokens) if t.type == "heading_open") + 1
    paragraphs = [
        _inline_text(tokens, i + 1)
        for i, t in enumerate(tokens)
        if t.type == "paragraph_open"
    ]
    return _inline_text(tokens, heading), paragraphs


def _python_strings(source: str) -> dict[str, str]:
    return {
        node.targets[0].id: node.value.value
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=answer_text, description=answer_text, person=answer_text, holder=answer_text
)
def test_any_text_lands_exactly_in_every_format(
    tmp_path_factory, name, description, person, holder
):
    project = render(
        tmp_path_factory.mktemp("hostile") / "project",
        {
            **REQUIRED_ANSWERS,
            "project_name": name,
            "dist_name": "demo-project",
            "description": description,
            "maintainer_name": person,
            "copyright_holder": holder,
            "license": "MIT",
        },
    )
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    assert pyproject["description"] == description
    assert pyproject["authors"][-1]["name"] == person  # after DeepModeling

    citation = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
    # The maintainer is a person: the default family name is the last word.
    family = person.split()[-1]
    given = person.removesuffix(family).strip().strip(",").strip()
    maintainer = citation["authors"][-1]
    assert (maintainer["family-names"], maintainer.get("given-names", "")) == (
        family,
        given,
    )
    assert (citation["title"], citation["abstract"]) == (name, description)

    conf = _python_strings((project / "docs" / "conf.py").read_text(encoding="utf-8"))
    assert (conf["project"], conf["author"], conf["copyright_holder"]) == (
        name,
        person,
        holder,
    )

    for markdown in ("README.md", "docs/index.md"):
        heading, paragraphs = _markdown_heading_and_paragraphs(
            (project / markdown).read_text(encoding="utf-8")
        )
        assert heading == name, markdown
        assert description in paragraphs, markdown

    assert f"Copyright (c) 2026 {holder}\n" in (project / "LICENSE").read_text(
        encoding="utf-8"
    )
    answers = yaml.safe_load(
        (project / ".copier-answers.yml").read_text(encoding="utf-8")
    )
    assert (answers["project_name"], answers["description"]) == (name, description)


def test_hostile_python_is_already_formatted(rendered, tools):
    """The quote style of generated string literals is the one ruff format picks."""
    project = rendered(**ANSWER_SETS["custom"])
    run([tools / "ruff", "format", "--check", "--no-cache", "docs/conf.py"], project)


# --- secure workflows ---------------------------------------------------------------------

RUNS_THIRD_PARTY_CODE = re.compile(
    r"\b(uvx|uv|pip|pytest|python|npm|sphinx-build|make)\b"
)


def _workflows(project: Path) -> list[tuple[str, dict]]:
    return [
        (path.name, yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted((project / ".github" / "workflows").glob("*.yml"))
    ]


@pytest.mark.parametrize("answer_set", ANSWER_SETS)
def test_workflows_are_least_privilege(rendered, answer_set):
    project = rendered(**ANSWER_SETS[answer_set])
    for name, workflow in _workflows(project):
        triggers = (
            workflow[True] if True in workflow else workflow["on"]
        )  # YAML 1.1 reads `on` as True
        assert "pull_request_target" not in (
            triggers if isinstance(triggers, (dict, list)) else [triggers]
        ), name
        assert workflow["permissions"] == {}, (
            f"{name}: top-level permissions must be {{}}"
        )
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, (
                f"{name}:{job_name} grants no explicit permissions"
            )
            assert not any("secrets." in str(v) for v in job.get("env", {}).values()), (
                f"{name}:{job_name}"
            )
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (
                        f"{name}:{job_name}"
                    )
                script = step.get("run", "")
                assert "${{" not in script, (
                    f"{name}:{job_name}: expression interpolated into a script"
                )
                if any(
                    "secrets." in str(v) or "token" in str(v)
                    for v in step.get("env", {}).values()
                ):
                    assert not RUNS_THIRD_PARTY_CODE.search(script), (
                        f"{name}:{job_name}: a token reaches installed code"
                    )
            if any(
                str(s.get("uses", "")).startswith("codecov/")
                for s in job.get("steps", [])
            ):
                assert not any(
                    RUNS_THIRD_PARTY_CODE.search(s.get("run", "")) for s in job["steps"]
                )


# --- clear errors, and nothing lost ----------------------------------------------------


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """This template as a repository with release v0.1.0, and a broken v0.2.0."""

    def break_it(repo: Path) -> None:
        with (repo / "template" / "CONTRIBUTING.md.jinja").open(
            "a", encoding="utf-8"
        ) as contributing:
            contributing.write("\nA change that arrives before the failure.\n")
        # A file that fails to render, after others have been written.
        (repo / "template" / "zz_broken.txt.jinja").write_text(
            "{{ 1 // 0 }}\n", encoding="utf-8"
        )

    return template_repository(
        tmp_path_factory.mktemp("released") / "template",
        {"v0.1.0": None, "v0.2.0": break_it},
    )


@pytest.fixture
def project(released, tmp_path) -> Path:
    destination = tmp_path / "project"
    render(destination, REQUIRED_ANSWERS, released, vcs_ref="v0.1.0")
    git_commit_all(destination)
    return destination


def test_update_on_a_dirty_tree_is_refused_untouched(project):
    (project / "README.md").write_text("work in progress\n", encoding="utf-8")
    before = regenerate.tree(project)
    with pytest.raises(
        Exception,
        match=re.escape(
            "Destination repository is dirty; cannot continue. Please commit or stash"
        ),
    ):
        run_update(
            project,
            defaults=True,
            overwrite=True,
            vcs_ref="v0.1.0",
            unsafe=False,
            quiet=True,
        )
    assert regenerate.tree(project) == before


def test_update_without_answers_file_fails_and_the_hook_says_why(project):
    (project / ".copier-answers.yml").unlink()
    git_commit_all(project, "lost the answers")
    before = regenerate.tree(project)
    with pytest.raises(Exception, match="Template not found"):
        run_update(project, defaults=True, overwrite=True, unsafe=False, quiet=True)
    assert regenerate.tree(project) == before
    # Copier's message is terse; the template-version hook in every project explains.
    hook = Path(sys.executable).parent / "check-template-version"
    result = run([hook, "--newest", "v0.1.0"], project, check=False)
    assert result.returncode == 1
    assert ".copier-answers.yml" in result.stdout + result.stderr


def test_update_from_a_version_that_no_longer_exists(project):
    answers = project / ".copier-answers.yml"
    answers.write_text(
        answers.read_text(encoding="utf-8").replace(
            "_commit: v0.1.0", "_commit: v0.0.9"
        ),
        encoding="utf-8",
    )
    git_commit_all(project, "answers from a deleted tag")
    before = regenerate.tree(project)
    with pytest.raises(ValueError, match=re.escape("Unknown revision: 'v0.0.9'")):
        run_update(project, defaults=True, overwrite=True, unsafe=False, quiet=True)
    assert regenerate.tree(project) == before


def test_copy_into_a_non_empty_directory_keeps_the_users_files(released, tmp_path):
    destination = tmp_path / "existing"
    destination.mkdir()
    (destination / "README.md").write_text("mine\n", encoding="utf-8")
    with pytest.raises(InteractiveSessionError, match="Consider using `--overwrite`"):
        render(destination, REQUIRED_ANSWERS, released, vcs_ref="v0.1.0")
    assert (destination / "README.md").read_text(encoding="utf-8") == "mine\n"


def test_copier_older_than_the_minimum_is_told_to_upgrade(tmp_path):
    template = copy_template(tmp_path / "template")
    config = template / "copier.yml"
    config.write_text(
        re.sub(
            r'_min_copier_version: "[^"]+"',
            '_min_copier_version: "99.0.0"',
            config.read_text(encoding="utf-8"),
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        UnsupportedVersionError, match=r"requires Copier version >= 99\.0\.0"
    ):
        render(tmp_path / "project", REQUIRED_ANSWERS, template)
    assert not (tmp_path / "project").exists()
    assert yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))[
        "_min_copier_version"
    ]


def test_failed_copy_leaves_nothing_behind(released, tmp_path):
    destination = tmp_path / "new"
    with pytest.raises(ZeroDivisionError):
        render(destination, REQUIRED_ANSWERS, released, vcs_ref="v0.2.0")
    assert not destination.exists()


def test_failed_update_loses_nothing(project):
    """Copier updates only a clean, committed tree: a failure midway is undone by git."""
    before = regenerate.tree(project)
    with pytest.raises(ZeroDivisionError):
        run_update(
            project,
            defaults=True,
            overwrite=True,
            vcs_ref="v0.2.0",
            unsafe=False,
            quiet=True,
        )
    head = run(["git", "rev-parse", "HEAD"], project).stdout
    # Copier may have written some files before failing; the README's recovery:
    run(["git", "checkout", "--", "."], project)
    run(["git", "clean", "-fdq"], project)
    after = regenerate.tree(project)
    assert sorted(after) == sorted(before)
    assert [name for name in before if after[name] != before[name]] == []
    assert run(["git", "rev-parse", "HEAD"], project).stdout == head
