"""Adopting the template in the community's real repositories (issue 13).

DPDispatcher and DP-GEN default to `master`, keep their docs in `doc/`, test
with unittest from a `test` extra without pytest, support Python older than
the community's floor, and already have a test workflow, issue forms and a
contributing guide under their own names. Each pattern is a small synthetic
repository here, adopted with the README's command; the verdicts are the ones
a careful maintainer would give: nothing of theirs changes, nothing they have
is added a second time, and what is added fits their repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from copier import run_update

from tests.helpers import (
    REQUIRED_ANSWERS,
    ROOT,
    added_files,
    adopt,
    adopted,
    copier_at_a_terminal,
    copy_template,
    existing_repository,
    files_adoption_adds,
    git_commit_all,
    render,
    run,
    snapshot,
    tag_release,
)

README = (ROOT / "README.md").read_text(encoding="utf-8")
LGPL = (ROOT / "includes" / "licenses" / "LGPL-3.0-or-later.txt").read_text(
    encoding="utf-8"
)

# DP-GEN's shape, in miniature.
THEIR_TEST_WORKFLOW = """\
name: Python package
on: [push, pull_request]
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v7
      - run: pip install .[test] && python -m unittest -v
  pass:
    needs: [build]
    runs-on: ubuntu-latest
    if: always()
    steps:
      - uses: re-actors/alls-green@release/v1
        with:
          jobs: ${{ toJSON(needs) }}
"""
DPGEN_LIKE = {
    "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61", "setuptools_scm[toml]>=7"]\n'
    'build-backend = "setuptools.build_meta"\n\n[project]\nname = "dpgen"\ndynamic = ["version"]\n'
    'requires-python = ">=3.7"\nlicense = "LGPL-3.0-or-later"\n\n'
    '[project.optional-dependencies]\ntest = ["coverage"]\n',
    "README.md": "# DP-GEN\n\nConcurrent learning.\n",
    "LICENSE": LGPL,
    "dpgen/__init__.py": '"""DP-GEN."""\n',
    "tests/test_run.py": "import unittest\n\n\nclass TestRun(unittest.TestCase):\n"
    "    def test_run(self):\n        pass\n",
    "doc/conf.py": 'project = "DP-GEN"\n',
    "doc/index.rst": "DP-GEN\n======\n",
    "doc/contributing-guide/index.md": "# Contributing to DP-GEN\n\nOpen a pull request against master.\n",
    ".github/workflows/test.yml": THEIR_TEST_WORKFLOW,
    ".github/ISSUE_TEMPLATE/generic-issue.yml": "name: Generic issue\ndescription: Anything else\n"
    "body:\n  - type: textarea\n    attributes:\n      label: Details\n",
    ".github/ISSUE_TEMPLATE/bug_report.yml": "name: Bug report\ndescription: Something is wrong\n"
    "body:\n  - type: textarea\n    attributes:\n      label: Details\n",
    ".pre-commit-config.yaml": "repos: []\n",
}
# What DP-GEN answers beyond the required ones.
DPGEN_ANSWERS = {
    "python_min": "3.7",
    "default_branch": "master",
    "docs_dir": "doc",
    "test_command": "python -m unittest -v",
}
ADOPTING = {**REQUIRED_ANSWERS, "adopting": True}


# --- DP-GEN: the whole adoption, as its maintainer runs it --------------------------------


@pytest.fixture(scope="module")
def dpgen(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, bytes], str]:
    """A DP-GEN-like repository after the README's adoption command: (repo, before, message)."""
    return adopted(tmp_path_factory.mktemp("dpgen"), DPGEN_LIKE, **DPGEN_ANSWERS)


def test_adoption_changes_nothing_of_theirs(dpgen):
    repo, before, _ = dpgen
    after = snapshot(repo)
    for path, content in before.items():
        assert after.get(path) == content, f"{path} was changed"
    added = added_files(repo)
    assert {".copier-answers.yml", "CODE_OF_CONDUCT.md", "SECURITY.md"} <= added


def test_no_test_workflow_is_added_beside_theirs(dpgen):
    repo, _, message = dpgen
    assert not (repo / ".github" / "workflows" / "tests.yml").exists()
    # The message says why, and how to take the jobs their workflow lacks.
    flat = " ".join(message.split())
    assert (
        "tests.yml was not added, because your tests run in .github/workflows/test.yml"
        in flat
    )
    assert "`leftovers`" in message and "`pass`" in message
    assert "examples/python/.github/workflows/tests.yml" in message


