"""The fleet report: many repositories' results in one JSON document or Markdown table.

``dp-standard REPO [REPO ...] --format json`` writes one document for all the
repositories it checks; ``--merge`` reads such documents back, so an
organization's workflow can check each repository in a job of its own and
merge the results in a last one, into the HTML page (`.fleet_html`) or the
Markdown table of a job summary (`markdown`).

Which template release each repository is on comes from its
``.copier-answers.yml``, read as the ``check-template-version`` hook reads it
(`..hooks.freshness`).  How many releases it is behind needs the list of
releases, which the checker does not carry: offline it only knows the newest
release, as DP702 does (its own version, or the ``rev`` pinning the template's
hook).  ``--releases FILE`` gives the list (``git ls-remote --tags`` of the
template, or ``tests/releases.txt``); without it a repository on the newest
release is 0 behind and one on an older release is behind by an unknown
count, shown as ``?``.
"""

from __future__ import annotations

import configparser
import dataclasses
import datetime
import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..hooks import freshness
from . import RULES, fleet_html

if TYPE_CHECKING:
    import argparse
    from collections.abc import Collection, Iterable, Mapping, Sequence

    from .cli import Outcome

FORMATS = ("text", "json", "html", "markdown")
SCHEMA_VERSION = 1
RESULTS = {True: "passed", False: "failed", None: "skipped"}
ANSWERS = ".copier-answers.yml"
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
# A GitHub remote, over HTTPS or SSH, as `git clone` and actions/checkout write it.
GITHUB_REMOTE = re.compile(
    r"(?:https://(?:[^@/]+@)?github\.com/|(?:ssh://)?git@github\.com[:/])"
    r"(?P<slug>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?"
)


