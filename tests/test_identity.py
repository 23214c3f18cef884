"""Action identity across versions (issue 13): an inserted, reordered, renumbered or moved
action is reported as what happened to it. Scenarios with real git on the bundled plan;
the matching itself on real model objects (property test)."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REC3_AUDIT, as_json
from planctl.format.reader import load_text
from planctl.history.diff import DIFF_CATEGORIES
from planctl.history.diff import diff as diff_of
from planctl.history.matching import MAX_PAIRS, match_actions
from planctl.store.gitstore import Version

INSERTED = """\
      - text: Check every referral letter sent in August against the contact record
        due: By 30.11.12
        lead: Service Manager QA
"""
REC3_FIRST = "      - text: >-\n          Audit of compliance (IRT, DCT and AT)"


def _commit(git_repo, message: str, day: str) -> None:
    git_repo("commit", "-q", "-am", message, date=f"{day}T10:00:00+01:00")


def test_inserting_an_action_at_the_top_of_recommendation_3_is_one_addition(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    assert text.count(REC3_FIRST) == 1
    committed.write_text(text.replace(REC3_FIRST, INSERTED + REC3_FIRST), encoding="utf-8")
    _commit(git_repo, "An extra check asked for by the committee", "2012-09-12")

    diff = as_json(run("diff", "HEAD~1", "HEAD", "--format", "json"))
    assert diff["added"] == [{
        "plan": "thurrock-2012-slac", "id": "3.1",
        "text": "Check every referral letter sent in August against the contact record",
        "due": "By 30.11.12", "leads": ["Service Manager QA"], "status": "not-started"}]
    assert all(diff[cat] == [] for cat in DIFF_CATEGORIES if cat != "added")

    assert as_json(run("slippage", "--format", "json"))["actions"] == []

    commits = as_json(run("history", "--format", "json"))["commits"]
    assert [c["subject"] for c in commits] == ["An extra check asked for by the committee",
                                               "Plan as agreed"]
    assert commits[0]["actions"] == [{
        "plan": "thurrock-2012-slac", "id": "3.1", "from_id": None, "change": "added",
        "text": "Check every referral letter sent in August against the contact record",
        "fields": [
            {"field": "text", "from": None,
             "to": "Check every referral letter sent in August against the contact record"},
            {"field": "recommendation", "from": None, "to": "3"},
            {"field": "due", "from": None, "to": "By 30.11.12"},
            {"field": "lead", "from": None, "to": ["Service Manager QA"]}],
        "reason": None}]
    # The old 3.1, now 3.2, keeps its history under its new id: it was added at the start.
    old = as_json(run("history", "3.2", "--format", "json"))["commits"]
    assert [(c["subject"], [a["id"] for a in c["actions"]]) for c in old] == [
        ("Plan as agreed", ["3.1"])]


def test_a_later_move_of_a_renumbered_action_is_its_own_slippage(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace(REC3_FIRST, INSERTED + REC3_FIRST), encoding="utf-8")
    _commit(git_repo, "An extra check", "2012-09-12")
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace("due: By 14.9.12\n        lead: Service Manager FST",
                                      "due: By 30.9.12\n        lead: Service Manager FST", 1),
                         encoding="utf-8")
    git_repo("commit", "-q", "-am", "3.2 later\n\nReason: the audit team is short-staffed",
             date="2012-09-13T10:00:00+01:00")
    actions = as_json(run("slippage", "--format", "json"))["actions"]
    assert [(a["id"], a["first_due"], a["current_due"], a["days_slipped"]) for a in actions] == [
        ("3.2", "2012-09-14", "2012-09-30", 16)]
    assert actions[0]["changes"][0]["reason"] == "the audit team is short-staffed"
    assert actions[0]["changes"][0]["reason_source"] == "commit"


def _swap_first_two_actions_of_5(text: str) -> str:
    start = text.index('  - id: "5"')
    end = text.index('  - id: "6"')
    block = text[start:end]
    items = block.split("      - text: ")
    head, first, second, *rest = items
    return text[:start] + "      - text: ".join([head, second, first, *rest]) + text[end:]


def test_swapping_two_actions_of_recommendation_5_is_no_change(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    swapped = _swap_first_two_actions_of_5(text)
    assert swapped != text
    committed.write_text(swapped, encoding="utf-8")
    _commit(git_repo, "Reorder recommendation 5", "2012-09-12")

    diff = as_json(run("diff", "HEAD~1", "HEAD", "--format", "json"))
    assert all(diff[cat] == [] for cat in DIFF_CATEGORIES)
    assert as_json(run("slippage", "--format", "json"))["actions"] == []
    commits = as_json(run("history", "--format", "json"))["commits"]
    assert [c["subject"] for c in commits] == ["Plan as agreed"]
    table = run("diff", "HEAD~1", "HEAD")
    assert "No changes to the actions" in table.stdout


def test_an_action_moved_to_another_recommendation_is_moved(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    moved = "      - text: Report on audit to DMT and LSCB\n        due: By 27.10.12\n" \
            "        lead: Service Manager QA\n        report_to: [DMT, LSCB]\n"
    assert text.count(moved) == 1
    text = text.replace(moved, "")
    anchor = "      - text: Audit of chronology quality"
    text = text.replace(anchor, moved + anchor)
    committed.write_text(text, encoding="utf-8")
    _commit(git_repo, "The report belongs under 5", "2012-09-12")
    diff = as_json(run("diff", "HEAD~1", "HEAD", "--format", "json"))
    assert diff["moved"] == [{"plan": "thurrock-2012-slac", "id": "5.4", "from_id": "3.2",
                              "text": "Report on audit to DMT and LSCB", "from": "3", "to": "5",
                              "from_plan": None}]
    assert all(diff[cat] == [] for cat in DIFF_CATEGORIES if cat != "moved")


# -- property: diff reports exactly the edits made ------------------------------------------

LEADS = ("Alice Archer", "Bob Brown")


def _text(rng: Random) -> str:
    return " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7))
                    for _ in range(6))


def _yaml(recs: list[list[dict]]) -> str:
    out = ["plan:\n  title: Generated\nrecommendations:\n"]
    for r, actions in enumerate(recs, 1):
        out.append(f'  - id: "{r}"\n    text: Recommendation {r}\n    actions:\n')
        for a in actions:
            if a["explicit"]:
                out.append(f'      - id: "X{a["token"]}"\n        text: {a["text"]}\n')
            else:
                out.append(f"      - text: {a['text']}\n")
            out.append(f"        due: {a['due']:%d.%m.%y}\n        lead: {a['lead']}\n")
    return "".join(out)


def _ids(recs: list[list[dict]]) -> dict[int, str]:
    return {a["token"]: (f"X{a['token']}" if a["explicit"] else f"{r}.{k}")
            for r, actions in enumerate(recs, 1) for k, a in enumerate(actions, 1)}


def _load(text: str):
    plan, problems, _ = load_text(text, "plans/p.yaml")
    assert plan is not None, problems
    return plan


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1),
       sizes=st.lists(st.integers(1, 6), min_size=1, max_size=4),
       ops=st.lists(st.tuples(st.sampled_from(["insert", "delete", "shuffle", "move", "due",
                                               "lead", "text"]),
                              st.integers(0, 1000), st.integers(0, 1000)), max_size=6))
def test_diff_reports_exactly_the_edits_made(seed, sizes, ops):
    rng = Random(seed)
    serial = iter(range(10**6))

    def new_action() -> dict:
        return {"token": next(serial), "text": _text(rng), "explicit": rng.random() < 0.25,
                "due": date(2012, 10, 1) + timedelta(days=rng.randrange(300)),
                "lead": rng.choice(LEADS)}

    before = [[new_action() for _ in range(n)] for n in sizes]
    after = [[dict(a) for a in actions] for actions in before]
    expected: set[tuple[str, int]] = set()
    touched: set[int] = set()  # one edit per action keeps what is expected unambiguous
    for op, x, y in ops:
        rec = after[x % len(after)]
        if op == "insert":
            a = new_action()
            rec.insert(y % (len(rec) + 1), a)
            expected.add(("added", a["token"]))
            touched.add(a["token"])
            continue
        if op == "shuffle":
            rng.shuffle(rec)
            continue
        free = [a for a in rec if a["token"] not in touched]
        if not free or (op == "delete" and len(rec) == 1):
            continue
        a = free[y % len(free)]
        touched.add(a["token"])
        if op == "delete":
            rec.remove(a)
            expected.add(("removed", a["token"]))
        elif op == "move":
            target = after[y % len(after)]
            if target is rec or len(rec) == 1:
                continue
            rec.remove(a)
            target.insert(x % (len(target) + 1), a)
            expected.add(("moved", a["token"]))
        elif op == "due":
            a["due"] += timedelta(days=1 + y % 90)
            expected.add(("rescheduled", a["token"]))
        elif op == "lead":
            a["lead"] = LEADS[1 - LEADS.index(a["lead"])]
            expected.add(("reassigned", a["token"]))
        else:
            a["text"] = (_text(rng) if a["explicit"] else a["text"] + " and report on it")
            expected.add(("changed", a["token"]))

    old_ids, new_ids = _ids(before), _ids(after)
    result = diff_of(Version(None, (_load(_yaml(before)),)), Version(None, (_load(_yaml(after)),)),
                        "before", "after")
    found = set()
    for cat, entries in result.categories().items():
        for entry in entries:
            found.add((cat, entry.id))
    want = {(cat, (old_ids if cat == "removed" else new_ids)[token]) for cat, token in expected}
    assert found == want


# -- the report's timeline ends on the summary (item 6) ----------------------------------------

SUMMARY_KEYS = ("total", "open", "completed", "overdue", "due_soon", "on_track", "no_date", "dropped")


@pytest.mark.parametrize("when", [["--today", "2012-10-09"], ["--as-of", "2012-09-15"],
                                  ["--as-of", "2012-09-15", "--today", "2012-12-01"],
                                  ["--today", "2012-09-13"]])
def test_timeline_ends_at_the_as_at_date_with_the_summary_figures(committed, git_repo, run, when):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace(REC3_FIRST, INSERTED + REC3_FIRST), encoding="utf-8")
    _commit(git_repo, "An extra check", "2012-09-12")
    text = committed.read_text(encoding="utf-8")  # a later, uncommitted completion
    committed.write_text(text.replace("lead: Service Manager QA\n", "lead: Service Manager QA\n"
                                      "        status: completed\n        completed: 2012-09-14\n", 1),
                         encoding="utf-8")
    report = as_json(run("report", *when, "--format", "json"))
    last = report["timeline"][-1]
    assert last["date"] == report["as_at"]
    assert {k: last[k] for k in SUMMARY_KEYS} == {k: report["summary"][k] for k in SUMMARY_KEYS}
    assert [p["date"] for p in report["timeline"]] == sorted({p["date"] for p in report["timeline"]})


# -- --today with later commits (item 4) -------------------------------------------------------

NOTE = "--as-of 2012-09-01 shows the plans as they stood then"


def test_today_before_later_commits_says_that_as_of_exists(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace("due: By 27.1.13", "due: By 28.2.13", 1), encoding="utf-8")
    _commit(git_repo, "4.2 a month later", "2012-10-01")
    result = run("status", "--today", "2012-09-01")
    assert result.exit_code == 0
    assert result.stderr.count(NOTE) == 1
    assert "changed in git after 2012-09-01" in result.stderr
    # After the last commit, or with --as-of, or before the first commit: no note.
    assert run("status", "--today", "2012-10-09").stderr == ""
    assert run("status", "--today", "2012-07-01").stderr == ""
    assert "--as-of" not in run("status", "--today", "2012-09-01", "--as-of", "2012-09-01").stderr


def test_today_outside_git_says_nothing(bundled, run):
    assert run("status", "--today", "2012-09-01").stderr == ""


# -- completion dates from git (item 5) ---------------------------------------------------------


def test_completed_by_hand_without_a_date_takes_the_commit_date(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace(REC3_FIRST, INSERTED + REC3_FIRST), encoding="utf-8")
    _commit(git_repo, "An extra check", "2012-09-12")
    text = committed.read_text(encoding="utf-8")  # 4.2 done, marked by hand with no date
    marked = text.replace("      - text: Audit of compliance\n        due: By 27.1.13\n",
                          "      - text: Audit of compliance\n        due: By 27.1.13\n"
                          "        status: completed\n", 1)
    assert marked != text
    committed.write_text(marked, encoding="utf-8")
    _commit(git_repo, "4.2 done", "2012-10-03")

    shown = as_json(run("show", "4.2", "--today", "2012-10-09", "--format", "json"))["action"]
    assert (shown["completed"], shown["completed_source"], shown["status"]) == (
        "2012-10-03", "git", "completed")
    assert "commit that completed it" in run("show", "4.2", "--today", "2012-10-09").stdout
    # Judged before that date it is not completed yet.
    early = as_json(run("show", "4.2", "--today", "2012-10-01", "--format", "json"))["action"]
    assert early["status"] != "completed"
    # An action completed when the plan was first committed has no date to take from git.
    first = as_json(run("show", "1.1", "--today", "2012-10-09", "--format", "json"))["action"]
    assert (first["completed"], first["completed_source"], first["status"]) == (
        None, None, "completed")


def test_beyond_the_comparison_limit_actions_are_paired_by_position():
    # Every action of a large plan rewritten at once: too many pairs to compare, so by id.
    def plan(texts):
        body = "".join(f"      - text: {t}\n        due: 1.1.13\n" for t in texts)
        return _load(f"plan:\n  title: Big\nrecommendations:\n  - text: R\n    actions:\n{body}")

    n = int(MAX_PAIRS ** 0.5) + 2
    old = plan([f"first wording {k:05d}" for k in range(n)])
    new = plan([f"first wording {k:05d} revised" for k in range(n)])
    pairs = match_actions(tuple(old.actions), tuple(new.actions))
    assert [(a.id, b.id) for a, b in pairs] == [(a.id, a.id) for a in old.actions]
    # Under the limit the same rewrite is matched by similar text, with the same result.
    small = match_actions(tuple(old.actions)[:5], tuple(new.actions)[:5])
    assert [(a.id, b.id) for a, b in small] == [(a.id, a.id) for a in tuple(old.actions)[:5]]



def test_history_of_an_id_follows_the_action_not_a_deleted_one_that_held_the_id(committed, git_repo, run):
    # Issue 21, item 4: the old 3.1 is rescheduled, then deleted; the old 3.2 becomes 3.1.
    # `history 3.1` is the history of today's 3.1 (the report), never of the deleted audit.
    text = committed.read_text(encoding="utf-8")
    assert text.count(REC3_AUDIT) == 1
    committed.write_text(text.replace(REC3_AUDIT, REC3_AUDIT.replace("By 14.9.12", "By 30.9.12")),
                         encoding="utf-8")
    _commit(git_repo, "Audit later", "2012-09-05")
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace(REC3_AUDIT.replace("By 14.9.12", "By 30.9.12"), ""),
                         encoding="utf-8")
    _commit(git_repo, "Audit withdrawn", "2012-09-12")

    commits = as_json(run("history", "3.1", "--format", "json"))["commits"]
    assert [(c["subject"], [(a["id"], a["change"], a["text"]) for a in c["actions"]])
            for c in commits] == [
        ("Plan as agreed", [("3.2", "added", "Report on audit to DMT and LSCB")])]
    # the whole recommendation still shows the deleted action's events
    rec = as_json(run("history", "3", "--format", "json"))["commits"]
    assert [c["subject"] for c in rec] == ["Audit withdrawn", "Audit later", "Plan as agreed"]


def test_history_of_an_id_held_only_by_a_removed_action_still_shows_it(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace("      - text: SM QA to audit\n", "      - text: SM QA to audit\n"
                                      "        id: qa-audit\n", 1), encoding="utf-8")
    _commit(git_repo, "Name the QA audit", "2012-09-05")
    text = committed.read_text(encoding="utf-8")
    start = text.index("      - text: SM QA to audit\n")
    end = text.index("      - ", start + 10) if "      - " in text[start + 10:] else len(text)
    committed.write_text(text[:start] + text[end:], encoding="utf-8")
    _commit(git_repo, "QA audit withdrawn", "2012-09-12")
    commits = as_json(run("history", "qa-audit", "--format", "json"))["commits"]
    assert [(c["subject"], [a["change"] for a in c["actions"]]) for c in commits][0] == (
        "QA audit withdrawn", ["removed"])


OTHER_PLAN = """\
plan:
  id: other
  title: Another plan
  authority: Thurrock Council
  inspection: {by: Ofsted, published: 2012-07-13}
