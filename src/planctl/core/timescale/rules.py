"""The rules of the timescale grammar, one function each, tried in grammar.RULES's order.

Each reads `stripped` (the timescale, its whitespace made single spaces) and gives its
Reading: the Timescale and the spans of `stripped` it read (grammar's audit names every
date-bearing token outside them: unread.py); or None when the form is not its own, and the
next rule is tried; or raises TimescaleError when the form is its own but cannot be read.
`anchors` are the plan's named dates (periods.normalise_anchors).
"""

from __future__ import annotations

import re
from datetime import date

from .dated import Dates, label, read_dates
from .dates import month_end
from .model import (
    ACCEPTED_FORMS,
    Deadline,
    Timescale,
    TimescaleError,
    TimescaleWarning,
    needs_published,
    quote,
)
from .patterns import MONTH_RE, MONTHS, NUM_RE, PATTERNS
from .periods import within_due
from .repeats import one_period_after, recurring_name
from .written import make_date, refuse_other_digits, year_of

Anchors = tuple[tuple[str, date], ...]
Reading = tuple[Timescale, tuple[tuple[int, int], ...]]


def one_date(stripped: str, published: date | None, calendar: str,
             year_starts: str | None, anchors: Anchors) -> Reading | None:
    """The forms most plans write most, read with one pattern (PATTERNS.simple). It gives
    exactly what the later rules give (tests/test_speed_cold.py checks that on generated
    text) and leaves anything else, or anything wrong, to them."""
    m = PATTERNS.simple.fullmatch(stripped)
    if m is None:
        return None
    try:
        if m["iso_y"]:
            due = make_date(year_of(m["iso_y"], stripped), int(m["iso_m"]), int(m["iso_d"]),
                            stripped, swappable=False)
        elif m["num_y"]:
            due = make_date(year_of(m["num_y"], stripped), int(m["num_m"]), int(m["num_d"]), stripped)
        else:
            year, month = year_of(m["name_y"], stripped), MONTHS[m["name_m"].lower()]
            due = (make_date(year, month, int(m["name_d"]), stripped) if m["name_d"]
                   else month_end(year, month))  # a month: due on its last day
    except TimescaleError:
        return None  # the later rules say what is wrong, in their words
    return (Timescale(stripped, (Deadline(due, label(m["by"] or "")),), ongoing=bool(m["ongoing"])),
            ((0, len(stripped)),))


def empty(stripped: str, published: date | None, calendar: str,
          year_starts: str | None, anchors: Anchors) -> Reading | None:
    if not stripped:
        raise TimescaleError(f"the timescale is empty; {ACCEPTED_FORMS}")
    return None


def other_digits(stripped: str, published: date | None, calendar: str,
                 year_starts: str | None, anchors: Anchors) -> Reading | None:
    refuse_other_digits(stripped)
    return None


def to_be_confirmed(stripped: str, published: date | None, calendar: str,
                    year_starts: str | None, anchors: Anchors) -> Reading | None:
    m = PATTERNS.tbc.match(stripped)
    if m is None:
        return None
    # "To be confirmed, by March 2013": the words after the verb are not read
    return Timescale(stripped, tbc=True), ((0, m.end(2) if m.group(2) else len(stripped)),)


def immediate(stripped: str, published: date | None, calendar: str,
              year_starts: str | None, anchors: Anchors) -> Reading | None:
    if not PATTERNS.immediate.match(stripped):
        return None
    anchor = needs_published(stripped, published, "relative to publication")
    return Timescale(stripped, (Deadline(anchor, ""),)), ((0, len(stripped)),)


def within_a_period(stripped: str, published: date | None, calendar: str,
                    year_starts: str | None, anchors: Anchors) -> Reading | None:
    within = PATTERNS.within.match(stripped)
    # "6 months" alone does not say from when: the later rules explain that
    if not within or not (within["of"] or stripped.lower().startswith(("within", "in ", "to be"))):
        return None
    if within["event"] and PATTERNS.tokens.search(within["event"]):
        return None  # "within 6 weeks of 1 April 2013": a period of a date, the dates rule's
    due = within_due(within, stripped, published, calendar, anchors)
    return Timescale(stripped, (Deadline(due, ""),)), ((0, len(stripped)),)


def a_year_alone(stripped: str, published: date | None, calendar: str,
                 year_starts: str | None, anchors: Anchors) -> Reading | None:
    year_alone = PATTERNS.year_alone.match(stripped)
    if not year_alone:
        return None
    year = year_of(year_alone["y"], stripped)
    words = " ".join(year_alone["words"].lower().split())
    if words.endswith(("end of", "close of", "during", "in", "within")):
        return Timescale(stripped, (Deadline(date(year, 12, 31), ""),)), ((0, len(stripped)),)
    raise TimescaleError(
        f"{quote(stripped)} could mean before {year} begins or by the end of {year}; "
        f"write 'by end of {year}' (31.12.{str(year)[2:]}) or 'by 31.12.{str(year - 1)[2:]}'")


