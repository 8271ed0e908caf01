"""The template's own documentation site (docs/) builds, and documents every rule."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from deepmodeling_template.standard import RULES, repo_review_checks
from tests.helpers import ROOT, offline_docs_build, outcomes, run

STANDARD = (ROOT / "STANDARD.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
STANDARD_IDS = re.findall(r"^### (DP\d{3})\s*$", STANDARD, flags=re.MULTILINE)
REGISTERED_IDS = sorted(repo_review_checks())
SITE_URL = "https://docs.deepmodeling.com/projects/deepmodeling-template/"


@dataclass
class Site:
    venv: Path
    html: Path
    pages: dict[str, str]  # page path -> its HTML


@pytest.fixture(scope="module")
def site(make_venv, tmp_path_factory) -> Site:
    """The site as Read the Docs would build it, offline, warnings as errors."""
    venv = make_venv(["-e", f"{ROOT}[docs]"], name="docs-venv")
    out = tmp_path_factory.mktemp("docs-site")
    result = run(
        offline_docs_build(venv, out),
        ROOT,
    )
    assert "build succeeded" in result.stdout
    pages = {
        str(path.relative_to(out / "html")): path.read_text(encoding="utf-8")
        for path in (out / "html").rglob("*.html")
    }
    return Site(venv, out / "html", pages)


def text_of(page: str) -> str:
    """The visible text of an HTML page, roughly."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def anchors(page: str) -> set[str]:
    """The ids of a page (deepmodeling_sphinx minifies HTML: quotes are optional)."""
    return set(re.findall(r'\bid="?([^"\s>]+)', page))


@pytest.mark.slow
def test_docs_build_offline_with_warnings_as_errors(site):
    for page in (
        "index.html",
        "getting-started.html",
        "questions.html",
        "updating.html",
        "adopting.html",
        "auditing.html",
        "security.html",
        "profiles/python.html",
        "profiles/compiled.html",
        "profiles/dflow.html",
        "profiles/cpp.html",
        "standard/index.html",
    ):
        assert page in site.pages, page
    # The banner of deepmodeling_sphinx, and the book theme.
    assert "deepmodeling" in site.pages["index.html"].lower()
    assert "sphinx-book-theme" in site.pages["index.html"]


@pytest.mark.slow
def test_every_rule_of_standard_md_has_its_section_in_the_site(site):
    assert STANDARD_IDS
    standard_pages = {
        name: page for name, page in site.pages.items() if name.startswith("standard/")
    }
    for rule_id in STANDARD_IDS:
        homes = [
            name
            for name, page in standard_pages.items()
            if rule_id.lower() in anchors(page)
        ]
        assert len(homes) == 1, f"{rule_id} has a section on {homes}"
        section = text_of(standard_pages[homes[0]]).split(rule_id, 1)[1]
        for part in ("Why", "Checked", "Implemented by", "How to fix a failure"):
            assert part in section, (rule_id, part)
    # The overview table lists every rule.
    overview = text_of(site.pages["standard/index.html"])
    assert all(rule_id in overview for rule_id in STANDARD_IDS)


@pytest.mark.slow
def test_every_registered_rule_is_in_the_site(site):
    everything = "\n".join(site.pages.values())
    for rule in RULES:
        assert f"{rule.__module__}.{rule.__qualname__}" in everything, rule
        assert rule.__name__.lower() in anchors(everything)


def test_every_registered_rule_is_in_standard_md():
    """A rule added to the code without its section in STANDARD.md fails here."""
    assert sorted(rule.__name__ for rule in RULES) == REGISTERED_IDS
    assert REGISTERED_IDS == sorted(STANDARD_IDS)


@pytest.mark.slow
def test_each_rule_quotes_what_dp_standard_says_when_it_fails(site, tmp_path):
    """The advice on the site is the checker's own, as it is today."""
    # Compared without spaces (code spans split words) and quotes (smart ones).
    squeeze = lambda text: re.sub(r"[\s\"'\u201c\u201d\u2018\u2019]+", "", text)  # noqa: E731
    everything = squeeze(text_of("\n".join(site.pages.values())))
    failed = [o for o in outcomes(tmp_path).values() if o.result is False]
    assert failed
    for outcome in failed:
        first = outcome.message.split(". ")[0].replace("`", "")
        assert squeeze(first) in everything, outcome.name


@pytest.mark.slow
def test_the_build_warns_when_standard_md_and_the_rules_drift(site):
    """The extension's own check: ``sphinx-build -W`` fails on any drift."""
    script = """
import sys
sys.path.insert(0, "docs/_ext")
import dp_standard_pages as pages

intro, families = pages.parse_standard(open("STANDARD.md", encoding="utf-8").read())
rules = pages.registered_rules()
assert pages.drift(families, rules) == [], pages.drift(families, rules)
dropped = families[0].rules.pop()
print("\\n".join(pages.drift(families, rules)))
families[0].rules.append(dropped)
dropped.statement = "Something else."
print("\\n".join(pages.drift(families, rules)))
"""
    result = run([site.venv / "python", "-c", script], ROOT)
    assert "registered by the plugin but has no section in STANDARD.md" in result.stdout
    assert "STANDARD.md states 'Something else.'" in result.stdout


def test_readme_sections_the_site_includes_are_marked():
    pages = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "docs").rglob("*.md")
    )
    names = re.findall(r"<!-- docs:([a-z-]+):start -->", README)
    assert names
    for name in names:
        assert README.count(f"<!-- docs:{name}:start -->") == 1
        assert README.count(f"<!-- docs:{name}:end -->") == 1
        assert README.index(f"<!-- docs:{name}:start -->") < README.index(
            f"<!-- docs:{name}:end -->"
        )
        assert f":start-after: <!-- docs:{name}:start -->" in pages, name
    assert SITE_URL in README


def test_the_repository_passes_the_documentation_rules():
    results = outcomes(ROOT)
    for rule_id in ("DP501", "DP502", "DP503"):
        assert results[rule_id].result is True, results[rule_id].message
