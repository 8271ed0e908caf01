"""Time `copier copy`, a generated project's first green run, and `copier update`; weigh the output.

Usage: python -m benchmarks.bench [--answers NAME]   (from the repository's top)

NAME is an answer set of the tests (tests/helpers.py): an example (python,
compiled, ...) or ``custom``; ``python`` by default.

Prints wall-clock seconds for each step. Installs use uv with its cache, as the
generated CI does; run twice to see warm-cache figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from copier import run_update

from tests.helpers import (
    ANSWER_SETS,
    git_commit_all,
    pinned_hook_revs,
    render,
    synthetic_change,
    template_repository,
)


def sh(command: Sequence[str | os.PathLike[str]], cwd: Path) -> None:
    """Run a command, failing loudly."""
    result = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(
            f"{' '.join(map(str, command))} failed:\n{result.stdout}{result.stderr}"
        )


def timed(label: str, action: Callable[[], object], figures: dict[str, float]) -> None:
    """Run ``action`` and record its wall-clock time under ``label``."""
    start = time.perf_counter()
    action()
    figures[label] = time.perf_counter() - start
    print(f"{label:<32} {figures[label]:7.2f} s", flush=True)


def rendered_size(project: Path) -> str:
    """Count the files and bytes Copier wrote."""
    files = [
        path
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    ]
    kib = sum(path.stat().st_size for path in files) / 1024
    return f"{'rendered project':<32} {len(files):4d} files {kib:8.1f} KiB"


def report_sizes(rendered: str, dist: Path) -> None:
    """Print what the render and the distributions weigh."""
    print(rendered)
    for artifact in sorted(dist.iterdir()):
        kind = "sdist" if artifact.name.endswith(".tar.gz") else "wheel"
        print(f"{kind:<32} {artifact.stat().st_size / 1024:19.1f} KiB")


def main() -> int:
    """Render, then run each first-run step once."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", choices=ANSWER_SETS, default="python")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="Dirty template changes")
    from uv import find_uv_bin

    uv = find_uv_bin()
    revs = pinned_hook_revs()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        project = work / "project"
        venv = work / "venv"
        timed(
            "copier copy", lambda: render(project, ANSWER_SETS[args.answers]), figures
        )
        rendered = rendered_size(project)
        git_commit_all(project)
        bin_dir = venv / "bin"

        def install() -> None:
            sh([uv, "venv", "-q", venv], work)
            sh(
                [
                    uv,
                    "pip",
                    "install",
                    "-q",
                    "--python",
                    bin_dir / "python",
                    "-e",
                    f"{project}[test,docs]",
                    f"ruff=={revs['https://github.com/astral-sh/ruff-pre-commit']}",
                    "build[uv]",
                ],
                work,
            )

        timed("install (uv, test+docs+ruff)", install, figures)
        timed(
            "pytest",
            lambda: sh(
                [bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                project,
            ),
            figures,
        )
        timed(
            "ruff check + format",
            lambda: (
                sh([bin_dir / "ruff", "check", "--no-cache", "."], project),
                sh([bin_dir / "ruff", "format", "--check", "--no-cache", "."], project),
            ),
            figures,
        )
        timed(
            "sphinx-build -W (offline)",
            lambda: sh(
                [
                    bin_dir / "sphinx-build",
                    "-q",
                    "-W",
                    "-t",
                    "offline",
                    "docs",
                    work / "html",
                ],
                project,
            ),
            figures,
        )
        timed(
            "python -m build",
            lambda: sh(
                [
                    bin_dir / "python",
                    "-m",
                    "build",
                    "--installer",
                    "uv",
                    "-o",
                    work / "dist",
                    ".",
                ],
                project,
            ),
            figures,
        )
        first_run = sum(v for k, v in figures.items() if k != "copier copy")
        print(f"{'first green run (total)':<32} {first_run:7.2f} s")
        report_sizes(rendered, work / "dist")

        # An update between two releases (the synthetic change of the update tests).
        template = template_repository(
            work / "template", {"v0.1.0": None, "v0.2.0": synthetic_change}
        )
        old = work / "updated"
        render(old, ANSWER_SETS[args.answers], template, vcs_ref="v0.1.0")
        git_commit_all(old)
        timed(
            "copier update v0.1.0 -> v0.2.0",
            lambda: run_update(
                old,
                defaults=True,
                overwrite=True,
                vcs_ref="v0.2.0",
                unsafe=False,
                quiet=True,
            ),
            figures,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
