"""The dashboard in real headless Chromium, driven by Playwright: filters, search, sorting and
the address drive the rows; no request leaves the page; no console error or CSP violation;
axe-core finds nothing; a phone's 390 px never scrolls sideways; the keyboard reaches and
names every control; without JavaScript every row is there.

Chromium is the system's (/usr/bin/chromium, as .ci installs it): Playwright's own browsers
are never downloaded. Without Chromium or Playwright the tests are skipped, saying why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
if CHROMIUM is None:
    pytest.skip("Chromium is not installed (run .ci/chromium.sh: the Debian package chromium), "
                "so the dashboard is not tried in a browser", allow_module_level=True)
from test_dashboard import rated  # noqa: E402,F401  (the plan with three ratings in git)

AXE = os.environ.get("AXE_CORE_JS")  # axe.min.js from the axe-core package (.ci/axe.sh)

AS_AT = "2012-10-09"
TOTAL = 62


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page_file(run, bundled, tmp_path) -> Path:
    out = tmp_path / "dashboard.html"
    result = run("dashboard", "--today", AS_AT, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


class Watched:
    """A page with every request, console message, page error and CSP violation recorded."""

    def __init__(self, browser, url: str, width: int = 1280, **options):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        self.requests: list[str] = []
        self.problems: list[str] = []
        # Anything but the page itself is refused and recorded: no request may leave it.
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.problems.append(
            f"console {m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI); });")
        self.url = url
        self.page.goto(url)

    def _route(self, route):
        self.requests.append(route.request.url)
        if route.request.url.split("#")[0] == self.url.split("#")[0]:
            route.continue_()
        else:
            route.abort()

    def visible_ids(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#actions-table tbody tr:not([hidden]) button", "bs => bs.map(b => b.textContent)")

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, page_file):
    opened: list[Watched] = []

    def open_(fragment: str = "", **options) -> Watched:
        w = Watched(browser, page_file.as_uri() + fragment, **options)
        opened.append(w)
        return w

    yield open_
    for w in opened:
        w.close()


def test_filters_search_and_sort_drive_the_rows_and_the_address(watched):
    w = watched()
    page = w.page
    assert len(w.visible_ids()) == TOTAL
    page.select_option("#f-status", "overdue")
    ids = w.visible_ids()
    assert len(ids) == 19
    assert page.inner_text("#counts") == "Showing 19 of 62 actions: 19 overdue."
    assert "status=overdue" in page.evaluate("location.hash")
    assert page.inner_text("#applied") == "Filters applied: Status: Overdue."
    page.fill("#f-q", "audit")
    audit = w.visible_ids()
    assert 0 < len(audit) < 19
    texts = page.eval_on_selector_all("#actions-table tbody tr:not([hidden])",
                                      "rs => rs.map(r => r.textContent.toLowerCase())")
    assert all("audit" in t for t in texts)
    assert "q=audit" in page.evaluate("location.hash")
    page.fill("#f-q", "")
    page.click("th[data-key=due] button")
    page.click("th[data-key=due] button")
    assert page.get_attribute("th[data-key=due]", "aria-sort") == "descending"
    dues = page.eval_on_selector_all(
        "#actions-table tbody tr:not([hidden]) td:nth-child(6)", "ts => ts.map(t => t.textContent)")
    data = page.evaluate("JSON.parse(document.getElementById('data').textContent).actions")
    by_ref = {a["id"]: a for a in data}
    order = [by_ref[i]["due"] for i in w.visible_ids()]
    assert order == sorted(order, reverse=True) and len(dues) == 19
    page.click("#clear")
    assert len(w.visible_ids()) == TOTAL and page.inner_text("#applied") == "All actions (no filters)."
    assert w.problems == []


def test_a_link_opens_the_same_view_and_back_and_forward_walk_the_views(watched):
    w = watched("#view?status=completed&sort=id&dir=desc")
    page = w.page
    ids = w.visible_ids()
    assert len(ids) == 6
    assert ids == sorted(ids, key=lambda i: [int(x) for x in i.split(".")], reverse=True)
    assert page.input_value("#f-status") == "completed"
    page.select_option("#f-status", "on-track")
    assert len(w.visible_ids()) == 37
    page.go_back()
    page.wait_for_function("document.getElementById('f-status').value === 'completed'")
    assert len(w.visible_ids()) == 6
    page.go_forward()
    page.wait_for_function("document.getElementById('f-status').value === 'on-track'")
    assert len(w.visible_ids()) == 37
    # An in-page anchor (plain words) is not a view: the filters stay.
    page.evaluate("location.hash = '#actions'")
    page.wait_for_timeout(50)
    assert len(w.visible_ids()) == 37 and page.input_value("#f-status") == "on-track"
    # A value the page does not have is dropped, not matched against nothing.
    page.evaluate("location.hash = '#view?lead=Nobody%20at%20all'")
    page.wait_for_function("document.getElementById('counts').textContent.startsWith('All 62')")
    assert w.problems == []


def test_no_request_leaves_the_page_and_nothing_is_refused(watched):
    w = watched()
    w.page.select_option("#f-status", "overdue")
    w.page.click("#r6 button")
    w.page.keyboard.press("Escape")
    assert [u.split("#")[0] for u in w.requests] == [w.url]  # the file itself, once
    assert w.problems == []  # no console error, no CSP violation, no script error


def test_the_detail_opens_from_the_keyboard_and_escape_gives_focus_back(watched):
    w = watched()
    page = w.page
    page.focus("#r6 button")
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('detail').open")
    assert page.evaluate("document.activeElement.id") == "detail-close"
    assert page.inner_text("#detail-title") == "Action 3.1"
    body = page.inner_text("#detail-body")
    assert "Audit of compliance" in body and "History from git" in body
    assert "action=3.1" in page.evaluate("location.hash")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('detail').open")
    assert page.evaluate("document.activeElement.textContent") == "3.1"
    assert "action=" not in page.evaluate("location.hash")
    # A link to the action opens it.
    w2 = watched("#view?action=3.1")
    assert w2.page.evaluate("document.getElementById('detail').open")


def test_tab_reaches_every_control_and_each_has_a_name(watched):
    w = watched()
    page = w.page
    reached: list[dict] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("""() => {
            const e = document.activeElement;
            const label = e.labels && e.labels.length ? e.labels[0].textContent : '';
            return {tag: e.tagName, id: e.id, key: e.getAttribute('data-key') || '',
                    name: (label || e.getAttribute('aria-label') || e.textContent || '').trim()};
        }"""))
    ids = {r["id"] for r in reached}
    controls = page.eval_on_selector_all("#filters select, #filters input, #filters button",
                                         "es => es.map(e => e.id)")
    assert set(controls) <= ids
    sorts = {r["key"] for r in reached if r["tag"] == "BUTTON" and r["key"]}
    visible = page.eval_on_selector_all("th[data-key]", "ts => ts.filter(t => t.offsetParent)"
                                        ".map(t => t.getAttribute('data-key'))")
    assert set(visible) <= sorts
    assert any(r["name"] == "1.1" for r in reached)  # the first action's button
    assert all(r["name"] for r in reached), [r for r in reached if not r["name"]]


@pytest.mark.parametrize("width", [390, 1280])
def test_no_sideways_scrolling_and_a_screenshot(watched, tmp_path, width):
    w = watched(width=width)
    page = w.page
    for state in ("page", "detail"):
        if state == "detail":
            page.click("#r6 button")
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, (state, scroll, client)
    page.keyboard.press("Escape")
    shot = tmp_path / f"dashboard-{width}.png"
    page.screenshot(path=str(shot), full_page=False)
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == width
    if os.environ.get("DASHBOARD_SHOTS"):  # where a person can look at them
        shutil.copy(shot, Path(os.environ["DASHBOARD_SHOTS"]) / shot.name)
    if width == 390:  # one card per action, still rows and cells to a screen reader
        assert page.evaluate("getComputedStyle(document.querySelector('#r0')).display") == "block"
        assert page.get_by_role("row").count() == TOTAL + 1
        assert page.get_by_role("cell").count() >= TOTAL * 7


def test_without_javascript_every_row_and_the_summary_are_there(watched):
    w = watched(java_script_enabled=False)
    page = w.page
    assert page.locator("#actions-table tbody tr:visible").count() == TOTAL
    assert "10% complete." in page.inner_text("#summary")
    assert not page.is_visible("#filters")
    assert page.inner_text("#counts") == "62 actions"


def test_printing_gives_the_filtered_rows_and_says_which_filters(watched, tmp_path):
    w = watched("#view?status=overdue")
    page = w.page
    page.emulate_media(media="print")
    assert page.is_visible("#applied") and not page.is_visible("#filters")
    assert page.inner_text("#applied") == "Filters applied: Status: Overdue."
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 3  # 19 rows and the summary, compact
    if shutil.which("pdftotext") and pages > 1:  # the column headings repeat on each page
        (tmp_path / "p.pdf").write_bytes(pdf)
        second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(tmp_path / "p.pdf"), "-"],
                                capture_output=True, text=True, check=True).stdout
        assert {"ID", "Action", "Lead", "Due", "Status"} <= set(second.split()[:12])


@pytest.mark.skipif(not AXE or not os.path.isfile(AXE),
                    reason="AXE_CORE_JS does not name axe-core's axe.min.js (.ci/axe.sh)")
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_core_finds_no_violation(watched, width):
    # axe comes in past the page's CSP (bypass_csp): the page itself is unchanged.
    w = watched(width=width, bypass_csp=True)
    page = w.page
    page.add_script_tag(path=AXE)
    run = ("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
           "'wcag21a', 'wcag21aa', 'best-practice']}}).then(r => r.violations.map("
           "v => [v.id, v.nodes.map(n => n.target.join(' '))]))")
    assert page.evaluate(run) == []
    page.select_option("#f-status", "overdue")
    page.click("#r6 button")
    assert page.evaluate(run) == []


def test_a_long_plan_lists_a_page_of_rows_at_a_time(browser, run, write_plan, tmp_path):
    """600 actions: 250 listed (the layout stays small, so filters stay fast), then more."""
    actions = "\n".join(f"      - {{text: Action number {n}, due: {1 + n % 28}.11.12, lead: Lead {n % 7}}}"
                        for n in range(600))
    write_plan(f"plan: {{title: Long plan}}\nrecommendations:\n  - text: Rec\n    actions:\n{actions}\n")
    run("dashboard", "--today", AS_AT, "-o", "long.html")
    w = Watched(browser, (tmp_path / "long.html").as_uri())
    try:
        page = w.page
        assert len(w.visible_ids()) == 250
        assert page.inner_text("#more-rows") == "Show 250 more"
        assert page.inner_text("#more-note") == "The first 250 are listed; 350 more match."
        page.click("#more-rows")
        assert len(w.visible_ids()) == 500
        page.select_option("#f-lead", "Lead 3")  # a new view starts at the first page
        assert len(w.visible_ids()) == 86 and not page.is_visible("#more")
        page.select_option("#f-lead", "")
        page.click("#all-rows")
        ids = w.visible_ids()
        assert len(ids) == 600 and ids[:3] == ["1.1", "1.2", "1.3"]
        page.click("th[data-key=due] button")  # sorted: the first page, in order
        data = page.evaluate("JSON.parse(document.getElementById('data').textContent).actions")
        due = {a["id"]: a["due"] for a in data}
        listed = [due[i] for i in w.visible_ids()]
        assert len(listed) == 250 and listed == sorted(listed) and listed[0] == "2012-11-01"
        assert w.problems == []
    finally:
        w.close()


@pytest.mark.usefixtures("rated")
def test_an_action_s_detail_shows_its_rating_strip_and_measure_from_git(browser, run, tmp_path):
    run("dashboard", "--today", "2013-06-01", "-o", "rated.html")
    w = Watched(browser, (tmp_path / "rated.html").as_uri() + "#view?action=1.1",
                bypass_csp=bool(AXE))
    try:
        page = w.page
        assert page.evaluate("document.getElementById('detail').open")
        names = page.eval_on_selector_all("#detail-body svg[role=img]",
                                          "ss => ss.map(s => s.querySelector('title').textContent)")
        assert "Council rating of action 1.1 at each point" in names
        assert any("Audits rated good" in n for n in names)
        body = page.inner_text("#detail-body")
        assert "not yet measured" in body  # listed, never drawn as zero
        assert "Deadline moved from 30 Apr 2013 to 31 May 2013" in body
        assert page.evaluate("document.querySelector('#summary svg[role=img]') !== null")
        if AXE and os.path.isfile(AXE):
            page.add_script_tag(path=AXE)
            assert page.evaluate(
                "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
                "'wcag21a', 'wcag21aa', 'best-practice']}}).then(r => r.violations.map("
                "v => [v.id, v.nodes.map(n => n.target.join(' '))]))") == []
        assert w.problems == []
    finally:
        w.close()


def test_many_councils_get_the_roll_up_and_its_links_open_a_plan_s_view(browser, run, tmp_path):
    from conftest import ROOT

    shutil.copytree(ROOT / "examples" / "councils", tmp_path / "plans")
    result = run("dashboard", "--today", "2025-10-01", "-o", "many.html")
    assert result.exit_code == 0, result.stderr
    w = Watched(browser, (tmp_path / "many.html").as_uri(), width=390, bypass_csp=bool(AXE))
    try:
        page = w.page
        assert page.is_visible("text=Plans at a glance")
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client  # the nine-column roll-up scrolls in its own region
        first = page.locator(".rollup a").first
        plan = first.inner_text()
        first.click()
        page.wait_for_function(f"location.hash === '#view?plan={plan}'")
        ids = w.visible_ids()
        assert ids and all(i.startswith(plan + ":") for i in ids)
        assert page.input_value("#f-plan") == plan
        leads = page.eval_on_selector_all("#f-lead option", "os => os.map(o => o.value)")
        assert all(": " in v for v in leads if v)  # AUTHORITY: LEAD, two councils' heads apart
        if AXE and os.path.isfile(AXE):
            page.add_script_tag(path=AXE)
            assert page.evaluate(
                "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', "
                "'wcag21a', 'wcag21aa', 'best-practice']}}).then(r => r.violations.map("
                "v => [v.id, v.nodes.map(n => n.target.join(' '))]))") == []
        assert w.problems == []
    finally:
        w.close()