def recurring(stripped: str, published: date | None, calendar: str,
              year_starts: str | None, anchors: Anchors) -> Reading | None:
    found = PATTERNS.recurring.search(stripped)
    if not found:
        return None
    if found["ambiguous"]:
        raise TimescaleError(
            f"{quote(found.group(0))} in {quote(stripped)} is ambiguous (twice a "
            "period, or every second one?); write e.g. 'every 2 months' or 'every 2 weeks'")
    repeat = recurring_name(found)
    if repeat is None:
        raise TimescaleError(f"{quote(found.group(0))} in {quote(stripped)} is not a "
                             "rhythm planctl can count; write e.g. 'monthly', 'every 6 weeks', "
                             "'quarterly', 'termly' or 'annually'")
    # The recurring words are read; the rest may still hold a first date or a start.
    body = stripped[: found.start()] + " " * len(found.group(0)) + stripped[found.end():]
    dates = read_dates(stripped, body, published, calendar, year_starts, anchors)
    return _recurring(stripped, body, repeat, dates, published), (found.span(), *dates[4])


def _recurring(stripped: str, body: str, repeat: str, dates: Dates,
               published: date | None) -> Timescale:
    """A recurring timescale from its repeat and the dates in its other words."""
    start, deadlines, ends_until, warnings, _ = dates
    if ends_until:
        raise TimescaleError(
            f"{quote(stripped)} recurs until a date; planctl keeps a recurring action open until "
            "its status is completed: write the first date ('Quarterly, first by 31.12.12') and "
            "complete it when it ends")
    if len(deadlines) > 1:
        raise TimescaleError(f"{quote(stripped)} recurs but has {len(deadlines)} dates; write "
                             "the first one only ('Quarterly, first by 31.12.12')")
    words = deadlines[0].label if deadlines else label(body)
    if deadlines:
        first = deadlines[0].due
    elif start is not None:
        first = one_period_after(start, repeat)
        warnings.append(TimescaleWarning(
            "W120", f"read {stripped!r} as first due {first:%d %B %Y}, one period after the "
                    f"start ({start:%d %B %Y}); write 'first by DATE' to say otherwise"))
    else:
        anchor = needs_published(stripped, published, "recurring with no first date, counted "
                                 "from publication")
        first = one_period_after(anchor, repeat)
    return Timescale(stripped, (Deadline(first, words),), ongoing=bool(PATTERNS.ongoing.search(stripped)),
                     start=start, repeat=repeat, warnings=tuple(warnings))


def dates(stripped: str, published: date | None, calendar: str,
          year_starts: str | None, anchors: Anchors) -> Reading | None:
    start, deadlines, _, warnings, used = read_dates(stripped, stripped, published, calendar, year_starts,
                                                     anchors)
    ongoing = PATTERNS.ongoing.search(stripped)
    if not deadlines and start is None and not ongoing:
        raise TimescaleError(_no_date(stripped, published))
    return (Timescale(stripped, tuple(deadlines), ongoing=bool(ongoing), start=start,
                      warnings=tuple(warnings)),
            (*used, *([ongoing.span()] if ongoing else [])))


def _no_date(stripped: str, published: date | None) -> str:
    """The error for a timescale with no date: what was understood, and the nearest form."""
    hint = _hint(stripped, published)
    return (f"no date in timescale {quote(stripped)}" + (f": {hint}" if hint else "")
            + f"; write a date ('By 27.10.12'), a recurring form ('Quarterly'), 'ongoing' or "
              f"'TBC'; {ACCEPTED_FORMS}")


def _hint(stripped: str, published: date | None) -> str:
    low = stripped.lower()
    month = re.search(rf"\b({MONTH_RE})\b", low)
    season = re.search(r"\b(spring|summer|autumn|winter)\b", low)
    units = re.search(rf"\b({NUM_RE})\s+((?:working\s+)?(?:day|week|month|year))s?\b", low)
    if season:
        year = (published.year if published else 2013)
        return (f"it names the {season[1]} but no year; write e.g. "
                f"'{season[1].capitalize()} term {year}' or '{season[1].capitalize()} {year}'")
    if re.search(r"\bterm\b", low):
        return "it names a term but not which; write e.g. 'Autumn term 2013'"
    if re.search(r"\b(q[1-4]|quarter\s*[1-4]?)\b", low):
        return "it names a quarter but no year; write e.g. 'Q3 2013/14' (financial quarters)"
    if units:
        return (f"it gives {units[1]} {units[2]}s but not from when; write e.g. "
                f"'within {units[1]} {units[2]}s of publication'")
    if month:
        name = month[1].capitalize()
        return f"it names {name} but no date; write e.g. 'by the end of {name}'"
    return ""
