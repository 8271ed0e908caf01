"""Fail when a project is behind the newest deepmodeling-template release.

The project's template release is the ``_commit`` that Copier recorded in the
answers file.  The newest release is, by default, the version of this very
hook: pre-commit.ci's autoupdate bumps the hook's ``rev`` to the newest tag, so
the hook never needs the network (pre-commit.ci runs hooks offline).

pre-commit installs a hook from a shallow fetch that carries no git tags, so
the installed package may only know a development version.  The ``rev`` that
pins this hook in ``.pre-commit-config.yaml`` then stands in for it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

import yaml

from ..common import ReadError, precommit_hooks, read_yaml

DISTRIBUTION = "deepmodeling-template"
HOOK_ID = "check-template-version"
README_URL = "https://github.com/deepmodeling/deepmodeling-template#readme"
CHANGELOG_URL = (
    "https://github.com/deepmodeling/deepmodeling-template/blob/main/CHANGELOG.md"
)
VERSION_PATTERN = re.compile(
    r"v?(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<patch>\d+))?"
    r"(?:-(?P<distance>\d+)-g[0-9a-fA-F]+)?"
)


class Release(NamedTuple):
    """A template release, possibly with commits on top of it.

    Attributes
    ----------
    major, minor, patch : int
        The ``X.Y.Z`` of the release tag.
    distance : int
        Commits after the tag, from a ``git describe`` suffix ``-N-gSHA``.
    """

    major: int
    minor: int
    patch: int
    distance: int = 0

    def __str__(self) -> str:
        """Spell the release as its tag."""
        return f"v{self.major}.{self.minor}.{self.patch}"


class CheckError(Exception):
    """A problem that stops the check, with a message for the user."""


def parse_release(text: str) -> Release | None:
    """Parse a ``vX.Y.Z`` tag, optionally with a ``-N-gSHA`` suffix.

    Parameters
    ----------
    text : str
        Tag, ``git describe`` output or package version.

    Returns
    -------
    Release or None
        The release, or ``None`` for anything else (a bare commit hash, a
        branch, a development or pre-release version).
    """
    match = VERSION_PATTERN.fullmatch(text.strip())
    if match is None:
        return None
    parts = match.groupdict(default="0")
    return Release(
        *(int(parts[key]) for key in ("major", "minor", "patch", "distance"))
    )


def known_release(text: str | None) -> Release | None:
    """Parse a version that names the newest release, if it names one.

    Parameters
    ----------
    text : str or None
        Candidate version.

    Returns
    -------
    Release or None
        The release, or ``None`` for a missing, development or ``0.0.0``
        version, which says nothing about the newest release.
    """
    release = None if text is None else parse_release(text)
    if release is None or release.distance or release[:3] == (0, 0, 0):
        return None
    return release


def own_version() -> str | None:
    """Give the installed version of this package.

    Returns
    -------
    str or None
        The version, or ``None`` when the package is not installed.
    """
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def load_yaml(path: Path) -> object:
    """Load a YAML file, turning every failure into a `CheckError`.

    Parameters
    ----------
    path : Path
        File to load.

    Returns
    -------
    object
        The parsed document.

    Raises
    ------
    CheckError
        When the file cannot be read or is not valid YAML.
    """
    try:
        return read_yaml(path)
    except ReadError as problem:
        error = problem.error
        if isinstance(error, yaml.YAMLError):
            message = f"{path}: not valid YAML, fix or restore it:\n{error}"
        elif isinstance(error, RecursionError):
            message = f"{path}: nested too deeply to read, restore it."
        else:
            message = f"{path}: cannot be read: {error}"
        raise CheckError(message) from error


def pinned_rev(config: Path) -> str | None:
    """Find the ``rev`` that pins this hook in a pre-commit config.

    Parameters
    ----------
    config : Path
        The project's ``.pre-commit-config.yaml``.

    Returns
    -------
    str or None
        The ``rev`` of the first repo entry that lists this hook, or ``None``
        when the config is missing, unreadable or does not list the hook.
    """
    try:
        document = load_yaml(config)
    except CheckError:
        return None
    listed = (hook for hook in precommit_hooks(document) if hook.id == HOOK_ID)
    rev = next((hook.rev for hook in listed), None)
    return None if rev is None else str(rev) or None


def newest_release(override: str | None, config: Path) -> Release | None:
    """Work out the newest template release without the network.

    Parameters
    ----------
    override : str or None
        Version given with ``--newest``; wins when given.
    config : Path
        pre-commit config whose ``rev`` is used when this package only knows
        a development version.

    Returns
    -------
    Release or None
        The newest release, or ``None`` when it is unknown.

    Raises
    ------
    CheckError
        When `override` is not a ``vX.Y.Z`` release.
    """
    if override is not None:
        release = known_release(override)
        if release is None:
            raise CheckError(f"--newest {override!r} is not a release like v1.2.3")
        return release
    return known_release(own_version()) or known_release(pinned_rev(config))


def project_commit(answers: Path) -> str:
    """Read the template ``_commit`` recorded in the Copier answers file.

    Parameters
    ----------
    answers : Path
        The project's Copier answers file.

    Returns
    -------
    str
        The recorded ``_commit``.

    Raises
    ------
    CheckError
        When the file is missing, unreadable, not a mapping, or has no
        ``_commit``.
    """
    if not answers.is_file():
        raise CheckError(missing_answers_message(answers))
    document = load_yaml(answers)
    if not isinstance(document, dict):
        raise CheckError(
            f"{answers}: expected a mapping of Copier answers, fix or restore it."
        )
    commit = document.get("_commit")
    if isinstance(commit, bool) or not isinstance(commit, str | int | float):
        raise CheckError(missing_commit_message(answers))
    return str(commit)


def missing_answers_message(answers: Path) -> str:
    """Explain a missing answers file.

    Parameters
    ----------
    answers : Path
        The answers file that was looked for.

    Returns
    -------
    str
        Message for the user.
    """
    return (
        f"{answers} not found: this project was not generated from "
        "deepmodeling-template, or its answers file was renamed.\n"
        "To adopt the template in an existing project, follow the adoption "
        f"steps in the template README ({README_URL}).\n"
        "If the answers file has another name, pass it to this hook with "
        "`args: [--answers-file, PATH]`."
    )


def missing_commit_message(answers: Path) -> str:
    """Explain an answers file without a usable ``_commit``.

    Parameters
    ----------
    answers : Path
        The answers file.

    Returns
    -------
    str
        Message for the user.
    """
    return (
        f"{answers} has no `_commit`, so Copier cannot tell which template "
        "release this project is on and `copier update` cannot work.\n"
        "Set `_commit` to the release tag the project was generated from "
        "(for example `_commit: v0.1.0`), or regenerate the project with "
        "`copier recopy --defaults` and review the diff."
    )


def behind_message(current: str, newest: Release) -> str:
    """Explain how to catch up from ``_commit`` `current` with release `newest`."""
    return (
        f"This project is on template {current}; the newest deepmodeling-template "
        f"release is {newest}.\n"
        "Update it from a clean git work tree with:\n\n"
        "    copier update --defaults\n\n"
        "then resolve any conflicts (check-copier-conflicts lists them) and "
        f"read what changed in the template CHANGELOG ({CHANGELOG_URL})."
    )


def unknown_commit_message(current: str, newest: Release) -> str:
    """Explain a ``_commit`` (`current`) that is not a release tag, `newest` being out."""
    return (
        f"This project is on template commit {current!r}, which is not a "
        f"release; the newest deepmodeling-template release is {newest}.\n"
        "Move the project onto that release with:\n\n"
        f"    copier update --defaults --vcs-ref {newest}\n"
    )


def check(answers: Path, config: Path, override: str | None) -> str | None:
    """Compare the project's template release with the newest one.

    Parameters
    ----------
    answers : Path
        The project's Copier answers file.
    config : Path
        The project's pre-commit config.
    override : str or None
        Newest release given on the command line.

    Returns
    -------
    str or None
        A message when the project is behind, ``None`` when it is up to date
        or the newest release is unknown.

    Raises
    ------
    CheckError
        When the answers file or `override` is unusable.
    """
    newest = newest_release(override, config)
    if newest is None:
        return None
    current = project_commit(answers)
    release = parse_release(current)
    if release is None:
        return unknown_commit_message(current, newest)
    return behind_message(current, newest) if release < newest else None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the arguments (``sys.argv[1:]`` when ``None``)."""
    parser = argparse.ArgumentParser(
        prog="check-template-version",
        description="Fail when the project is behind the newest deepmodeling-template release.",
    )
    parser.add_argument(
        "--answers-file",
        type=Path,
        default=Path(".copier-answers.yml"),
        help="Copier answers file of the project (default: %(default)s)",
    )
    parser.add_argument(
        "--newest",
        metavar="VERSION",
        help="newest template release, e.g. v1.2.3 (default: this hook's own version)",
    )
    parser.add_argument(
        "--pre-commit-config",
        type=Path,
        default=Path(".pre-commit-config.yaml"),
        help="where to read this hook's rev when its own version is a "
        "development one (default: %(default)s)",
    )
    parser.add_argument(
        "--warn-only",
        action="store_true",
        help="print the same messages but always exit 0",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the hook on ``argv`` (``sys.argv[1:]`` when ``None``).

    Returns 0 when the project is up to date (or with ``--warn-only``), else 1.
    """
    args = parse_args(argv)
    try:
        message = check(args.answers_file, args.pre_commit_config, args.newest)
    except CheckError as error:
        message = str(error)
    if message is None:
        return 0
    print(message)
    return 0 if args.warn_only else 1


if __name__ == "__main__":
    sys.exit(main())
