"""The fleet report: ``dp-standard REPO ... --format json|html|markdown`` and ``--merge``.

Three small repositories stand for a fleet: the python example as rendered
(on the newest release, every rule passing, a GitHub clone), the same example
recording an older release, and a repository that never adopted the template,
whose name and license carry markup, as untrusted text may.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from deepmodeling_template.standard import RULES, cli, fleet, fleet_html
from examples import regenerate
from tests.helpers import ROOT, run, write

# The C++ rules, which a Python project skips.
CPP_RULES = sum(rule.__module__.endswith(".cpp") for rule in RULES)

# The installed checker is a development version: the newest release is the pinned rev.
pytestmark = pytest.mark.usefixtures("newest_release_from_pinned_rev")

EXAMPLE = ROOT / "examples" / "python"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_LICENSE = "<script>alert(1)</script>"
# The release the examples record (the newest), and a list of releases up to it.
RELEASE = regenerate.template_release()
RELEASES = "# tag commit\nv0.1.0 5f108a5\nv0.1.1 0000000\nv0.2.0 952bff4\n"


@pytest.fixture(scope="module")
def fleet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fleet")
    current = shutil.copytree(EXAMPLE, root / "current")
    run(["git", "init", "-q"], current)
    run(
        [
            "git",
            "remote",
            "add",
            "origin",
            "https://github.com/deepmodeling/example.git",
        ],
        current,
    )
    old = shutil.copytree(EXAMPLE, root / "old")
    answers = old / ".copier-answers.yml"
    text = answers.read_text(encoding="utf-8")
    assert f"_commit: {RELEASE}\n" in text
    answers.write_text(text.replace(f"_commit: {RELEASE}", "_commit: v0.1.0"), "utf-8")
    write(
        root / HOSTILE_NAME,
        {"pyproject.toml": f'[project]\nname = "x"\nlicense = "{HOSTILE_LICENSE}"\n'},
    )
    write(root, {"releases.txt": RELEASES})
    return root


def repos(fleet_dir: Path) -> list[str]:
    return [str(fleet_dir / name) for name in ("current", "old", HOSTILE_NAME)]


def dp_standard(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(list(args))
    return status, capsys.readouterr().out


def by_name(document: dict) -> dict[str, dict]:
    return {repository["name"]: repository for repository in document["repositories"]}


# --- JSON -------------------------------------------------------------------------


def test_json_document_has_every_repository_rule_and_release(fleet_dir, capsys):
    status, out = dp_standard(capsys, *repos(fleet_dir), "--format", "json")
    assert status == 1  # the repository that never adopted fails rules
    document = json.loads(out)
    assert document["schema_version"] == 1
    assert document["releases"] is None
    found = by_name(document)
    assert list(found) == [HOSTILE_NAME, "old", "deepmodeling/example"]
    current = found["deepmodeling/example"]
    assert current["url"] == "https://github.com/deepmodeling/example"
    assert current["path"] == str(fleet_dir / "current")
    # Without a list of releases: the newest is the pinned rev, the older count unknown.
    assert current["template"] == {
        "adopted": True,
        "commit": RELEASE,
        "newest": RELEASE,
        "behind": 0,
    }
    assert found["old"]["template"] == {
        "adopted": True,
        "commit": "v0.1.0",
        "newest": RELEASE,
        "behind": None,
    }
    never = found[HOSTILE_NAME]
    assert never["template"] == {
        "adopted": False,
        "commit": None,
        "newest": None,
        "behind": None,
    }
    assert never["url"] == ""
    for repository in found.values():
        results = repository["results"]
        assert [result["id"] for result in results] == [r.__name__ for r in RULES]
        assert repository["summary"] == {
            state: sum(result["result"] == state for result in results)
            for state in ("passed", "failed", "skipped")
        }
    # A Python project passes every rule; the C++ family does not apply to it.
    assert {(r["family"] == "cpp", r["result"]) for r in current["results"]} == {
        (False, "passed"),
        (True, "skipped"),
    }
    old = {result["id"]: result for result in found["old"]["results"]}
    assert old["DP702"]["result"] == "failed"
    assert "v0.1.0" in old["DP702"]["message"]
    assert old["DP702"]["url"].endswith("STANDARD.md#dp702")
    assert old["DP702"]["family"] == "template_releases"
    assert old["DP101"]["family"] == "licensing"
    assert (
        old["DP702"]["name"]
        == RULES[[r.__name__ for r in RULES].index("DP702")].statement()
    )
    never_results = {result["id"]: result for result in never["results"]}
    assert HOSTILE_LICENSE in never_results["DP202"]["message"]
    skipped = [r for r in never["results"] if r["result"] == "skipped"]
    assert skipped and all(r["message"] for r in skipped)  # each skip says why
    assert all(
        (r["message"] == "") == (r["result"] == "passed") for r in current["results"]
    )


def test_every_rule_has_the_family_of_its_module():
    """Families come from the rule modules, so a new family module needs no edit here."""
    assert {fleet.family_of(rule.__name__) for rule in RULES} == {
        rule.__module__.rsplit(".", 1)[1] for rule in RULES
    }
    assert "" not in {fleet.family_of(rule.__name__) for rule in RULES}


def test_releases_list_counts_how_far_behind(fleet_dir, capsys):
    _, out = dp_standard(
        capsys,
        *repos(fleet_dir),
        "--format",
        "json",
        "--releases",
        str(fleet_dir / "releases.txt"),
    )
    document = json.loads(out)
    assert document["releases"] == ["v0.2.0", "v0.1.1", "v0.1.0"]
    found = by_name(document)
    assert found["old"]["template"]["behind"] == 2
    assert found["deepmodeling/example"]["template"]["behind"] == 0
    assert found[HOSTILE_NAME]["template"]["behind"] is None


@pytest.mark.parametrize(
    ("commit", "behind"),
    [
        ("v0.1.0", 2),
        ("v0.1.1-3-gabcdef0", 1),  # commits after v0.1.1, before v0.2.0
        ("v0.2.0", 0),
        ("v0.3.0", 0),  # newer than the list knows
        ("952bff436c732467769e500e5d2c77234f9a9bed", None),  # not a release
    ],
)
def test_releases_behind(commit, behind):
    releases = [
        fleet.freshness.parse_release(tag) for tag in ("v0.1.0", "v0.1.1", "v0.2.0")
    ]
    assert fleet.releases_behind(commit, max(releases), releases) == behind


def test_releases_behind_without_the_list_is_zero_or_unknown():
    newest = fleet.freshness.parse_release("v0.2.0")
    assert fleet.releases_behind("v0.2.0", newest, None) == 0
    assert fleet.releases_behind("v0.1.0", newest, None) is None
    assert fleet.releases_behind("v0.1.0", None, None) is None


def test_git_ls_remote_output_is_a_release_list(tmp_path):
    listing = write(
        tmp_path,
        {
            "tags.txt": "952bff4\trefs/tags/v0.2.0\n5f108a5\trefs/tags/v0.1.0\n"
            "0123abc\trefs/tags/v0.3.0rc1\n"
        },
    )
    assert list(map(str, fleet.read_releases(listing / "tags.txt"))) == [
        "v0.2.0",
        "v0.1.0",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("v0.1.0\nmain\n", "line 2: 'main' names no release like v1.2.3"),
        ("# nothing\n", "names no release like v1.2.3"),
    ],
)
def test_bad_release_list_is_refused(tmp_path, capsys, text, message):
    write(tmp_path, {"releases.txt": text})
    with pytest.raises(SystemExit) as refused:
        cli.main(
            [
                str(EXAMPLE),
                "--format",
                "json",
                "--releases",
                str(tmp_path / "releases.txt"),
            ]
        )
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "--releases" in err


def test_exit_status_ignores_warned_failures(fleet_dir, capsys):
    _, out = dp_standard(capsys, str(fleet_dir / "old"), "--format", "json")
    failed = [
        r["id"]
        for r in json.loads(out)["repositories"][0]["results"]
        if r["result"] == "failed"
    ]
    assert failed == ["DP702"]
    status, _ = dp_standard(
        capsys, str(fleet_dir / "old"), "--format", "markdown", "--warn", "DP702"
    )
    assert status == 0
    status, _ = dp_standard(capsys, str(fleet_dir / "current"), "--format", "html")
    assert status == 0


def test_terminal_output_is_unchanged_by_default(fleet_dir, capsys):
    status, out = dp_standard(capsys, str(fleet_dir / "old"))
    assert status == 1
    assert out.startswith(
        f"DeepModeling standard: 32 passed, 1 failed, {CPP_RULES} skipped"
    )
    assert "DP702 FAILED" in out


# --- merging ----------------------------------------------------------------------


def test_merged_reports_equal_one_report(fleet_dir, tmp_path, capsys):
    """The workflow checks each repository in its own job, then merges."""
    parts = []
    for index, path in enumerate(repos(fleet_dir)):
        _, out = dp_standard(capsys, path, "--format", "json")
        parts.append(
            write(tmp_path, {f"part-{index}.json": out}) / f"part-{index}.json"
        )
    _, whole = dp_standard(capsys, *repos(fleet_dir), "--format", "json")
    status, merged = dp_standard(
        capsys, "--merge", *map(str, parts), "--format", "json"
    )
    assert status == 1
    assert json.loads(merged)["repositories"] == json.loads(whole)["repositories"]
    # The release list given at the merge recounts every repository.
    _, recounted = dp_standard(
        capsys,
        "--merge",
        *map(str, parts),
        "--releases",
        str(fleet_dir / "releases.txt"),
        "--format",
        "json",
    )
    assert by_name(json.loads(recounted))["old"]["template"]["behind"] == 2


def test_paths_and_merged_reports_combine(fleet_dir, tmp_path, capsys):
    _, out = dp_standard(capsys, str(fleet_dir / "old"), "--format", "json")
    part = write(tmp_path, {"old.json": out}) / "old.json"
    _, both = dp_standard(
        capsys, str(fleet_dir / "current"), "--merge", str(part), "--format", "json"
    )
    assert list(by_name(json.loads(both))) == ["old", "deepmodeling/example"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON"),
        ("[]", "not a report of `dp-standard --format json`"),
        (
            '{"schema_version": 2, "repositories": []}',
            "schema_version 2; this dp-standard reads version 1",
        ),
        (
            '{"schema_version": 1}',
            "not a report of `dp-standard --format json` (no repositories)",
        ),
        (
            '{"schema_version": 1, "repositories": [{"name": 1}]}',
            "name is 1, not str",
        ),
        (
            '{"schema_version": 1, "repositories": [{"name": "x", "path": "x", "url": "",'
            ' "template": {"adopted": true, "behind": "2"}, "results": []}]}',
            "template.behind is '2', not a count",
        ),
    ],
)
def test_bad_report_to_merge_is_refused(tmp_path, capsys, text, message):
    write(tmp_path, {"bad.json": text})
    with pytest.raises(SystemExit) as refused:
        cli.main(["--merge", str(tmp_path / "bad.json"), "--format", "html"])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert f"--merge {tmp_path / 'bad.json'}: " in err and message in err


def test_report_options_need_a_report_format_and_real_paths(tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main(["--merge", str(tmp_path / "a.json")])
    assert refused.value.code == 2
    assert "add --format json, html or markdown" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        cli.main([str(tmp_path / "missing"), "--format", "json"])
    assert refused.value.code == 2
    assert f"{tmp_path / 'missing'} is not a directory" in capsys.readouterr().err


# --- Markdown -----------------------------------------------------------------------


def test_markdown_summary_table(fleet_dir, capsys):
    _, out = dp_standard(capsys, *repos(fleet_dir), "--format", "markdown")
    lines = out.splitlines()
    header = lines.index(
        "| Repository | Template release | Releases behind | Failed | Passed | Skipped | Failed rules |"
    )
    rows = lines[header + 2 : header + 5]
    assert rows[0].startswith(r"| \<img src=x onerror=alert(1)\> | not adopted | - | ")
    assert rows[1] == f"| old | v0.1.0 | ? | 1 | 32 | {CPP_RULES} | DP702 |"
    assert rows[2] == (
        "| [deepmodeling/example](https://github.com/deepmodeling/example) "
        f"| {RELEASE} | 0 | 0 | 33 | {CPP_RULES} |  |"
    )
    assert re.search(r"^\| \[DP702\]\(\S+#dp702\) \| 1 \| ", out, re.MULTILINE)
    # As GitHub shows a job summary: tables, and HTML passed through.
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(out)
    parsed = Page(rendered)
    assert [tag for tag, _ in parsed.tags].count("tr") == 1 + 3 + 1 + 16
    assert not {"img", "script"} & {tag for tag, _ in parsed.tags}
    assert html.escape(HOSTILE_NAME, quote=False) in rendered


def test_markdown_cells_quote_pipes_and_markup():
    assert fleet._cell("a | b\n<x> [l](u)") == r"a \| b \<x\> \[l\](u)"
    assert fleet._link("javascript:alert(1)") == "#"


# --- HTML ---------------------------------------------------------------------------


class Page(HTMLParser):
    """What the tests read from the page: the matrix rows and every tag."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: dict[str, list[dict[str, str | None]]] = {}
        self.scripts: list[str] = []
        self._row: str | None = None
        self._script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "tr" and (attributes.get("id") or "").startswith("repo-"):
            self._row = attributes["id"]
            self.rows[self._row] = []
        elif tag == "td" and self._row:
            self.rows[self._row].append(attributes)
        self._script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None
        self._script = False

    def handle_data(self, data):
        if self._script:
            self.scripts.append(data)


