"""The DeepModeling standard (STANDARD.md) as a repo-review plugin.

Entry points (in ``pyproject.toml``) register the rules under
``repo_review.checks``, the "DeepModeling" family under
``repo_review.families`` and the parsed files under ``repo_review.fixtures``,
so ``repo-review <path>`` reports the family next to any other plugin's.  The
``dp-standard`` command (`.cli`) runs this family alone.
"""

from __future__ import annotations

from typing import Any

from . import (
    ci,
    community,
    cpp,
    distribution,
    docs,
    licensing,
    precommit,
    template_releases,
)
from ._core import FAMILY, STANDARD_URL, Rule, Skip
from ._review import Review, reviews

MODULES = (
    licensing,
    distribution,
    precommit,
    ci,
    docs,
    community,
    template_releases,
    cpp,
)
RULES: tuple[type[Rule], ...] = tuple(
    sorted(
        dict.fromkeys(
            value
            for module in MODULES
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule
        ),
        key=lambda rule: rule.__name__,
    )
)


def repo_review_checks() -> dict[str, Review]:
    """Give repo-review every rule, by ID (entry point ``repo_review.checks``).

    repo-review calls this once per run; the checks of a run share what each
    rule found, so a skipped rule can say which required rule did not pass.
    """
    return reviews(RULES)


def repo_review_families() -> dict[str, dict[str, Any]]:
    """Describe the family (entry point ``repo_review.families``)."""
    return {
        FAMILY: {
            "name": "DeepModeling",
            "order": 10,
            "description": (
                f"The [DeepModeling standard]({STANDARD_URL}) for community "
                "projects. Run this family alone with `dp-standard`, or on every "
                "commit with the `check-deepmodeling-standard` pre-commit hook."
            ),
        }
    }


__all__ = [
    "FAMILY",
    "RULES",
    "STANDARD_URL",
    "Review",
    "Rule",
    "Skip",
    "repo_review_checks",
    "repo_review_families",
]
