"""DP4xx: GitHub Actions that test, publish safely and stay up to date."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._core import Rule, Skip, listing, mapping, sequence
from ._pyproject import oldest_python, project, python_classifiers

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._core import Document, Verdict

PUBLISH_ACTION = "pypa/gh-action-pypi-publish"
SETUP_ACTIONS = (
    "actions/setup-python",
    "astral-sh/setup-uv",
    "conda-incubator/setup-miniconda",
)
# setup-micromamba takes the Python of the environment it creates.
MICROMAMBA = "mamba-org/setup-micromamba"
CONDA_PYTHON = re.compile(r"(?:^|\s)python\s*[=<>]*\s*(3\.\d+)")
TEST_COMMAND = re.compile(r"\b(?:pytest|unittest|tox|nox|ctest)\b|\bhatch\s+test\b")
PYTHON_VERSION = re.compile(r"^\s*(?:cpython-?)?3\.(\d+)(?![\d])")
READ_ONLY = {"read", "none"}


def _jobs(workflow: Document) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(job id, job)`` for each job of a parsed workflow."""
    for name, job in mapping(mapping(workflow.data).get("jobs")).items():
        if isinstance(job, dict):
            yield str(name), job


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in sequence(job.get("steps")) if isinstance(step, dict)]


def _uses(step: dict[str, Any]) -> str:
    uses = step.get("uses")
    return uses.strip().lower() if isinstance(uses, str) else ""


def _python_values(job: dict[str, Any]) -> list[Any]:
    """Collect the Python versions a job runs on, as written in the workflow."""
    values: list[Any] = []
    matrix = mapping(mapping(job.get("strategy")).get("matrix"))
    rows = [matrix, *(mapping(row) for row in sequence(matrix.get("include")))]
    for row in rows:
        for key, value in row.items():
            if "python" in str(key).lower() or str(key).lower() == "py":
                values += value if isinstance(value, list) else [value]
    for step in _steps(job):
        inputs = mapping(step.get("with"))
        if _uses(step).startswith(SETUP_ACTIONS):
            value = inputs.get("python-version")
            if isinstance(value, str) and "${{" not in value:
                values += value.split()
            elif isinstance(value, int | float | list):
                values += value if isinstance(value, list) else [value]
        elif _uses(step).startswith(MICROMAMBA):
            create = inputs.get("create-args")
            if isinstance(create, str):
                values += CONDA_PYTHON.findall(create)
    return values


def _reads_version_file(job: dict[str, Any]) -> bool:
    """Tell whether a job takes its Python from a file (``python-version-file``)."""
    return any(
        "python-version-file" in mapping(step.get("with")) for step in _steps(job)
    )


def _runs_tests(job: dict[str, Any]) -> bool:
    return any(
        isinstance(step.get("run"), str) and TEST_COMMAND.search(step["run"])
        for step in _steps(job)
    )


def _broken(workflows: tuple[Document, ...]) -> str:
    """Mention the workflows that could not be read, for a message."""
    errors = [workflow.error for workflow in workflows if workflow.error]
    return "\n\n" + "\n\n".join(errors) if errors else ""


def _permissions(workflow: Document, job: dict[str, Any]) -> Any:
    """Return the permissions a job runs with: its own, else the workflow's."""
    if "permissions" in job:
        return job["permissions"]
    return mapping(workflow.data).get("permissions")


class DP401(Rule):
    """CI runs the tests on the oldest and the newest Python the project supports."""

    requires = frozenset({"DP207"})

    @classmethod
    def check(
        cls, dp_pyproject: Document, dp_workflows: tuple[Document, ...]
    ) -> Verdict:
        """Match the Pythons of the test jobs against requires-python and classifiers."""
        oldest = oldest_python(str(project(dp_pyproject).get("requires-python")))
        minors = [
            minor
            for minor in python_classifiers(dp_pyproject)
            if minor >= (oldest or 0)
        ]
        wanted = sorted({oldest, *minors[-1:]} - {None})
        names = " and ".join(f"3.{minor}" for minor in wanted)
        source = (
            "(`requires-python` and the newest `Programming Language :: Python` classifier)"
            if minors
            else "(`requires-python`; add `Programming Language :: Python :: 3.X` "
            "classifiers to name the newest)"
        )
        tested: set[int] = set()
        floats = False
        test_jobs = 0
        from_file = False
        for workflow in dp_workflows:
            for _, job in _jobs(workflow):
                if not _runs_tests(job):
                    continue
                test_jobs += 1
                from_file |= _reads_version_file(job)
                for value in _python_values(job):
                    floats |= isinstance(value, float)
                    match = PYTHON_VERSION.match(str(value))
                    if match:
                        tested.add(int(match[1]))
        if not test_jobs:
            return (
                "No GitHub Actions job runs the tests (a `run:` step calling pytest, "
                f"unittest, tox or nox). Add a workflow that tests Python {names} "
                f"{source} on every push and pull request, like the template's "
                f"`.github/workflows/tests.yml`.{_broken(dp_workflows)}"
            )
        missing = [minor for minor in wanted if minor not in tested]
        if not missing:
            return True
        if from_file:
            return Skip(
                f"A test job takes its Python from a `python-version-file`, which "
                f"this checker does not read, and {listing(f'3.{m}' for m in missing)} "
                "may be among the versions it names."
            )
        seen = (
            "run on " + ", ".join(f"3.{minor}" for minor in sorted(tested))
            if tested
            else "set no `python-version` (on `actions/setup-python` or in a "
            "matrix) that this checker can read"
        )
        hint = (
            " YAML reads an unquoted `3.10` as the number 3.1: quote the versions."
            if floats
            else ""
        )
        matrix = ", ".join(f'"3.{minor}"' for minor in wanted)
        if not minors:
            matrix += ', "3.N"]` (N: the newest Python you support)'
        else:
            matrix += "]`"
        untested = listing(f"3.{minor}" for minor in missing)
        verb = "is" if len(missing) == 1 else "are"
        return (
            f"The test jobs {seen}, but the project supports {names} {source}; "
            f"{untested} {verb} never tested. Test the oldest and the newest "
            f"Python in the test matrix: `python-version: [{matrix}."
            f"{hint}{_broken(dp_workflows)}"
        )


