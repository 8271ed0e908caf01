"""``dp-standard``: check a repository against the DeepModeling standard.

Runs the DeepModeling family alone (other installed repo-review plugins, and
their fixtures, are left out) and exits 1 when a rule fails.  repo-review does
the running on every Python (1.3 on 3.11 and later, 1.2 on 3.10, with the same
API): rules run in dependency order, a rule whose ``requires`` did not all pass
is skipped, and ``select`` / ``ignore`` in ``[tool.repo-review]`` of
``pyproject.toml`` are honoured.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import RULES, fixtures, fleet, repo_review_checks, repo_review_families
from ._core import FAMILY, STANDARD_URL

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence

    from ._review import Review

FIXTURES: dict[str, Callable[..., Any]] = {
    "pyproject": fixtures.pyproject,
    "dp_pyproject": fixtures.dp_pyproject,
    "dp_precommit": fixtures.dp_precommit,
    "dp_workflows": fixtures.dp_workflows,
    "dp_dependabot": fixtures.dp_dependabot,
    "dp_readthedocs": fixtures.dp_readthedocs,
    "dp_citation": fixtures.dp_citation,
    "dp_cmake_presets": fixtures.dp_cmake_presets,
}


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The result of one rule.

    Attributes
    ----------
    name : str
        Rule ID, e.g. ``DP101``.
    description : str
        One-line statement of the rule.
    result : bool or None
        ``True`` passed, ``False`` failed, ``None`` skipped.
    message : str
        Why it failed (Markdown), or why it was skipped.
    url : str
        Where STANDARD.md explains the rule.
    notice : bool
        A skip whose reason is shown even when only failures are listed.
    """

    name: str
    description: str
    result: bool | None
    message: str = ""
    url: str = ""
    notice: bool = False


def run(root: Path, package_dir: str = "") -> list[Outcome]:
    """Check one repository against every rule of the DeepModeling standard.

    Parameters
    ----------
    root : Path
        The repository.
    package_dir : str
        The Python package, relative to `root`, when it is not at the top.

    Returns
    -------
    list of Outcome
        One per rule that is not ignored, in rule order.
    """
    # Imported here: a tenth of a second that `dp-standard --help` need not wait.
    from repo_review.fixtures import compute_fixtures
    from repo_review.processor import CollectionReturn, process

    package = root.joinpath(package_dir) if package_dir else root
    checks = repo_review_checks()
    collected = CollectionReturn(
        compute_fixtures(root, package, FIXTURES),
        checks,  # type: ignore[arg-type]
        repo_review_families(),  # type: ignore[arg-type]
    )
    _, results = process(root, subdir=package_dir, collected=collected)
    return [
        _outcome(
            checks[result.name],
            result.result,
            # An ignored rule still runs in repo-review; its reason is the message.
            result.skip_reason or result.err_msg,
        )
        for result in results
        if result.family == FAMILY
    ]


def _outcome(check: Review, result: bool | None, message: str) -> Outcome:
    """Describe one rule's result; a skip without a message gets its reason."""
    if result is None and not message:
        message = check.skip_reason()
    return Outcome(
        name=check.rule.__name__,
        description=check.rule.statement(),
        result=result,
        message=message if result is not True else "",
        url=check.rule.url,
        notice=result is None and check.notice,
    )


def report(
    outcomes: Sequence[Outcome],
    show_all: bool = False,
    warn: Collection[str] = (),
) -> str:
    """Render outcomes as plain text for a terminal or pre-commit.

    Parameters
    ----------
    outcomes : sequence of Outcome
        Results of `run`.
    show_all : bool
        List passed and skipped rules too, not only the failures (and the
        skips whose reason is advice, such as a package below the top).
    warn : collection of str
        Rules whose failures are warnings.

    Returns
    -------
    str
        The report.
    """
    failed = [outcome for outcome in outcomes if outcome.result is False]
    warnings = sum(outcome.name in warn for outcome in failed)
    passed = sum(outcome.result is True for outcome in outcomes)
    skipped = sum(outcome.result is None for outcome in outcomes)
    lines = [
        f"DeepModeling standard: {passed} passed, {len(failed) - warnings} failed, "
        + (f"{warnings} warned, " if warnings else "")
        + f"{skipped} skipped ({STANDARD_URL})"
    ]
    shown = [o for o in outcomes if show_all or o.result is False or o.notice]
    for outcome in shown:
        status = {True: "passed", False: "FAILED", None: "skipped"}[outcome.result]
        if outcome.result is False and outcome.name in warn:
            status = "WARNING"
        line = f"{outcome.name} {status}: {outcome.description}"
        if outcome.result is True:
            lines.append(line)
            continue
        lines += ["", line]
        if outcome.message:
            lines.append(textwrap.indent(outcome.message.strip(), "    "))
        if outcome.result is False:
            lines.append(f"    See {outcome.url}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``dp-standard`` on ``argv`` (``sys.argv[1:]`` when ``None``): 1 when a rule fails."""
    parser = argparse.ArgumentParser(
        prog="dp-standard",
        description="Check repositories against the DeepModeling standard "
        f"({STANDARD_URL}).",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="repositories (default: ., or none with --merge)",
    )
    parser.add_argument(
        "--package-dir",
        "-p",
        default="",
        help="the Python package, relative to each path",
    )
    parser.add_argument(
        "--show-all",
        action="store_true",
        help="also list the rules that passed or were skipped",
    )
    parser.add_argument(
        "--warn",
        action="append",
        default=[],
        metavar="RULE",
        help="report this rule's failure without failing (repeatable)",
    )
    fleet.add_arguments(parser)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.warn) - {rule.__name__ for rule in RULES})
    if unknown:
        parser.error(f"--warn: no rule {', '.join(unknown)} (rules are DP101...)")
    if args.format != "text" or args.merge or args.releases:
        return _fleet(parser, args)
    status = 0
    for path in args.paths or [Path()]:
        problem = _path_problem(path, args.package_dir)
        if problem:
            print(f"dp-standard: {problem}", file=sys.stderr)
            status = 1
            continue
        outcomes = run(path, args.package_dir)
        if len(args.paths) > 1:
            print(f"== {path}")
        print(report(outcomes, show_all=args.show_all, warn=args.warn))
        status |= any(
            outcome.result is False and outcome.name not in args.warn
            for outcome in outcomes
        )
    return status


def _fleet(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Check every path, merge every ``--merge`` report, print one report: 1 on a failure."""
    if args.format == "text":
        parser.error(
            "--merge and --releases make a report: add --format json, html or markdown"
        )
    paths = args.paths if args.paths or args.merge else [Path()]
    problems = [
        problem for path in paths if (problem := _path_problem(path, args.package_dir))
    ]
    if problems:
        parser.error("; ".join(problems))
    try:
        found = fleet.gather(
            # Checked once the reports to merge and the releases have been read.
            ((path, run(path, args.package_dir)) for path in paths),
            args.merge,
            args.releases,
        )
    except fleet.ReportError as error:
        parser.error(str(error))
    print(fleet.render(found, args.format), end="")
    return int(fleet.fails(found, args.warn))


def _path_problem(path: Path, package_dir: str) -> str:
    """Say what is wrong with a repository path and package directory, if anything."""
    if not path.is_dir():
        return f"{path} is not a directory"
    if package_dir and not (path / package_dir).is_dir():
        return f"--package-dir {package_dir}: {path / package_dir} is not a directory"
    return ""


if __name__ == "__main__":
    sys.exit(main())