def test_html_matrix_shows_each_result_with_its_message(fleet_dir, capsys):
    _, document = dp_standard(capsys, *repos(fleet_dir), "--format", "json")
    _, page = dp_standard(capsys, *repos(fleet_dir), "--format", "html")
    parsed = Page(page)
    repositories = json.loads(document)["repositories"]
    assert list(parsed.rows) == [f"repo-{i}" for i in range(len(repositories))]
    for index, repository in enumerate(repositories):
        cells = parsed.rows[f"repo-{index}"]
        rules = cells[len(fleet_html.FIXED_COLUMNS) :]
        assert len(rules) == len(repository["results"])
        for cell, result in zip(rules, repository["results"], strict=True):
            assert cell["class"] == result["result"]
            assert cell["title"].startswith(f"{result['id']} {result['result']}")
            assert result["message"] in cell["title"]  # unescaped by the parser
        if repository["summary"]["failed"]:
            assert (
                f'id="repo-{index}-{next(r["id"] for r in repository["results"] if r["result"] == "failed")}"'
                in page
            )
    assert repositories[0]["name"] == HOSTILE_NAME  # most failures first
    assert '<td class="release">not adopted</td>' in page
    assert '<td class="release">v0.1.0</td>' in page
    assert 'title="the list of template releases was not known">?</td>' in page
    assert (
        '<a href="https://github.com/deepmodeling/example">deepmodeling/example</a>'
        in page
    )
    for rule in RULES:
        assert f">{rule.__name__}</a></th>" in page
    assert "template releases</th>" in page  # the family over DP7xx
    assert page.isascii()


