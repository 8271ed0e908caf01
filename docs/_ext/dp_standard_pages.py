"""Sphinx extension: the standard's pages, written from STANDARD.md and the rules.

At ``builder-inited`` it reads the ``## Family`` and ``### DPxxx`` sections of
``STANDARD.md`` and the rule classes that the repo-review plugin registers
(``deepmodeling_template.standard.repo_review_checks``), and writes
``standard/index.md`` and one page per family into the docs' source folder
(``docs/standard/``, ignored by git).  Each rule gets a section with its
statement, reason, what is checked, what it builds on, how to fix a failure,
and links to the template files that implement it; where `dp-standard` fails
the rule on one of two small repositories written at build time (`SCENARIOS`),
the section quotes its message, so the advice is the checker's own.  Where
STANDARD.md and the code disagree (a rule without a section, a section
without a rule, another statement), the build warns, so ``sphinx-build -W``
fails.

It also rewrites the relative links of the README and STANDARD.md when a page
``{include}``s a part of them (``include-read``), to the site's pages or to
the files on GitHub.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY = "https://github.com/deepmodeling/deepmodeling-template"
BLOB = f"{REPOSITORY}/blob/main"
TREE = f"{REPOSITORY}/tree/main"
OUTPUT = "standard"
# The rendered example in which a template file is shown first.
EXAMPLES = ("python", "compiled")
# README links to files that are pages of this site.
SITE_PAGES = {"STANDARD.md": "/standard/index.md"}


# Repositories that `dp-standard` runs on at build time, so that each rule's
# section can quote what it says when it fails: the advice comes from the code.
SCENARIOS: dict[str, dict[str, str]] = {
    "an empty repository": {},
    "a bare repository (each file there, with little or the wrong thing in it)": {
        "pyproject.toml": (
            '[project]\nname = "demo"\nlicense = "Apache-2.0"\n'
            'requires-python = ">=3.10"\n'
            'classifiers = ["License :: OSI Approved :: MIT License"]\n'
            'dynamic = ["version"]\n'
        ),
        "LICENSE": "MIT License\n\nPermission is hereby granted, free of charge, "
        "to any person obtaining a copy of this software\n",
        "CITATION.cff": "cff-version: 1.2.0\nlicense: MIT\n",
        ".pre-commit-config.yaml": (
            "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n"
            "    hooks:\n      - id: black\n"
        ),
        ".copier-answers.yml": (
            "_commit: v0.1.0\n_src_path: gh:deepmodeling/deepmodeling-template\n"
        ),
        ".github/workflows/tests.yml": (
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n"
        ),
        "docs/conf.py": 'project = "demo"\n',
        ".readthedocs.yaml": "version: 2\n",
        "README.md": "# demo\n",
    },
    # The C++ rules apply only where CMake builds the repository from its top.
    "a bare C++ repository (a `CMakeLists.txt` and nothing else)": {
        "CMakeLists.txt": "cmake_minimum_required(VERSION 3.25)\nproject(demo CXX)\n",
    },
}


@dataclasses.dataclass
class RuleText:
    """A ``### DPxxx`` section of STANDARD.md, split into its parts."""

    rule_id: str
    statement: str
    parts: dict[str, str]


@dataclasses.dataclass
class Family:
    """A ``## Family`` section of STANDARD.md with its rules."""

    title: str
    slug: str
    intro: str
    rules: list[RuleText]


def github_anchor(heading: str) -> str:
    """Give the anchor GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


LABELS = ("Why:", "Checked:", "Implemented by:")


def parse_rule(rule_id: str, body: str) -> RuleText:
    """Split a rule's section into its bold statement and labelled paragraphs."""
    statement = re.search(r"^\*\*(.+)\*\*$", body, re.MULTILINE)
    parts: dict[str, str] = {}
    rest = body[statement.end() :] if statement else body
    pattern = "|".join(re.escape(label) for label in LABELS)
    pieces = re.split(rf"^({pattern})", rest, flags=re.MULTILINE)
    lead = pieces[0].strip()
    if lead:
        parts[""] = lead
    for label, text in zip(pieces[1::2], pieces[2::2], strict=True):
        text = " ".join(text.split())
        parts[label.removesuffix(":")] = text[:1].upper() + text[1:]
    return RuleText(rule_id, statement[1] if statement else "", parts)


def parse_standard(text: str) -> tuple[str, list[Family]]:
    """Split STANDARD.md into its introduction and its families of rules."""
    sections = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    intro = sections[0]
    families = []
    for title, body in zip(sections[1::2], sections[2::2], strict=True):
        pieces = re.split(r"^### (DP\d{3})\s*$", body, flags=re.MULTILINE)
        if len(pieces) == 1:  # a section of prose ("Checking a project")
            intro += f"## {title}\n{body}"
            continue
        rules = [
            parse_rule(rule_id, rule_body)
            for rule_id, rule_body in zip(pieces[1::2], pieces[2::2], strict=True)
        ]
        families.append(Family(title, github_anchor(title), pieces[0].strip(), rules))
    return intro, families


