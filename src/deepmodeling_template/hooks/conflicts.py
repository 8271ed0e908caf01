"""Fail when ``copier update`` left conflict markers or rejected hunks behind.

Copier resolves update conflicts either inline, writing git-style markers
(``<<<<<<< before updating`` / ``=======`` / ``>>>>>>> after updating``), or
by leaving ``*.rej`` files next to the files it could not patch.  Either kind
of leftover must never be committed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

SNIFF_BYTES = 8192
# Copier writes conflict markers only into the files it renders, all small;
# larger files (data, archives) are not read at all.
MAX_BYTES = 5 * 1024 * 1024
OPEN_MARKER = "<<<<<<< "
CLOSE_MARKER = ">>>>>>> "
SEPARATOR = "======="
MARKER_MESSAGE = "conflict marker left by copier update"
REJECT_MESSAGE = (
    "rejected hunk file left by copier update (apply it by hand, then delete it)"
)
HINT = (
    "A `copier update` could not merge every template change into your files. "
    "For each inline conflict, keep the right lines between `<<<<<<<` and "
    "`>>>>>>>` and delete the three marker lines; for each `.rej` file, apply "
    "the rejected hunks it shows to the file of the same name by hand, then "
    "delete the `.rej` file. Commit once this hook passes."
)


def git_files(root: Path) -> list[Path] | None:
    """List tracked and untracked-but-not-ignored files with git.

    Parameters
    ----------
    root : Path
        Directory to run ``git`` in.

    Returns
    -------
    list of Path or None
        Paths relative to `root`, or ``None`` when `root` is not inside a git
        work tree or git is not installed.
    """
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, check=False)
    except OSError:
        return None
    if result.returncode != 0:
        return None
    names = os.fsdecode(result.stdout).split("\0")
    return [Path(name) for name in dict.fromkeys(names) if name]


def walk_files(root: Path) -> list[Path]:
    """List every file below `root`, skipping ``.git`` directories.

    Parameters
    ----------
    root : Path
        Directory to walk.

    Returns
    -------
    list of Path
        Paths relative to `root`, sorted.
    """
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [name for name in subdirs if name != ".git"]
        base = Path(directory).relative_to(root)
        found.extend(base / name for name in files)
    return sorted(found)


def tree_files(root: Path) -> list[Path]:
    """List the regular files of the work tree that are not ignored.

    Parameters
    ----------
    root : Path
        Top directory to list.

    Returns
    -------
    list of Path
        Existing regular files (not symlinks), relative to `root`.
    """
    listed = git_files(root)
    candidates = walk_files(root) if listed is None else listed
    return [path for path in candidates if is_regular(root / path)]


def is_regular(path: Path) -> bool:
    """Tell whether `path` is an existing regular file and not a symlink.

    Parameters
    ----------
    path : Path
        Path to test.

    Returns
    -------
    bool
        ``True`` for a regular file.
    """
    return path.is_file() and not path.is_symlink()


def read_text(path: Path) -> str | None:
    """Read a text file, or give up on binary and undecodable files.

    Parameters
    ----------
    path : Path
        File to read.

    Returns
    -------
    str or None
        The decoded text, or ``None`` when the file cannot be read, is larger
        than any file Copier renders, holds a NUL byte in its first 8 KiB, is
        not UTF-8, or cannot hold a marker.
    """
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        with path.open("rb") as file:
            data = file.read(SNIFF_BYTES)
            if b"\0" in data:
                return None
            data += file.read()
    except OSError:
        return None
    if OPEN_MARKER.encode() not in data and CLOSE_MARKER.encode() not in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def marker_lines(text: str) -> list[int]:
    """Find the conflict marker lines in `text`.

    A ``=======`` line only counts when it sits between an opening
    ``<<<<<<<`` and a closing ``>>>>>>>`` line, so that setext headings and
    reST underlines are not mistaken for conflicts.

    Parameters
    ----------
    text : str
        File contents.

    Returns
    -------
    list of int
        One-based line numbers, ascending.
    """
    found: list[int] = []
    separators: list[int] = []
    inside = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if line.startswith(OPEN_MARKER):
            found.append(number)
            separators, inside = [], True
        elif line.startswith(CLOSE_MARKER):
            found.append(number)
            if inside:
                found.extend(separators)
            separators, inside = [], False
        elif line == SEPARATOR and inside:
            separators.append(number)
    return sorted(found)


def marker_findings(root: Path, paths: Sequence[Path]) -> Iterator[str]:
    """Report every conflict marker line in `paths`.

    Parameters
    ----------
    root : Path
        Directory the paths are relative to.
    paths : sequence of Path
        Files to scan.

    Yields
    ------
    str
        One ``path:line: message`` finding per marker line.
    """
    for path in paths:
        text = read_text(root / path)
        if text is None:
            continue
        for number in marker_lines(text):
            yield f"{path.as_posix()}:{number}: {MARKER_MESSAGE}"


def reject_findings(paths: Sequence[Path]) -> Iterator[str]:
    """Report every ``*.rej`` file in `paths`.

    Parameters
    ----------
    paths : sequence of Path
        Files of the work tree.

    Yields
    ------
    str
        One ``path: message`` finding per rejected hunk file.
    """
    for path in paths:
        if path.suffix == ".rej":
            yield f"{path.as_posix()}: {REJECT_MESSAGE}"


def find_leftovers(root: Path, filenames: Sequence[str]) -> list[str]:
    """Collect every Copier update leftover.

    Parameters
    ----------
    root : Path
        Top of the work tree; always scanned for ``*.rej`` files.
    filenames : sequence of str
        Files to scan for conflict markers; the whole tree when empty.

    Returns
    -------
    list of str
        Findings, markers first, then rejected hunk files.
    """
    tree = tree_files(root)
    if filenames:
        targets = [Path(name) for name in filenames if is_regular(root / name)]
    else:
        targets = tree
    return [*marker_findings(root, targets), *reject_findings(tree)]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the arguments (``sys.argv[1:]`` when ``None``): a ``filenames`` list."""
    parser = argparse.ArgumentParser(
        prog="check-copier-conflicts",
        description="Fail when `copier update` left conflict markers or *.rej files.",
    )
    parser.add_argument(
        "filenames",
        nargs="*",
        help="files to scan for conflict markers (default: the whole work tree); "
        "*.rej files are always searched for in the whole tree",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the hook on ``argv`` (``sys.argv[1:]`` when ``None``): 1 when leftovers were found."""
    args = parse_args(argv)
    findings = find_leftovers(Path.cwd(), args.filenames)
    if not findings:
        return 0
    # File names that are not UTF-8 decode to lone surrogates: escape them.
    print("\n".join(findings).encode("utf-8", "backslashreplace").decode("utf-8"))
    print()
    print(HINT)
    return 1


if __name__ == "__main__":
    sys.exit(main())
