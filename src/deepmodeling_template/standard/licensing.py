"""DP1xx: one license, stated the same way everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _licenses as lic
from ._core import Rule, Skip, is_file, listing, read_text, sequence, table
from ._pyproject import project, spdx_license

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ._core import Document, Verdict


def _license_texts(
    package: Traversable, document: Document | None = None
) -> dict[str, str]:
    """Read the license files: those at the top, plus plain ``license-files`` paths."""
    names = lic.license_files(package)
    entries = project(document).get("license-files") if document else None
    for entry in sequence(entries):
        if (
            isinstance(entry, str)
            and not any(c in entry for c in "*?[")
            and entry not in names
        ):
            names.append(entry)
    texts: dict[str, str] = {}
    for name in names:
        if is_file(package, name):
            try:
                texts[name] = read_text(package, name)
            except ValueError:
                continue
    return texts


def _families(texts: dict[str, str]) -> set[str]:
    """Recognise the license families in a set of license files."""
    return set().union(*(lic.identify(text) for text in texts.values()))


def _describe(texts: dict[str, str], found: set[str]) -> str:
    """Say what the license files hold, for a message."""
    files = listing(texts) or "the license file"
    if not found:
        return f"{files} holds no license text this checker recognises"
    return f"{files} holds the {listing(sorted(found))} text"


def _expression_for(found: set[str]) -> str:
    """Suggest the ``license`` line for the license families of a text."""
    if len(found) != 1:
        return '`license = "<SPDX id of that text>"`'
    (family,) = found
    spdx = f"{family}-or-later" if "GPL" in family else family
    hint = (
        " (or `-only`, as the text's copyright notice says)" if "GPL" in family else ""
    )
    return f'`license = "{spdx}"`{hint}'


class DP101(Rule):
    """The project ships its license text in a LICENSE file."""

    @classmethod
    def check(cls, root: Traversable, package: Traversable) -> bool | str:
        """Look for a non-empty ``LICENSE*``/``COPYING*`` file at the top."""
        names = lic.license_files(package)
        at_top = lic.license_files(root) if not names and package != root else []
        if at_top:
            return (
                f"{listing(at_top)} is at the top of the repository "
                "but not in the Python package's directory, so the sdist and "
                "wheel built there do not ship it (`license-files` cannot reach "
                "outside it). Copy the license text into the package directory "
                "and list it in `license-files`."
            )
        if not names:
            return (
                "There is no `LICENSE` file at the top of the project, so users "
                "and packagers cannot tell on what terms they may use it. Add the "
                "full license text as `LICENSE` (DeepModeling projects use "
                "LGPL-3.0-or-later; the template writes it from `includes/licenses/`)."
            )
        for name in names:
            try:
                if read_text(package, name).strip():
                    return True
            except ValueError:
                continue
        return (
            f"{listing(names)} is empty or unreadable: put the full license text in it."
        )


class DP102(Rule):
    """The LICENSE text is the license that pyproject.toml declares."""

    requires = frozenset({"DP101", "DP202"})

    @classmethod
    def check(cls, package: Traversable, dp_pyproject: Document) -> Verdict:
        """Compare the license text with the SPDX expression, by license family."""
        expression = spdx_license(dp_pyproject) or ""
        expected = {
            family
            for family in (lic.family(spdx) for spdx in lic.spdx_ids(expression))
            if family
        }
        if not expected:
            return Skip(
                f'`license = "{expression}"` names no license whose text this '
                f"checker recognises ({lic.KNOWN_TEXTS}), so the text is not compared."
            )
        texts = _license_texts(package, dp_pyproject)
        found = _families(texts)
        missing = expected - found
        if not missing:
            return True
        return (
            f'`pyproject.toml` declares `license = "{expression}"`, but '
            f"{_describe(texts, found)}. Ship the text of the license you declare: "
            f"replace `LICENSE` with the full {listing(sorted(missing))} text, or, "
            "if the file is right, correct `license` to the SPDX identifier of "
            "that text (and `license` in `CITATION.cff` with it)."
        )


class DP103(Rule):
    """CITATION.cff declares the same license as the package metadata."""

    requires = frozenset({"DP101", "DP605"})

    @classmethod
    def check(
        cls, package: Traversable, dp_citation: Document, dp_pyproject: Document
    ) -> Verdict:
        """Compare ``license`` in CITATION.cff with pyproject.toml (or LICENSE)."""
        value = table(dp_citation.data).get("license")
        cff_ids = [value] if isinstance(value, str) else sequence(value)
        cff_ids = [
            item.strip() for item in cff_ids if isinstance(item, str) and item.strip()
        ]
        expression = spdx_license(dp_pyproject)
        if not cff_ids:
            wanted = f"`license: {expression}`" if expression else "its SPDX identifier"
            return (
                "`CITATION.cff` has no `license`, so citation tools and Zenodo "
                f"record the software without one. Add {wanted}."
            )
        cff = {lic.canonical_id(item) for item in cff_ids}
        if expression:
            declared = {lic.canonical_id(item) for item in lic.spdx_ids(expression)}
            if cff == declared:
                return True
            return (
                f"`CITATION.cff` says `license: {', '.join(cff_ids)}` but "
                f'`pyproject.toml` says `license = "{expression}"`. Make them the '
                "same SPDX identifier (CITATION.cff takes a list for an `OR` "
                "expression); the LICENSE file decides which one is right."
            )
        families = {lic.family(item) for item in cff} - {None}
        texts = _license_texts(package, dp_pyproject)
        found = _families(texts)
        if not families or not found:
            unknown = (
                f"`license: {', '.join(cff_ids)}` in `CITATION.cff` names no license "
                "whose text this checker recognises"
                if not families
                else f"{_describe(texts, found)}"
            )
            return Skip(
                "`pyproject.toml` has no SPDX `license` to compare `CITATION.cff` "
                f"with, and {unknown}."
            )
        if families <= found:
            return True
        return (
            f"`CITATION.cff` says `license: {', '.join(cff_ids)}`, but "
            f"{_describe(texts, found)}. Correct `license` in `CITATION.cff` to "
            "the SPDX identifier of the text you ship."
        )


class DP104(Rule):
    """No License :: classifiers next to an SPDX license (PEP 639); otherwise they match LICENSE."""

    requires = frozenset({"DP201"})

    @classmethod
    def check(
        cls, root: Traversable, package: Traversable, dp_pyproject: Document
    ) -> bool | str:
        """Reject license classifiers beside ``license = "..."``; match them otherwise."""
        classifiers = [
            item
            for item in sequence(project(dp_pyproject).get("classifiers"))
            if isinstance(item, str) and lic.classifier_license(item) is not None
        ]
        if not classifiers:
            return True
        expression = spdx_license(dp_pyproject)
        if expression:
            return (
                f'`pyproject.toml` has both `license = "{expression}"` and the '
                f"classifier(s) {listing(classifiers)}. PEP 639 forbids license "
                "classifiers next to a license expression, and PEP 639 build "
                "backends (setuptools 77 and later) refuse to build with both. "
                "Delete the `License ::` classifiers: the expression says it all."
            )
        texts = _license_texts(package, dp_pyproject)
        # A package below the top without a license text of its own is under
        # the repository's license.
        inherited = not texts and package != root
        found = _families(_license_texts(root) if inherited else texts)
        wrong = [
            item
            for item in classifiers
            if (
                families := lic.CLASSIFIER_FAMILIES.get(
                    lic.classifier_license(item) or ""
                )
            )
            and found
            and not families & found
        ]
        if not wrong:
            return True
        if inherited:
            return (
                f"The classifier(s) {listing(wrong)} disagree with the license "
                f"text ({listing(sorted(found))}) at the top of the repository, "
                "which covers this package: it ships no license text of its own. "
                "If the package is under the repository's license, replace the "
                f"classifiers with {_expression_for(found)} and ship a copy of the "
                "text in the package (DP101); if it is under another license, put "
                "that license's text in the package directory."
            )
        return (
            f"The classifier(s) {listing(wrong)} disagree with the license text "
            f"({listing(sorted(found))}). Replace them with an SPDX expression, "
            '`license = "<SPDX id of the LICENSE text>"` plus `license-files = '
            '["LICENSE"]`, and delete the `License ::` classifiers (PEP 639).'
        )
