"""DP7xx: the project keeps up with deepmodeling-template releases.

These rules reuse the ``check-template-version`` hook (`..hooks.freshness`), so the
checker and the hook always agree on what "behind" means.  They pass the
repository's Traversable where the hook passes a `pathlib.Path`: the hook only
calls ``is_file`` and ``read_text`` on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..hooks import freshness
from ._core import TEMPLATE_URL, Rule, Skip, child, is_file
from .precommit import hook_ids

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ._core import Document, Verdict

ANSWERS = ".copier-answers.yml"
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"


class DP701(Rule):
    """.copier-answers.yml records the template release the project is on."""

    @classmethod
    def check(cls, root: Traversable) -> bool | str:
        """Read ``_commit`` from the Copier answers file."""
        if not is_file(root, ANSWERS):
            return (
                f"There is no `{ANSWERS}`, so this project cannot receive template "
                "updates with `copier update`: it was not generated from "
                "deepmodeling-template, or the answers file was deleted or renamed. "
                "To adopt the template, run `copier copy --skip '*' --data "
                "adopting=true --data kept_files=\"$(git ls-files -- ':(glob)*' "
                "':(glob).github/**' ':(icase)doc*/*contributing*')\" "
                "gh:deepmodeling/deepmodeling-template .` "
                "in a clean work tree: it adds the community files, keeps every "
                "file you have and records them, so no later update touches them "
                f'(see "Adopting" in {freshness.README_URL}). Never '
                f"edit `{ANSWERS}` by hand."
            )
        try:
            freshness.project_commit(child(root, ANSWERS))  # type: ignore[arg-type]
        except freshness.CheckError as error:
            return str(error)
        return True


class DP702(Rule):
    """The project is on the newest deepmodeling-template release."""

    requires = frozenset({"DP701"})

    @classmethod
    def check(cls, root: Traversable) -> Verdict:
        """Compare ``_commit`` with the newest release, as check-template-version does."""
        answers = child(root, ANSWERS)
        config = child(root, PRE_COMMIT_CONFIG)
        try:
            if freshness.newest_release(None, config) is None:  # type: ignore[arg-type]
                return Skip(
                    "Nothing here names the newest template release: the installed "
                    "checker is a development version, and no `rev` pins the "
                    f"template's `{freshness.HOOK_ID}` hook in `{PRE_COMMIT_CONFIG}`."
                )
            message = freshness.check(answers, config, None)  # type: ignore[arg-type]
        except freshness.CheckError as error:
            return str(error)
        return True if message is None else message


class DP703(Rule):
    """pre-commit runs the template's check-template-version hook."""

    # The hook reads the release DP701 finds in `.copier-answers.yml`.
    requires = frozenset({"DP301", "DP701"})

    @classmethod
    def check(cls, root: Traversable, dp_precommit: Document) -> bool | str:
        """Look for the ``check-template-version`` hook in the pre-commit config."""
        if freshness.HOOK_ID in hook_ids(dp_precommit):
            return True
        rev, comment = _rev_to_pin(root)
        return (
            f"`{PRE_COMMIT_CONFIG}` does not run `{freshness.HOOK_ID}`, so nobody "
            "notices when a template release brings fixes. Add the template's hooks "
            "(pre-commit.ci's autoupdate then bumps `rev` to each new release):\n\n"
            f"```yaml\n  - repo: {TEMPLATE_URL}\n    rev: {rev}  # {comment}\n"
            "    hooks:\n      - id: check-copier-conflicts\n"
            f"      - id: {freshness.HOOK_ID}\n```"
        )


def _rev_to_pin(root: Traversable) -> tuple[str, str]:
    """Choose the ``rev`` for the template's hooks, and say what it is."""
    newest = freshness.newest_release(None, child(root, PRE_COMMIT_CONFIG))  # type: ignore[arg-type]
    if newest is not None:
        return str(newest), "the newest release"
    try:
        current = freshness.parse_release(
            freshness.project_commit(child(root, ANSWERS))  # type: ignore[arg-type]
        )
    except freshness.CheckError:
        current = None
    if current is not None:
        return str(current), "the release this project is on"
    return "vX.Y.Z", f"the newest release, from {TEMPLATE_URL}/releases"
