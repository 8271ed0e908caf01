"""Audit a released sdist against the DeepModeling standard (STANDARD.md).

Downloads the newest sdist of a distribution from PyPI (dpdata by default),
unpacks it in a temporary directory and runs repo-review on it, printing the
results of the DeepModeling family.  An sdist built by setuptools-scm holds
every file tracked by git, so the audit sees the repository as released
(without its git history).

Usage::

    python tools/audit_sdist.py [DISTRIBUTION] [--full]

Needs this repository installed (``pip install -e .``) and network access to
PyPI.  ``--full`` prints every failure message in full.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from repo_review.processor import process

FAMILY = "deepmodeling"
SYMBOLS = {True: "pass", False: "FAIL", None: "skip"}


def download_sdist(distribution: str, directory: Path) -> Path:
    """Download the newest sdist of ``distribution`` into ``directory``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            distribution,
            "--no-deps",
            "--no-binary",
            ":all:",
            "--quiet",
            "--dest",
            str(directory),
        ],
        check=True,
    )
    return next(p for p in directory.iterdir() if p.name.endswith((".tar.gz", ".zip")))


def unpack(archive: Path, directory: Path) -> Path:
    """Unpack an sdist and return its top-level directory."""
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(directory)
    else:
        with tarfile.open(archive) as opened:
            opened.extractall(directory, filter="data")
    (top,) = (p for p in directory.iterdir() if p.is_dir())
    return top


def audit(root: Path, full: bool) -> int:
    """Print the DeepModeling results for ``root``; return the failure count."""
    _, results = process(root)
    ours = [result for result in results if result.family == FAMILY]
    width = shutil.get_terminal_size((100, 20)).columns
    for result in ours:
        print(f"{result.name}  {SYMBOLS[result.result]}  {result.description}")
        if result.result is False:
            message = result.err_msg.strip()
            if not full:
                message = message.splitlines()[0]
                message = (
                    message
                    if len(message) < width - 8
                    else message[: width - 11] + "..."
                )
            print("        " + message.replace("\n", "\n        "))
    counts = {value: sum(r.result is value for r in ours) for value in SYMBOLS}
    print(
        f"\n{root.name}: {counts[True]} passed, {counts[False]} failed, "
        f"{counts[None]} skipped of {len(ours)} DeepModeling rules"
    )
    return counts[False]


def main() -> int:
    """Download, unpack and audit one sdist."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("distribution", nargs="?", default="dpdata")
    parser.add_argument("--full", action="store_true", help="print whole messages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="audit-sdist-") as temporary:
        directory = Path(temporary)
        (directory / "download").mkdir()
        (directory / "src").mkdir()
        archive = download_sdist(args.distribution, directory / "download")
        print(f"Auditing {archive.name}\n")
        audit(unpack(archive, directory / "src"), args.full)
    return 0


if __name__ == "__main__":
    sys.exit(main())
