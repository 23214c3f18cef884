"""The dashboard page without a browser: its structure, its CSP, its data block, its JSON,
and each action's history from git. (The page in Chromium: test_dashboard_browser.py.)"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from html.parser import HTMLParser

import pytest

from conftest import as_json
from planctl.render.report_html import esc

AS_AT = "2012-10-09"
BUNDLED_ACTIONS = 62


class Page(HTMLParser):
    """Every element with its attributes, the text of each <script> and <style>, and the
    text under each id."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.raw: list[tuple[str, dict, str]] = []  # script/style: (tag, attrs, text)
        self._open: tuple[str, dict] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag in ("script", "style"):
            self._open = (tag, a)
            self.raw.append((tag, a, ""))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            tag, a, text = self.raw[-1]
            self.raw[-1] = (tag, a, text + data)

    def tags(self, name: str) -> list[dict]:
        return [a for tag, a in self.elements if tag == name]


def dashboard(run, *args: str) -> str:
    result = run("dashboard", "--today", AS_AT, "-o", "-", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def data_of(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_csp_names_exactly_the_page_s_own_script_and_style_by_hash(run, bundled):
    page = Page(dashboard(run))
    (meta,) = [a for a in page.tags("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    policy = dict((d.strip().split(" ", 1) + [""])[:2] for d in meta["content"].split(";"))
    assert policy["default-src"] == "'none'" and policy["form-action"] == "'none'"
    scripts = [text for tag, a, text in page.raw if tag == "script" and "type" not in a]
    styles = [text for tag, a, text in page.raw if tag == "style"]
    assert len(scripts) == 1 and len(styles) == 1
    assert policy["script-src"] == sha(scripts[0])  # nothing else may run: no 'unsafe-*'
    assert policy["style-src"] == sha(styles[0])
    assert "unsafe" not in meta["content"]
    code = re.sub(r"/\*.*?\*/", "", scripts[0], flags=re.S)  # not the comments
    assert not re.search(r"\beval\s*\(|new\s+Function|setTimeout\s*\(\s*[\"']", code)
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", code)


def test_no_style_attribute_inline_handler_or_external_address(run, bundled):
    page = Page(dashboard(run))
    for tag, attrs in page.elements:
        assert "style" not in attrs, tag  # a CSP hash covers elements, not attributes
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(key)
            if value is not None and not (tag == "svg" and key == "xmlns"):
                assert value.startswith("#"), (tag, key, value)  # in-page anchors only
    assert not page.tags("link") and not page.tags("img") and not page.tags("iframe")


def test_every_action_is_a_row_of_the_table_without_javascript(run, bundled):
    text = dashboard(run)
    page = Page(text)
    rows = [a for a in page.tags("tr") if a.get("id", "").startswith("r")]
    assert len(rows) == BUNDLED_ACTIONS
    assert all(a.get("role") == "row" for a in page.tags("tr"))  # a card stays a row
    assert {a.get("role") for a in page.tags("td")} == {"cell"}
    assert len(page.tags("td")) == BUNDLED_ACTIONS * 7  # no theme, no rating: not written
    assert {a.get("role") for a in page.tags("th") if "data-key" in a} == {"columnheader"}
    # The summary and the whole table are in the HTML; the filters wait for the script.
    assert "10% complete." in text and "All actions (no filters)." in text
    (form,) = page.tags("form")
    assert "hidden" in form
    assert "Audit of compliance (IRT, DCT and AT)" in text


def test_each_filter_and_the_search_box_is_labelled(run, bundled):
    page = Page(dashboard(run))
    labels = {a["for"] for a in page.tags("label")}
    controls = [a["id"] for tag, a in page.elements if tag in ("select", "input")]
    assert set(controls) <= labels
    # The bundled plan has leads, recommendations, statuses, no rating, one plan.
    assert {"f-q", "f-lead", "f-rec", "f-status", "f-rating"} <= set(controls)
    assert "f-plan" not in controls  # one plan: nothing to choose


def test_a_plan_text_holding_script_end_tags_stays_inert(run, write_plan):
    text = "Stop </script><script>alert(1)</script> and <!-- here & </SCRIPT > now \u2028!"
    write_plan(f"""\
        plan: {{title: "Plan </script>", authority: A}}
        recommendations:
          - text: Rec
            actions:
              - text: {json.dumps(text)}
                due: 1.11.12
                lead: "Head </style>"
                updates:
                  - {{date: 2012-10-01, text: "<img src=x onerror=alert(2)>"}}
        """)
    page = dashboard(run)
    parsed = Page(page)
    assert len([t for t, a, _ in parsed.raw if t == "script"]) == 2  # the data and ours
    assert not parsed.tags("img")
    data = data_of(page)  # the block ends where we ended it, and reads back the same text
    assert "text" not in data["actions"][0]  # it is in the row: html-escaped there
    assert esc(text) in page  # the report's escaping: `<` and `&` escaped, U+2028 shown
    assert data["actions"][0]["leads"] == ["Head </style>"]
    block = re.search(r'id="data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the table cell
    assert page.count("</style>") == 1


def test_json_carries_status_s_figures_for_the_same_plans_and_date(run, bundled):
    data = as_json(run("dashboard", "--today", AS_AT, "--format", "json"))
    status = as_json(run("status", "--today", AS_AT, "--format", "json"))
    assert data["as_of"] == status["as_of"] == AS_AT
    assert {k: data["summary"][k] for k in status["summary"]} == status["summary"]
    assert len(data["actions"]) == len(status["actions"]) == BUNDLED_ACTIONS
    for mine, theirs in zip(data["actions"], status["actions"], strict=True):
        assert {k: mine[k] for k in theirs} == theirs  # every status key, the same value
    for key in ("dashboard", "format_version", "plans", "filters", "history", "trends",
                "rollup", "classification"):
        assert key in data
    assert data["history"] is None  # not in git
    assert data["filters"]["statuses"] == ["overdue", "on-track", "completed"]
    assert data["filters"]["ratings"] == ["none"]
    first = data["actions"][0]
    assert first["line"] and first["status"] == "completed"
    assert "completed" not in first  # completed, with no date in the plan and no git to ask
    assert "evidence" not in first and "history" not in first  # empty: left out
    three = next(a for a in data["actions"] if a["id"] == "3.1")
    assert "milestones" not in three  # one, the deadline itself
    assert data["lead_scopes"] == {}  # one authority: leads are their names
    recs = data["filters"]["recommendations"]  # each recommendation's text, once
    assert recs[0]["value"] == "1" and recs[0]["text"].startswith("Ensure that agreement to commence a CAF")


def test_the_page_s_data_block_is_the_json_output_less_the_texts_in_the_rows(run, bundled):
    page = dashboard(run)
    data = as_json(run("dashboard", "--today", AS_AT, "--format", "json"))
    texts = [a.pop("text") for a in data["actions"]]
    assert data_of(page) == data
    cells = re.findall(r'<tr role="row" id="r\d+"><td role="cell">.*?</td><td role="cell">(.*?)</td>',
                       page)
    assert [html.unescape(c) for c in cells] == texts  # each text once, in its row


@pytest.fixture
def edited(committed, git_repo, run, monkeypatch):
    """The bundled plan with 3.1 rescheduled, reassigned and completed, each in a commit."""
    def commit_on(day: str, *args: str) -> None:
        stamp = f"{day}T12:00:00+01:00"
        monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
        monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)
        result = run(*args, "--commit", "--today", day)
        assert result.exit_code == 0, result.stderr

    commit_on("2012-09-10", "reschedule", "3.1", "30.11.12", "--reason", "Sample delayed by ICS")
    commit_on("2012-09-20", "assign", "3.1", "Service Manager QA", "--reason", "FST restructured")
    commit_on("2012-10-05", "done", "3.1")
    return committed


def test_each_action_carries_its_moves_reassignments_and_completion(run, edited):
    data = as_json(run("dashboard", "--today", AS_AT, "--format", "json"))
    (a,) = [x for x in data["actions"] if x["id"] == "3.1"]
    kinds = [(e["kind"], e["date"]) for e in a["history"]]
    assert kinds == [("deadline", "2012-09-10"), ("lead", "2012-09-20"), ("status", "2012-10-05")]
    moved, lead, done = a["history"]
    assert (moved["from"], moved["to"], moved["days"]) == ("2012-09-14", "2012-11-30", 77)
    assert moved["reason"] == "Sample delayed by ICS"
    assert lead["to"] == ["Service Manager QA"] and lead["reason"] == "FST restructured"
    assert (done["from"], done["to"]) == ("not-started", "completed")
    assert all(e["commit"] and e["author"] == "Test Author" for e in a["history"])
    untouched = [x for x in data["actions"] if x["id"] == "3.2"][0]
    assert "history" not in untouched and "slipped" not in untouched
    # The same figures as `slippage --format json`
    slipped = as_json(run("slippage", "--format", "json"))["actions"]
    (s,) = [x for x in slipped if x["id"] == "3.1"]
    assert a["slipped"] == {k: s[k] for k in ("first_due", "current_due", "days_slipped", "moves")}
    assert data["history"]["commits"] == 4 and data["history"]["shallow"] is False


def test_a_date_in_the_past_shows_no_history_made_after_it(run, edited):
    data = as_json(run("dashboard", "--today", "2012-09-15", "--format", "json"))
    (a,) = [x for x in data["actions"] if x["id"] == "3.1"]
    assert [e["kind"] for e in a["history"]] == ["deadline"]


def test_the_detail_is_filled_from_the_page_s_data(run, edited):
    page = dashboard(run)
    assert "Sample delayed by ICS" in json.dumps(data_of(page))  # the dialog reads it there
    assert Page(page).tags("dialog")[0]["aria-labelledby"] == "detail-title"


def test_writes_atomically_and_refuses_the_plans_folder(run, bundled, tmp_path):
    out = tmp_path / "site" / "index.html"
    result = run("dashboard", "--today", AS_AT, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "wrote html dashboard" in result.stderr
    before = bundled.read_bytes()
    refused = run("dashboard", "--today", AS_AT, "-o", str(bundled.parent / "d.html"))
    assert refused.exit_code != 0 and "plans folder" in refused.stderr
    assert bundled.read_bytes() == before and not (bundled.parent / "d.html").exists()


def test_format_comes_from_the_option_or_a_json_name(run, bundled, tmp_path):
    run("dashboard", "--today", AS_AT, "-o", "d.json")
    assert json.loads((tmp_path / "d.json").read_text())["dashboard"] == "planctl dashboard"
    bad = run("dashboard", "--format", "xlsx")
    assert bad.exit_code == 2 and "not available for dashboard" in bad.stderr


def test_many_plans_get_the_plan_filter_and_authority_scoped_leads(run, write_plan):
    for name, authority in (("a.yaml", "Council A"), ("b.yaml", "Council B")):
        write_plan(f"""\
            plan: {{id: {name[0]}, title: Plan {name[0]}, authority: {authority}}}
            recommendations:
              - text: Rec
                actions:
                  - {{text: Do it, due: 1.11.12, lead: Head of Service}}
            """, name)
    data = as_json(run("dashboard", "--today", AS_AT, "--format", "json"))
    assert data["filters"]["leads"] == ["Council A: Head of Service", "Council B: Head of Service"]
    assert data["lead_scopes"] == {"a": "Council A", "b": "Council B"}
    assert [p["value"] for p in data["filters"]["plans"]] == ["a", "b"]
    page = Page(dashboard(run))
    assert [a["id"] for a in page.tags("select")].count("f-plan") == 1


# -- docs/team-workflow.md: the pages jobs ------------------------------------------------------


def pages_jobs() -> dict[str, dict]:
    import yaml

    from conftest import ROOT

    text = (ROOT / "docs" / "team-workflow.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)
              if "planctl dashboard" in b]
    github = next(b for b in blocks if "jobs" in b)
    gitlab = next(b for b in blocks if "pages" in b)
    return {"github": github, "gitlab": gitlab}


def test_the_pages_jobs_fetch_the_whole_history_and_the_tags():
    jobs = pages_jobs()
    gh = jobs["github"]
    assert gh[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads `on:` as true
    checkout = next(s for s in gh["jobs"]["build"]["steps"] if "checkout" in s.get("uses", ""))
    assert checkout["with"] == {"fetch-depth": 0, "fetch-tags": True}
    gl = jobs["gitlab"]["pages"]
    assert gl["variables"]["GIT_DEPTH"] == 0 and gl["artifacts"] == {"paths": ["public"]}
    assert any(line.startswith("git fetch --tags") for line in gl["script"])


def test_the_pages_jobs_command_builds_the_dashboard_from_a_real_repository(run, committed,
                                                                            git_repo, tmp_path):
    import shlex

    git_repo("tag", "-a", "committee-2012-10-09", "-m", "Committee", date="2012-10-09T18:00:00+01:00")
    jobs = pages_jobs()
    commands = [s["run"] for s in jobs["github"]["jobs"]["build"]["steps"]
                if s.get("run", "").startswith("planctl dashboard")]
    commands += [line for line in jobs["gitlab"]["pages"]["script"]
                 if line.startswith("planctl dashboard")]
    assert len(commands) == 2
    for command in commands:
        argv = shlex.split(command)
        result = run(*argv[1:], "--today", AS_AT)
        assert result.exit_code == 0, result.stderr
        page = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
        data = data_of(page)
        assert data["history"]["commits"] == 1 and len(data["actions"]) == BUNDLED_ACTIONS
        (tmp_path / "public" / "index.html").unlink()


# -- the trends (history/trends.py) and the roll-up (core/rollup.py) --------------------------


@pytest.fixture
def rated(tmp_path, git_repo):
    """test_trends' plan: its rating red -> amber -> green over three commits, its deadline
    moved twice, its measure 60% -> 71% -> "not yet measured"."""
    from test_trends import commit_history

    return commit_history(tmp_path, git_repo)


def test_the_trends_are_the_report_s_and_each_action_gets_its_strip(run, rated):
    data = as_json(run("dashboard", "--today", "2013-06-01", "--format", "json"))
    report = as_json(run("report", "--today", "2013-06-01", "--format", "json"))
    assert data["trends"] == report["trends"]  # the same figures, from the same history
    assert [s["ratings"] for s in data["trends"]["ratings"]] == [["red", "amber", "green", "green"]]
    page = run("dashboard", "--today", "2013-06-01", "-o", "-").stdout
    parsed = Page(page)
    (template,) = parsed.tags("template")
    assert template["id"] == "trend-0"  # the first action's, copied into its detail
    strip = re.search(r'<template id="trend-0">(.*?)</template>', page, re.S).group(1)
    assert "Council rating of action 1.1 at each point" in strip
    assert "Audits rated good" in strip and "not yet measured" in strip  # listed, not plotted
    assert 'aria-labelledby="summary-status-title' in page  # the status chart in the summary
    (a,) = [x for x in data["actions"] if x["id"] == "1.1"]
    assert [e["kind"] for e in a["history"]] == ["deadline", "deadline"]
    assert a["slipped"]["days_slipped"] == 61


def test_many_plans_get_the_roll_up_each_plan_a_link_to_its_view(run, write_plan):
    for name, authority in (("a.yaml", "Council A"), ("b.yaml", "Council B")):
        write_plan(f"""\
            plan: {{id: {name[0]}, title: Plan {name[0]}, authority: {authority}}}
            recommendations:
              - text: Rec
                actions:
                  - {{text: Do it, due: 1.9.12, lead: Head of Service}}
                  - {{text: Then this, due: 1.12.12, lead: Head of Service}}
            """, name)
    data = as_json(run("dashboard", "--today", AS_AT, "--format", "json"))
    assert [(r["authority"], r["actions"], r["overdue"], r["slipped"]) for r in data["rollup"]] \
        == [("Council A", 2, 1, None), ("Council B", 2, 1, None)]  # not in git: not known
    page = dashboard(run)
    assert "Plans at a glance" in page
    assert [a["href"] for a in Page(page).tags("a") if "view" in a["href"]] == \
        ["#view?plan=a", "#view?plan=b"]


def test_one_plan_has_no_roll_up(run, bundled):
    assert as_json(run("dashboard", "--today", AS_AT, "--format", "json"))["rollup"] is None
    assert "Plans at a glance" not in dashboard(run)


def test_the_report_s_hostile_plan_stays_text(run, write_plan):
    from test_report_html import HOSTILE

    write_plan(HOSTILE, "evil.yaml")
    out = dashboard(run)
    page = Page(out)
    tags = [tag for tag, _ in page.elements]
    assert not {"img", "b", "iframe"} & set(tags)
    assert len(page.tags("script")) == 2  # the data and ours, nothing from the plan
    for _, attrs in page.elements:
        assert not any(k.startswith("on") for k in attrs)
    assert out.count("</style>") == 1 and out.count("</script>") == 2
    assert "&lt;img src=x onerror=alert(3)&gt;" in out  # the recommendation, as text
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    data = data_of(out)
    assert data["classification"] == "PUBLIC</STYLE><SCRIPT>ALERT(2)</SCRIPT>"  # data, inert
    # What the script writes into the detail shows controls as the table does: no ESC, no
    # right-to-left override to reorder the text around it.
    texts = json.dumps(data, ensure_ascii=False)
    assert "\x1b" not in texts and "\u202e" not in texts and "\\x1b" in texts


def test_as_of_a_revision_shows_the_history_up_to_it(run, edited, git_repo):
    git_repo("tag", "rescheduled", "HEAD~2")  # the reschedule, before the reassignment
    data = as_json(run("dashboard", "--as-of", "rescheduled", "--today", AS_AT, "--format", "json"))
    (a,) = [x for x in data["actions"] if x["id"] == "3.1"]
    assert [e["kind"] for e in a["history"]] == ["deadline"]
    assert a["leads"] == ["Service Manager FST"] and (a["due"], a["status"]) == ("2012-11-30", "on-track")
    assert data["history"]["commits"] == 2