class ReportError(Exception):
    """A report or release list that cannot be read, with a message for the user."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the report's options to ``dp-standard``'s command line."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for a terminal (default); json, html or markdown: one report "
        "for every repository",
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        action="extend",
        type=Path,
        default=[],
        metavar="JSON",
        help="add the repositories of these --format json reports (after the paths)",
    )
    parser.add_argument(
        "--releases",
        type=Path,
        metavar="FILE",
        help="every template release, one a line (`git ls-remote --tags` of the "
        "template): counts how many releases each repository is behind",
    )


def gather(
    checked: Iterable[tuple[Path, Sequence[Outcome]]],
    merge: Sequence[Path] = (),
    releases: Path | None = None,
) -> FleetReport:
    """Make one report of checked repositories and earlier reports.

    Parameters
    ----------
    checked : iterable of (Path, sequence of Outcome)
        Each repository with its outcomes; iterated once the other inputs
        have been read, so a bad one stops ``dp-standard`` before any check.
    merge : sequence of Path
        JSON reports whose repositories to add.
    releases : Path, optional
        A file listing every template release (`read_releases`).

    Returns
    -------
    FleetReport
        Every repository, most failures first.

    Raises
    ------
    ReportError
        When a report or the release list cannot be read.
    """
    known = read_releases(releases) if releases else None
    merged = [repository for path in merge for repository in read_report(path)]
    repositories = [
        repository_report(root, outcomes, known) for root, outcomes in checked
    ]
    return fleet_report([*repositories, *merged], known)


def render(report: FleetReport, form: str) -> str:
    """Write a report as ``json``, ``html`` or ``markdown``."""
    if form == "json":
        return to_json(report)
    if form == "html":
        return fleet_html.page(report)
    return markdown(report)


def fails(report: FleetReport, warn: Collection[str] = ()) -> bool:
    """Tell whether a rule failed somewhere, other than those in `warn`."""
    return any(
        item.result == "failed" and item.id not in warn
        for repository in report.repositories
        for item in repository.results
    )


@dataclasses.dataclass(frozen=True)
class RuleResult:
    """One rule's result in one repository.

    Attributes
    ----------
    id : str
        Rule ID, e.g. ``DP101``.
    family : str
        The module of the standard the rule belongs to, e.g. ``licensing``.
    name : str
        The rule's one-line statement.
    result : str
        ``passed``, ``failed`` or ``skipped``.
    message : str
        Why it failed or was skipped (Markdown); empty when it passed.
    url : str
        Where STANDARD.md explains the rule.
    """

    id: str
    family: str
    name: str
    result: str
    message: str
    url: str


@dataclasses.dataclass(frozen=True)
class TemplateState:
    """The template release a repository is on.

    Attributes
    ----------
    adopted : bool
        Whether the repository has ``.copier-answers.yml``.
    commit : str or None
        Its ``_commit``; ``None`` when not adopted or unreadable.
    newest : str or None
        The newest release known when the report was made.
    behind : int or None
        Releases newer than `commit`; ``None`` when unknown.
    """

    adopted: bool
    commit: str | None = None
    newest: str | None = None
    behind: int | None = None

    def release(self) -> str:
        """Say which release the repository is on, for a reader."""
        if not self.adopted:
            return "not adopted"
        if self.commit is None:
            return "unreadable answers"
        return self.commit

    def behind_text(self) -> str:
        """Say how many releases the repository is behind: a count, ``?`` or ``-``."""
        if self.commit is None:
            return "-"
        return "?" if self.behind is None else str(self.behind)


@dataclasses.dataclass(frozen=True)
class RepositoryReport:
    """One repository's results.

    Attributes
    ----------
    name : str
        ``owner/name`` for a GitHub clone, else the directory's name.
    path : str
        The path that was checked.
    url : str
        The repository on GitHub; empty when unknown.
    template : TemplateState
        The template release it is on.
    results : tuple of RuleResult
        One per rule that was not ignored, in rule order.
    """

    name: str
    path: str
    url: str
    template: TemplateState
    results: tuple[RuleResult, ...]

    def count(self, result: str) -> int:
        """Count the rules with this result (``passed``, ``failed``, ``skipped``)."""
        return sum(item.result == result for item in self.results)

    def result(self, rule: str) -> RuleResult | None:
        """Give the result of one rule; ``None`` when it was not checked."""
        return next((item for item in self.results if item.id == rule), None)


@dataclasses.dataclass(frozen=True)
class FleetReport:
    """The results of many repositories.

    Attributes
    ----------
    repositories : tuple of RepositoryReport
        Most failures first.
    releases : tuple of str or None
        The template releases `TemplateState.behind` counts, newest first;
        ``None`` when only the newest was known.
    generated : str
        When the report was made (ISO 8601, UTC).
    checker : str
        The version of ``dp-standard`` that made it.
    """

    repositories: tuple[RepositoryReport, ...]
    releases: tuple[str, ...] | None = None
    generated: str = ""
    checker: str = ""

    def rules(self) -> list[RuleResult]:
        """List every rule some repository was checked against, in ID order.

        The message and result are the first repository's; use the ID, family,
        name and URL.
        """
        seen: dict[str, RuleResult] = {}
        for repository in self.repositories:
            for item in repository.results:
                seen.setdefault(item.id, item)
        return [seen[rule] for rule in sorted(seen)]

    def failing(self, rule: str) -> int:
        """Count the repositories where a rule failed."""
        return sum(
            getattr(repository.result(rule), "result", "") == "failed"
            for repository in self.repositories
        )


def family_of(rule: str) -> str:
    """Name the family of a rule: the module that defines it (``licensing``)."""
    return _families().get(rule, "")


@functools.cache
def _families() -> dict[str, str]:
    """Map each rule ID to its module's name, found from the rules, not listed."""
    return {cls.__name__: cls.__module__.rpartition(".")[2] for cls in RULES}


