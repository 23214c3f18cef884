"""The HTML report: sections, charts, print CSS, no network, and a look in a real browser."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser

import pytest

from conftest import BUNDLED
from planctl.core.evaluate import evaluate
from planctl.render.report import build_report
from planctl.render.report_html import render
from planctl.store.files import load_paths

AS_AT = "2012-10-09"
SECTIONS = ["summary", "recommendations", "overdue", "upcoming", "updates", "findings", "actions"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Page(HTMLParser):
    """Every element with its attributes, and the text inside each element by id/class."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.stack: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag not in ("br", "meta", "col", "rect", "line", "circle", "path"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, a in self.stack:
            for key in filter(None, [a.get("id"), *(a.get("class") or "").split()]):
                self.texts.setdefault(key, []).append(data)

    def text(self, key: str) -> str:
        return "".join(self.texts.get(key, []))


@pytest.fixture
def page_html(run, bundled):
    result = run("report", "--today", AS_AT, "--format", "html")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_every_section_is_there_in_order_with_the_marking_top_and_bottom(page_html):
    page = Page(page_html)
    ids = [a["id"] for tag, a in page.elements if tag == "section"]
    assert ids == SECTIONS
    markings = [i for i, (tag, a) in enumerate(page.elements) if a.get("class") == "marking"]
    assert len(markings) == 2 and page.text("marking") == "PUBLICPUBLIC"
    tags = [tag for tag, _ in page.elements]
    body = tags.index("body")
    # First and last thing on the page, each in a landmark: the banner and the contentinfo.
    assert markings == [body + 2, len(page.elements) - 1]
    assert tags[body + 1] == "header" and tags[-2] == "footer"
    assert "Progress report as at 9 October 2012" in page.text("kicker")
    assert "Thurrock Council" in page.text("facts") and "1.1 (updated 20 Aug 2012)" in page.text("facts")
    assert "10% complete." in page.text("headline") and "19 are overdue" in page.text("headline")


class _Landmarks(HTMLParser):
    """Text outside every landmark, as axe's `region` rule finds it: a header or footer is a
    landmark (banner, contentinfo) only when it is not inside main or a sectioning element."""

    VOID = {"br", "meta", "col", "rect", "line", "circle", "path", "img", "input", "hr", "link"}
    ROLES = {"banner", "main", "contentinfo", "navigation", "complementary", "search", "region"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, is a landmark)
        self.outside: list[str] = []
        self.in_body = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.in_body = True
        if tag in self.VOID:
            return
        nested = any(t in ("main", "article", "aside", "nav", "section") for t, _ in self.stack)
        landmark = (tag in ("main", "nav", "aside") or a.get("role") in self.ROLES
                    or (tag in ("header", "footer") and not nested))
        self.stack.append((tag, landmark))

    def handle_endtag(self, tag):
        while tag in (t for t, _ in self.stack):  # an end tag with no start closes nothing
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.in_body and data.strip() and not any(mark for _, mark in self.stack):
            self.outside.append(data.strip())


def test_everything_on_the_page_is_in_a_landmark(page_html):
    assert "PUBLIC" in page_html
    assert _Landmarks(page_html).outside == []


def test_the_figures_per_recommendation_match_the_plan(page_html):
    rows = evaluate(load_paths([BUNDLED]).plans, date(2012, 10, 9))
    expected = {}
    for r in rows:
        t = expected.setdefault(r.action.recommendation, [0, 0, 0])
        t[0] += 1
        t[1] += r.status == "completed"
        t[2] += r.status == "overdue"
    table = re.split(r'<table class="recs"[^>]*>', page_html)[1].split("</table>")[0]
    found = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", re.split(r"<tbody[^>]*>", table)[1]):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr)
        found[cells[0]] = [int(cells[2]), int(cells[3]), int(cells[4])]
    assert found == expected
    # The chart: one labelled bar per recommendation, with its numbers in words beside it.
    chart = page_html.split('<section id="recommendations">')[1].split("</svg>")[0]
    for rec, (total, done, late) in expected.items():
        assert f">Rec {rec}</text>" in chart
        words = f"{done} of {total} done" + (f", {late} overdue" if late else "")
        assert f">{words}</text>" in chart


def test_status_colours_always_carry_the_word(page_html):
    page = Page(page_html)
    badges = [a["class"] for tag, a in page.elements
              if tag == "span" and "status" in (a.get("class") or "").split()]
    worded = re.findall(r'<span class="status s-([a-z-]+)">([^<]*)</span>', page_html)
    assert len(worded) == len(badges) > 17  # the tiles and every upcoming action
    for status, word in worded:
        assert word == status.replace("-", " ")
    legend = page_html.split('<ul class="legend"')[1].split("</ul>")[0]
    for word in ("completed", "overdue", "due soon", "on track", "no date", "dropped"):
        assert f"</span>{word}</li>" in legend