class DP402(Rule):
    """Releases are published by pypa/gh-action-pypi-publish."""

    requires = frozenset({"DP201"})

    @classmethod
    def check(cls, dp_workflows: tuple[Document, ...]) -> bool | str:
        """Find a workflow step that uses the PyPA publish action."""
        twine = []
        for workflow in dp_workflows:
            for name, job in _jobs(workflow):
                for step in _steps(job):
                    if _uses(step).startswith(PUBLISH_ACTION):
                        return True
                    if (
                        isinstance(step.get("run"), str)
                        and "twine upload" in step["run"]
                    ):
                        twine.append(f"{workflow.path} (job `{name}`)")
        found = (
            f" ({listing(twine)} uploads with `twine upload` instead)" if twine else ""
        )
        return (
            f"No workflow publishes to PyPI with `{PUBLISH_ACTION}`{found}. Add a "
            "release workflow, run on `v*` tags, that builds the sdist and wheel in "
            f"one job and publishes them in another with `{PUBLISH_ACTION}@release/v1` "
            "(the template's `.github/workflows/release.yml`); it supports trusted "
            f"publishing, so no token has to be stored.{_broken(dp_workflows)}"
        )


class DP403(Rule):
    """Publishing to PyPI uses trusted publishing: id-token: write, no API token."""

    requires = frozenset({"DP402"})

    @classmethod
    def check(cls, dp_workflows: tuple[Document, ...]) -> bool | str:
        """Check the permissions and inputs of every publish step."""
        problems = []
        for workflow in dp_workflows:
            for name, job in _jobs(workflow):
                for step in _steps(job):
                    if not _uses(step).startswith(PUBLISH_ACTION):
                        continue
                    where = f"`{workflow.path}` job `{name}`"
                    if "password" in mapping(step.get("with")):
                        problems.append(f"{where} passes an API token as `password:`")
                    permissions = _permissions(workflow, job)
                    if (
                        permissions != "write-all"
                        and mapping(permissions).get("id-token") != "write"
                    ):
                        problems.append(f"{where} lacks `permissions: id-token: write`")
        if not problems:
            return True
        return (
            "PyPI publishing does not use trusted publishing: "
            + "; ".join(problems)
            + ". A stored API token can leak and publish anything; trusted publishing "
            "gets a short-lived token per release instead. Give the publish job "
            "`permissions: id-token: write`, delete `password:` and the token "
            "secret, and add this "
            "workflow as a trusted publisher of the project on PyPI "
            "(https://docs.pypi.org/trusted-publishers/)."
        )


class DP404(Rule):
    """Every workflow sets restrictive top-level permissions."""

    @classmethod
    def check(cls, dp_workflows: tuple[Document, ...]) -> Verdict:
        """Read the top-level ``permissions`` of each workflow."""
        if not dp_workflows:
            return Skip("There are no workflows in `.github/workflows/` to check.")
        problems = []
        for workflow in dp_workflows:
            if workflow.error:
                problems.append(workflow.error)
                continue
            data = mapping(workflow.data)
            where = f"`{workflow.path}`"
            if "permissions" not in data:
                problems.append(f"{where} has no top-level `permissions:`")
                continue
            permissions = data["permissions"]
            if permissions == "read-all" or (
                isinstance(permissions, dict)
                and all(str(value) in READ_ONLY for value in permissions.values())
            ):
                continue
            if isinstance(permissions, dict):
                granted = [
                    f"{key}: {value}"
                    for key, value in permissions.items()
                    if str(value) not in READ_ONLY
                ]
                problems.append(f"{where} grants {listing(granted)} to every job")
            else:
                problems.append(f"{where} sets `permissions: {permissions}`")
        if not problems:
            return True
        return (
            "Without restrictive top-level permissions, every job gets the "
            "repository's default `GITHUB_TOKEN` rights, often write access: "
            + "; ".join(problems)
            + ". Put `permissions: {}` (or `contents: read`) at the top of each "
            "workflow and grant `id-token: write`, `contents: write`... only to the "
            "jobs that need them."
        )


class DP405(Rule):
    """Dependabot keeps the GitHub Actions versions up to date."""

    @classmethod
    def check(cls, dp_dependabot: Document) -> bool | str:
        """Find a ``github-actions`` entry in the Dependabot configuration."""
        snippet = (
            "```yaml\nversion: 2\nupdates:\n  - package-ecosystem: github-actions\n"
            "    directory: /\n    schedule:\n      interval: weekly\n```"
        )
        if not dp_dependabot.found:
            return (
                "There is no `.github/dependabot.yml`, so the actions in the "
                "workflows are never updated (and security fixes in them are "
                f"missed). Add:\n\n{snippet}"
            )
        if dp_dependabot.error:
            return dp_dependabot.error
        ecosystems = [
            mapping(update).get("package-ecosystem")
            for update in sequence(mapping(dp_dependabot.data).get("updates"))
        ]
        if "github-actions" in ecosystems:
            return True
        return (
            f"`{dp_dependabot.path}` has no `github-actions` entry, so the actions in "
            f"the workflows are never updated. Add to `updates:`:\n\n{snippet}"
        )
