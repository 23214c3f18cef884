"""Status as at a date: the table in plan-format.md, milestones and recurring actions."""

import textwrap
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planctl.core.evaluate import (
    by_due_date,
    evaluate,
    evaluate_action,
    most_late_first,
    summarise,
)
from planctl.format.reader import load_text

ORDER = ["on-track", "due-soon", "overdue"]


def plan_with(action_yaml: str, due_soon_days: int = 14):
    text = textwrap.dedent(f"""\
        plan:
          title: T
          inspection: {{published: 2012-07-27}}
          due_soon_days: {due_soon_days}
        recommendations:
          - text: R
            actions:
              - text: A
        """) + textwrap.indent(textwrap.dedent(action_yaml), " " * 8)
    plan, problems, _ = load_text(text, "p.yaml")
    assert [p for p in problems if p.severity == "error"] == []
    return plan


def status(action_yaml: str, today: date, **kw):
    plan = plan_with(action_yaml, **kw)
    row = evaluate_action(plan, next(plan.actions), today)
    return row.status, row.due, row.days_overdue


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2012, 10, 1), ("on-track", date(2012, 10, 27), 0)),
        (date(2012, 10, 13), ("due-soon", date(2012, 10, 27), 0)),  # exactly 14 days before
        (date(2012, 10, 27), ("due-soon", date(2012, 10, 27), 0)),  # due today is not late
        (date(2012, 10, 28), ("overdue", date(2012, 10, 27), 1)),
        (date(2012, 11, 6), ("overdue", date(2012, 10, 27), 10)),
    ],
)
def test_status_follows_the_date(today, expected):
    assert status("due: By 27.10.12\n", today) == expected


def test_due_soon_window_is_the_plans():
    assert status("due: By 27.10.12\n", date(2012, 10, 13), due_soon_days=7)[0] == "on-track"


def test_completed_and_dropped_win_over_dates():
    assert status("due: 1.1.12\nstatus: completed\n", date(2013, 1, 1))[0] == "completed"
    assert status("due: 1.1.12\nstatus: dropped\n", date(2013, 1, 1))[0] == "dropped"


def test_completion_dated_after_the_as_at_date_is_not_yet_complete():
    action = "due: 1.10.12\nstatus: completed\ncompleted: 2012-11-05\n"
    assert status(action, date(2012, 10, 9))[:2] == ("overdue", date(2012, 10, 1))
    assert status(action, date(2012, 11, 5))[0] == "completed"


def test_no_deadline():
    assert status("due: ongoing\n", date(2012, 10, 9))[0] == "no-date"
    assert status("due: TBC\n", date(2012, 10, 9))[0] == "no-date"


def test_inline_milestones_are_closed_by_reports_in_order():
    action = "due: Initial report by 27.10.12, with follow up by 27.3.13\n"
    assert status(action, date(2012, 11, 1)) == ("overdue", date(2012, 10, 27), 5)
    reported = action + "reported: [2012-10-20]\n"
    assert status(reported, date(2012, 11, 1)) == ("on-track", date(2013, 3, 27), 0)
    assert status(reported, date(2012, 10, 19))[1] == date(2012, 10, 27)  # not reported yet then
    both = action + "reported: [2012-10-20, 2013-03-01]\n"
    assert status(both, date(2013, 4, 1))[0] == "completed"


def test_explicit_milestones_drive_the_status():
    action = """\
        milestones:
          - {due: 27.10.12, text: Initial report, done: 2012-10-25}
          - {due: 27.3.13, text: Follow up}
        """
    assert status(action, date(2012, 11, 1)) == ("on-track", date(2013, 3, 27), 0)
    assert status(action, date(2012, 10, 24)) == ("due-soon", date(2012, 10, 27), 0)


def test_recurring_action_is_due_every_period_and_reports_close_the_earliest():
    action = "due: By 01.11.12 ongoing\nrepeat: quarterly\n"
    assert status(action, date(2012, 11, 2)) == ("overdue", date(2012, 11, 1), 1)
    one = action + "reported: [2012-10-30]\n"
    assert status(one, date(2012, 11, 2))[:2] == ("on-track", date(2013, 2, 1))
    # A missed report stays overdue from the first missed occurrence.
    assert status(one, date(2013, 5, 10)) == ("overdue", date(2013, 2, 1), 98)