def test_their_own_tests_yml_is_kept_and_named(tmp_path):
    """A workflow of theirs under the template's own name is kept, and the message says it is theirs."""
    repo = existing_repository(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "theirs"\nrequires-python = ">=3.10"\n',
            ".github/workflows/tests.yml": THEIR_TEST_WORKFLOW,
        },
    )
    result = adopt(repo, default_branch="master")
    assert result.returncode == 0, result.stderr
    assert (repo / ".github/workflows/tests.yml").read_text(
        encoding="utf-8"
    ) == THEIR_TEST_WORKFLOW
    flat = " ".join(result.stderr.split())
    assert (
        "tests.yml was not added, because your tests run in .github/workflows/tests.yml"
        in flat
    )
    assert "tests.yml installs your" not in flat


@pytest.mark.parametrize(
    "theirs", [".github/workflows/release.yml", ".github/workflows/pypi.yml"]
)
def test_trusted_publishing_is_advised_only_for_an_added_release_workflow(
    tmp_path, theirs
):
    """Their own release workflow sets up publishing its way: no advice about ours."""
    release = "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n"
    pyproject = '[project]\nname = "theirs"\nrequires-python = ">=3.10"\n'
    kept = existing_repository(
        tmp_path / "kept", {"pyproject.toml": pyproject, theirs: release}
    )
    result = adopt(kept, default_branch="master")
    assert result.returncode == 0, result.stderr
    assert "trusted" not in result.stderr
    fresh = existing_repository(tmp_path / "fresh", {"pyproject.toml": pyproject})
    result = adopt(fresh, default_branch="master")
    assert 'publishing for the added "release.yml" (environment "pypi")' in " ".join(
        result.stderr.split()
    )


def test_no_near_duplicate_is_added(dpgen):
    repo, _, message = dpgen
    added = added_files(repo)
    assert (
        ".github/ISSUE_TEMPLATE/generic_issue.yml" not in added
    )  # theirs: generic-issue.yml
    assert "CONTRIBUTING.md" not in added  # theirs: doc/contributing-guide/
    assert ".github/ISSUE_TEMPLATE/feature_request.yml" in added  # they have none
    assert (
        ".github/ISSUE_TEMPLATE/generic_issue.yml: yours is .github/ISSUE_TEMPLATE/generic-issue.yml"
        in message
    )
    assert "CONTRIBUTING.md: yours is doc/contributing-guide/index.md" in message


def test_added_files_speak_of_their_repository(dpgen):
    repo, _, _ = dpgen
    template = (repo / ".github" / "pull_request_template.md").read_text("utf-8")
    assert "`python -m unittest -v` passes" in template
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text("utf-8"))
    assert {key: answers[key] for key in DPGEN_ANSWERS} == DPGEN_ANSWERS
    # The guide is recorded as theirs, so no update writes a second one.
    assert "doc/contributing-guide/index.md" in answers["kept_files"].split()


def test_the_message_explains_conflict_then_skip(dpgen):
    _, _, message = dpgen
    (line,) = [line for line in message.splitlines() if '"conflict"' in line]
    assert 'a red "conflict", then "skip", is yours, kept as it is.' in line
    assert "check-copier-conflicts" in message  # their .pre-commit-config.yaml was kept


# --- what is added follows the answers -----------------------------------------------------


def test_added_workflows_and_guides_use_their_branch_docs_and_tests(tmp_path):
    """Without a test workflow or a guide of its own, the repository gets ones that fit it."""
    files = {
        name: text
        for name, text in DPGEN_LIKE.items()
        if not name.startswith((".github/", "doc/contributing"))
    }
    repo = existing_repository(tmp_path / "dpdispatcher", files)
    result = adopt(repo, **DPGEN_ANSWERS)
    assert result.returncode == 0, result.stderr
    assert {".github/workflows/tests.yml", "CONTRIBUTING.md"} <= added_files(repo)

    tests = yaml.safe_load((repo / ".github/workflows/tests.yml").read_text("utf-8"))
    assert tests[True]["push"]["branches"] == ["master"]  # YAML reads `on:` as True
    runs = [
        step.get("run", "") for job in tests["jobs"].values() for step in job["steps"]
    ]
    assert "python -m unittest -v" in runs
    assert "sphinx-build -W -b html doc doc/_build/html" in runs
    assert not any("pytest" in command for command in runs)
    assert "coverage" not in tests["jobs"]  # unittest writes no coverage.xml to upload
    assert tests["jobs"]["test"]["strategy"]["matrix"]["python-version"][0] == "3.7"
    assert set(tests["jobs"]["pass"]["needs"]) == {"test", "docs", "leftovers"}
    release = yaml.safe_load(
        (repo / ".github/workflows/release.yml").read_text("utf-8")
    )
    assert release[True]["push"]["branches"] == ["master"]

    guide = (repo / "CONTRIBUTING.md").read_text("utf-8")
    assert "/blob/master/CODE_OF_CONDUCT.md" in guide
    assert "against `master`" in guide
    assert "   python -m unittest -v\n" in guide
    assert "sphinx-build -W -b html doc doc/_build/html" in guide
    assert "`main`" not in guide and "/blob/main/" not in guide
    assert "\n   pytest\n" not in guide
    agents = (repo / "AGENTS.md").read_text("utf-8")
    assert "python -m unittest -v" in agents and "html doc doc/_build/html" in agents
    flat = " ".join(result.stderr.split())
    assert (
        "tests.yml installs your `test` extra and runs `python -m unittest -v`, and builds doc/"
        in flat
    )