def test_html_escapes_untrusted_text(fleet_dir, tmp_path, capsys):
    """Names, messages, releases and links of a report to merge may be anything."""
    _, out = dp_standard(capsys, str(fleet_dir / HOSTILE_NAME), "--format", "json")
    document = json.loads(out)
    repository = document["repositories"][0]
    repository["url"] = "javascript:alert(2)"
    repository["template"].update(adopted=True, commit='"><script>alert(3)</script>')
    repository["results"][0]["message"] = "</dd></details><script>alert(4)</script>\"'"
    repository["results"][0]["result"] = '"onmouseover="alert(5)'
    repository["results"][0]["url"] = "javascript:alert(6)"
    part = write(tmp_path, {"hostile.json": json.dumps(document)}) / "hostile.json"
    _, page = dp_standard(capsys, "--merge", str(part), "--format", "html")
    parsed = Page(page)
    assert [tag for tag, _ in parsed.tags].count("script") == 1
    assert [tag for tag, _ in parsed.tags].count("img") == 0
    assert "javascript:" not in page
    assert not any(
        name.startswith("on") for _, attributes in parsed.tags for name in attributes
    )
    assert html.escape(HOSTILE_NAME, quote=False) in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "&lt;/dd&gt;&lt;/details&gt;&lt;script&gt;alert(4)" in page
    assert html.escape(HOSTILE_LICENSE, quote=True) in page


