"""Fuzzing the loader and the timescale parser with hypothesis.

Whatever a plan's editor types, planctl answers with its own errors: located
problems from the loader, TimescaleError from the date parsers. Never a
traceback, never a problem without a line and column.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planctl.core.errors import Problem
from planctl.core.timescale import TimescaleError, parse_date, parse_timescale
from planctl.format.reader import load_text

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = ["plan", "title", "leads", "bodies", "recommendations", "actions", "id", "text", "due",
        "lead", "status", "updates", "milestones", "date", "by", "done", "findings", "scale",
        "areas", "judgements", "grade", "name", "aliases", "report_to", "repeat", "reported",
        "completed", "evidence", "inspection", "published", "due_soon_days", "<<", "x-note"]
SCALARS = ["3.1", "3.10", "yes", "NO", "~", "null", "", "27.10.12", "31.9.12", "10/27/12",
           "2012-07-27", "Immediate", "within 3 months", "ongoing", "TBC", "completed",
           "in progress", "monthly", "By 27.10.12, then 27.3.13", "0", "-1", "1e400", "²",
           "'quoted'", '"dq"', "!!python/object:os.system x", "!foo bar", "*a", "&a x",
           "\u202etext", "[]", "{}", ": :", "- -", "|", ">-", "\t"]

# Plan-shaped data: nested mappings and lists of plausible keys and awkward values.
values = st.recursive(
    st.sampled_from(SCALARS) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner,
                                                                max_size=5),
    max_leaves=25,
)


def to_yaml(value, indent: int = 0) -> str:
    """Block YAML written by hand (not yaml.dump), so scalars go in unquoted and raw."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = ""
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out += f"{pad}{k}:\n{to_yaml(v, indent + 1)}"
            else:
                out += f"{pad}{k}: {v if not isinstance(v, (dict, list)) else to_yaml(v).strip()}\n"
        return out
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        out = ""
        for v in value:
            body = to_yaml(v, indent + 1).lstrip() if isinstance(v, (dict, list)) else f"{v}\n"
            out += f"{pad}- {body}"
        return out
    return f"{pad}{value}\n"


def assert_planctl_answer(data, path="fuzz.yaml"):
    plan, problems, _ = load_text(data, path)
    for p in problems:
        assert isinstance(p, Problem)
        assert p.line >= 1 and p.column >= 1, p
        assert p.code[:1] in "EWS" and p.message
    if plan is None:
        assert problems, "a file that is not a plan must say why"
    return plan, problems


@pytest.mark.slow
@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_give_located_problems_or_a_plan(data):
    assert_planctl_answer(data)


@pytest.mark.slow
@FUZZ
@given(st.text(max_size=400))
def test_any_text_gives_located_problems_or_a_plan(text):
    assert_planctl_answer(text)


@pytest.mark.slow
@FUZZ
@given(values)
def test_plan_shaped_yaml_gives_located_problems_or_a_plan(value):
    assert_planctl_answer(to_yaml(value))


@pytest.mark.slow
@FUZZ
@given(st.lists(st.sampled_from(SCALARS) | st.text(max_size=8), min_size=1, max_size=6),
       st.sampled_from(["due", "status", "lead", "completed", "id", "text", "repeat"]))
@example(["within", "99999", "years"], "due")  # once past the year 9999: ValueError escaped
@example(["\x00"], "text")  # NUL: libyaml's reader error, once without a position
def test_any_action_field_value_is_read_or_reported(words, key):
    text = (
        "plan:\n  title: T\n  inspection:\n    published: 2012-07-27\n"
        "recommendations:\n  - text: R\n    actions:\n      - text: A\n"
        f"        {key}: {' '.join(words)}\n        repeat: monthly\n"
    )
    assert_planctl_answer(text)


@pytest.mark.slow
@FUZZ
@given(st.sampled_from(SCALARS) | st.text(max_size=8),
       st.sampled_from(["due_soon_days", "updated", "version", "id", "title"]))
@example("²", "due_soon_days")  # a digit int() cannot read: ValueError escaped
@example("9" * 5000, "due_soon_days")  # past int()'s digit limit
def test_any_plan_field_value_is_read_or_reported(value, key):
    assert_planctl_answer(f"plan:\n  title: T\n  {key}: {value}\nrecommendations: []\n")


date_like = st.from_regex(
    r"\A(\d{1,5}[./ -]\d{1,3}[./ -]\d{1,5}|\d{1,2}(st|nd|rd|th)? (of )?"
    r"(Jan|Feb|Sept?|October|oct\.) \d{1,5}|(By|Report to SMT|within) \d{1,6} "
    r"(days|weeks|months|years|\d{1,2}\.\d{1,2}\.\d{2,4}))\Z",
    fullmatch=True,
)


@pytest.mark.slow
@FUZZ
@given(st.text(max_size=60) | date_like)
def test_parse_date_returns_a_date_or_says_why(text):
    try:
        assert isinstance(parse_date(text), date)
    except TimescaleError as exc:
        assert str(exc)


@pytest.mark.slow
@FUZZ
@given(st.text(max_size=80) | date_like, st.none() | st.dates())
@example("within 9999 years", date(2012, 7, 27))
@example("October 0000", None)  # month alone, year 0: once a ValueError
def test_parse_timescale_returns_deadlines_in_order_or_says_why(text, published):
    try:
        ts = parse_timescale(text, published)
    except TimescaleError as exc:
        assert str(exc)
        return
    dues = [d.due for d in ts.deadlines]
    assert dues == sorted(dues)
    assert ts.deadlines or ts.ongoing or ts.tbc or ts.start
    assert ts.start is None or not dues or ts.start <= dues[0]


def test_error_messages_do_not_carry_a_whole_hostile_value():
    huge = "x" * 100_000
    with_key = f"plan:\n  title: T\n  {huge}: 1\nrecommendations: []\n"
    _, problems = assert_planctl_answer(with_key)
    assert problems and all(len(p.message) < 2_000 for p in problems)
    try:
        parse_timescale("by " + huge)
    except TimescaleError as exc:
        assert len(str(exc)) < 2_000
    else:  # pragma: no cover - the text has no date
        raise AssertionError("a timescale without a date was accepted")
