"""Time `copier copy`, a generated project's first green run, and `copier update`; weigh the output.

Usage: python -m benchmarks.bench [--answers NAME]   (from the repository's top)
       python -m benchmarks.bench --peer PATH [--runs N] [--answers NAME]

NAME is an answer set of the tests (tests/helpers.py): an example (python,
compiled, ...) or ``custom``; ``python`` by default.

Prints wall-clock seconds for each step. Installs use uv with its cache, as the
generated CI does; run twice to see warm-cache figures.

With ``--peer`` (or the ``BENCH_PEER`` environment variable) it only times
``copier copy``: this template's and the peer template's, a git checkout of
another template (scientific-python/cookie by default: ``--peer-data`` holds its
answers), in one run on one machine. Each round copies both, in alternating
order, as ``copier copy --defaults --vcs-ref HEAD`` in a fresh process, from a
clean, packed clone of each repository's HEAD (commit first: uncommitted changes
are not timed). It prints the medians and quartiles of N rounds (20 by default),
of wall-clock time and of CPU time (copier and its git calls).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tomllib
from copier import run_update

from tests.helpers import (
    ANSWER_SETS,
    ROOT,
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


def report_sizes(rendered: str, dist: Path, tarball: str = "sdist") -> None:
    """Print what the render and the distributions weigh."""
    print(rendered)
    for artifact in sorted(dist.iterdir()):
        kind = tarball if artifact.name.endswith(".tar.gz") else "wheel"
        print(f"{kind:<32} {artifact.stat().st_size / 1024:19.1f} KiB")


# Answers scientific-python/cookie needs for `copier copy --defaults`: its
# recommended pure-Python build (hatchling), Sphinx docs, versions from git.
COOKIE_DATA = (
    "project_name=demo-project",
    "org=example-org",
    "full_name=Ada Lovelace",
    "email=ada@example.org",
    "license=BSD",
    "backend=hatch",
    "docs=sphinx",
    "vcs=true",
)


@dataclass(frozen=True)
class Template:
    """A template to copy: its git checkout, its ``--data`` answers, and whether it needs ``--trust``."""

    path: Path
    data: Sequence[str]
    trust: bool = False


def this_template(answers: dict[str, object]) -> Template:
    """This repository's template with an answer set of the tests."""
    return Template(
        ROOT,
        [
            f"{key}={str(value).lower() if isinstance(value, bool) else value}"
            for key, value in answers.items()
        ],
    )


def copy_command(
    template: Path, destination: Path, data: Sequence[str], trust: bool
) -> list[str]:
    """``copier copy`` of ``template``'s HEAD with ``data``, run as users run it."""
    return [
        sys.executable,
        "-m",
        "copier",
        "copy",
        "--defaults",
        "--vcs-ref",
        "HEAD",
        *(["--trust"] if trust else []),
        *(arg for item in data for arg in ("--data", item)),
        str(template),
        str(destination),
    ]