@pytest.mark.parametrize(
    ("command", "run_step"),
    [
        ("pytest", "pytest --cov --cov-report=xml"),
        ("pytest tests -x", "pytest tests -x --cov --cov-report=xml"),
        ("python -m pytest", "python -m pytest --cov --cov-report=xml"),
    ],
)
def test_pytest_keeps_its_coverage(tmp_path, command, run_step):
    project = render(tmp_path / "p", {**ADOPTING, "test_command": command})
    tests = yaml.safe_load((project / ".github/workflows/tests.yml").read_text("utf-8"))
    runs = [step.get("run") for step in tests["jobs"]["test"]["steps"]]
    assert run_step in runs
    assert "coverage" in tests["jobs"]


def test_a_test_command_that_yaml_would_misread_is_quoted(tmp_path):
    command = "python -m unittest discover -s tests -p 'test_*.py' # all: of them"
    project = render(tmp_path / "p", {**ADOPTING, "test_command": command})
    tests = yaml.safe_load((project / ".github/workflows/tests.yml").read_text("utf-8"))
    assert command in [step.get("run") for step in tests["jobs"]["test"]["steps"]]


# --- the oldest Python ---------------------------------------------------------------------


@pytest.mark.parametrize("floor", ["3.6", "3.7", "3.8", "3.9"])
def test_any_older_floor_is_a_valid_answer_when_adopting(tmp_path, floor):
    project = render(tmp_path / "p", {**ADOPTING, "python_min": floor})
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text("utf-8"))
    assert answers["python_min"] == floor
    tests = yaml.safe_load((project / ".github/workflows/tests.yml").read_text("utf-8"))
    assert tests["jobs"]["test"]["strategy"]["matrix"]["python-version"] == [
        floor,
        "3.15",
    ]


@pytest.mark.parametrize("answer", ["3", "three", "3.x", "2.7", "3.15"])
def test_a_floor_that_is_no_python_is_refused_when_adopting(tmp_path, answer):
    with pytest.raises(
        ValueError,
        match=f"Invalid choice for 'python_min': '{re.escape(answer)}' is not in",
    ):
        render(tmp_path / "p", {**ADOPTING, "python_min": answer})


def test_a_new_project_still_starts_at_the_community_floor(tmp_path):
    with pytest.raises(
        ValueError, match=r"Invalid choice for 'python_min': '3\.7' is not in"
    ):
        render(tmp_path / "p", {**REQUIRED_ANSWERS, "python_min": "3.7"})


def test_the_readme_adoption_command_takes_an_old_floor(tmp_path):
    """`--data python_min=3.7`, DPDispatcher's floor, once ended in a traceback."""
    repo = existing_repository(
        tmp_path / "dpdispatcher", {"README.md": "# DPDispatcher\n"}
    )
    result = adopt(repo, python_min="3.7")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


# --- the new questions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        ("default_branch", "-x", '"-x" is not a branch name'),
        ("default_branch", "a..b", '"a..b" is not a branch name'),
        ("default_branch", "feature/", '"feature/" is not a branch name'),
        ("default_branch", "1.0", '"1.0" is not a branch name'),
        ("docs_dir", "/doc", '"/doc" is not a folder'),
        ("docs_dir", "../doc", '"../doc" is not a folder'),
        ("docs_dir", "doc/", '"doc/" is not a folder'),
        ("docs_dir", "my docs", '"my docs" is not a folder'),
        ("test_command", "", "The test command must not be empty."),
        ("test_command", "pytest\nrm -rf /", "The test command must be a single line"),
    ],
)
def test_bad_adoption_answers_are_refused(tmp_path, question, answer, message):
    with pytest.raises(
        ValueError, match=f"Validation error for question '{question}'"
    ) as error:
        render(tmp_path / "p", {**ADOPTING, question: answer})
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("default_branch", "release/2.x"),
        ("docs_dir", "docs/source"),
        ("docs_dir", "doc"),
    ],
)
def test_good_adoption_answers_are_accepted(tmp_path, question, answer):
    project = render(tmp_path / "p", {**ADOPTING, question: answer})
    assert (project / ".copier-answers.yml").exists()