recommendations:
  - id: "1"
    text: Keep records
    actions:
      - text: Records kept
        due: By 30.11.12
"""
REPORT_ACTION = ("      - text: Report on audit to DMT and LSCB\n        due: By 27.10.12\n"
                 "        lead: Service Manager QA\n        report_to: [DMT, LSCB]\n")


def test_an_action_moved_to_another_plan_file_is_moved_not_removed_and_added(
        committed, git_repo, run, tmp_path):
    other = tmp_path / "plans" / "other.yaml"
    other.write_text(OTHER_PLAN, encoding="utf-8")
    git_repo("add", "plans")
    _commit(git_repo, "A second plan", "2012-09-01")
    text = committed.read_text(encoding="utf-8")
    assert text.count(REPORT_ACTION) == 1
    committed.write_text(text.replace(REPORT_ACTION, ""), encoding="utf-8")
    other.write_text(OTHER_PLAN + REPORT_ACTION.replace("27.10.12", "30.11.12"), encoding="utf-8")
    _commit(git_repo, "The report goes to the other plan, a month later", "2012-09-12")

    diff = as_json(run("diff", "HEAD~1", "HEAD", "--format", "json"))
    assert diff["added"] == [] and diff["removed"] == []
    assert diff["moved"] == [{"plan": "other", "id": "1.2", "text": "Report on audit to DMT and LSCB",
                              "from_id": "3.2", "from": "3", "to": "1",
                              "from_plan": "thurrock-2012-slac"}]
    assert [(r["id"], r["days"]) for r in diff["rescheduled"]] == [("1.2", 34)]

    latest = as_json(run("history", "--format", "json"))["commits"][0]
    assert [(a["plan"], a["id"], a["change"], a["fields"][0]) for a in latest["actions"]] == [
        ("other", "1.2", "moved", {"field": "plan", "from": "thurrock-2012-slac", "to": "other"})]
    followed = as_json(run("history", "other:1.2", "--format", "json"))["commits"]
    assert [c["subject"] for c in followed] == [
        "The report goes to the other plan, a month later", "Plan as agreed"]

    report = as_json(run("report", "--today", "2012-10-09", "--since", "HEAD~1",
                         "--format", "json"))["changes"]
    assert report["added"] == [] and report["dropped"] == []
    assert [(s["plan"], s["id"], s["days"]) for s in report["slipped"]] == [("other", "1.2", 34)]


def test_a_heavy_rewording_without_an_id_is_said_to_be_maybe_one_action(committed, git_repo, run):
    text = committed.read_text(encoding="utf-8")
    committed.write_text(text.replace("Report on audit to DMT and LSCB",
                                      "Findings presented to the management team and the board", 1),
                         encoding="utf-8")
    _commit(git_repo, "Clearer words", "2012-09-12")
    result = run("diff", "HEAD~1", "HEAD", "--format", "json")
    data = as_json(result)
    assert [(a["id"]) for a in data["added"]] == ["3.2"]
    assert [(a["id"]) for a in data["removed"]] == ["3.2"]
    assert [(m["plan"], m["recommendation"], m["removed"], m["added"])
            for m in data["maybe_reworded"]] == [("thurrock-2012-slac", "3", ["3.2"], ["3.2"])]
    assert ("note: in recommendation 3 of thurrock-2012-slac, 3.2 removed and 3.2 added: "
            "if an action was reworded, write the same 'id:'") in result.stderr
