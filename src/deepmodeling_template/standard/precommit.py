"""DP3xx: the same pre-commit hooks, run locally and by pre-commit.ci."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..common import precommit_hooks
from ._core import NoPythonPackage, Rule, listing, sequence, table
from ._pyproject import python_package
from .ci import steps_using

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ._core import Document, Verdict

PRE_COMMIT_HOOKS = "github.com/pre-commit/pre-commit-hooks"
RUFF_REPOS = {
    "github.com/astral-sh/ruff-pre-commit",
    "github.com/charliermarsh/ruff-pre-commit",
}
LITE_ACTION = "pre-commit-ci/lite-action"
LITE_DEFAULT_MSG = "[pre-commit.ci lite] apply automatic fixes"
CORE_HOOKS = (
    "check-added-large-files",
    "check-toml",
    "check-yaml",
    "end-of-file-fixer",
    "trailing-whitespace",
)


def repo_key(url: str) -> str:
    """Reduce a hook repository URL to ``host/owner/name`` (lower case)."""
    key = url.strip().lower()
    key = re.sub(r"^(?:https?://|git\+https://|ssh://git@|git@)", "", key)
    return (
        key.replace("github.com:", "github.com/").removesuffix("/").removesuffix(".git")
    )


def hooks(document: Document) -> list[tuple[str, dict[str, Any]]]:
    """List ``(repository key, hook)`` for every hook of a pre-commit config."""
    return [(repo_key(hook.repo), hook.hook) for hook in precommit_hooks(document.data)]


def hook_ids(document: Document, *repos: str) -> set[str]:
    """Collect the ids of the hooks from ``repos`` (from any repo when none given)."""
    return {
        str(hook.get("id"))
        for key, hook in hooks(document)
        if not repos or key in repos
    }


class DP301(Rule):
    """A .pre-commit-config.yaml runs the hooks on every commit."""

    @classmethod
    def check(cls, dp_precommit: Document) -> bool | str:
        """Find a pre-commit configuration with a ``repos`` list."""
        if not dp_precommit.found:
            return (
                "There is no `.pre-commit-config.yaml`, so formatting and lint "
                "problems reach review. Add one (the template's "
                "`.pre-commit-config.yaml` is the DeepModeling set), run `pre-commit "
                "install`, and enable https://pre-commit.ci for the repository."
            )
        if dp_precommit.error:
            return dp_precommit.error
        if not sequence(table(dp_precommit.data).get("repos")):
            return (
                "`.pre-commit-config.yaml` has no `repos` list, so it runs nothing. "
                "List the hook repositories under `repos:`."
            )
        return True


class DP302(Rule):
    """The core hygiene hooks of pre-commit/pre-commit-hooks run."""

    requires = frozenset({"DP301"})

    @classmethod
    def check(cls, dp_precommit: Document) -> bool | str:
        """Look for the core hooks of ``pre-commit/pre-commit-hooks``."""
        present = hook_ids(dp_precommit, PRE_COMMIT_HOOKS)
        missing = [hook for hook in CORE_HOOKS if hook not in present]
        if not missing:
            return True
        lines = "\n".join(f"      - id: {hook}" for hook in missing)
        start = (
            "Hooks missing from `https://github.com/pre-commit/pre-commit-hooks`: "
            f"{listing(missing)}."
            if present
            else "`.pre-commit-config.yaml` does not use `https://github.com/pre-commit/pre-commit-hooks`."
        )
        return (
            f"{start} They catch broken YAML/TOML, stray whitespace and large "
            "files before they are committed. Add them:\n\n```yaml\n"
            "  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
            f"    rev: v6.0.0\n    hooks:\n{lines}\n```"
        )


class DP303(Rule):
    """Ruff lints and formats the Python code (ruff-pre-commit)."""

    requires = frozenset({"DP301"})

    @classmethod
    def check(
        cls, package: Traversable, dp_pyproject: Document, dp_precommit: Document
    ) -> Verdict:
        """Look for the ruff lint and format hooks, where there is a Python package."""
        if not python_package(package, dp_pyproject):
            return NoPythonPackage(
                "There is no Python package here (no `pyproject.toml` with a "
                "`[project]` or `[build-system]` table, no `setup.py` or "
                "`setup.cfg`; see DP201), so ruff has no Python package to lint."
            )
        present = hook_ids(dp_precommit, *RUFF_REPOS)
        missing = []
        if not present & {"ruff-check", "ruff"}:
            missing.append("ruff-check")
        if "ruff-format" not in present:
            missing.append("ruff-format")
        if not missing:
            return True
        return (
            f"The ruff hook(s) {listing(missing)} do not run. DeepModeling code is "
            "linted and formatted by ruff (it replaced black, isort and flake8), "
            "configured in `pyproject.toml`. Add:\n\n```yaml\n"
            "  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
            "    rev: v0.16.3\n    hooks:\n"
            '      - id: ruff-check\n        args: ["--fix"]\n'
            "      - id: ruff-format\n```"
        )


class DP304(Rule):
    """Conflict markers left by copier update fail pre-commit."""

    # Only a project on the template gets `copier update` conflicts.
    requires = frozenset({"DP301", "DP701"})

    @classmethod
    def check(cls, dp_precommit: Document) -> bool | str:
        """Accept ``check-copier-conflicts`` or ``check-merge-conflict --assume-in-merge``."""
        merge_hooks = []
        for _, hook in hooks(dp_precommit):
            if hook.get("id") == "check-copier-conflicts":
                return True
            if hook.get("id") == "check-merge-conflict":
                merge_hooks.append(hook)
                if "--assume-in-merge" in map(str, sequence(hook.get("args"))):
                    return True
        guard = (
            "Add the template's `check-copier-conflicts` hook (it also catches "
            "`*.rej` files, and unlike `--assume-in-merge` it does not take a "
            "reStructuredText `=======` underline for a marker) from "
            "`https://github.com/deepmodeling/deepmodeling-template`."
        )
        if merge_hooks:
            return (
                "`check-merge-conflict` only looks for conflict markers while git is "
                "merging, but `copier update` writes its markers outside a merge, "
                f"so they can be committed. {guard}"
            )
        return (
            "No hook catches conflict markers, so a `copier update` conflict (or a "
            f"botched merge) can be committed. {guard}"
        )


class DP305(Rule):
    """pre-commit.ci is configured by a ci: block."""

    requires = frozenset({"DP301"})

    @classmethod
    def check(
        cls, dp_precommit: Document, dp_workflows: tuple[Document, ...]
    ) -> bool | str:
        """Look for a non-empty top-level ``ci:`` mapping (or pre-commit.ci lite's ``msg``)."""
        if table(dp_precommit.data, "ci"):
            return True
        lite = list(steps_using(dp_workflows, LITE_ACTION))
        if lite:
            # pre-commit.ci lite (ABACUS) runs in GitHub Actions: the step's
            # `msg` names its commits, a `ci:` block does nothing for it.
            unset = [
                where for where, step in lite if not table(step.get("with")).get("msg")
            ]
            if not unset:
                return True
            return (
                f"{', '.join(unset)} {'runs' if len(unset) == 1 else 'run'} "
                f"`{LITE_ACTION}` without a `msg`, so its fix commits say "
                f'"{LITE_DEFAULT_MSG}", which is not a Conventional Commit. Give the '
                'step `with: msg: "style: pre-commit fixes"` (a `ci:` block '
                "configures the pre-commit.ci app, not lite)."
            )
        return (
            "`.pre-commit-config.yaml` has no `ci:` block, so pre-commit.ci runs "
            "with defaults nobody chose (and its commit messages break the "
            "Conventional Commits the community uses). Add, for example:\n\n"
            "```yaml\nci:\n"
            '  autofix_commit_msg: "style: pre-commit fixes"\n'
            '  autoupdate_commit_msg: "ci: pre-commit autoupdate"\n'
            "  autoupdate_schedule: weekly\n```"
        )