def plain(text: str) -> str:
    """Drop Markdown emphasis and code marks, to compare statements."""
    return " ".join(re.sub(r"[`*]", "", text).split())


def registered_rules() -> dict[str, Any]:
    """Give the rule classes that the repo-review plugin registers, by ID."""
    from deepmodeling_template.standard import repo_review_checks

    return {rule_id: review.rule for rule_id, review in repo_review_checks().items()}


def drift(families: list[Family], rules: dict[str, Any]) -> list[str]:
    """List where STANDARD.md and the rule classes disagree."""
    documented = {rule.rule_id: rule for family in families for rule in family.rules}
    problems = [
        f"{rule_id} is registered by the plugin but has no section in STANDARD.md"
        for rule_id in rules
        if rule_id not in documented
    ]
    problems += [
        f"{rule_id} has a section in STANDARD.md but no rule class"
        for rule_id in documented
        if rule_id not in rules
    ]
    for rule_id, text in documented.items():
        if rule_id in rules and plain(text.statement) != plain(
            rules[rule_id].statement()
        ):
            problems.append(
                f"{rule_id}: STANDARD.md states {text.statement!r}, the rule class "
                f"{rules[rule_id].statement()!r}"
            )
        for label in ("Why", "Checked", "Implemented by"):
            if label not in text.parts:
                problems.append(f"{rule_id}: STANDARD.md gives no {label!r}")
    return problems


def example_failures() -> dict[str, tuple[str, str]]:
    """Run `dp-standard` on the scenarios: the first failure of each rule, by ID."""
    from deepmodeling_template.standard import cli

    failures: dict[str, tuple[str, str]] = {}
    for scenario, files in SCENARIOS.items():
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            for name, text in files.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_text(text, encoding="utf-8")
            for outcome in cli.run(root):
                if outcome.result is False and outcome.name not in failures:
                    message = outcome.message.replace(f"{root}/", "")
                    failures[outcome.name] = (scenario, message)
    return failures


def rendered_example(path: str) -> str | None:
    """Find the file a template path renders to in a stored example, as a link."""
    if not path.startswith("template/"):
        return None
    name = path.removeprefix("template/").removesuffix(".jinja")
    name = name.replace("{{_copier_conf.answers_file}}", ".copier-answers.yml")
    for example in EXAMPLES:
        target = ROOT / "examples" / example / name
        if target.exists():
            kind = TREE if target.is_dir() else BLOB
            return f"[`examples/{example}/{name}`]({kind}/examples/{example}/{name})"
    return None


def source_link(path: str) -> str:
    """Link a file of this repository on GitHub."""
    kind = TREE if path.endswith("/") else BLOB
    return f"[`{path}`]({kind}/{urllib.parse.quote(path)})"


def implemented_files(text: str) -> list[str]:
    """Give the template and include paths that an "Implemented by" names."""
    return re.findall(r"`((?:template|includes)/[^`]*)`", text)


def quote(text: str) -> str:
    """Quote Markdown text as a block quote."""
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def rule_section(
    text: RuleText,
    rule: Any,
    pages: dict[str, str],
    failure: tuple[str, str] | None = None,
) -> str:
    """Write a rule's section of its family's page."""
    rule_id = text.rule_id
    lines = [f"## {rule_id}", "", f"**{text.statement}**", ""]
    if "" in text.parts:
        lines += [text.parts[""], ""]
    lines += [
        f"Why\n: {text.parts.get('Why', '')}",
        "",
        f"Checked\n: {text.parts.get('Checked', '')}",
        "",
    ]
    requires = sorted(getattr(rule, "requires", ()))
    if requires:
        links = ", ".join(
            f"[{other}]({pages.get(other, '')}.md#{other.lower()})"
            for other in requires
        )
        lines += [
            "Builds on",
            f": {links}: skipped, with the reason, until {'it passes' if len(requires) == 1 else 'they pass'}.",
            "",
        ]
    files = implemented_files(text.parts.get("Implemented by", ""))
    examples = [link for link in map(rendered_example, files) if link]
    lines += [
        "Implemented by",
        f": {text.parts.get('Implemented by', '')}",
        "",
        "How to fix a failure",
        f": Run `dp-standard .` in the repository: the message under `{rule_id} FAILED` "
        "says what is wrong and what to change, and links this rule in STANDARD.md.",
    ]
    sources = ", ".join(source_link(path) for path in files)
    if sources:
        lines.append(f"  The template's version, which passes: {sources}.")
    if examples:
        lines.append(f"  As a generated project has it: {', '.join(examples)}.")
    lines += [
        "  Where the rule does not suit the project, switch it off with the reason "
        f'in `pyproject.toml`: `[tool.repo-review.ignore]`, `{rule_id} = "..."`.',
        "",
        f"Checked by\n: `{rule.__module__}.{rule.__qualname__}`, "
        f"[source]({BLOB}/src/{rule.__module__.replace('.', '/')}.py).",
        "",
    ]
    if failure:
        scenario, message = failure
        lines += [
            f"For example, on {scenario}, `dp-standard` says:",
            "",
            quote(message),
            "",
        ]
    return "\n".join(lines)