def test_html_page_loads_nothing(fleet_dir, capsys):
    _, page = dp_standard(capsys, *repos(fleet_dir), "--format", "html")
    parsed = Page(page)
    assert not [
        tag for tag, _ in parsed.tags if tag in {"link", "img", "iframe", "object"}
    ]
    assert not [
        a for _, attributes in parsed.tags for a in attributes if a in {"src", "srcset"}
    ]
    policy = next(
        attributes["content"]
        for tag, attributes in parsed.tags
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy"
    )
    assert policy.startswith("default-src 'none';")
    (script,) = parsed.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


# --- the page in a browser --------------------------------------------------------


def chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Headless Chromium, offline: no name resolves, nothing runs in the background."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("Debian's chromium package is not installed (.ci/run installs it)")
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",  # root in CI containers
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={cwd / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def console_messages(stderr: str) -> list[str]:
    """The page's console output in Chromium's log (errors, CSP refusals, logs)."""
    return [line for line in stderr.splitlines() if ":INFO:CONSOLE" in line]


@pytest.mark.slow
def test_page_renders_in_chromium_without_console_errors(fleet_dir, tmp_path, capsys):
    # The check can fail: a page with a script error shows in the console log.
    broken = write(tmp_path, {"broken.html": "<p>x</p><script>missing();</script>"})
    result = chromium("--dump-dom", (broken / "broken.html").as_uri(), cwd=tmp_path)
    assert any(
        "Uncaught ReferenceError" in line for line in console_messages(result.stderr)
    )

    _, page = dp_standard(capsys, *repos(fleet_dir), "--format", "html")
    report = write(tmp_path, {"report.html": page}) / "report.html"
    screenshot = tmp_path / "report.png"
    result = chromium(
        f"--screenshot={screenshot}",
        "--window-size=1600,1000",
        report.as_uri(),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert console_messages(result.stderr) == []
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = (
        int.from_bytes(data[16:20], "big"),
        int.from_bytes(data[20:24], "big"),
    )
    assert (width, height) == (1600, 1000)
    assert len(data) > 30_000  # a table of colours and text, not a blank page

    # The script ran (the policy let it): a link to a failure opens its details.
    failure = f"{report.as_uri()}#repo-0-DP202"
    result = chromium("--dump-dom", failure, cwd=tmp_path)
    assert console_messages(result.stderr) == []
    assert '<details id="details-0" open="">' in result.stdout
    assert '<details id="details-1">' in result.stdout