def test_a_new_project_is_not_asked_the_adoption_questions(tmp_path):
    project = render(tmp_path / "p", REQUIRED_ANSWERS)
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text("utf-8"))
    assert not {"default_branch", "docs_dir", "test_command", "kept_files"} & set(
        answers
    )


# --- near-duplicates, one pattern at a time ------------------------------------------------

NEAR_DUPLICATES = [
    (
        ".github/ISSUE_TEMPLATE/generic-issue.yml",
        ".github/ISSUE_TEMPLATE/generic_issue.yml",
    ),
    (".github/ISSUE_TEMPLATE/Bug-Report.md", ".github/ISSUE_TEMPLATE/bug_report.yml"),
    (".github/ISSUE_TEMPLATE/config.yaml", ".github/ISSUE_TEMPLATE/config.yml"),
    ("doc/contributing-guide/index.md", "CONTRIBUTING.md"),
    ("doc/contributing-guide/contributing-guide.md", "CONTRIBUTING.md"),
    ("docs/development/CONTRIBUTING.rst", "CONTRIBUTING.md"),
    (".github/CONTRIBUTING.md", "CONTRIBUTING.md"),
    ("contributing.rst", "CONTRIBUTING.md"),
    (".github/CODE_OF_CONDUCT.md", "CODE_OF_CONDUCT.md"),
    ("code-of-conduct.md", "CODE_OF_CONDUCT.md"),
    (".github/SECURITY.md", "SECURITY.md"),
    ("LICENSE.md", "LICENSE"),
    ("COPYING", "LICENSE"),
    ("COPYING.LESSER", "LICENSE"),
    ("LICENSE-MIT", "LICENSE"),
    ("PULL_REQUEST_TEMPLATE.md", ".github/pull_request_template.md"),
    (".github/PULL_REQUEST_TEMPLATE/feature.md", ".github/pull_request_template.md"),
    (".github/dependabot.yaml", ".github/dependabot.yml"),
    (".codecov.yml", "codecov.yml"),
    (".github/codecov.yml", "codecov.yml"),
    ("zizmor.yml", ".github/zizmor.yml"),
    (".pre-commit-config.yml", ".pre-commit-config.yaml"),
    (".github/workflows/test.yml", ".github/workflows/tests.yml"),
    (".github/workflows/unittest.yaml", ".github/workflows/tests.yml"),
    (".github/workflows/test-bohrium.yml", ".github/workflows/tests.yml"),
    (".github/workflows/ci.yml", ".github/workflows/tests.yml"),
    (".github/workflows/python-package.yml", ".github/workflows/tests.yml"),
    (".github/workflows/python-publish.yml", ".github/workflows/release.yml"),
    (".github/workflows/build_wheel.yml", ".github/workflows/release.yml"),
    (".github/workflows/mirror-gitee.yml", ".github/workflows/mirror_gitee.yml"),
]


@pytest.mark.parametrize(("theirs", "ours"), NEAR_DUPLICATES)
def test_a_file_they_have_under_another_name_is_not_added(tmp_path, theirs, ours):
    project = render(tmp_path / "p", {**ADOPTING, "kept_files": theirs})
    assert not (project / ours).exists()


@pytest.mark.parametrize(
    "theirs",
    [
        ".github/workflows/docs.yml",
        ".github/workflows/security.yml",  # not a security policy
        "security.py",
        "licenses/MIT.txt",
        ".github/ISSUE_TEMPLATE/question.yml",
    ],
)
def test_an_unrelated_file_leaves_the_template_s_in(tmp_path, theirs):
    project = render(tmp_path / "p", {**ADOPTING, "kept_files": theirs})
    added = {
        str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()
    }
    targets = set(re.findall(r'"([^"]+)"', _targets_list())) - {".clang-format"}
    assert targets <= added  # every file adoption can add is added


def _targets_list() -> str:
    text = (ROOT / "includes" / "adoption.jinja").read_text(encoding="utf-8")
    (listing,) = re.findall(r"\{%- set targets = \[(.*?)\] -%\}", text, re.DOTALL)
    return listing