def family_page(
    family: Family,
    rules: dict[str, Any],
    pages: dict[str, str],
    failures: dict[str, tuple[str, str]],
) -> str:
    """Write the page of a family of rules."""
    first = family.rules[0].rule_id
    lines = [
        "<!-- Written by docs/_ext/dp_standard_pages.py from STANDARD.md: edit that. -->",
        "",
        f"# {family.title} ({first[:3]}xx)",
        "",
    ]
    if family.intro:
        lines += [family.intro, ""]
    for text in family.rules:
        lines.append(
            rule_section(
                text, rules.get(text.rule_id), pages, failures.get(text.rule_id)
            )
        )
    return "\n".join(lines)


def index_page(intro: str, families: list[Family]) -> str:
    """Write the standard's first page: STANDARD.md's introduction and a rule table."""
    for family in families:
        intro = intro.replace(f"](#{family.slug})", f"]({family.slug}.md)")
    rows = [
        f"| [{text.rule_id}]({family.slug}.md#{text.rule_id.lower()}) | {text.statement} |"
        for family in families
        for text in family.rules
    ]
    toctree = "\n".join(family.slug for family in families)
    return "\n".join(
        [
            "<!-- Written by docs/_ext/dp_standard_pages.py from STANDARD.md: edit that. -->",
            "",
            intro.strip(),
            "",
            "## Every rule",
            "",
            "| Rule | Statement |",
            "| --- | --- |",
            *rows,
            "",
            "```{toctree}",
            ":hidden:",
            "",
            toctree,
            "```",
            "",
        ]
    )


def write_if_changed(path: Path, text: str) -> None:
    """Write a page unless it already says that (so Sphinx rebuilds only changes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_pages(app: Sphinx) -> None:
    """Write the standard's pages into the source folder, and warn about drift."""
    intro, families = parse_standard((ROOT / "STANDARD.md").read_text(encoding="utf-8"))
    rules = registered_rules()
    for problem in drift(families, rules):
        logger.warning("STANDARD.md and the rules drifted: %s", problem)
    out = Path(app.srcdir) / OUTPUT
    pages = {"index.md": index_page(intro, families)}
    failures = example_failures()
    where = {text.rule_id: family.slug for family in families for text in family.rules}
    pages |= {
        f"{family.slug}.md": family_page(family, rules, where, failures)
        for family in families
    }
    for name, text in pages.items():
        write_if_changed(out / name, text)
    for stale in out.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()


LINK = re.compile(r"\]\((?!https?:|mailto:|#|/)([^)\s]+)\)")


def rewrite_links(text: str) -> str:
    """Point the relative links of a file at the top to this site or to GitHub."""

    def target(match: re.Match[str]) -> str:
        path = match[1]
        if path in SITE_PAGES:
            return f"]({SITE_PAGES[path]})"
        kind = TREE if path.endswith("/") or (ROOT / path).is_dir() else BLOB
        return f"]({kind}/{path})"

    return LINK.sub(target, text)


def included(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    """Rewrite the links of README.md and STANDARD.md when a page includes them."""
    if Path(relative_path).name in {"README.md", "STANDARD.md"}:
        content[0] = rewrite_links(content[0])


def edit_source(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: Any,
) -> None:
    """Point "Suggest edit" at the file the text comes from.

    That is STANDARD.md for the written pages, and README.md for the pages
    that include a part of it.
    """
    source = Path(app.srcdir) / f"{pagename}.md"
    if pagename.startswith(f"{OUTPUT}/"):
        edited = "STANDARD.md"
    elif source.is_file() and "../README.md" in source.read_text(encoding="utf-8"):
        edited = "README.md"
    else:
        return
    url = f"{REPOSITORY}/edit/main/{edited}"
    context["get_edit_provider_and_url"] = lambda: ("GitHub", url)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the page writer and the link rewriter."""
    app.connect("builder-inited", write_pages)
    app.connect("include-read", included)
    # After the pydata theme sets up its edit URL (500), before the book theme
    # builds its buttons from it (501, registered after this extension).
    app.connect("html-page-context", edit_source, priority=501)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