def repository_report(
    root: Path,
    outcomes: Sequence[Outcome],
    releases: Sequence[freshness.Release] | None = None,
) -> RepositoryReport:
    """Describe one checked repository.

    Parameters
    ----------
    root : Path
        The repository.
    outcomes : sequence of Outcome
        What ``dp-standard`` found in it (`.cli.run`).
    releases : sequence of Release, optional
        Every template release, to count how many the repository is behind.

    Returns
    -------
    RepositoryReport
        Its results and template release.
    """
    slug = github_slug(root)
    return RepositoryReport(
        name=slug or root.resolve().name,
        path=str(root),
        url=f"https://github.com/{slug}" if slug else "",
        template=template_state(root, releases),
        results=tuple(
            RuleResult(
                id=outcome.name,
                family=family_of(outcome.name),
                name=outcome.description,
                result=RESULTS[outcome.result],
                message=outcome.message,
                url=outcome.url,
            )
            for outcome in outcomes
        ),
    )


def github_slug(root: Path) -> str:
    """Read ``owner/name`` from the ``origin`` remote of a GitHub clone; empty if none."""
    config = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        config.read(root / ".git" / "config", encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return ""
    url = config.get('remote "origin"', "url", fallback="")
    match = GITHUB_REMOTE.fullmatch(url.strip())
    return match["slug"] if match else ""


def template_state(
    root: Path, releases: Sequence[freshness.Release] | None = None
) -> TemplateState:
    """Read the template release a repository is on, and how far behind it is.

    Parameters
    ----------
    root : Path
        The repository.
    releases : sequence of Release, optional
        Every template release; without it, the newest is the one DP702 knows.

    Returns
    -------
    TemplateState
        The release from ``.copier-answers.yml`` and the count behind.
    """
    answers = root / ANSWERS
    newest = (
        max(releases)
        if releases
        else freshness.newest_release(None, root / PRE_COMMIT_CONFIG)
    )
    if not answers.is_file():
        return TemplateState(False, newest=_str(newest))
    try:
        commit = freshness.project_commit(answers)
    except freshness.CheckError:
        return TemplateState(True, newest=_str(newest))
    return TemplateState(
        True, commit, _str(newest), releases_behind(commit, newest, releases)
    )


def releases_behind(
    commit: str,
    newest: freshness.Release | None,
    releases: Sequence[freshness.Release] | None,
) -> int | None:
    """Count the releases newer than ``commit``.

    Parameters
    ----------
    commit : str
        The ``_commit`` of the answers file: a tag, ``git describe`` output or
        a bare commit hash.
    newest : Release or None
        The newest release, when known.
    releases : sequence of Release or None
        Every release, when known.

    Returns
    -------
    int or None
        The count; ``None`` when it cannot be told: the newest release is
        unknown, `commit` names no release, or it is older than the newest
        release and the list of releases is not known.
    """
    current = freshness.parse_release(commit)
    if current is None or newest is None:
        return None
    if releases:
        return sum(release > current for release in releases)
    return 0 if current >= newest else None


def _str(value: object | None) -> str | None:
    """Spell a value, keeping ``None``."""
    return None if value is None else str(value)


def read_releases(path: Path) -> list[freshness.Release]:
    """Read a list of template releases, one a line.

    A line names a release ``vX.Y.Z`` in one of its fields, so
    ``tests/releases.txt`` (``vX.Y.Z COMMIT``) works, and so does
    ``git ls-remote --tags`` output (``COMMIT refs/tags/vX.Y.Z``), whose tags
    that are not releases (``v1.0.0rc1``) are left out; ``#`` starts a comment.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    list of Release
        The releases, newest first.

    Raises
    ------
    ReportError
        When the file cannot be read, a line names neither a release nor a
        tag, or no line names a release.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"--releases {path}: cannot be read: {error}") from error
    found = []
    for number, line in enumerate(lines, 1):
        fields = line.split("#", 1)[0].split()
        releases = [
            release
            for field in fields
            if (release := freshness.known_release(field.removeprefix("refs/tags/")))
        ]
        if (
            fields
            and not releases
            and not any(field.startswith("refs/tags/") for field in fields)
        ):
            raise ReportError(
                f"--releases {path}, line {number}: {line.strip()!r} names no "
                "release like v1.2.3"
            )
        found += releases[:1]
    if not found:
        raise ReportError(f"--releases {path}: names no release like v1.2.3")
    return sorted(set(found), reverse=True)


def fleet_report(
    repositories: Iterable[RepositoryReport],
    releases: Sequence[freshness.Release] | None = None,
) -> FleetReport:
    """Gather repositories into one report, most failures first.

    Parameters
    ----------
    repositories : iterable of RepositoryReport
        Checked here or read from earlier reports.
    releases : sequence of Release, optional
        Every template release: recounts how far behind each repository is.

    Returns
    -------
    FleetReport
        The report, stamped with the time and this checker's version.
    """
    items = list(repositories)
    if releases:
        items = [_recount(repository, releases) for repository in items]
    items.sort(key=lambda repository: (-repository.count("failed"), repository.name))
    return FleetReport(
        repositories=tuple(items),
        releases=tuple(map(str, releases)) if releases else None,
        generated=datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        checker=freshness.own_version() or "unknown",
    )


def _recount(
    repository: RepositoryReport, releases: Sequence[freshness.Release]
) -> RepositoryReport:
    """Count again how far behind a repository is, against a list of releases."""
    template = repository.template
    newest = max(releases)
    behind = (
        None
        if template.commit is None
        else releases_behind(template.commit, newest, releases)
    )
    return dataclasses.replace(
        repository,
        template=dataclasses.replace(template, newest=str(newest), behind=behind),
    )


def to_json(report: FleetReport) -> str:
    """Write a report as a JSON document (``schema_version`` 1).

    Parameters
    ----------
    report : FleetReport
        The report, from :func:`fleet_report`; ``--merge`` reads the document
        back with :func:`read_report`.

    Returns
    -------
    str
        The document: ``schema_version``, ``generated``, ``checker``,
        ``releases`` and ``repositories``, each with its ``name``, ``path``,
        ``url``, ``template`` (``adopted``, ``commit``, ``newest``, ``behind``),
        ``summary`` (counts by result) and ``results`` (``id``, ``family``,
        ``name``, ``result``, ``message``, ``url``).
    """
    document = {
        "schema_version": SCHEMA_VERSION,
        "generated": report.generated,
        "checker": report.checker,
        "releases": None if report.releases is None else list(report.releases),
        "repositories": [
            {
                "name": repository.name,
                "path": repository.path,
                "url": repository.url,
                "template": dataclasses.asdict(repository.template),
                "summary": {
                    result: repository.count(result) for result in RESULTS.values()
                },
                "results": [dataclasses.asdict(item) for item in repository.results],
            }
            for repository in report.repositories
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def read_report(path: Path) -> list[RepositoryReport]:
    """Read the repositories of a JSON document that `to_json` wrote.

    Parameters
    ----------
    path : Path
        The document.

    Returns
    -------
    list of RepositoryReport
        Its repositories.

    Raises
    ------
    ReportError
        When the file cannot be read, is not JSON, or is not such a document.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"--merge {path}: cannot be read: {error}") from error
    except json.JSONDecodeError as error:
        raise ReportError(f"--merge {path}: not JSON ({error})") from error
    if not isinstance(document, dict) or "schema_version" not in document:
        raise ReportError(
            f"--merge {path}: not a report of `dp-standard --format json`"
        )
    if document["schema_version"] != SCHEMA_VERSION:
        raise ReportError(
            f"--merge {path}: schema_version {document['schema_version']!r}; this "
            f"dp-standard reads version {SCHEMA_VERSION}: make both reports with "
            "the same release of the checker"
        )
    try:
        return [_repository(item) for item in _list(document, "repositories")]
    except TypeError as error:
        raise ReportError(
            f"--merge {path}: not a report of `dp-standard --format json` ({error})"
        ) from error


