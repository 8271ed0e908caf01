"""Regenerate the rendered examples from the template's working tree.

Usage: python examples/regenerate.py [--check]

Each example is rendered with fixed answers, so the tree is the same byte for
byte on any machine and any day:

- ``copyright_year`` is an answer, fixed here, never today's year;
- ``_src_path`` is the template's public URL, and ``_commit`` the release the
  template declares (``template_release`` in ``includes/project.jinja``), not
  the checkout's path and commit hash.

With ``--check`` nothing is written: the command fails and prints the diff when
an example differs from a fresh render.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from copier import run_copy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_DIR = ROOT / "examples"
TEMPLATE_URL = "https://github.com/deepmodeling/deepmodeling-template"

_COMMON: dict[str, Any] = {
    "project_name": "Demo Project",
    "maintainer_name": "Ada Lovelace",
    "maintainer_email": "ada@example.org",
    "copyright_year": "2026",
}

# name -> (answers, what it shows). The README of examples/ lists these.
EXAMPLES: dict[str, tuple[dict[str, Any], str]] = {
    "python": (
        _COMMON,
        "The default answers: a pure-Python library owned by the deepmodeling organization.",
    ),
    "python-everything": (
        {
            **_COMMON,
            "project_name": "DP Everything",
            "description": "Every option of the template switched on",
            "license": "MIT",
            "maturity": "incubating",
            "cli": True,
            "gitee_mirror": True,
            "update_bot": True,
        },
        "Every optional feature on: the command line, plus the Gitee mirror and update bot "
        "(on by default for the deepmodeling owner); MIT license, an incubating project.",
    ),
    "compiled": (
        {**_COMMON, "profile": "compiled"},
        "The default answers with a C++ extension: scikit-build-core, CMake, pybind11, cibuildwheel.",
    ),
    "python-lab": (
        {
            **_COMMON,
            "project_name": "Lab Tools",
            "description": "Analysis tools of a research group outside the DeepModeling organization",
            "github_owner": "example-lab",
            "license": "Apache-2.0",
            "python_min": "3.11",
        },
        "A project of another GitHub owner: no Gitee mirror, update bot, DeepModeling banner "
        "or community stamp (`maturity` defaults to `none`), "
        "docs on readthedocs.io, the maintainer as copyright holder; Apache-2.0, Python 3.11+.",
    ),
}


def template_release() -> str:
    """Return the release the template declares in ``includes/project.jinja``."""
    text = (ROOT / "includes" / "project.jinja").read_text(encoding="utf-8")
    found = re.search(r'set template_release = "(v[^"]+)"', text)
    if not found:
        sys.exit("includes/project.jinja does not declare template_release")
    return found.group(1)


def render_example(name: str, destination: Path) -> Path:
    """Render example ``name`` into ``destination``, with stable answers-file metadata."""
    answers, _ = EXAMPLES[name]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Dirty template changes")
        run_copy(
            str(ROOT),
            destination,
            data=answers,
            defaults=True,
            vcs_ref="HEAD",
            unsafe=False,
            quiet=True,
        )
    answers_file = destination / ".copier-answers.yml"
    text = answers_file.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^_commit: .*$", f"_commit: {template_release()}", text)
    text = re.sub(r"(?m)^_src_path: .*$", f"_src_path: {TEMPLATE_URL}", text)
    answers_file.write_text(text, encoding="utf-8")
    return destination


def tree(root: Path) -> dict[str, bytes]:
    """Relative path -> content of every file under ``root``, outside ``.git``."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def diff_trees(expected: Path, actual: Path) -> str:
    """Return the unified diff from ``actual`` (stored) to ``expected`` (fresh render), empty if equal."""
    fresh, stored = tree(expected), tree(actual)
    chunks = []
    for path in sorted(fresh.keys() | stored.keys()):
        old, new = stored.get(path), fresh.get(path)
        if old == new:
            continue
        old_lines = (
            old.decode("utf-8", "replace").splitlines(keepends=True)
            if old is not None
            else []
        )
        new_lines = (
            new.decode("utf-8", "replace").splitlines(keepends=True)
            if new is not None
            else []
        )
        label_old = f"a/{path}" if old is not None else "/dev/null"
        label_new = f"b/{path}" if new is not None else "/dev/null"
        chunks.append(
            "".join(difflib.unified_diff(old_lines, new_lines, label_old, label_new))
        )
    return "".join(chunks)


def examples_readme() -> str:
    """examples/README.md: what each example shows and the answers behind it."""
    lines = [
        "# Examples",
        "",
        "Complete projects rendered from this template, kept in step with it: every",
        "template change shows its rendered effect here in the same commit, and CI runs",
        "each example's own gates (tests, lint, docs, build, validators).",
        "",
        "Regenerate them all with `python examples/regenerate.py`; `--check` only reports",
        "drift. The output is the same on any machine and any day: the copyright year is",
        "an answer, `_src_path` is the template's URL and `_commit` its declared release.",
        "Each example's `.copier-answers.yml` holds every answer that produced it.",
        "",
        "This file is generated by `examples/regenerate.py`.",
        "",
    ]
    for name, (answers, shows) in EXAMPLES.items():
        lines += [
            f"## [`{name}/`]({name}/)",
            "",
            shows,
            "",
            "Answers given (the rest are defaults):",
            "",
        ]
        lines += [f"- `{key}`: `{value!r}`" for key, value in answers.items()]
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    """Regenerate every example, or with ``--check`` report the drift."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report differences")
    args = parser.parse_args()
    drift = []
    for name in EXAMPLES:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = render_example(name, Path(tmp) / name)
            stored = EXAMPLES_DIR / name
            if args.check:
                if difference := diff_trees(fresh, stored):
                    drift.append(
                        f"examples/{name} differs from a fresh render:\n{difference}"
                    )
                continue
            shutil.rmtree(stored, ignore_errors=True)
            shutil.copytree(fresh, stored)
            print(f"regenerated examples/{name}")
    readme = EXAMPLES_DIR / "README.md"
    if args.check:
        if (
            not readme.exists()
            or readme.read_text(encoding="utf-8") != examples_readme()
        ):
            drift.append("examples/README.md is stale")
    else:
        readme.write_text(examples_readme(), encoding="utf-8")
    if drift:
        print("\n".join(drift))
        print("Run `python examples/regenerate.py` and commit the result.")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
