"""Timescales as written in plans -> deadlines. Every timescale of the seed's Appendix 3."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planctl.core.timescale import TimescaleError, parse_date, parse_timescale

PUBLISHED = date(2012, 7, 27)

# Every timescale written in Appendix 3 of the seed report, verbatim.
SEED = [
    ("27.7.12", [date(2012, 7, 27)]),
    ("Report to SMT 27.10.12", [date(2012, 10, 27)]),
    ("Report to DMT & LSCB 27.2.13", [date(2013, 2, 27)]),
    ("Report to SCCN & LSCB by 27.10.12", [date(2012, 10, 27)]),
    ("By 14.9.12", [date(2012, 9, 14)]),
    ("By 27.10.12", [date(2012, 10, 27)]),
    ("By 27.1.13", [date(2013, 1, 27)]),
    ("By 27.3.13", [date(2013, 3, 27)]),
    ("By 27.3.12", [date(2012, 3, 27)]),
    ("By 30.9.12", [date(2012, 9, 30)]),
    ("By 1.1.13", [date(2013, 1, 1)]),
    ("First report by 31.12.12", [date(2012, 12, 31)]),
    ("By 01.11.12 ongoing", [date(2012, 11, 1)]),
    ("By 31.12.12", [date(2012, 12, 31)]),
    ("By 27.7.12", [date(2012, 7, 27)]),
    ("14.9.12", [date(2012, 9, 14)]),
    ("Initial report by 27.10.12, with follow up by 27.3.13", [date(2012, 10, 27), date(2013, 3, 27)]),
    ("Report to LSCB by 27.3.13", [date(2013, 3, 27)]),
    ("27.10.12", [date(2012, 10, 27)]),
    ("27.3.13", [date(2013, 3, 27)]),
    ("Immediate", [PUBLISHED]),
    ("By 31.3.13", [date(2013, 3, 31)]),
]

FORMS = [
    ("2012-10-27", [date(2012, 10, 27)]),
    ("27/10/2012", [date(2012, 10, 27)]),
    ("27-10-2012", [date(2012, 10, 27)]),
    ("27 October 2012", [date(2012, 10, 27)]),
    ("27th Oct 2012", [date(2012, 10, 27)]),
    ("1st of March 2013", [date(2013, 3, 1)]),
    ("October 2012", [date(2012, 10, 31)]),
    ("Feb 2012", [date(2012, 2, 29)]),
    ("within 3 months", [date(2012, 10, 27)]),
    ("Within 6 weeks of publication", [date(2012, 9, 7)]),
    ("within 10 days", [date(2012, 8, 6)]),
    ("10/11/12", [date(2012, 11, 10)]),  # day-first, never guessed otherwise
]


@pytest.mark.parametrize(("text", "dates"), SEED + FORMS)
def test_timescale_gives_its_deadlines(text, dates):
    ts = parse_timescale(text, PUBLISHED)
    assert [d.due for d in ts.deadlines] == dates
    assert ts.text == text  # shown to people as written


def test_several_dates_are_milestones_with_their_words():
    ts = parse_timescale("Initial report by 27.10.12, with follow up by 27.3.13", PUBLISHED)
    assert [d.label for d in ts.deadlines] == ["Initial report", "with follow up"]


def test_ongoing_after_a_date_keeps_the_date_and_marks_ongoing():
    ts = parse_timescale("By 01.11.12 ongoing", PUBLISHED)
    assert ts.ongoing and ts.first_due == date(2012, 11, 1)


def test_ongoing_alone_has_no_deadline():
    ts = parse_timescale("Ongoing", PUBLISHED)
    assert ts.ongoing and ts.deadlines == ()


@pytest.mark.parametrize("text", ["TBC", "tbc", "To be confirmed at the next LSCB"])
def test_to_be_confirmed_has_no_date(text):
    ts = parse_timescale(text, PUBLISHED)
    assert ts.tbc and ts.deadlines == ()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("31.9.12", "September 2012 has 30 days"),
        ("29.2.13", "February 2013 has 28 days"),
        ("10/27/12", "if October 27 is meant, write 27.10.2012 (27 October 2012)"),
        ("13/13/2012", "no month 13"),
        ("Report to the next LSCB meeting", "no date"),
        ("By 27.10", "'27.10'"),
        ("By 27.3.13 then 27.10.12", "go backwards"),
        ("", "empty"),
    ],
)
def test_unreadable_timescales_say_why_and_what_is_accepted(text, says):
    with pytest.raises(TimescaleError) as exc:
        parse_timescale(text, PUBLISHED)
    assert says in str(exc.value)
    if "backwards" not in says:
        assert "accepted forms: 2012-10-27, 27.10.12" in str(exc.value)


def test_month_first_error_suggests_the_day_first_spelling():
    with pytest.raises(TimescaleError, match=r"write 27\.10\.2012 \(27 October 2012\)"):
        parse_timescale("10/27/12", PUBLISHED)


def test_immediate_needs_a_publication_date():
    with pytest.raises(TimescaleError, match="plan.inspection.published"):
        parse_timescale("Immediate", None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2012-10-09", date(2012, 10, 9)), ("9.10.12", date(2012, 10, 9)),
     ("9 October 2012", date(2012, 10, 9)), (" 09/10/2012 ", date(2012, 10, 9))],
)
def test_parse_date_accepts_one_date_in_any_form(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["By 9.10.12", "yesterday", "2012-13-01", ""])
def test_parse_date_refuses_anything_else(text):
    with pytest.raises(TimescaleError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2012-13-01", "'2012-13-01' is not a date: there is no month 13;"),  # ISO is never swapped
        ("13.13.12", "there is no month 13;"),
        ("2.31.2013", "there is no month 31;"),  # month-first it is no date either
        ("Immediate", "'Immediate' is not a date;"),
        ("within 3 months", "is not a date;"),
    ],
)
def test_a_date_option_says_what_is_wrong_and_lists_only_date_forms(text, says):
    with pytest.raises(TimescaleError) as exc:
        parse_date(text)
    message = str(exc.value)
    assert says in message and "write" not in message
    assert message.endswith("accepted date forms: 2012-10-27, 27.10.12, 27/10/2012, 27-10-2012, "
                            "27 October 2012, 27th Oct 2012, October 2012 (its last day)")
    forms = message.split("; ")[-1]
    assert "Immediate" not in forms and "TBC" not in forms and "within" not in forms


def test_a_month_first_date_names_the_one_date_it_could_be():
    with pytest.raises(TimescaleError) as exc:
        parse_date("10/27/2012")
    assert "if October 27 is meant, write 27.10.2012 (27 October 2012)" in str(exc.value)


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(start=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
       months=st.integers(min_value=-200_000, max_value=200_000))
def test_months_are_added_as_dateutil_adds_them(start, months):
    """Month arithmetic (repeats, "within N months", financial years) is planctl's own,
    and must agree with dateutil's relativedelta everywhere, out-of-range years included."""
    from dateutil.relativedelta import relativedelta

    from planctl.core.timescale.dates import add_months

    try:
        expected = start + relativedelta(months=months)
    except (ValueError, OverflowError):
        with pytest.raises((ValueError, OverflowError)):
            add_months(start, months)
        return
    assert add_months(start, months) == expected
