"""The fleet report as one self-contained HTML page.

A repository x rule matrix, most failures first, with each repository's
template release; a cell's title shows the rule's message on hover, and the
details below the matrix show every failure and skip in full.  The page loads
nothing: its style and its one script are inline, and its Content Security
Policy allows nothing else, so a message that slipped through the escaping
could still not run.  Every text from a repository (names, messages, even
links, since a merged report may come from anywhere) is untrusted.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import TYPE_CHECKING

from ._core import STANDARD_URL

if TYPE_CHECKING:
    from .fleet import FleetReport, RepositoryReport, RuleResult

MARKS = {"passed": "\u2713", "failed": "\u2717", "skipped": "\u2013"}

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
.meta { color: #59636e; margin: 0 0 1rem; }
.wrap { overflow-x: auto; }
table.matrix { border-collapse: collapse; }
.matrix th, .matrix td { border: 1px solid #d1d9e0; padding: 2px 5px; text-align: center; }
.matrix th.repo, .matrix td.repo { text-align: left; white-space: nowrap; }
.matrix thead th { background: #f6f8fa; }
.matrix th.rule { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 500; }
.matrix th.family { font-weight: 600; }
.passed { background: #dafbe1; color: #116329; }
.failed { background: #ffebe9; color: #a40e26; font-weight: 700; }
.skipped { background: #f6f8fa; color: #59636e; }
td.none { background: #fff; }
td a, th.rule a { color: inherit; text-decoration: none; display: block; }
td.release { white-space: nowrap; }
.legend span { display: inline-block; padding: 0 .4rem; margin-right: .5rem; border: 1px solid #d1d9e0; }
tfoot td { font-weight: 600; }
details { margin: .5rem 0; border: 1px solid #d1d9e0; border-radius: 6px; padding: .25rem .75rem; }
summary { cursor: pointer; font-weight: 600; }
dl dt { font-weight: 600; margin-top: .5rem; }
dl dd { margin: .25rem 0 .5rem 1rem; white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; }
:target { outline: 2px solid #0969da; }
"""

# Opens the details that hold the item a matrix cell links to.
SCRIPT = """
function openTarget() {
  var id = decodeURIComponent(window.location.hash.slice(1));
  var target = id && document.getElementById(id);
  if (!target) return;
  var details = target.closest("details");
  if (details) details.open = true;
  target.scrollIntoView();
}
window.addEventListener("hashchange", openTarget);
openTarget();
"""


def page(report: FleetReport) -> str:
    """Write the report as one HTML page that loads nothing.

    Parameters
    ----------
    report : FleetReport
        The report (`.fleet.fleet_report`).

    Returns
    -------
    str
        The page, all ASCII (other characters as references).
    """
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{script_hash}'"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_attr(policy)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>DeepModeling standard: fleet report</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>DeepModeling standard: fleet report</h1>",
        _meta(report),
        _matrix(report),
        "<h2>Failures and skips</h2>",
        *(_details(index, repo) for index, repo in enumerate(report.repositories)),
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts).encode("ascii", "xmlcharrefreplace").decode() + "\n"


def _meta(report: FleetReport) -> str:
    """Write the line under the title: counts, release knowledge, time and checker."""
    releases = (
        f"Releases behind are counted among {len(report.releases)} template "
        f"releases, the newest {_text(report.releases[0])}."
        if report.releases
        else "Releases behind: ? when a repository is on an older release and "
        "the list of template releases was not given (dp-standard --releases)."
    )
    legend = "".join(
        f'<span class="{result}">{mark} {result}</span>'
        for result, mark in MARKS.items()
    )
    return (
        f'<p class="meta">{len(report.repositories)} repositories checked against '
        f'<a href="{_attr(STANDARD_URL)}">the DeepModeling standard</a> by '
        f"dp-standard {_text(report.checker)}, {_text(report.generated)}. "
        f"{releases} Hover a cell for its message, click it for the details.</p>"
        f'<p class="legend">{legend}</p>'
    )


def _matrix(report: FleetReport) -> str:
    """Write the repository x rule table, with a row of failure counts under it."""
    rules = report.rules()
    rows = [
        _row(index, repository, rules)
        for index, repository in enumerate(report.repositories)
    ]
    counts = "".join(
        f'<td title="{report.failing(rule.id)} repositories fail {_attr(rule.id)}">'
        f"{report.failing(rule.id) or ''}</td>"
        for rule in rules
    )
    return (
        '<div class="wrap"><table class="matrix">'
        f"<thead>{_family_header(rules)}{_rule_header(rules)}</thead>"
        f"<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><td class="repo" colspan="{len(FIXED_COLUMNS)}">'
        f"Repositories failing the rule</td>{counts}</tr></tfoot></table></div>"
    )