def test_recurring_months_clamp_to_month_end():
    action = "due: First report by 31.12.12\nrepeat: quarterly\nreported: [2012-12-30]\n"
    assert status(action, date(2013, 1, 5))[1] == date(2013, 3, 31)
    two = "due: 31.12.12\nrepeat: quarterly\nreported: [2012-12-30, 2013-03-30]\n"
    assert status(two, date(2013, 4, 1))[1] == date(2013, 6, 30)


def test_ongoing_action_has_no_date_once_its_first_deadline_is_met():
    action = "due: By 01.11.12 ongoing\nreported: [2012-10-31]\n"
    assert status(action, date(2012, 12, 1))[0] == "no-date"


@given(st.integers(min_value=0, max_value=800), st.integers(min_value=0, max_value=400))
def test_status_only_gets_worse_as_time_passes_for_an_open_action(start, step):
    plan = plan_with("due: By 27.10.12\n")
    action = next(plan.actions)
    d1 = date(2012, 6, 1) + timedelta(days=start)
    d2 = d1 + timedelta(days=step)
    s1 = evaluate_action(plan, action, d1).status
    s2 = evaluate_action(plan, action, d2).status
    assert ORDER.index(s2) >= ORDER.index(s1)


def test_bundled_plan_on_committee_day(bundled):
    from planctl.store.files import load_paths

    result = load_paths([bundled])
    summary = summarise(evaluate(result.plans, date(2012, 10, 9)))
    assert summary.as_dict() == {"total": 62, "completed": 6, "overdue": 19, "due_soon": 0,
                                 "on_track": 37, "no_date": 0, "dropped": 0}


@pytest.mark.parametrize("due", ["by the Feast of St Swithin", "31.9.12", "10/27/12"])
def test_a_due_planctl_cannot_read_is_never_overdue_nor_done_only_to_be_confirmed(due):
    plan = plan_with(f"due: {due}\n")  # a warning (W123), not an error: the plan reads
    for today in (date(2012, 1, 1), date(2012, 10, 9), date(2030, 1, 1)):
        assert status(f"due: {due}\n", today) == ("no-date", None, 0)
    assert summarise(evaluate([plan], date(2013, 1, 1))).no_date == 1


def _plan_of(plan_id: str, actions: list[tuple[str, int | None]]):
    """A plan file `plan_id`.yaml: one recommendation per action, each with its own id."""
    recs = "".join(
        f"  - id: '{n}'\n    text: R\n    actions:\n      - id: '{n}.{sub}'\n        text: A\n"
        + (f"        due: {date(2013, 1, 1) + timedelta(days=days)}\n" if days is not None else "")
        for n, (sub, days) in enumerate(actions, 1))
    text = ("plan:\n  title: T\n  inspection: {published: 2012-07-27}\n"
            f"recommendations:\n{recs}")
    plan, problems, _ = load_text(text, f"{plan_id}.yaml")
    assert [p for p in problems if p.severity == "error"] == []
    return plan


plan_actions = st.lists(st.tuples(st.sampled_from(["1", "2", "9", "10", "x", "2.1"]),
                                  st.none() | st.integers(0, 3)), max_size=5)


@given(st.dictionaries(st.sampled_from(["north", "south", "b2", "b10"]), plan_actions, max_size=3),
       st.randoms())
def test_sorted_rows_are_ordered_by_each_key_in_turn(plans, random):
    # Most late first (then plan id, then action id, '3.10' after '3.9'); by due date
    # (no date last, then plan and action id): whatever order the rows come in.
    rows = evaluate([_plan_of(p, acts) for p, acts in plans.items()], date(2013, 1, 3))
    random.shuffle(rows)

    def ids(r):
        return (r.plan.id, [int(p) if p.isdigit() else p for p in r.action.id.split(".")])

    late = most_late_first(rows)
    assert [(r.days_overdue, *ids(r)) for r in late] == sorted(
        ((r.days_overdue, *ids(r)) for r in rows), key=lambda k: (-k[0], k[1], _num(k[2])))
    soon = by_due_date(rows)
    assert [(r.due or date.max, *ids(r)) for r in soon] == sorted(
        ((r.due or date.max, *ids(r)) for r in rows), key=lambda k: (k[0], k[1], _num(k[2])))


def _num(parts):
    """Numbers before words in each place of an id, numbers compared as numbers."""
    return [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts]
