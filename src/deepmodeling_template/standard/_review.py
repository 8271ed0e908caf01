"""The rules as repo-review runs them, each remembering its verdict.

repo-review skips a check that returns ``None``, but has no field for the
reason: ``Result.skip_reason`` only carries the reasons written in
``[tool.repo-review.ignore]``.  It does read each check's description from its
docstring, formatted with ``self`` (the check), after every check has run.  So
a `Review` keeps the verdict of its rule, and its docstring ends with the
reason of a skip.  ``dp-standard`` reads the reasons from the same objects.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, Literal

from ._core import NoPythonPackage, Skip

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from ._core import Rule, Verdict

State = Literal["passed", "failed", "skipped", "not run"]

# What rich reads as a style tag, as `rich.markup.escape` finds it (importing
# rich would slow every dp-standard run, which never prints through it).
_TAG = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def markup(text: str) -> str:
    """Spell Markdown text as rich markup, which repo-review prints descriptions as.

    Rich would read ``[project]`` as a style tag and drop it; code spans have
    no meaning there, so their backticks go.
    """
    plain = " ".join(text.replace("`", "").split())
    return _TAG.sub(lambda tag: f"{tag[1]}{tag[1]}\\{tag[2]}", plain)


class Review:
    """One rule, as a repo-review check.

    Parameters
    ----------
    rule : type of Rule
        The rule.
    run : mapping of str to Review
        Every rule of this run, by ID, to tell why a required rule did not pass.
    """

    def __init__(self, rule: type[Rule], run: Mapping[str, Review]) -> None:
        self.rule = rule
        self.family = rule.family
        self.requires = rule.requires
        self.url = rule.url
        self.verdict: Verdict | None = None  # until the rule runs
        self._run = run
        # Formatted by repo-review once every rule has run: `{self.skip_note}`.
        statement = markup(rule.statement()).replace("{", "{{").replace("}", "}}")
        self.__doc__ = statement + "{self.skip_note}"
        self.check = self._checker()

    def _checker(self) -> Callable[..., bool | str | None]:
        """Wrap the rule's ``check``: same fixtures, ``None`` for a `Skip`."""
        rule = self.rule

        @functools.wraps(rule.check)
        def check(**fixtures: Any) -> bool | str | None:
            verdict = rule.check(**fixtures)
            self.verdict = Skip("") if verdict is None else verdict
            return None if isinstance(self.verdict, Skip) else self.verdict

        return check

    @property
    def state(self) -> State:
        """Tell how the rule ended in this run."""
        if isinstance(self.verdict, Skip):
            return "skipped"
        if self.verdict is None:
            return "skipped" if self.unmet() else "not run"
        return "passed" if self.verdict is True or self.verdict == "" else "failed"

    def unmet(self) -> list[str]:
        """List the required rules that ran and did not pass (skipped or failed)."""
        return [
            name
            for name in sorted(self.requires)
            if self._run[name].state in {"failed", "skipped"}
        ]

    @property
    def no_python_package(self) -> bool:
        """Tell whether the rule was skipped because there is no Python package.

        So it was if it said so, or if a rule it builds on was: the packaging
        rules of a C++ repository all follow from DP201's skip.
        """
        if self.verdict is not None:
            return isinstance(self.verdict, NoPythonPackage)
        return any(self._run[name].no_python_package for name in self.unmet())

    def skip_reason(self) -> str:
        """Say why the rule was skipped (Markdown); empty when it was not."""
        if isinstance(self.verdict, Skip):
            return self.verdict.reason
        unmet = self.unmet() if self.verdict is None else []
        if not unmet:
            return ""
        if self.no_python_package:
            return (
                "There is no Python package here (see DP201), so this rule, "
                "about a Python package, does not apply."
            )
        outcomes = ", ".join(
            f"{name} {'failed' if self._run[name].state == 'failed' else 'was skipped'}"
            for name in unmet
        )
        return f"Needs {_and(sorted(self.requires))} to pass; {outcomes}."

    @property
    def notice(self) -> bool:
        """Tell whether the skip reason is advice to show with the failures."""
        return isinstance(self.verdict, Skip) and self.verdict.notice

    @property
    def skip_note(self) -> str:
        """End the description with the skip reason, for repo-review."""
        reason = self.skip_reason()
        return f" ({markup(reason)})" if reason else ""


def reviews(rules: Iterable[type[Rule]]) -> dict[str, Review]:
    """Make the checks of one run, one per rule, by ID."""
    run: dict[str, Review] = {}
    run.update((rule.__name__, Review(rule, run)) for rule in rules)
    return run


def _and(names: list[str]) -> str:
    """Spell ``["DP101", "DP202"]`` as ``DP101 and DP202``."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)