def test_the_page_makes_no_request_and_runs_no_script(page_html):
    page = Page(page_html)
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "image", "use"}
    for tag, attrs in page.elements:
        assert not {"src", "href", "xlink:href", "srcset", "action"} & set(attrs), (tag, attrs)
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    urls = set(re.findall(r"https?://[^\s\"')]+", page_html))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace name, never fetched
    assert "url(http" not in page_html and "@import" not in page_html
    csp = next(a["content"] for tag, a in page.elements
               if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp


def test_print_css_is_a4_with_sections_flowing_and_headings_repeated(page_html):
    style = page_html.split("<style>")[1].split("</style>")[0]
    printing = "".join(part.split("\n}\n")[0] for part in style.split("@media print")[1:])
    assert "size: A4" in printing
    assert "break-before: page" not in printing  # no page per section: the paper stays short
    assert 'content: "PUBLIC"' in printing  # the marking on every printed page
    assert "thead { display: table-header-group; }" in printing
    assert re.search(r"(^|[\s,])tr[,\s][^{]*\{ break-inside: avoid; \}", printing, re.M)


def test_timeline_chart_draws_three_labelled_lines():
    plans = load_paths([BUNDLED]).plans
    points = [{"date": date(2012, 8, 20), "open": 60, "completed": 2, "overdue": 0},
              {"date": date(2012, 9, 20), "open": 58, "completed": 4, "overdue": 10},
              {"date": date(2012, 10, 9), "open": 56, "completed": 6, "overdue": 19}]
    html = render(build_report(plans, date(2012, 10, 9), timeline=points))
    section = html.split('<section id="timeline">')[1].split("</section>")[0]
    assert section.count("<path ") == 3
    for label in ("open 56", "completed 6", "overdue 19"):
        assert f">{label}</text>" in section
    assert ">20 Aug 2012</text>" in section and ">9 Oct 2012</text>" in section
    assert '<section id="timeline">' not in render(build_report(plans, date(2012, 10, 9)))


# -- hostile plan text -----------------------------------------------------------------------

HOSTILE = """\
plan:
  title: "<script>alert('title')</script> Plan \\e[2J"
  authority: "Council <b>bold</b>"
  inspection: {by: Ofsted, kind: "x\\" onload=\\"alert(1)", published: 2012-07-27}
  classification: "public</style><script>alert(2)</script>"
leads:
  evil: "\\e[31mRed Lead\\e[0m"
recommendations:
  - text: "<img src=x onerror=alert(3)>"
    actions:
      - text: '=HYPERLINK("http://evil.example/","click me")'
        due: 1.9.12
        lead: evil
      - text: "@SUM(1+1) \\e]0;title\\a"
        due: 1.11.12
        lead: evil
        updates:
          - {date: 2012-10-01, text: "<script>alert(4)</script>", by: "\\e[31mX"}
      - text: "+cmd|' /C calc'!A0"
        due: 20.10.12
        lead: "<svg onload=alert(5)>"
      - text: "-2+3 \\u202eevil"
        due: 20.10.12
        lead: "\\tTabbed"
findings:
  scale: [Good, Bad]
  areas:
    - area: "<iframe src=//evil.example>"
      judgements:
        - {name: "<b onmouseover=alert(6)>x</b>", grade: Good}
"""


@pytest.fixture
def hostile(write_plan):
    return write_plan(HOSTILE, "evil.yaml")


def test_hostile_text_stays_text_in_html(run, hostile):
    out = run("report", "--today", AS_AT, "--format", "html").stdout
    page = Page(out)
    tags = [tag for tag, _ in page.elements]
    assert not {"script", "img", "b", "iframe"} & set(tags)
    assert tags.count("svg") == 1  # only our chart; the lead's <svg onload> is text
    for _, attrs in page.elements:
        assert not any(k.startswith("on") for k in attrs)
    assert out.count("</style>") == 1  # the marking cannot close the style sheet
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(3)&gt;" in out  # in the table and the SVG <title>
    assert "x&quot; onload=&quot;alert(1)" in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


def test_hostile_text_is_neutralised_in_csv(run, hostile):
    import csv
    import io

    raw = run("report", "--today", AS_AT, "--format", "csv").stdout_bytes
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
            assert "\x1b" not in cell and "\x07" not in cell
    texts = {r[3]: r[4] for r in rows[1:]}
    assert texts["1.1"] == "'=HYPERLINK(\"http://evil.example/\",\"click me\")"
    assert texts["1.2"].startswith("'@SUM(1+1)")
    assert texts["1.3"] == "'+cmd|' /C calc'!A0"
    assert texts["1.4"].startswith("'-2+3")


@pytest.mark.parametrize("fmt", ["markdown", "json", "csv", "ics"])
def test_hostile_text_never_reaches_the_terminal_raw(run, hostile, fmt):
    out = run("report", "--today", AS_AT, "--format", fmt).stdout_bytes
    text = out.decode("utf-8")
    bad = [ch for ch in text if (ord(ch) < 0x20 and ch not in "\n\r\t") or 0x7F <= ord(ch) < 0xA0
           or ch == "\u202e"]
    assert bad == []


def test_hostile_markdown_is_escaped(run, hostile):
    out = run("report", "--today", AS_AT).stdout
    assert re.findall(r"(?<!\\)[<>]", out) == []  # every angle bracket is escaped
    assert "\\<script\\>alert(4)\\</script\\>" in out
    assert "\\x1b\\[31mRed Lead" in out  # visible, not acted on


def test_hostile_json_keeps_the_data_but_escapes_controls(run, hostile):
    import json

    out = run("report", "--today", AS_AT, "--format", "json").stdout
    assert "\\u001b[31mRed Lead" in out and "\\u202e" in out
    data = json.loads(out)
    assert data["actions"][0]["leads"] == ["\x1b[31mRed Lead\x1b[0m"]


def test_hostile_ics_parses_and_carries_no_control_characters(run, hostile):
    from icalendar import Calendar

    raw = run("report", "--today", AS_AT, "--format", "ics", "--ics-tasks").stdout_bytes
    todos = {str(t["UID"]): t for t in Calendar.from_ical(raw).walk("VTODO")}
    assert sorted(todos) == [f"evil/1.{n}@planctl" for n in range(1, 5)]  # every one is open
    raw = run("report", "--today", AS_AT, "--format", "ics").stdout_bytes
    events = {str(t["UID"]): t for t in Calendar.from_ical(raw).walk("VEVENT")}
    assert sorted(events) == [f"evil/1.{n}/m1@planctl" for n in range(1, 5)]
    for entries in (todos, events):
        text = "".join(str(t[p]) for t in entries.values() for p in ("SUMMARY", "DESCRIPTION"))
        assert "Lead: \\x1b[31mRed Lead\\x1b[0m" in text
        assert not [ch for ch in text if ord(ch) < 0x20 and ch not in "\n\t"]


# -- in a real browser --------------------------------------------------------------------------


def chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-quic", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=tmp_path)


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (run .ci/chromium.sh: Debian packages "
                             "chromium and chromium-driver), so the page is not rendered")


@pytest.mark.slow
@needs_chromium
def test_chromium_renders_the_report(run, bundled, tmp_path):
    run("report", "--today", AS_AT, "-o", "report.html")
    url = (tmp_path / "report.html").as_uri()
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", url)
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png[16:20], "big") == 1200  # the width asked for
    assert len(png) > 40_000  # a blank 1200x1600 page compresses to a few kilobytes
    dom = chromium(tmp_path, "--dump-dom", url).stdout
    for section in SECTIONS:
        assert f'<section id="{section}">' in dom
    assert "10% complete." in dom and "Overdue actions by lead" in dom