def compare_copy(ours: Template, peer: Template, runs: int) -> None:
    """Time ``copier copy`` of this template and of ``peer``, interleaved; print medians."""
    times: dict[str, list[float]] = {"this template": [], "peer": []}
    # CPU seconds of copier and its git calls: steadier than wall-clock time on a
    # machine that runs other work.
    cpu: dict[str, list[float]] = {"this template": [], "peer": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = {}
        for name, repo in (("this template", ours.path), ("peer", peer.path)):
            clone = work / ("ours" if name == "this template" else "peer")
            # --no-local packs the objects, as a clone from GitHub has them: Copier
            # clones the template again, and a working repository's loose objects
            # (one directory each) slow every copy's clone and clean-up.
            sh(["git", "clone", "-q", "--no-local", repo, clone], work)
            sources[name] = clone
        commands = {
            "this template": lambda dst: copy_command(
                sources["this template"], dst, ours.data, trust=ours.trust
            ),
            "peer": lambda dst: copy_command(
                sources["peer"], dst, peer.data, trust=peer.trust
            ),
        }
        # One copy of each, untimed: warms the file cache and the .pyc files.
        for name, command in commands.items():
            sh(command(work / f"warm-{len(name)}"), work)
        for round_ in range(runs):
            order = list(commands) if round_ % 2 == 0 else list(commands)[::-1]
            for name in order:
                destination = work / f"run-{round_}-{len(name)}"
                start, cpu_start = time.perf_counter(), children_cpu()
                sh(commands[name](destination), work)
                times[name].append(time.perf_counter() - start)
                cpu[name].append(children_cpu() - cpu_start)
                shutil.rmtree(destination)
    for label, figures in (("wall", times), ("CPU", cpu)):
        medians = {name: statistics.median(values) for name, values in figures.items()}
        for name, values in figures.items():
            low, _, high = (
                statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
            )
            print(
                f"copier copy, {name:<14} {label:>4} median {medians[name]:.3f} s "
                f"(quartiles {low:.3f}-{high:.3f} s, {len(values)} runs)"
            )
        ratio = medians["this template"] / medians["peer"]
        print(f"{label} time, this template / peer: {ratio:.2f}x")
    print(f"peer: {peer.path}")


def test_and_docs(project: Path) -> list[str]:
    """The project with its test and docs dependencies: extras, or PEP 735 groups (cookie)."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    if {"test", "docs"} <= set(pyproject.get("dependency-groups", {})):
        return ["-e", str(project), "--group", "test", "--group", "docs"]
    return ["-e", f"{project}[test,docs]"]


def time_steps(
    steps: dict[str, list[list[str | os.PathLike[str]]]], project: Path
) -> dict[str, float]:
    """Run each step's commands in ``project``, failing loudly; seconds per step."""
    figures = {}
    for label, commands in steps.items():
        start = time.perf_counter()
        for command in commands:
            sh(command, project)
        figures[label] = time.perf_counter() - start
    return figures


def uv_venv_with(
    uv: str, venv: Path, *requirements: str | os.PathLike[str]
) -> list[list[str | os.PathLike[str]]]:
    """The commands that make ``venv`` with uv and install ``requirements`` into it."""
    return [
        [uv, "venv", "-q", venv],
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            venv / "bin" / "python",
            *requirements,
        ],
    ]


def first_green_run(
    project: Path, work: Path, uv: str, ruff: str, strict_docs: bool = True
) -> dict[str, float]:
    """Run a render's first green run (install, tests, lint, docs, build); seconds per step.

    ``strict_docs=False`` drops ``-W`` for a peer whose docs warn offline
    (cookie's intersphinx cannot reach docs.python.org here).
    """
    venv = work / "venv"
    python, bin_dir = venv / "bin" / "python", venv / "bin"
    steps: dict[str, list[list[str | os.PathLike[str]]]] = {
        "install (uv, test+docs+ruff)": uv_venv_with(
            uv, venv, *test_and_docs(project), f"ruff=={ruff}", "build[uv]"
        ),
        "pytest": [[python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]],
        "ruff check + format": [
            [bin_dir / "ruff", "check", "--no-cache", "."],
            [bin_dir / "ruff", "format", "--check", "--no-cache", "."],
        ],
        "sphinx-build -W (offline)": [
            [
                bin_dir / "sphinx-build",
                "-q",
                *(["-W"] if strict_docs else []),
                "-t",
                "offline",
                "docs",
                work / "html",
            ]
        ],
        "python -m build": [
            [python, "-m", "build", "--installer", "uv", "-o", work / "dist", "."]
        ],
    }
    return time_steps(steps, project)


def first_green_run_cpp(project: Path, work: Path, uv: str) -> dict[str, float]:
    """A C++ application's first green run, as its CI runs it; seconds per step.

    CMake with the dev preset (configure, build, CTest), the docs (Doxygen
    through Breathe, offline, ``-W``) and the release's source tarball. CMake,
    a compiler, GoogleTest and Doxygen come from the system.
    """
    venv = work / "docs-venv"
    name = f"{project.name}-0.1.0"
    steps: dict[str, list[list[str | os.PathLike[str]]]] = {
        "cmake --preset dev": [["cmake", "--preset", "dev"]],
        "cmake --build --preset dev": [
            ["cmake", "--build", "--preset", "dev", "--parallel", "2"]
        ],
        "ctest --preset dev": [["ctest", "--preset", "dev"]],
        "install docs tools (uv)": uv_venv_with(
            uv, venv, "-r", "docs/requirements.txt"
        ),
        "sphinx-build -W, with Doxygen": [
            [venv / "bin" / "sphinx-build", "-q", "-W", "docs", work / "html"]
        ],
        "git archive (release tarball)": [
            ["mkdir", "-p", work / "dist"],
            [
                "git",
                "archive",
                "--format=tar.gz",
                f"--prefix={name}/",
                "-o",
                work / "dist" / f"{name}.tar.gz",
                "HEAD",
            ],
        ],
    }
    return time_steps(steps, project)


