"""No part of a timescale left unread (issue 21 item 1).

Every date-bearing token (digits, month and season names, quarters, years, periods, event
anchors) is part of the reading, or named in a warning saying what was understood, or the
timescale is refused. The property test inserts such tokens into readable timescales; the
class tests pin each form that was misread silently in 0.2.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planctl.core.timescale import TimescaleError, parse_timescale
from planctl.core.timescale.grammar import EXAMPLES_PUBLISHED, RULES, read
from planctl.core.timescale.patterns import PATTERNS
from planctl.core.timescale.unread import covered
from test_timescale import SEED

P = date(2012, 7, 27)

# Readable timescales: the grammar's examples that are not refused, and the seed's.
READABLE = sorted({text for rule in RULES for text, gives in rule.examples
                   if text.strip() and not gives.startswith("error")} | {text for text, _ in SEED})

_MONTHS = ["January", "Feb", "March", "Apr", "June", "Sept", "October", "Dec", "May"]
_TOKENS = st.one_of(
    st.integers(1, 31).map(str),
    st.integers(1990, 2100).map(str),
    st.integers(2010, 2030).map(lambda y: f"{y}/{(y + 1) % 100:02d}"),
    st.sampled_from(_MONTHS),
    st.sampled_from(["Spring", "summer", "Autumn", "Winter"]),
    st.sampled_from(["Q1", "Q2", "Q3", "Q4", "quarter 2"]),
    st.tuples(st.sampled_from(["6", "3", "six", "twelve", "2"]),
              st.sampled_from(["days", "weeks", "months", "years", "working days"])).map(" ".join),
    st.sampled_from(["6 months of the letter", "3 months of the revisit", "within 6 months of the letter"]),
)
# An event alone is date-bearing where it stands first or beside another token or a part
# read; in the middle or at the end of words it is words ("review of the policy").
_EVENTS = ["of the letter", "from the revisit", "following the Board meeting"]


def _named(message: str, stripped: str, start: int, end: int) -> bool:
    """Whether a warning quotes a part of the text that holds [start, end): not merely the
    whole text, which every message quotes."""
    rest = message.replace(repr(stripped), "")
    for fragment in re.findall(r"'([^']+)'", rest):
        at = stripped.find(fragment)
        while at != -1:
            if at <= start and end <= at + len(fragment):
                return True
            at = stripped.find(fragment, at + 1)
    return False


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(READABLE), token=st.one_of(_TOKENS, st.sampled_from(_EVENTS)),
       where=st.integers(0, 20))
def test_an_inserted_date_token_is_read_named_or_refused(base, token, where):
    bounds = [0] + [m.start() for m in re.finditer(" ", base)] + [len(base)]
    if token in _EVENTS:  # first, or just after a date-bearing token
        bounds = [0] + [m.end() for m in PATTERNS.tokens.finditer(base)]
    at = bounds[where % len(bounds)]
    before, after = base[:at].rstrip(), base[at:].lstrip()
    text = " ".join(x for x in (before, token, after) if x)
    start = len(before) + (1 if before else 0)
    end = start + len(token)
    start += len("within ") if token.startswith("within ") else 0  # the word is not a date's
    try:
        _, ts, used = read(text, EXAMPLES_PUBLISHED, "england-and-wales", None)
    except TimescaleError:
        return  # refused: nothing stated
    if token in _EVENTS and ts.tbc and not ts.deadlines:
        return  # "To be agreed with partners of the letter": no date, nothing counts from it
    assert covered(used, start, end) or any(
        _named(w.message, text, start, end) for w in ts.warnings), (text, token, ts)


# -- each class misread silently in 0.2 -------------------------------------------------------


def _read(text: str, published: date = P, **kw):
    ts = parse_timescale(text, published, **kw)
    return ([x.due for x in ts.deadlines], ts.start, [w.code for w in ts.warnings], ts)


@pytest.mark.parametrize("text", ["2026/27 Q2", "2026-27 Q2", "2026/2027 Q2", "2026/27, quarter 2"])
def test_a_quarter_after_its_financial_year_is_that_quarter(text):
    assert _read(text)[:3] == ([date(2026, 9, 30)], None, [])
    assert _read(text)[:3] == _read("Q2 2026/27")[:3]


@pytest.mark.parametrize(("text", "label"), [
    ("Step 4 June 2027", "Step 4"), ("Phase 2 June 2027", "Phase 2"),
    ("Stage 3, 1 July 2027", None), ("Phase 2 - March 2014", "Phase 2")])
def test_a_number_labelling_a_step_is_not_the_day(text, label):
    dues, _, codes, ts = _read(text)
    if label is None:  # "Stage 3, 1 July 2027": the day is written after the label
        assert dues == [date(2027, 7, 1)] and codes == ["W122"]
        return
    month_end = {"June": date(2027, 6, 30), "March": date(2014, 3, 31)}
    assert dues == [next(v for k, v in month_end.items() if k in text)]
    assert codes == ["W122"] and f"read {label!r}" in ts.warnings[0].message


def test_a_list_of_months_is_one_period_to_the_end_of_the_last_with_a_warning():
    dues, start, codes, ts = _read("September and October 2026", date(2026, 1, 10))
    assert (dues, start, codes) == ([date(2026, 10, 31)], date(2026, 9, 1), ["W120"])
    assert "'September and October 2026' as one period" in ts.warnings[0].message
    dues, start, _, _ = _read("Training in May, June and July 2027", date(2026, 1, 10))
    assert (dues, start) == ([date(2027, 7, 31)], date(2027, 5, 1))


def test_a_list_of_months_that_goes_backwards_is_refused():
    with pytest.raises(TimescaleError, match="go backwards"):
        parse_timescale("October 2026 and September 2026", date(2026, 1, 10))


@pytest.mark.parametrize(("text", "start", "due"), [
    ("for 12 months from May 2025", date(2025, 5, 1), date(2026, 4, 30)),
    ("From June 2013 for 6 months", date(2013, 6, 1), date(2013, 11, 30)),
    ("over 6 weeks from 1.4.13", date(2013, 4, 1), date(2013, 5, 12)),
])
def test_a_period_from_a_start_is_due_at_its_end(text, start, due):
    dues, got_start, codes, _ = _read(text)
    assert (dues, got_start, codes) == ([due], start, ["W120"])


def test_a_period_of_a_written_day_counts_from_that_day():
    assert _read("within 6 weeks of 1.4.13")[:3] == ([date(2013, 5, 13)], None, [])


@pytest.mark.parametrize(("text", "due"), [
    ("within 6 months (by July 2027)", date(2027, 7, 31)),
    ("in six months, i.e. by June", date(2013, 6, 30)),
    ("by July 2027 (within 6 months)", date(2027, 7, 31)),
])
def test_where_a_period_and_a_date_disagree_the_date_written_wins_with_a_warning(text, due):
    dues, _, codes, ts = _read(text)
    assert (dues, codes) == ([due], ["W124"])
    assert "the date written" in ts.warnings[0].message


def test_a_period_and_a_date_that_agree_are_one_deadline_without_a_warning():
    assert _read("within 6 months (by January 2013)")[:3] == ([date(2013, 1, 31)], None, [])


def test_two_milestones_with_their_own_words_stay_two():
    assert _read("Initial report within 3 months, final report by 31.3.13")[0] == [
        date(2012, 10, 27), date(2013, 3, 31)]


@pytest.mark.parametrize("text", ["within 6 months of the letter", "within 3 months of the revisit",
                                  "Within 40 working days of the plan's acceptance",
                                  "Report to LSCB within 6 weeks of the Board meeting"])
def test_a_period_of_an_event_the_plan_does_not_date_is_to_be_confirmed(text):
    dues, _, codes, ts = _read(text)
    assert (dues, codes, ts.tbc) == ([], ["W125"], True)
    assert "plan dates:" in ts.warnings[0].message


def test_a_period_of_an_event_counts_from_the_date_the_plan_gives_it():
    anchors = {"letter": date(2026, 3, 2), "The Revisit": date(2026, 6, 1)}
    assert _read("within 6 months of the letter", anchors=anchors)[:3] == ([date(2026, 9, 2)], None, [])
    assert _read("within 3 months of the date of the revisit", anchors=anchors)[0] == [date(2026, 9, 1)]
    # matched exactly, never by likeness: "letters" is not "letter"
    assert _read("within 6 months of the letters", anchors=anchors)[3].tbc


@pytest.mark.parametrize("text", ["within 6 months of publication", "within 6 months of the report",
                                  "within 6 months of the inspection report",
                                  "within 6 months of publication of the report"])
def test_the_publication_by_any_of_its_names_is_the_published_date(text):
    assert _read(text)[0] == [date(2013, 1, 27)]


@pytest.mark.parametrize(("text", "start", "due"), [
    ("3-7 June 2027", date(2027, 6, 3), date(2027, 6, 7)),
    ("3 - 7 June 2027", date(2027, 6, 3), date(2027, 6, 7)),
    ("1st-15th March 2013", date(2013, 3, 1), date(2013, 3, 15)),
    ("June to end of July 2027", date(2027, 6, 1), date(2027, 7, 31)),
    ("June - end July 2027", date(2027, 6, 1), date(2027, 7, 31)),
    ("June to end-July 2027", date(2027, 6, 1), date(2027, 7, 31)),
])
def test_ranges_inside_a_month_and_to_the_end_of_a_month(text, start, due):
    assert _read(text)[:3] == ([due], start, [])


@pytest.mark.parametrize("text", ["April - 31 May 2013", "1 April - 31 May 2013",
                                  "1st April to 31st May 2013"])
def test_a_range_to_a_day_of_a_later_month_is_a_range(text):
    # "April - 31" was once read as April 2031 and "1 April - 31" as a day with a stray year
    assert _read(text)[:3] == ([date(2013, 5, 31)], date(2013, 4, 1), [])


def test_a_year_left_after_a_day_and_month_is_still_refused():
    with pytest.raises(TimescaleError, match=r"'27 Oct-2012' is not a date"):
        parse_timescale("27 Oct-2012", P)


def test_a_range_of_days_that_goes_backwards_is_refused_naming_it():
    with pytest.raises(TimescaleError, match=r"'7-3 June 2027' ends \(03.06.27\) before it starts"):
        parse_timescale("7-3 June 2027", P)


def test_a_quarter_label_in_brackets_is_checked_against_the_month():
    dues, _, codes, ts = _read("June 2027 (Q1)")
    assert (dues, codes) == ([date(2027, 6, 30)], ["W122"])
    assert "'Q1'" in ts.warnings[0].message and "financial quarter 1" in ts.warnings[0].message
    with pytest.raises(TimescaleError, match=r"'Q3' in 'June 2027 \(Q3\)' does not match the date"):
        parse_timescale("June 2027 (Q3)", P)


@pytest.mark.parametrize(("text", "token"), [
    ("Report to LSCB 3 times by 27.10.12", "'3'"), ("By 27.10.12 and 2013", "'2013'"),
    ("By 27.10.12 (6 weeks)", "'6 weeks'"), ("Summer programme by 31.7.13", "'Summer'"),
    ("To be confirmed, by March 2013", "'March'"),
])
def test_a_token_the_reading_does_not_use_is_named_in_a_warning(text, token):
    ts = parse_timescale(text, P)
    assert any(w.code == "W122" and token in w.message for w in ts.warnings), ts.warnings


@pytest.mark.parametrize(("text", "token"), [
    ("From June 2013, 6 months", "'6 months'"), ("From June 2013 (2014)", "'2014'"),
    ("Ongoing, review in Q3", "'Q3'"), ("Quarterly from the letter", "'from the letter'"),
    ("By 27.10.12 following the revisit", "'following the revisit'"),
])
def test_a_token_that_may_be_the_deadline_of_a_reading_without_one_is_refused(text, token):
    with pytest.raises(TimescaleError, match=re.escape(token) + " in .* is not read"):
        parse_timescale(text, P)
