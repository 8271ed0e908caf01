"""DP6xx: the files that tell people how to take part, cite and report."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._core import (
    Rule,
    list_dir,
    listing,
    load_yaml,
    read_text,
    sequence,
    table,
)

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from ._core import Document

PLACES = ("", ".github", "docs", "doc")
DOC_FOLDERS = ("docs", "doc")
DOC_DEPTH = 3  # folders searched below docs/ and doc/, themselves included
TEXT_SUFFIXES = ("", ".md", ".rst", ".txt")
# DP-GEN's guide is doc/contributing-guide/contributing-guide.md.
CONTRIBUTING_STEMS = (
    "CONTRIBUTING",
    *(f"CONTRIBUTING{sep}{word}" for sep in "-_" for word in ("GUIDE", "GUIDELINES")),
)
# What projects write instead of CITATION.cff: DeePMD-kit's CITATIONS.bib...
CITATION_STEMS = ("CITATION", "CITATIONS", "CITE", "CITING")
CITATION_SUFFIXES = (*TEXT_SUFFIXES, ".bib", ".bibtex")
ISSUE_TEMPLATES = ".github/ISSUE_TEMPLATE"
COMMUNITY_URL = "github.com/deepmodeling/community"
MATURITY = re.compile(r"\b(sandbox|incubating|mature)\b", re.IGNORECASE)
REFERENCE = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
README_NAMES = ("readme.md", "readme.rst", "readme.txt", "readme")
STAMP = (
    "    <Project> has joined the [DeepModeling community]"
    "(https://github.com/deepmodeling/community) as a **Sandbox** project."
)


def find_document(
    root: Traversable, *stems: str, suffixes: tuple[str, ...] = TEXT_SUFFIXES
) -> str | None:
    """Find ``STEM[.md|.rst|.txt]`` (any case) at the top, in .github/, or in docs/ or doc/.

    In the documentation folders the search goes into subfolders too.
    """
    for place in PLACES:
        for item in _documents(root, place, deep=place in DOC_FOLDERS):
            if _names(item.rpartition("/")[2], stems, suffixes):
                return item
    return None


def _documents(root: Traversable, folder: str, deep: bool) -> list[str]:
    """List the files of a folder (and, if ``deep``, of its subfolders), by path."""
    found = []
    folders = [folder]
    for _ in range(DOC_DEPTH if deep else 1):
        below = []
        for current in folders:
            for item in list_dir(root, current):
                path = f"{current}/{item.name}".lstrip("/")
                if item.is_file():
                    found.append(path)
                elif deep and not item.name.startswith("."):
                    below.append(path)
        folders = below
    return found


def _names(name: str, stems: tuple[str, ...], suffixes: tuple[str, ...]) -> bool:
    """Tell whether a file name is one of ``stems`` with one of ``suffixes`` (any case)."""
    stem, dot, suffix = name.partition(".")
    return stem.lower() in {s.lower() for s in stems} and (
        f"{dot}{suffix}".lower() in suffixes
    )


def _places(name: str) -> str:
    return (
        f"`{name}` at the top of the repository, in `.github/`, or in `docs/` or "
        "`doc/` or a folder in them"
    )


class DP601(Rule):
    """A contributing guide says how to contribute."""

    @classmethod
    def check(cls, root: Traversable) -> bool | str:
        """Look for CONTRIBUTING at the top, in .github/, or in docs/ or doc/."""
        if find_document(root, *CONTRIBUTING_STEMS):
            return True
        return (
            "There is no contributing guide, so newcomers must guess how to set up, "
            "test and submit a change. Add "
            f"{_places('CONTRIBUTING.md')}: development install, running the tests "
            "and pre-commit, Conventional Commit titles, and the pull request flow "
            "(the template's `CONTRIBUTING.md`)."
        )


class DP602(Rule):
    """A code of conduct sets the rules of behaviour."""

    @classmethod
    def check(cls, root: Traversable) -> bool | str:
        """Look for CODE_OF_CONDUCT at the top, in .github/, or in docs/ or doc/."""
        if find_document(root, "CODE_OF_CONDUCT", "CODE-OF-CONDUCT"):
            return True
        return (
            "There is no code of conduct, so nobody knows what behaviour is expected "
            "or where to report abuse. Add "
            f"{_places('CODE_OF_CONDUCT.md')}, with a contact address; the "
            "template's uses the Contributor Covenant 2.1."
        )


class DP603(Rule):
    """A security policy says how to report vulnerabilities privately."""

    @classmethod
    def check(cls, root: Traversable) -> bool | str:
        """Look for SECURITY at the top, in .github/, or in docs/ or doc/."""
        if find_document(root, "SECURITY"):
            return True
        return (
            "There is no security policy, so a vulnerability is likely to be "
            f"reported in a public issue. Add {_places('SECURITY.md')}, saying which "
            "versions get fixes and how to report privately (GitHub private "
            "vulnerability reporting or an e-mail address)."
        )


class DP604(Rule):
    """Issues are opened through YAML issue forms."""

    @classmethod
    def check(cls, root: Traversable) -> bool | str:
        """Check the issue forms in .github/ISSUE_TEMPLATE."""
        items = list_dir(root, ISSUE_TEMPLATES)
        forms = [
            item.name
            for item in items
            if item.name.endswith((".yml", ".yaml"))
            and item.name.rsplit(".", 1)[0].lower() != "config"
        ]
        markdown = [item.name for item in items if item.name.lower().endswith(".md")]
        if not forms:
            found = (
                f" (only the Markdown templates {listing(markdown)}, which reporters "
                "can ignore)"
                if markdown
                else ""
            )
            return (
                f"There are no YAML issue forms in `{ISSUE_TEMPLATES}/`{found}. "
                "Forms make reporters give a version, a reproducer and the error "
                "output. Add `bug_report.yml` and `feature_request.yml` (the "
                "template's), and `config.yml` with `blank_issues_enabled: false`."
            )
        problems = []
        for name in forms:
            document = load_yaml(root, f"{ISSUE_TEMPLATES}/{name}")
            data = table(document.data)
            if document.error:
                problems.append(document.error)
            elif not sequence(data.get("body")) or not all(
                isinstance(data.get(key), str) for key in ("name", "description")
            ):
                problems.append(
                    f"`{ISSUE_TEMPLATES}/{name}` is not an issue form: it needs "
                    "`name`, `description` and a `body` list of fields"
                )
        if problems:
            return "; ".join(problems) + ". GitHub hides broken forms from reporters."
        return True


class DP605(Rule):
    """CITATION.cff says how to cite the software."""

    @classmethod
    def check(cls, root: Traversable, dp_citation: Document) -> bool | str:
        """Check that CITATION.cff parses and has the required keys."""
        if not dp_citation.found:
            other = find_document(root, *CITATION_STEMS, suffixes=CITATION_SUFFIXES)
            if other:
                return (
                    f"There is no `CITATION.cff`, but `{other}` says how to cite the "
                    'project; GitHub\'s "Cite this repository" button and Zenodo '
                    "read only `CITATION.cff`. Turn it into one (the template's "
                    "`CITATION.cff` shows the layout): the software itself at the "
                    "top (`title`, `authors`, `license`), the paper to cite as "
                    "`preferred-citation`, and the other papers under `references`."
                )
            return (
                'There is no `CITATION.cff`, so GitHub shows no "Cite this '
                'repository" button and Zenodo has no metadata. Scientific software '
                "lives on citations: add one (the template's `CITATION.cff`), with a "
                "`preferred-citation` once a paper is out."
            )
        if dp_citation.error:
            return dp_citation.error
        data = table(dp_citation.data)
        missing = [
            key
            for key in ("cff-version", "message", "title", "authors")
            if not data.get(key)
        ]
        if missing:
            return (
                f"`CITATION.cff` lacks {listing(missing)}, which the Citation File "
                "Format requires. Add them; `cffconvert --validate` checks the file."
            )
        if not sequence(data.get("authors")):
            return "`authors` in `CITATION.cff` must be a list of people or entities."
        return True


class DP606(Rule):
    """The README carries the DeepModeling community stamp with the maturity level."""

    @classmethod
    def check(cls, root: Traversable) -> bool | str:
        """Find a paragraph that links the community repository and names a level."""
        readme = _readme(root)
        if readme is None:
            return f"There is no README. Add `README.md`, with the community stamp:\n\n{STAMP}"
        try:
            text = read_text(root, readme)
        except ValueError as error:
            return str(error)
        # Reference-style links: `[DeepModeling community][dp]` ... `[dp]: URL`.
        labels = {
            label.lower()
            for label, url in REFERENCE.findall(text)
            if COMMUNITY_URL in url.lower()
        }
        paragraphs = re.split(r"\n\s*\n", text)
        linked = [
            p
            for p in paragraphs
            if COMMUNITY_URL in p.lower()
            or any(f"[{label}]" in p.lower() for label in labels)
        ]
        if any(MATURITY.search(p) for p in linked):
            return True
        what = (
            "links the DeepModeling community but names no maturity level"
            if linked
            else "does not say that the project belongs to the DeepModeling community"
        )
        return (
            f"`{readme}` {what}. The TOC's project stamping mechanism asks each "
            "project to state the level it was granted (Sandbox, Incubating or "
            f"Mature) with a link to the community repository, e.g.:\n\n{STAMP}"
        )


def _readme(root: Traversable) -> str | None:
    """Name the README at the top of ``root`` (GitHub matches the name in any case)."""
    names = {item.name.lower(): item.name for item in list_dir(root) if item.is_file()}
    return next((names[name] for name in README_NAMES if name in names), None)