def _repository(data: Mapping[str, Any]) -> RepositoryReport:
    """Read one repository of a JSON document; `TypeError` for a wrong type."""
    name = _field(data, "name", str)
    template = _field(data, "template", dict)
    behind = template.get("behind")
    if behind is not None and (isinstance(behind, bool) or not isinstance(behind, int)):
        raise TypeError(f"template.behind is {behind!r}, not a count")
    return RepositoryReport(
        name=name,
        path=_field(data, "path", str),
        url=_field(data, "url", str),
        template=TemplateState(
            adopted=_field(template, "adopted", bool),
            commit=_optional(template, "commit"),
            newest=_optional(template, "newest"),
            behind=behind,
        ),
        results=tuple(
            RuleResult(**{key: _field(item, key, str) for key in _RESULT_FIELDS})
            for item in _list(data, "results")
        ),
    )


_RESULT_FIELDS = tuple(field.name for field in dataclasses.fields(RuleResult))


def _field(data: Mapping[str, Any], key: str, kind: type) -> Any:
    """Get a required value of a given type from a JSON object."""
    if not isinstance(data, dict):
        raise TypeError(f"expected an object, got {data!r:.40}")
    if key not in data:
        raise TypeError(f"no {key}")
    value = data[key]
    if not isinstance(value, kind):
        raise TypeError(f"{key} is {value!r:.40}, not {kind.__name__}")
    return value