def test_the_list_of_files_adoption_adds_is_complete(tmp_path):
    """includes/adoption.jinja names every file adoption can add; a new one joins the list."""
    targets = set(re.findall(r'"([^"]+)"', _targets_list()))
    assert files_adoption_adds(tmp_path / "p", "compiled") == targets


# --- the README's listing ------------------------------------------------------------------


def test_the_readme_listing_finds_a_contributing_guide_in_doc(tmp_path):
    repo = existing_repository(tmp_path / "repo", DPGEN_LIKE)
    (listing,) = re.findall(r'kept_files="\$\((git ls-files .*)\)"', README)
    kept = run(["bash", "-c", listing], repo).stdout.split()
    assert "doc/contributing-guide/index.md" in kept
    assert ".github/workflows/test.yml" in kept and "pyproject.toml" in kept
    assert "doc/index.rst" not in kept and "dpgen/__init__.py" not in kept


def test_dp701_advises_the_readme_command(tmp_path):
    from deepmodeling_template.standard.template_releases import DP701

    (listing,) = re.findall(r'kept_files="\$\((git ls-files .*)\)"', README)
    advice = DP701.check(tmp_path)
    assert isinstance(advice, str)
    assert listing in advice


@pytest.mark.parametrize(
    ("adopting", "menu"),
    [
        (True, ["3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]),
        (False, ["3.10", "3.11", "3.12", "3.13", "3.14"]),
    ],
)
def test_the_python_menu_at_a_terminal(tmp_path, adopting, menu):
    """The choices come from Jinja: a new project's menu is as before, an adopting one's goes lower."""
    answered = {
        **REQUIRED_ANSWERS,
        "adopting": adopting,
        "kept_files": "",
        "default_branch": "main",
        "docs_dir": "docs",
        "test_command": "pytest",
        "dist_name": "demo-project",
        "import_name": "demo_project",
        "description": "A demo",
        "profile": "python",
        "github_owner": "deepmodeling",
        "repo_name": "demo-project",
        "license": "MIT",
        "copyright_holder": "DeepModeling",
        "maturity": "none",
        "maintainer_family_name": REQUIRED_ANSWERS["maintainer_name"].split()[-1],
    }
    data = [
        word for key, value in answered.items() for word in ("--data", f"{key}={value}")
    ]
    screen = copier_at_a_terminal(
        ["copy", "--vcs-ref=HEAD", *data, str(ROOT), str(tmp_path / "p")], until=b"3.14"
    )
    assert "Oldest supported Python" in screen
    question = screen[screen.index("Oldest supported Python") :]
    assert re.findall(r"3\.\d+", question) == menu
    assert ("requires-python floor" in question) is adopting


# --- later updates keep to the decision -----------------------------------------------------


def test_an_update_adds_no_near_duplicate_later(tmp_path):
    """What adoption left out stays out when a release changes it; their files stay theirs."""
    template = copy_template(tmp_path / "template")
    tag_release(template, "v0.1.0")
    for name in ("ISSUE_TEMPLATE/generic_issue.yml", "workflows/tests.yml.jinja"):
        with (template / "template" / ".github" / name).open(
            "a", encoding="utf-8"
        ) as file:
            file.write("# A change in v0.2.0.\n")
    with (template / "template" / "SECURITY.md.jinja").open(
        "a", encoding="utf-8"
    ) as file:
        file.write("\nA change in v0.2.0.\n")
    tag_release(template, "v0.2.0")

    repo = existing_repository(tmp_path / "dpgen", DPGEN_LIKE)
    (listing,) = re.findall(r'kept_files="\$\((git ls-files .*)\)"', README)
    kept = run(["bash", "-c", listing], repo).stdout
    answers = {
        **REQUIRED_ANSWERS,
        **DPGEN_ANSWERS,
        "adopting": True,
        "kept_files": kept,
    }
    render(repo, answers, template, vcs_ref="v0.1.0", skip_if_exists=["*"])
    git_commit_all(repo, "chore: adopt deepmodeling-template")
    before = snapshot(repo)

    run_update(
        repo, defaults=True, overwrite=True, vcs_ref="v0.2.0", unsafe=False, quiet=True
    )
    after = snapshot(repo)
    assert not (repo / ".github" / "workflows" / "tests.yml").exists()
    assert not (repo / ".github" / "ISSUE_TEMPLATE" / "generic_issue.yml").exists()
    assert not (repo / "CONTRIBUTING.md").exists()
    assert after["SECURITY.md"].endswith(
        b"A change in v0.2.0.\n"
    )  # what was added is updated
    changed = {path for path in before if after.get(path) != before[path]}
    assert changed == {"SECURITY.md", ".copier-answers.yml"}
