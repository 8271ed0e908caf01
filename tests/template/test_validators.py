"""Bad answers are refused at the question, with a message that says why."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.helpers import REQUIRED_ANSWERS, render

BAD_ANSWERS = [
    ("project_name", "", "The project name must not be empty."),
    ("project_name", "  Demo", "The project name must not start or end with spaces."),
    (
        "project_name",
        "Two\nlines",
        "The project name must be a single line of printable characters",
    ),
    (
        "project_name",
        "x" * 81,
        "The project name is 81 characters long; keep it to 80.",
    ),
    (
        "description",
        "tab\there",
        "The description must be a single line of printable characters",
    ),
    (
        "description",
        "bell\x07",
        "The description must be a single line of printable characters",
    ),
    (
        "description",
        "sep\u2028arator",
        "The description must be a single line of printable characters",
    ),
    ("maintainer_name", "", "The maintainer's name must not be empty."),
    ("dist_name", "-demo", '"-demo" is not a valid PyPI name'),
    ("dist_name", "demo project", '"demo project" is not a valid PyPI name'),
    ("dist_name", "démo", '"démo" is not a valid PyPI name'),
    ("import_name", "3d", '"3d" is not a valid import name'),
    ("import_name", "demo-project", '"demo-project" is not a valid import name'),
    ("import_name", "Demo", '"Demo" is not a valid import name'),
    ("import_name", "lambda", '"lambda" is a Python keyword'),
    ("import_name", "json", '"json" would shadow the standard-library module'),
    ("import_name", "tomllib", '"tomllib" would shadow the standard-library module'),
    (
        "import_name",
        "profiling",
        '"profiling" would shadow the standard-library module',
    ),
    ("maintainer_email", "ada", '"ada" is not an e-mail address'),
    ("maintainer_email", "ada@localhost", '"ada@localhost" is not an e-mail address'),
    (
        "maintainer_email",
        "a da@example.org",
        '"a da@example.org" is not an e-mail address',
    ),
    ("github_owner", "-lab", '"-lab" is not a GitHub user or organization'),
    ("github_owner", "lab--x", '"lab--x" is not a GitHub user or organization'),
    ("github_owner", "a" * 40, "is not a GitHub user or organization"),
    ("repo_name", "demo.git", '"demo.git" is not a GitHub repository name'),
    ("repo_name", "..", '".." is not a GitHub repository name'),
    ("repo_name", "a/b", '"a/b" is not a GitHub repository name'),
    ("copyright_year", "26", '"26" is not a year like 2026.'),
    ("copyright_holder", "", "The copyright holder must not be empty."),
    ("maintainer_family_name", "", "The family name must not be empty."),
    (
        "maintainer_family_name",
        "Li",
        f'"Li" is not the start or the end of "{REQUIRED_ANSWERS["maintainer_name"]}"',
    ),
]


@pytest.mark.parametrize(("question", "answer", "message"), BAD_ANSWERS)
def test_bad_answer_is_refused_with_a_clear_message(
    tmp_path, question, answer, message
):
    with pytest.raises(
        ValueError, match=f"Validation error for question '{question}'"
    ) as error:
        render(tmp_path / "project", {**REQUIRED_ANSWERS, question: answer})
    assert message in str(error.value)
    assert not (tmp_path / "project" / "pyproject.toml").exists()


GOOD_ANSWERS = [
    ("project_name", "DeePMD-kit"),
    ("project_name", "x" * 80),
    ("dist_name", "dp.data_2"),
    ("import_name", "_private"),
    ("import_name", "match"),  # a soft keyword is a valid module name
    ("maintainer_email", "first.last+tag@sub.example.ac.uk"),
    ("github_owner", "a" * 39),
    ("repo_name", "dp.data_2-x"),
    ("description", "Emoji 🧪 and 中文 are fine: {not jinja}"),
]


@pytest.mark.parametrize(("question", "answer"), GOOD_ANSWERS)
def test_good_answer_is_accepted(tmp_path, question, answer):
    project = render(tmp_path / "project", {**REQUIRED_ANSWERS, question: answer})
    assert (project / "pyproject.toml").exists()


def test_defaults_pass_their_own_validators(tmp_path):
    """Everything but the three required answers comes from the defaults."""
    project = render(tmp_path / "project", REQUIRED_ANSWERS)
    assert (project / "src" / "demo_project" / "__init__.py").exists()


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("python_min", "3.9"),
        ("python_min", "3.15"),
        ("license", "WTFPL"),
        ("profile", "rust"),
        ("maturity", "gold"),
    ],
)
def test_choice_outside_the_list_is_refused(tmp_path, question, answer):
    with pytest.raises(
        ValueError,
        match=f"Invalid choice for '{question}': '{re.escape(answer)}' is not in",
    ):
        render(tmp_path / "project", {**REQUIRED_ANSWERS, question: answer})


@pytest.mark.parametrize(
    ("name", "family", "given"),
    [
        ("Ada Lovelace", "Lovelace", "Ada"),
        ("Zhang San", "Zhang", "San"),  # family name first
        ("张三", "张", "三"),  # no space between the two
        ("Ludwig van Beethoven", "van Beethoven", "Ludwig"),
        ("Plato", "Plato", None),  # one name: no given names
    ],
)
def test_citation_cites_the_maintainer_as_a_person(tmp_path, name, family, given):
    answers = {**REQUIRED_ANSWERS, "maintainer_name": name}
    project = render(tmp_path / "p", {**answers, "maintainer_family_name": family})
    citation = yaml.safe_load((project / "CITATION.cff").read_text(encoding="utf-8"))
    person = {"family-names": family, "email": answers["maintainer_email"]}
    if given:
        person["given-names"] = given
    assert citation["authors"][-1] == person


def test_gitee_mirror_is_refused_outside_deepmodeling(tmp_path):
    """DeepModeling's reusable mirror workflow and key work for its repositories only."""
    answers = {**REQUIRED_ANSWERS, "github_owner": "ada-lab", "gitee_mirror": True}
    with pytest.raises(
        ValueError, match="Validation error for question 'gitee_mirror'"
    ) as error:
        render(tmp_path / "project", answers)
    assert (
        'only work for repositories of the deepmodeling organization: answer no for "ada-lab"'
        in str(error.value)
    )
