"""report --format ics: all-day events per deadline, read back with vobject (a second
iCalendar parser beside the icalendar library that writes them)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import yaml
from dateutil.relativedelta import relativedelta

from conftest import BUNDLED
from planctl.core.evaluate import evaluate
from planctl.store.files import load_paths

vobject = pytest.importorskip("vobject")

AS_AT = "2012-10-09"
DAY = date(2012, 10, 9)


def events(run, *args, today: str = AS_AT) -> list:
    result = run("report", "--today", today, "--format", "ics", *args)
    assert result.exit_code == 0, result.stderr
    cal = vobject.readOne(result.stdout_bytes.decode("utf-8"))
    assert not hasattr(cal, "vtodo_list")
    return list(getattr(cal, "vevent_list", []))


def prop(ev, name: str, default=None):
    return getattr(ev, name).value if hasattr(ev, name) else default


def test_one_all_day_event_per_deadline_with_lead_and_text(run, bundled):
    evs = events(run)
    plans = load_paths([BUNDLED]).plans
    rows = {r.action.id: r for r in evaluate(plans, DAY)}
    # Every milestone of every action, closed or open; a repeating action's occurrences,
    # reported ones and open ones up to 366 days ahead.
    expected = 0
    for r in rows.values():
        a = r.action
        if not a.repeat:
            expected += len(a.milestones)
            continue
        months = {"quarterly": 3, "monthly": 1, "six-monthly": 6, "yearly": 12}[a.repeat]
        done = sum(1 for d in a.reported if d <= DAY)
        n = done
        while n == done or a.timescale.first_due + relativedelta(months=months * n) <= \
                DAY + timedelta(days=366):
            n += 1
        expected += n
    assert len(evs) == expected
    uids = [prop(e, "uid") for e in evs]
    assert len(set(uids)) == len(uids)
    open_events = 0
    for ev in evs:
        start, end = prop(ev, "dtstart"), prop(ev, "dtend")
        assert type(start) is date and end == start + timedelta(days=1)  # all day
        action_id = prop(ev, "uid").split("/")[1]
        row = rows[action_id]
        if not row.action.repeat:
            assert start in [m.due for m in row.action.milestones]
        desc = prop(ev, "description")
        assert " ".join(row.action.text.split()) in desc
        assert "Lead: " + ("; ".join(row.action.leads) or "(no lead)") in desc
        if row.open and start == row.due:
            open_events += 1
            assert prop(ev, "status") == "CONFIRMED"
        if not row.open:
            assert prop(ev, "status") == "CANCELLED"
    assert open_events == sum(1 for r in rows.values() if r.open and r.due)


def test_a_completed_action_keeps_its_uids_as_cancelled_events(run, bundled):
    before = {prop(e, "uid"): e for e in events(run)}
    text = bundled.read_text(encoding="utf-8")
    old = "        due: By 14.9.12\n        lead: Service Manager FST\n"
    bundled.write_text(text.replace(old, old + "        status: completed\n", 1), encoding="utf-8")
    after = {prop(e, "uid"): e for e in events(run)}
    assert set(after) == set(before)
    uid = "thurrock-2012-slac/3.1/m1@planctl"
    assert prop(before[uid], "status") == "CONFIRMED"
    assert prop(after[uid], "status") == "CANCELLED"
    assert prop(after[uid], "summary").startswith("Done: 3.1 ")


def test_uids_follow_the_explicit_id_not_the_position(run, write_plan):
    def plan(first_id: str, order: list[str]) -> str:
        acts = {"a": {"id": first_id, "text": "Audit files", "due": "1.12.12"},
                "b": {"text": "Train staff", "due": "1.1.13"}}
        return yaml.safe_dump({"plan": {"title": "T"}, "recommendations": [
            {"text": "R", "actions": [acts[k] for k in order]}]})

    write_plan(plan("audit", ["a", "b"]))
    first = {prop(e, "summary"): prop(e, "uid") for e in events(run)}
    write_plan(plan("audit", ["b", "a"]))  # the explicit id moved down the list
    moved = {prop(e, "summary"): prop(e, "uid") for e in events(run)}
    assert first["audit Audit files"] == moved["audit Audit files"] == "p/audit/m1@planctl"


def test_recurring_occurrences_are_events_and_reported_ones_are_cancelled(run, write_plan):
    write_plan(yaml.safe_dump({"plan": {"title": "T"}, "recommendations": [
        {"text": "R", "actions": [{"text": "Report to the board", "due": "By 1.4.12 ongoing",
                                   "repeat": "quarterly", "reported": ["2012-04-01"]}]}]}))
    evs = sorted(events(run), key=lambda e: prop(e, "dtstart"))
    got = [(prop(e, "dtstart"), prop(e, "status"), prop(e, "uid")) for e in evs]
    # Quarterly from 1 Apr 2012; one report closes the first; open ones up to a year ahead.
    dates = [date(2012, 4, 1), date(2012, 7, 1), date(2012, 10, 1), date(2013, 1, 1),
             date(2013, 4, 1), date(2013, 7, 1), date(2013, 10, 1)]
    assert [g[0] for g in got] == dates
    assert [g[1] for g in got] == ["CANCELLED"] + ["CONFIRMED"] * 6
    assert [g[2] for g in got] == [f"p/1.1/r{n}@planctl" for n in range(1, 8)]


def test_sequence_grows_so_a_newer_file_wins(run, bundled):
    from planctl.render.report_ics import sequence

    assert sequence(datetime(2026, 1, 1, 0, 1, tzinfo=datetime.now().astimezone().tzinfo)) > \
        sequence(datetime(2026, 1, 1, 0, 0, tzinfo=datetime.now().astimezone().tzinfo))
    assert all(int(prop(e, "sequence")) > 0 for e in events(run))


def test_ics_tasks_goes_only_with_ics(run, bundled):
    result = run("report", "--today", AS_AT, "--format", "csv", "--ics-tasks")
    assert result.exit_code == 2 and "--ics-tasks goes with --format ics" in result.stderr


def test_ics_tasks_mark_completed_and_dropped_under_the_same_uid(run, bundled):
    def tasks():
        result = run("report", "--today", AS_AT, "--format", "ics", "--ics-tasks")
        assert result.exit_code == 0, result.stderr
        cal = vobject.readOne(result.stdout_bytes.decode("utf-8"))
        assert not hasattr(cal, "vevent_list")
        return {prop(t, "uid"): t for t in cal.vtodo_list}

    before = tasks()
    uid = "thurrock-2012-slac/3.1@planctl"
    assert prop(before[uid], "status") == "NEEDS-ACTION"
    text = bundled.read_text(encoding="utf-8")
    old = "        due: By 14.9.12\n        lead: Service Manager FST\n"
    bundled.write_text(text.replace(old, old + "        status: completed\n", 1), encoding="utf-8")
    after = tasks()
    assert prop(after[uid], "status") == "COMPLETED"
    assert prop(after[uid], "percent_complete") == "100"
    assert set(before) <= set(after)
