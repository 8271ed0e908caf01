"""DP4xx: GitHub Actions that test, publish safely and stay up to date."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from ._core import Rule, Skip, listing, sequence, table
from ._pyproject import oldest_python, project, python_classifiers

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

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
# A pre-release under test (3.14-dev) is not a Python the project supports yet.
PRERELEASE = re.compile(r"dev|alpha|beta|rc|\d[ab]\d", re.IGNORECASE)
EXPRESSION = re.compile(r"\s*\$\{\{\s*(?P<body>.*?)\s*\}\}\s*", re.DOTALL)
MATRIX_KEY = re.compile(r"matrix\.(?P<key>[\w-]+)")
STRING_LITERAL = re.compile(r"'((?:[^']|'')*)'")  # 'it''s' in an expression
# Versions YAML reads as numbers that lost a trailing zero (3.10 -> 3.1).
MANGLED = {3.1: "3.10", 3.2: "3.20"}
READ_ONLY = {"read", "none"}


def _jobs(workflow: Document) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(job id, job)`` for each job of a parsed workflow."""
    for name, job in table(workflow.data, "jobs").items():
        if isinstance(job, dict):
            yield str(name), job


def steps_using(
    workflows: tuple[Document, ...], action: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, step)`` for each step that uses ``action`` (``owner/name``)."""
    for workflow in workflows:
        for name, job in _jobs(workflow):
            for step in _steps(job):
                if _uses(step).startswith(action):
                    yield f"`{workflow.path}` job `{name}`", step


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for step in sequence(job.get("steps")) if isinstance(step, dict)]


def _uses(step: dict[str, Any]) -> str:
    uses = step.get("uses")
    return uses.strip().lower() if isinstance(uses, str) else ""


class Pythons(NamedTuple):
    """The Pythons a job runs on, as far as its workflow says.

    Attributes
    ----------
    values : list
        The versions as written (strings, or numbers YAML read).
    unread : list of str
        The expressions that name versions this checker cannot evaluate.
    """

    values: list[Any]
    unread: list[str]


def _evaluate(value: Any) -> Pythons:
    """Read a workflow value: plain, or the literal JSON inside ``${{ fromJSON(...) }}``.

    ``fromJSON(github.event_name == 'push' && '["3.10", "3.13"]' || '["3.10"]')``
    runs on every version of every literal, depending on the event.
    """
    if isinstance(value, list):
        parts = [_evaluate(item) for item in value]
        return Pythons(
            [v for part in parts for v in part.values],
            [u for part in parts for u in part.unread],
        )
    if not isinstance(value, str) or "${{" not in value:
        return Pythons([value], [])
    body = _expression_body(value)
    values: list[Any] = []
    if body.lower().startswith("fromjson("):
        for literal in STRING_LITERAL.findall(body):
            try:
                parsed = json.loads(literal.replace("''", "'"))
            except ValueError:
                continue
            values += parsed if isinstance(parsed, list) else [parsed]
    return Pythons(values, []) if values else Pythons([], [body])


def _expression_body(value: str) -> str:
    """Strip ``${{ }}`` from a workflow expression."""
    match = EXPRESSION.fullmatch(value)
    return match["body"] if match else value.strip()


def _matrix(job: dict[str, Any]) -> dict[str, Pythons]:
    """Read the values of each matrix key, ``include`` rows too."""
    matrix = table(job.get("strategy")).get("matrix")
    if isinstance(matrix, str):  # the whole matrix from an expression
        return {"": Pythons([], [_expression_body(matrix)])}
    rows = [table(matrix), *map(table, sequence(table(matrix).get("include")))]
    keys: dict[str, Pythons] = {}
    for row in rows:
        for key, value in row.items():
            if key in {"include", "exclude"}:
                continue
            found = _evaluate(value)
            old = keys.get(str(key), Pythons([], []))
            keys[str(key)] = Pythons(
                old.values + found.values, old.unread + found.unread
            )
    return keys


def _is_python_key(key: str) -> bool:
    return "python" in key.lower() or key.lower() == "py"


def _setup_python(value: Any, matrix: dict[str, Pythons]) -> Pythons:
    """Read the ``python-version`` input of a setup action."""
    if isinstance(value, str) and "${{" not in value:
        return Pythons(value.split(), [])
    key = (
        MATRIX_KEY.fullmatch(_expression_body(value))
        if isinstance(value, str)
        else None
    )
    if key and key["key"] in matrix:
        # Python-named keys are read anyway; an empty Pythons avoids counting twice.
        return Pythons([], []) if _is_python_key(key["key"]) else matrix[key["key"]]
    return _evaluate(value)


def _python_values(job: dict[str, Any]) -> Pythons:
    """Collect the Python versions a job runs on, as written in the workflow."""
    matrix = _matrix(job)
    found = [found for key, found in matrix.items() if _is_python_key(key) or not key]
    for step in _steps(job):
        inputs = table(step.get("with"))
        if _uses(step).startswith(SETUP_ACTIONS) and "python-version" in inputs:
            found.append(_setup_python(inputs["python-version"], matrix))
        elif _uses(step).startswith(MICROMAMBA):
            create = inputs.get("create-args")
            if isinstance(create, str):
                found.append(Pythons(CONDA_PYTHON.findall(create), []))
    return Pythons(
        [value for item in found for value in item.values],
        [expression for item in found for expression in item.unread],
    )


def _reads_version_file(job: dict[str, Any]) -> bool:
    """Tell whether a job takes its Python from a file (``python-version-file``)."""
    return any("python-version-file" in table(step.get("with")) for step in _steps(job))


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
    return table(workflow.data).get("permissions")


class Tested(NamedTuple):
    """What the test jobs of the workflows run on.

    Attributes
    ----------
    jobs : int
        How many jobs run the tests.
    minors : set of int
        The Python 3 minor versions they run on.
    mangled : list of str
        Versions YAML read as numbers that lost a trailing zero (``3.10``).
    unread : list of str
        Where a job names Pythons through an expression this checker cannot
        evaluate, or a ``python-version-file``.
    """

    jobs: int
    minors: set[int]
    mangled: list[str]
    unread: list[str]


def _tested(workflows: tuple[Document, ...]) -> Tested:
    """Read the Pythons of every job that runs the tests."""
    jobs, minors, mangled, unread = 0, set(), [], []
    for workflow in workflows:
        for name, job in _jobs(workflow):
            if not _runs_tests(job):
                continue
            jobs += 1
            where = f"`{workflow.path}` job `{name}`"
            if _reads_version_file(job):
                unread.append(f"{where}: its `python-version-file`")
            pythons = _python_values(job)
            unread += [f"{where}: `{expression}`" for expression in pythons.unread]
            for value in pythons.values:
                if isinstance(value, float) and value in MANGLED:
                    mangled.append(MANGLED[value])
                match = PYTHON_VERSION.match(str(value))
                if match and not PRERELEASE.search(str(value)):
                    minors.add(int(match[1]))
    return Tested(jobs, minors, sorted(set(mangled)), list(dict.fromkeys(unread)))


def _versions(minors: Iterable[int]) -> str:
    """Spell minor versions ``[10, 12, 13]`` as ``3.10, 3.12 and 3.13``."""
    names = [f"3.{minor}" for minor in sorted(minors)]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


def _classifiers_behind(newest: int, tested: Tested, oldest: int) -> str:
    """Ask for the classifiers of the Pythons CI tests beyond the newest classifier."""
    top = max(tested.minors)
    missing = [
        f"Programming Language :: Python :: 3.{minor}"
        for minor in range(newest + 1, top + 1)
    ]
    message = (
        f"CI tests Python {_versions(m for m in tested.minors if m > newest)}, but "
        f"the newest `Programming Language :: Python` classifier is 3.{newest}, so "
        f"the package metadata does not say that the project supports 3.{top}. Add "
        f"the classifier{'s' if len(missing) > 1 else ''} {listing(missing)} to "
        "`[project] classifiers`."
    )
    if oldest not in tested.minors:
        message += (
            f" The oldest supported Python, 3.{oldest} (`requires-python`), is "
            "never tested: add it to the test matrix."
        )
    return message


class DP401(Rule):
    """CI runs the tests on the oldest and the newest Python the project supports."""

    requires = frozenset({"DP207"})

    @classmethod
    def check(
        cls, dp_pyproject: Document, dp_workflows: tuple[Document, ...]
    ) -> Verdict:
        """Match the Pythons of the test jobs against requires-python and classifiers."""
        oldest = oldest_python(str(project(dp_pyproject).get("requires-python")))
        if oldest is None:  # DP207 passed, so never; for type checkers
            return Skip("`requires-python` sets no lower bound on Python 3.")
        minors = [m for m in python_classifiers(dp_pyproject) if m >= oldest]
        newest = minors[-1] if minors else None
        wanted = sorted({oldest, *minors[-1:]})
        names = " and ".join(f"3.{minor}" for minor in wanted)
        source = (
            "(`requires-python` and the newest `Programming Language :: Python` classifier)"
            if minors
            else "(`requires-python`; add `Programming Language :: Python :: 3.X` "
            "classifiers to name the newest)"
        )
        tested = _tested(dp_workflows)
        if not tested.jobs:
            return (
                "No GitHub Actions job runs the tests (a `run:` step calling pytest, "
                f"unittest, tox or nox). Add a workflow that tests Python {names} "
                f"{source} on every push and pull request, like the template's "
                f"`.github/workflows/tests.yml`.{_broken(dp_workflows)}"
            )
        if newest is not None and max(tested.minors, default=0) > newest:
            return _classifiers_behind(newest, tested, oldest) + _broken(dp_workflows)
        missing = [minor for minor in wanted if minor not in tested.minors]
        if not missing:
            return True
        hint = "".join(
            f" YAML reads an unquoted `{version}` as the number "
            f"{version.rstrip('0')}: quote the versions."
            for version in tested.mangled
        )
        if tested.unread:
            return Skip(
                "Some test jobs name their Pythons in a way this checker cannot "
                f"read ({'; '.join(tested.unread)}), so it cannot tell whether "
                f"{_versions(missing)} {'is' if len(missing) == 1 else 'are'} tested. "
                "(It reads versions written in the workflow, `${{ matrix.KEY }}`, "
                f"and literal JSON inside `fromJSON(...)`.){hint}"
            )
        seen = (
            "run on " + ", ".join(f"3.{minor}" for minor in sorted(tested.minors))
            if tested.minors
            else "set no `python-version` (on `actions/setup-python` or in a "
            "matrix) that this checker can read"
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
                        twine.append(f"`{workflow.path}` (job `{name}`)")
        verb = "uploads" if len(twine) == 1 else "upload"
        found = (
            f" ({', '.join(twine)} {verb} with `twine upload` instead)" if twine else ""
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
                    if "password" in table(step.get("with")):
                        problems.append(f"{where} passes an API token as `password:`")
                    permissions = _permissions(workflow, job)
                    if (
                        permissions != "write-all"
                        and table(permissions).get("id-token") != "write"
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
            data = table(workflow.data)
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
            table(update).get("package-ecosystem")
            for update in sequence(table(dp_dependabot.data).get("updates"))
        ]
        if "github-actions" in ecosystems:
            return True
        return (
            f"`{dp_dependabot.path}` has no `github-actions` entry, so the actions in "
            f"the workflows are never updated. Add to `updates:`:\n\n{snippet}"
        )
