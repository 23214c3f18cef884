"""The report on paper and on a phone (issue 23, section 3).

On paper (Chromium's print to PDF, A4): the sections flow without a page each, one table
holds every action, its headings repeat on every page it runs onto and no row is split;
the bundled plan (62 actions) fits in 12 pages and a plan of 10 actions in 4. The fonts
are pinned by the print CSS (DejaVu Sans, which Debian installs with Chromium), so the
page counts are the same on any machine that runs these tests. On a phone (390 px wide):
nothing scrolls sideways, no word is broken letter by letter, text stays readable. The
Word paper has the same action table, its header row repeated and no row split.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser

import pytest

docx = pytest.importorskip("docx")

AS_AT = "2012-10-09"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (run .ci/chromium.sh: Debian packages "
                             "chromium and chromium-driver), so the paper is not printed")
HEADINGS = ["ID", "Action", "Lead", "Due", "Status (planctl)", "Latest update"]

# Ten actions as a council writes them: long updates, the council's ratings and positions,
# a measure, themes and the inspection's grades (every section of the report but changes).
TEN = """\
plan:
  title: Inspection of local authority children's services - improvement plan
  authority: Borsetshire County Council
  inspection: {by: Ofsted, kind: Inspection of local authority children's services, published: 2012-06-15}
  version: "2.0"
  updated: 2012-09-28
  owner: Director of Children's Services
  classification: official
themes:
  front-door: The front door (MASH)
  practice: Quality of practice
  leadership: Leadership and governance
leads:
  dcs: {name: Director of Children's Services}
  hos: {name: Head of Safeguarding and Quality Assurance}
  pw: {name: Principal Social Worker}
  mash: {name: MASH Team Manager}
recommendations:
  - text: Ensure that referrals to children's social care are screened promptly by qualified staff
          and that thresholds are understood and applied consistently by partner agencies
    theme: front-door
    actions:
      - text: Publish a revised threshold document agreed by the LSCB and train partner agencies in
              its use
        due: By 31.8.12
        lead: hos
        rag: amber
        progress: Document agreed by the LSCB; training of schools and GPs under way
        updates:
          - date: 2012-09-20
            by: Head of Safeguarding
            text: Threshold document published on the LSCB website; 212 staff from partner agencies
              trained in five sessions; health visitors' sessions rebooked for October
      - text: Audit a monthly sample of contacts and referrals to test the consistency of screening
              decisions
        due: By 30.9.12
        lead: mash
        rag: red
        progress: Audit tool not yet agreed with health partners
        measures:
          - {text: Contacts screened within one working day, baseline: "62%", target: "95%", actual: "71%"}
        updates:
          - date: 2012-09-25
            by: MASH Team Manager
            text: First audit of 40 contacts completed; 9 screening decisions found inconsistent
              with thresholds and returned to team managers for review
      - text: Co-locate police and health staff in the MASH with shared access to information
              systems
        due: By 31.12.12
        lead: [mash, dcs]
        updates:
          - date: 2012-09-10
            text: Police staff moved in on 3 September; health staff to follow once the information
              sharing agreement is signed
  - text: Improve the quality of assessments and plans so that they are specific, measurable,
          focused on outcomes and reviewed in a timely way
    theme: practice
    actions:
      - text: Introduce a practice standard for assessments and plans, with a checklist for team
              managers
        due: By 31.7.12
        lead: pw
        status: completed
        completed: 2012-07-30
        rag: green
        updates:
          - date: 2012-07-30
            by: Principal Social Worker
            text: Practice standard launched at the all staff event and issued to every team manager
              with the checklist
      - text: Run monthly case file audits, report findings to the Children's Improvement Board and
              act on them
        due: Monthly, first by 30.9.12
        lead: hos
        rag: amber
        progress: Two audits completed; the learning events are planned
        updates:
          - date: 2012-10-01
            by: Head of Safeguarding
            text: September audit of 30 files rated 40% good or better (August 33%); themes were
              drift in child in need plans and the quality of chronologies
      - text: Deliver training on SMART planning to all social workers and team managers
        due: By 30.11.12
        lead: pw
        rag: green
        updates:
          - date: 2012-09-14
            text: Training commissioned; six sessions booked between October and November
  - text: Strengthen the oversight of frontline practice by managers and the local safeguarding
          children board
    theme: leadership
    actions:
      - text: Establish a Children's Improvement Board chaired by the Chief Executive to monitor
              this plan
        due: Immediate
        lead: dcs
        status: completed
        rag: green
      - text: Report performance against the improvement plan to members of the scrutiny committee
              each quarter
        due: Quarterly, first by 16.10.12
        lead: dcs
        rag: green
        updates:
          - date: 2012-10-05
            by: Director of Children's Services
            text: First quarterly report scheduled for the committee of 16 October 2012
      - text: Ensure that all supervision is recorded on the case file and that its quality is
              audited by team managers
        due: By 14.9.12
        lead: hos
        rag: red
        progress: Supervision recording template not yet in the case management system
        updates:
          - date: 2012-09-28
            by: Head of Safeguarding
            text: Template built; delayed by the system upgrade now set for November. Interim paper
              recording in place in all teams
      - text: Review the LSCB's multi-agency audit programme and the reporting of its findings to
              partners
        due: By 31.10.12
        lead: hos
findings:
  scale: [Outstanding, Good, Adequate, Inadequate]
  areas:
    - area: Children who need help and protection
      judgements:
        - {name: Overall judgement, grade: Inadequate}
        - {name: Quality of practice, grade: Inadequate}
    - area: Children looked after
      judgements:
        - {name: Overall judgement, grade: Adequate}
        - {name: Permanence, grade: Adequate}
    - area: Leadership, management and governance
      judgements:
        - {name: Overall judgement, grade: Inadequate}
"""


class Tables(HTMLParser):
    """Each <table>: its attributes, its headings and its rows (each cell's attributes and
    text)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.section = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id", "")
        elif tag == "table":
            self.tables.append({"attrs": a, "section": self.section, "head": [], "rows": [],
                                "tags": []})
        elif self.tables and tag in ("thead", "tbody", "tr", "th", "td"):
            t = self.tables[-1]
            t["tags"].append((tag, a))
            if tag == "tr":
                t["rows"].append([])
            elif tag in ("th", "td"):
                self.cell = []
                t["rows"][-1].append((a, self.cell))

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables_of(page: str) -> list[dict]:
    out = Tables(page).tables
    for t in out:
        head, *body = t["rows"]
        t["head"] = ["".join(text) for _, text in head]
        t["body"] = [[(a, "".join(text)) for a, text in row] for row in body]
    return out


def html_report(run, *args: str) -> str:
    result = run("report", "--today", AS_AT, "--format", "html", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def action_table(page: str) -> dict:
    found = [t for t in tables_of(page) if t["section"] == "actions"]
    assert len(found) == 1, "one table of all actions"
    return found[0]


def test_the_html_paper_lists_every_action_once_in_the_plans_order(run, bundled):
    status = run("status", "--today", AS_AT, "--format", "json")
    import json

    expected = [(a["id"], a["status"]) for a in json.loads(status.stdout)["actions"]]
    table = action_table(html_report(run))
    assert table["head"] == HEADINGS  # no council rating column: the plan rates nothing
    assert len(table["body"]) == len(expected) == 62
    words = {"on-track": "on track", "due-soon": "due soon", "no-date": "no date"}
    for (a_id, st), row in zip(expected, table["body"], strict=True):
        assert row[0][1] == a_id
        assert row[4][1].startswith(words.get(st, st))
    late = next(row for (a_id, st), row in zip(expected, table["body"], strict=True)
                if a_id == "16.1")
    assert late[4][1] == "overdue74 days late"  # the badge, then how late (bundled: 74 days)
    assert late[3][1] == "27 Jul 2012"
    assert all(row[5][1] == "none recorded" for row in table["body"])  # the plan has no updates


def test_the_action_table_gives_the_councils_rating_and_latest_update(run, write_plan):
    write_plan(TEN)
    table = action_table(html_report(run))
    assert table["head"] == [*HEADINGS[:5], "Council RAG", "Latest update"]
    rows = {row[0][1]: [text for _, text in row] for row in table["body"]}
    assert len(rows) == 10
    assert rows["1.2"][5] == "red" and rows["1.2"][4] == "overdue9 days late"
    assert rows["3.4"][5] == "" and rows["3.4"][6] == "none recorded"
    assert rows["1.1"][6] == ("20 Sep 2012 (Head of Safeguarding): Threshold document published "
                              "on the LSCB website; 212 staff from partner agencies trained in "
                              "five sessions; health visitors' sessions rebooked for October")
    assert rows["1.3"][2] == "MASH Team Manager; Director of Children's Services"


def test_every_cell_carries_its_heading_and_its_table_role(run, write_plan):
    """On a phone a table is shown as cards: each value under its heading (data-label),
    and the roles a screen reader needs once the table is not displayed as a table."""
    write_plan(TEN)
    page = html_report(run)
    tables = tables_of(page)
    assert len(tables) >= 8
    for t in tables:
        assert t["attrs"].get("role") == "table"
        for tag, a in t["tags"]:
            role = {"thead": "rowgroup", "tbody": "rowgroup", "tr": "row", "th": "columnheader",
                    "td": "cell"}[tag]
            assert a.get("role") == role, (t["section"], tag, a)
        for row in t["body"]:
            assert [a["data-label"] for a, _ in row] == t["head"][:len(row)], t["section"]
    # A heading holding markup-like text stays text in the attribute.
    assert 'data-label="Status (planctl)"' in page


def test_hostile_text_stays_in_its_cell(run, write_plan):
    write_plan("""\
plan: {id: p, title: Plan}
leads: {x: {name: '" data-label="forged"><script>alert(1)</script>'}}
recommendations:
  - text: R
    actions:
      - text: '</td></tr><tr><td>forged row'
        due: By 14.9.12
        lead: x
        rag: red
        updates: [{date: 2012-09-01, text: '<img src=x onerror=alert(2)>', by: '"><b>'}]
""")
    page = html_report(run)
    rows = action_table(page)["body"]
    assert len(rows) == 1
    cells = [text for _, text in rows[0]]
    assert cells[1] == "</td></tr><tr><td>forged row"
    assert cells[2] == '" data-label="forged"><script>alert(1)</script>'
    assert cells[6] == '1 Sep 2012 ("><b>): <img src=x onerror=alert(2)>'
    assert [a["data-label"] for a, _ in rows[0]] == [*HEADINGS[:5], "Council RAG",
                                                     "Latest update"]
    assert "<script" not in page and "<img" not in page


# -- Word ---------------------------------------------------------------------------------


def docx_paper(run, *args: str):
    result = run("report", "--today", AS_AT, "--format", "docx", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def test_the_word_papers_action_table_repeats_its_header_and_never_splits_a_row(run, write_plan):
    from docx.oxml.ns import qn

    write_plan(TEN)
    doc = docx.Document(io.BytesIO(docx_paper(run)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "ID"
                 and "Latest update" in [c.text for c in t.rows[0].cells])
    head = [c.text for c in table.rows[0].cells]
    for word in ("ID", "Action", "Lead", "Due", "Council RAG", "Latest update"):
        assert word in head
    assert any(h.startswith("Status (planctl") for h in head)
    assert len(table.rows) == 11
    first = table.rows[0]._tr.trPr
    assert first.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    for t in doc.tables:  # every table of the paper: no row split across two pages
        for row in t.rows:
            cant = row._tr.trPr.find(qn("w:cantSplit"))
            assert cant is not None and cant.get(qn("w:val")) == "true"
    # The table is in a landscape section, its columns filling the text width.
    last = doc.sections[-1]
    assert last.page_width > last.page_height
    width = sum(c.width for c in table.columns)
    text_width = last.page_width - last.left_margin - last.right_margin
    assert abs(width - text_width) < text_width * 0.02


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed, so the Word "
                                           "paper is not laid out into pages")
def test_the_word_paper_lays_out_on_a4_pages_with_the_header_on_each(run, bundled, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    (tmp_path / "paper.docx").write_bytes(docx_paper(run))
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "paper.docx")],
                   capture_output=True, timeout=300, check=True, cwd=tmp_path)
    pages = pypdf.PdfReader(tmp_path / "paper.pdf").pages
    sizes = {tuple(sorted(round(float(x)) for x in p.mediabox[2:])) for p in pages}
    assert sizes == {(595, 842)}  # A4, portrait and landscape
    texts = page_texts(pypdf.PdfReader(tmp_path / "paper.pdf"))
    start = next(i for i, t in enumerate(texts) if "All actions" in t)
    end = next(i for i, t in enumerate(texts) if "Produced by planctl" in t)
    assert 2 <= end - start + 1 <= 12, len(texts)  # 62 actions: a few landscape pages
    for i in range(start, end + 1):
        assert "Latest update" in texts[i], f"page {i + 1} has the table without its header"
    assert len(pages) <= 30


# -- in a real browser ----------------------------------------------------------------------


def print_pdf(html_text: str, tmp_path, name: str):
    """The page printed by headless Chromium to A4, as pypdf reads it."""
    pypdf = pytest.importorskip("pypdf")
    page = tmp_path / f"{name}.html"
    page.write_text(html_text, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=180, cwd=tmp_path)
    assert pdf.exists(), "Chromium printed nothing"
    return pypdf.PdfReader(pdf)


def page_texts(reader) -> list[str]:
    """Each page's text, spaces collapsed and ligatures ("ﬁ") read as their letters."""
    return [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split())
            for p in reader.pages]


def assert_action_table_headed_on_each_page(texts: list[str], last_row: str) -> None:
    """Every page the table of all actions runs onto starts with its headings."""
    start = next(i for i, t in enumerate(texts) if "All actions" in t)
    end = max(i for i, t in enumerate(texts) if last_row in t)
    assert end >= start
    for i in range(start, end + 1):
        for heading in ("Action", "Lead", "Due", "Status (planctl)", "Latest update"):
            assert heading in texts[i], f"page {i + 1} lacks the heading {heading!r}"


@pytest.mark.slow
@needs_chromium
def test_the_bundled_plan_prints_on_at_most_12_a4_pages(run, bundled, tmp_path):
    reader = print_pdf(html_report(run), tmp_path, "bundled")
    assert len(reader.pages) <= 12
    for p in reader.pages:
        assert [round(float(x)) for x in p.mediabox[2:]] == [595, 842]  # A4 portrait
    texts = page_texts(reader)
    assert len(texts) >= 4  # 62 actions are not one page: the PDF was read
    assert_action_table_headed_on_each_page(texts, "CiCC to report to CPC on achievement")
    assert all(f"Page {i + 1} of {len(texts)}" in t for i, t in enumerate(texts))


@pytest.mark.slow
@needs_chromium
def test_a_plan_of_ten_actions_prints_on_at_most_4_pages(run, write_plan, tmp_path):
    write_plan(TEN)
    reader = print_pdf(html_report(run), tmp_path, "ten")
    texts = page_texts(reader)
    assert len(texts) <= 4
    joined = " ".join(texts)
    for section in ("Summary", "Progress by recommendation", "Progress by theme",
                    "Overdue actions by lead", "Due in the next 30 days",
                    "The council's rating and position", "The inspection's findings",
                    "All actions"):
        assert section in joined
    assert_action_table_headed_on_each_page(texts, "Review the LSCB's multi-agency audit")
    # No row is split: each update's first and last words are on one page of the table.
    start = next(i for i, t in enumerate(texts) if "All actions" in t)
    for first, last in [("Threshold document published", "rebooked for October"),
                        ("First audit of 40 contacts", "to team managers for review"),
                        ("Template built; delayed", "recording in place in all teams")]:
        pages = {i for i, t in enumerate(texts) if i >= start and first in t}
        assert len(pages) == 1 and last in texts[pages.pop()], first


# -- on a phone -------------------------------------------------------------------------------

# In the page: the widest the document is, the smallest text, and each visible element
# whose longest word is wider than the room it has (a word broken letter by letter).
MEASURE = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const broken = [], sizes = [];
  const texts = 'td, th, p, li, dd, dt, h1, h2, h3'.split(', ').map(t => 'main ' + t).join(', ');
  for (const el of document.querySelectorAll(texts)) {
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // a table heading shown as each card's label
    const cs = getComputedStyle(el);
    sizes.push(parseFloat(cs.fontSize));
    canvas.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    for (const word of el.innerText.split(/\\s+/)) {
      const need = canvas.measureText(word).width;
      if (need > room + 1 && need < 300) { broken.push([el.tagName, word, room, need]); break; }
    }
  }
  return {scroll: document.documentElement.scrollWidth, smallest: Math.min(...sizes), broken};
}"""


AXE = os.environ.get("AXE_CORE_JS")  # axe.min.js (.ci/axe.sh); without it axe is not run


def axe_violations(page) -> list | None:
    """axe-core's WCAG 2.1 AA and best-practice violations on the page as laid out now."""
    if not AXE or not os.path.isfile(AXE):
        return None
    page.add_script_tag(path=AXE)
    return page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a',
        'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}).then(r => r.violations.map(
        v => [v.id, v.nodes.slice(0, 3).map(n => n.target.join(' '))]))""")


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("plan", ["bundled", "ten"])
def test_at_390px_nothing_scrolls_sideways_and_no_word_is_broken(run, bundled, write_plan,
                                                                 tmp_path, plan):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if plan == "ten":
        bundled.unlink()
        write_plan(TEN)
    page_file = tmp_path / "report.html"
    page_file.write_text(html_report(run), encoding="utf-8")
    with sync_api.sync_playwright() as p:
        # The system's Chromium: playwright never downloads a browser here.
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            # bypass_csp: only so that axe-core can be added to the page below.
            page = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
            page.goto(page_file.as_uri())
            seen = page.evaluate(MEASURE)
            violations = axe_violations(page)
            cards = page.evaluate("""() => [...document.querySelectorAll('#actions td')]
                .slice(0, 7).map(td => getComputedStyle(td, '::before').content)""")
            page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
        finally:
            browser.close()
    assert seen["scroll"] <= 390, "the page scrolls sideways"
    assert seen["broken"] == [], "words broken letter by letter"
    assert seen["smallest"] >= 12
    # Each value of a card is shown under its column's heading.
    assert violations in (None, []), violations  # the cards keep their table for a reader
    labels = [html.unescape(re.match(r'"([^"]*)"', c).group(1)) for c in cards]
    assert labels[:3] == ["ID", "Action", "Lead"]