FIXED_COLUMNS = (
    "Repository",
    "Template release",
    "Releases behind",
    "Failed",
    "Passed",
    "Skipped",
)


def _family_header(rules: list[RuleResult]) -> str:
    """Write the first header row: one cell per family, over its rules."""
    cells = [f'<th colspan="{len(FIXED_COLUMNS)}"></th>']
    for family, span in _runs([rule.family for rule in rules]):
        label = family.replace("_", " ")
        cells.append(f'<th class="family" colspan="{span}">{_text(label)}</th>')
    return f"<tr>{''.join(cells)}</tr>"


def _runs(values: list[str]) -> list[tuple[str, int]]:
    """Group equal neighbours: ``[a, a, b]`` gives ``[(a, 2), (b, 1)]``."""
    runs: list[tuple[str, int]] = []
    for value in values:
        if runs and runs[-1][0] == value:
            runs[-1] = (value, runs[-1][1] + 1)
        else:
            runs.append((value, 1))
    return runs


def _rule_header(rules: list[RuleResult]) -> str:
    """Write the second header row: the fixed columns, then one rule ID per column."""
    fixed = "".join(
        f'<th class="{"repo" if i == 0 else "fixed"}">{name}</th>'
        for i, name in enumerate(FIXED_COLUMNS)
    )
    rule_cells = "".join(
        f'<th class="rule" title="{_attr(rule.id + ": " + rule.name)}">'
        f"{_anchor(rule.url, rule.id)}</th>"
        for rule in rules
    )
    return f"<tr>{fixed}{rule_cells}</tr>"


def _row(index: int, repository: RepositoryReport, rules: list[RuleResult]) -> str:
    """One repository's row: name, release, counts and a cell per rule."""
    template = repository.template
    behind_title = (
        "the list of template releases was not known"
        if template.behind is None and template.commit is not None
        else f"newest release: {template.newest or 'unknown'}"
    )
    cells = [
        f'<td class="repo">{_anchor(repository.url, repository.name)}</td>',
        f'<td class="release">{_text(template.release())}</td>',
        f'<td title="{_attr(behind_title)}">{_text(template.behind_text())}</td>',
        *(
            f"<td>{repository.count(result)}</td>"
            for result in ("failed", "passed", "skipped")
        ),
    ]
    cells += [_cell(index, repository.result(rule.id)) for rule in rules]
    return f'<tr id="repo-{index}">{"".join(cells)}</tr>'


def _cell(index: int, item: RuleResult | None) -> str:
    """One rule's cell: its mark, the message as its title, a link to the details."""
    if item is None:
        return '<td class="none" title="not checked"></td>'
    title = item.id + " " + item.result
    if item.message:
        title += ": " + item.message
    mark = MARKS.get(item.result, "?")
    if item.result == "passed":
        return f'<td class="passed" title="{_attr(title)}">{mark}</td>'
    return (
        f'<td class="{_attr(item.result)}" title="{_attr(title)}">'
        f'<a href="#{_item_id(index, item.id)}">{mark}</a></td>'
    )


def _details(index: int, repository: RepositoryReport) -> str:
    """List a repository's failed and skipped rules in full, closed until asked for."""
    items = [item for item in repository.results if item.result != "passed"]
    entries = "".join(
        f'<dt id="{_item_id(index, item.id)}">{_anchor(item.url, item.id)} '
        f"{_text(item.result)}: {_text(item.name)}</dt>"
        f"<dd>{_text(item.message.strip())}</dd>"
        for item in items
    )
    return (
        f'<details id="details-{index}"><summary>{_text(repository.name)}: '
        f"{repository.count('failed')} failed, {repository.count('skipped')} "
        f"skipped</summary><dl>{entries}</dl></details>"
    )


def _item_id(index: int, rule: str) -> str:
    """Name the element ID of one repository's rule in the details."""
    return f"repo-{index}-{re.sub(r'[^A-Za-z0-9_-]', '_', rule)}"


def _anchor(url: str, text: str) -> str:
    """Link `text` to `url`, unless `url` is not a web address (then plain text)."""
    if not re.fullmatch(r"https?://[^\s\"'<>]+", url):
        return _text(text)
    return f'<a href="{_attr(url)}">{_text(text)}</a>'


def _text(text: str) -> str:
    """Escape untrusted text for an element's content."""
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    """Escape untrusted text for a double-quoted attribute value."""
    return html.escape(text, quote=True)