def _optional(data: Mapping[str, Any], key: str) -> str | None:
    """Get a string or ``null`` from a JSON object."""
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} is {value!r:.40}, not a string")
    return value


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    """Get a required list from a JSON object."""
    return _field(data, key, list)  # type: ignore[no-any-return]


def markdown(report: FleetReport) -> str:
    """Write a report as Markdown tables, for a GitHub job summary.

    Parameters
    ----------
    report : FleetReport
        The report, its repositories as :func:`fleet_report` orders them
        (most failures first).

    Returns
    -------
    str
        One row per repository (most failures first) with its template
        release and counts, then the rules that fail somewhere, most often
        first.
    """
    lines = [
        "## DeepModeling standard: fleet report",
        "",
        f"{len(report.repositories)} repositories, checked against the "
        "[DeepModeling standard](https://github.com/deepmodeling/deepmodeling-template/blob/main/STANDARD.md)"
        + (f" by dp-standard {report.checker}" if report.checker else "")
        + ".",
        "",
        "| Repository | Template release | Releases behind | Failed | Passed | Skipped | Failed rules |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    lines += [_markdown_row(repository) for repository in report.repositories]
    failing = sorted(
        (rule for rule in report.rules() if report.failing(rule.id)),
        key=lambda rule: (-report.failing(rule.id), rule.id),
    )
    if failing:
        lines += [
            "",
            "| Rule | Fails in | Statement |",
            "| --- | ---: | --- |",
        ]
        lines += [
            f"| [{_cell(rule.id)}]({_link(rule.url)}) | {report.failing(rule.id)} "
            f"| {_cell(rule.name)} |"
            for rule in failing
        ]
    return "\n".join(lines) + "\n"


def _markdown_row(repository: RepositoryReport) -> str:
    """One repository as a row of the Markdown table."""
    name = _cell(repository.name)
    if repository.url:
        name = f"[{name}]({_link(repository.url)})"
    failed = ", ".join(
        item.id for item in repository.results if item.result == "failed"
    )
    cells = [
        name,
        _cell(repository.template.release()),
        repository.template.behind_text(),
        *(str(repository.count(result)) for result in ("failed", "passed", "skipped")),
        _cell(failed),
    ]
    return "| " + " | ".join(cells) + " |"


def _cell(text: str) -> str:
    """Quote untrusted text for a Markdown table cell: no HTML, links or breaks."""
    text = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", text)


def _link(url: str) -> str:
    """Keep a link only when it is a web address (a report may come from anywhere)."""
    return url if re.fullmatch(r"https?://[^\s()<>]+", url) else "#"