def compare_first_run(ours: Template, peer: Template, runs: int) -> None:
    """Time both renders' first green runs, interleaved, with a warm uv cache; print medians."""
    from uv import find_uv_bin

    uv, ruff = (
        find_uv_bin(),
        pinned_hook_revs()["https://github.com/astral-sh/ruff-pre-commit"],
    )
    figures: dict[str, list[dict[str, float]]] = {"this template": [], "peer": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        renders = {}
        for name, template in (("this template", ours), ("peer", peer)):
            project = work / name.replace(" ", "-")
            sh(
                copy_command(template.path, project, template.data, template.trust),
                work,
            )
            git_commit_all(project)
            renders[name] = project
        # The first round fills uv's cache for both; it is not counted. The
        # counted rounds install from that cache alone (UV_OFFLINE): revalidating
        # against PyPI costs seconds here, more for sdist-only packages, and
        # would measure the network, not the project.
        for round_ in range(runs + 1):
            if round_ == 1:
                os.environ["UV_OFFLINE"] = "1"
            order = list(renders) if round_ % 2 == 0 else list(renders)[::-1]
            for name in order:
                scratch = work / f"run-{round_}-{len(name)}"
                scratch.mkdir()
                result = first_green_run(
                    renders[name], scratch, uv, ruff, strict_docs=name != "peer"
                )
                if round_:
                    figures[name].append(result)
                shutil.rmtree(scratch)
    for step in figures["this template"][0]:
        ours = statistics.median(run[step] for run in figures["this template"])
        theirs = statistics.median(run[step] for run in figures["peer"])
        print(f"{step:<32} this template {ours:6.2f} s   peer {theirs:6.2f} s")
    totals = {
        name: statistics.median(sum(r.values()) for r in runs_)
        for name, runs_ in figures.items()
    }
    print(
        f"{'first green run (total)':<32} this template {totals['this template']:6.2f} s   "
        f"peer {totals['peer']:6.2f} s   ({totals['this template'] / totals['peer']:.2f}x, "
        f"medians of {runs} interleaved runs)"
    )


def children_cpu() -> float:
    """CPU seconds used so far by the finished child processes (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    """Render, then run each first-run step once."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", choices=ANSWER_SETS, default="python")
    parser.add_argument(
        "--peer",
        type=Path,
        default=os.environ.get("BENCH_PEER") or None,
        help="a git checkout of another template: only compare `copier copy` times",
    )
    parser.add_argument(
        "--peer-data",
        action="append",
        metavar="KEY=VALUE",
        help="an answer for the peer (repeat); scientific-python/cookie's by default",
    )
    parser.add_argument(
        "--no-peer-trust",
        dest="peer_trust",
        action="store_false",
        help="copy the peer without --trust (cookie needs it for its Jinja extensions)",
    )
    parser.add_argument("--runs", type=int, default=20, help="rounds for --peer")
    parser.add_argument(
        "--first-run",
        action="store_true",
        help="with --peer: compare the renders' first green runs instead of copies",
    )
    args = parser.parse_args()
    if args.peer is not None:
        compare = compare_first_run if args.first_run else compare_copy
        compare(
            this_template(ANSWER_SETS[args.answers]),
            Template(
                args.peer.resolve(), args.peer_data or COOKIE_DATA, args.peer_trust
            ),
            args.runs,
        )
        return 0
    warnings.filterwarnings("ignore", message="Dirty template changes")
    from uv import find_uv_bin

    uv = find_uv_bin()
    revs = pinned_hook_revs()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        project = work / "project"
        timed(
            "copier copy", lambda: render(project, ANSWER_SETS[args.answers]), figures
        )
        rendered = rendered_size(project)
        git_commit_all(project)
        ruff = revs["https://github.com/astral-sh/ruff-pre-commit"]
        python_package = (project / "pyproject.toml").exists()
        steps = (
            first_green_run(project, work, uv, ruff)
            if python_package
            else first_green_run_cpp(project, work, uv)
        )
        for label, seconds in steps.items():
            figures[label] = seconds
            print(f"{label:<32} {seconds:7.2f} s", flush=True)
        first_run = sum(v for k, v in figures.items() if k != "copier copy")
        print(f"{'first green run (total)':<32} {first_run:7.2f} s")
        report_sizes(
            rendered, work / "dist", "sdist" if python_package else "source tarball"
        )

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