@pytest.mark.slow
@needs_chromium
def test_chromium_prints_the_report_to_a4_pages(run, bundled, tmp_path):
    run("report", "--today", AS_AT, "-o", "report.html")
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
             (tmp_path / "report.html").as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 2  # tests/test_report_print.py counts them against their limits
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", data))
    assert sizes and all(abs(float(w) - 595) < 1 and abs(float(h) - 842) < 1 for w, h in sizes)


@pytest.mark.slow
@needs_chromium
def test_chromium_runs_no_script_from_a_hostile_plan(run, hostile, tmp_path):
    run("report", "--today", AS_AT, "-o", "evil.html")
    dom = chromium(tmp_path, "--dump-dom", (tmp_path / "evil.html").as_uri()).stdout
    assert "<section" in dom
    assert "<script" not in dom and "<img" not in dom and "<iframe" not in dom
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in dom


AXE = os.environ.get("AXE_CORE_JS")  # axe.min.js from the axe-core package (npm pack axe-core)


@pytest.mark.slow
@needs_chromium
@pytest.mark.skipif(not AXE or not os.path.isfile(AXE),
                    reason="AXE_CORE_JS does not name axe-core's axe.min.js")
def test_axe_core_finds_no_violation(run, bundled, tmp_path):
    page = run("report", "--today", AS_AT, "--format", "html").stdout
    # The page forbids scripts (its CSP); this copy lets axe in, and nothing else changes.
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    shutil.copy(AXE, tmp_path / "axe.min.js")
    page = page.replace("</body>", (
        '<script src="axe.min.js"></script><script>window.addEventListener("load", function () {'
        'axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", '
        '"wcag21aa", "best-practice"]}}).then(function (r) { var out = document.createElement("pre");'
        'out.id = "axe"; out.textContent = JSON.stringify(r.violations.map(function (v) {'
        'return [v.id, v.nodes.map(function (n) { return n.target.join(" "); })]; }));'
        'document.body.appendChild(out); }); });</script></body>'))
    (tmp_path / "axe.html").write_text(page, encoding="utf-8")
    dom = chromium(tmp_path, "--virtual-time-budget=20000", "--dump-dom",
                   (tmp_path / "axe.html").as_uri()).stdout
    found = re.search(r'<pre id="axe">(.*?)</pre>', dom, re.S)
    assert found, "axe did not run"
    assert json.loads(html.unescape(found.group(1))) == []
