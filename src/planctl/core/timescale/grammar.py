"""The timescale grammar: its rules in the order they are tried, each with examples.

parse_timescale gives a timescale to each rule of RULES in turn (its whitespace made single
spaces). A rule whose form it is not gives None, and the next rule is tried; the first rule
that gives a reading, or raises TimescaleError, has read it. The last rule reads every
timescale the others leave, or says what it understood and what to write.

No part is left unread (issue 21): each rule gives the spans of the text it read, and every
date-bearing token outside them (a number, a month or season, a quarter, a period, an
event) is named in a W122 warning or the timescale is refused (unread.py says which). A
period counted from an event that is not the publication ("within 6 months of the letter")
counts from the plan's date of that name (`anchors`), or is to be confirmed (W125).

The examples are what each rule reads and gives, checked by tests/test_timescale_rules.py,
read as if the plan were published on 27 July 2012 (EXAMPLES_PUBLISHED, a Friday), with
England and Wales's bank holidays and no plan `year_starts:`. What each gives is written
as these parts, joined by "; ", with dates as day.month.yy:
    from D               the start: nothing is due before D
    due D (words), D     the deadlines, each with the words around it, if any
    repeat NAME          recurring (as if `repeat:` were written)
    ongoing / tbc        marked ongoing / to be confirmed
    warns CODE           a warning says how an ambiguous form was read (W120, W121), names
                         a token not read (W122), says a written date beat a period
                         (W124) or that an event has no date (W125)
    error: TEXT          refused: the message says TEXT, and what to write instead
The forms in full: docs/plan-format.md ("Timescales"), and tests/test_timescale_rules.py's
cases.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date

from . import rules
from .model import Timescale, TimescaleError, quote
from .periods import UnknownEvent, normalise_anchors
from .rules import Anchors, Reading
from .unread import unread

# (stripped, published, calendar, year_starts, anchors) -> its Reading, or None: not its form
ReadRule = Callable[[str, date | None, str, str | None, Anchors], Reading | None]


class Rule:
    """One rule of the grammar: its name, the function that reads its form, its examples."""

    # A plain class: a named tuple costs milliseconds at import, on every run's cold path.
    __slots__ = ("name", "read", "examples")

    def __init__(self, name: str, read: ReadRule, examples: tuple[tuple[str, str], ...]) -> None:
        self.name = name
        self.read = read
        self.examples = examples  # (as written, what it gives)


EXAMPLES_PUBLISHED = date(2012, 7, 27)

RULES: tuple[Rule, ...] = (
    # One date, perhaps after "By", perhaps "ongoing" after it: the forms most plans write
    # most, read with one pattern. A wrong date is left to the later rules to explain.
    Rule("one date", rules.one_date, (
        ("By 27.10.12", "due 27.10.12"),
        ("2012-10-27", "due 27.10.12"),
        ("By 27 October 2012", "due 27.10.12"),
        ("June 2013", "due 30.6.13"),
        ("By 01.11.12 ongoing", "due 1.11.12; ongoing"),
    )),
    # Refusals before any reading: nothing written, or digits other than 0-9.
    Rule("empty", rules.empty, (
        ("", "error: the timescale is empty"),
        ("   ", "error: the timescale is empty"),
    )),
    Rule("other digits", rules.other_digits, (
        ("By ٢٧.١٠.١٢", "error: '٢٧.١٠.١٢' is written with digits other than 0-9"),
        ("27 October ２０１２", "error: '２０１２' is written with digits other than 0-9"),
    )),
    # Not decided yet: no date, and not overdue.
    Rule("to be confirmed", rules.to_be_confirmed, (
        ("TBC", "tbc"),
        ("tba", "tbc"),
        ("To be agreed with partners", "tbc"),
    )),
    # Due on the day of publication.
    Rule("immediate", rules.immediate, (
        ("Immediate", "due 27.7.12"),
        ("With immediate effect", "due 27.7.12"),
        ("now", "due 27.7.12"),
    )),
    # A period after publication, the whole timescale; working days skip weekends and the
    # plan's `calendar:` bank holidays.
    Rule("within a period", rules.within_a_period, (
        ("within 3 months", "due 27.10.12"),
        ("within twenty-one days", "due 17.8.12"),
        ("Within 6 weeks of publication", "due 7.9.12"),
        ("within 40 working days of publication", "due 24.9.12"),
        ("20 working days from publication", "due 24.8.12"),
        ("within 3 working weeks", "error: count working days, or weeks"),
        # An event other than the publication: the plan's date of that name, or unknown.
        ("within 6 months of the letter", "tbc; warns W125"),
        ("within 3 months of the revisit", "tbc; warns W125"),
        ("within 6 months of publication of the report", "due 27.1.13"),
    )),
    # A year and nothing else: its last day, if the words say so.
    Rule("a year alone", rules.a_year_alone, (
        ("end of 2013", "due 31.12.13"),
        ("During 2013", "due 31.12.13"),
        ("by 2014", "error: could mean before 2014 begins or by the end of 2014"),
    )),
    # A rhythm ("Quarterly", "every 6 weeks", "on a monthly basis"): the first date is the
    # one written, or one period after the start, or after publication.
    Rule("recurring", rules.recurring, (
        ("Quarterly", "due 27.10.12; repeat quarterly"),
        ("Quarterly report to CPC", "due 27.10.12 (report to CPC); repeat quarterly"),
        ("every six weeks", "due 7.9.12; repeat every-6-weeks"),
        ("termly", "due 31.12.12; repeat termly"),
        ("Quarterly, first by 31.12.12", "due 31.12.12 (first); repeat quarterly"),
        ("Monthly from October 2012",
         "from 1.10.12; due 1.11.12 (from October 2012); repeat monthly; warns W120"),
        ("Within 6 months, then quarterly", "due 27.1.13; repeat quarterly"),
        ("bi-monthly", "error: 'bi-monthly' in 'bi-monthly' is ambiguous"),
        ("Monthly until March 2013", "error: recurs until a date"),
        ("Quarterly from the letter", "error: 'from the letter' in 'Quarterly from the letter' is not read"),
        ("Quarterly by 31.12.12 and 31.3.13", "error: recurs but has 2 dates"),
    )),
    # Everything else: the dated things in the words (days, months, quarters, seasons,
    # terms, financial and academic years, days or months with no year), read as ranges,
    # starts and deadlines in order.
    Rule("dates", rules.dates, (
        ("April – June 2013", "from 1.4.13; due 30.6.13"),
        ("From June 2013", "from 1.6.13"),
        ("Sept 2012 onwards", "from 1.9.12"),
        ("Initial report by 27.10.12, with follow up by 27.3.13",
         "due 27.10.12 (Initial report), 27.3.13 (with follow up)"),
        ("Initial report within 3 months, final report by 31.3.13",
         "due 27.10.12 (Initial report), 31.3.13 (final report)"),
        ("3 rd March 2014", "due 3.3.14"),
        ("by 30 November", "due 30.11.12"),
        ("by 29 February", "due 29.2.16; warns W121"),
        ("Q3 2013/14", "due 31.12.13"),
        ("2013/14", "due 31.3.14; warns W120"),
        ("Spring term 2014", "due 31.3.14; warns W120"),
        ("ongoing", "ongoing"),
        ("By 1.1.0000", "error: the year 0000 is not a year of a plan"),
        ("June 2013 - April 2013", "error: ends (30.04.13) before it starts (01.06.13)"),
        ("By the next LSCB meeting", "error: no date in timescale 'By the next LSCB meeting'"),
        # Issue 21: every date-bearing token is read, or named in a warning, or refused.
        ("2026/27 Q2", "due 30.9.26"),
        ("Step 4 June 2027", "due 30.6.27 (Step 4); warns W122"),
        ("3-7 June 2027", "from 3.6.27; due 7.6.27"),
        ("June - end July 2027", "from 1.6.27; due 31.7.27"),
        ("September and October 2026", "from 1.9.26; due 31.10.26; warns W120"),
        ("for 12 months from May 2025", "from 1.5.25; due 30.4.26; warns W120"),
        ("within 6 weeks of 1.4.13", "due 13.5.13"),
        ("within 6 months (by July 2027)", "due 31.7.27; warns W124"),
        ("June 2027 (Q1)", "due 30.6.27; warns W122"),
        ("Report to LSCB 3 times by 27.10.12", "due 27.10.12 (Report to LSCB 3 times); warns W122"),
        ("June 2027 (Q3)", "error: 'Q3' in 'June 2027 (Q3)' does not match the date"),
        ("From June 2013, 6 months", "error: '6 months' in 'From June 2013, 6 months' is not read"),
        ("within 6 weeks of quarter 2 publication", "error: cannot tell what 'within 6 weeks' counts from"),
    )),
)


def read_timescale(text: str, published: date | None, calendar: str, year_starts: str | None,
                   table: tuple[Rule, ...] = RULES, anchors: Mapping[str, date] | None = None
                   ) -> tuple[str, Timescale]:
    """(the name of the rule that read `text`, what it gives); its TimescaleError names
    the rule that refused it."""
    return read(text, published, calendar, year_starts, table, normalise_anchors(anchors))[:2]


def read(text: str, published: date | None, calendar: str, year_starts: str | None,
         table: tuple[Rule, ...] = RULES, anchors: Anchors = ()
         ) -> tuple[str, Timescale, tuple[tuple[int, int], ...]]:
    """read_timescale's answer and the spans of the stripped text the rule read (the audit
    names every date-bearing token outside them: tests/test_timescale_tokens.py)."""
    stripped = " ".join(text.split())
    for rule in table:
        try:
            reading = rule.read(stripped, published, calendar, year_starts, anchors)
            if reading is not None:
                timescale, used = reading
                if used != ((0, len(stripped)),):  # the common forms are read whole
                    timescale = unread(stripped, used, timescale)
                return rule.name, timescale, used
        except UnknownEvent as event:  # counted from an event the plan does not date
            return rule.name, Timescale(stripped, tbc=True, warnings=(event.warning,)), ((0, len(stripped)),)
        except TimescaleError as exc:
            exc.rule = rule.name
            raise
        except (OverflowError, ValueError):  # date arithmetic past the year 9999
            error = TimescaleError(f"{quote(stripped)} is too far in the future")
            error.rule = rule.name
            raise error from None
    raise AssertionError("the last rule reads every timescale or refuses it")


def parse_timescale(text: str, published: date | None = None, *,
                    calendar: str = "england-and-wales", year_starts: str | None = None,
                    anchors: Mapping[str, date] | None = None) -> Timescale:
    """Read a timescale. `published` anchors the relative forms ("Immediate", "within 3 months",
    "by 30 November", "Quarterly"); `calendar` names the bank holidays of working days;
    `year_starts` (april, september; None: april, with a warning) reads a bare "2013/14";
    `anchors` are the plan's named dates, keyed by event name ("letter", "plan accepted"),
    that "within 6 months of the letter" counts from (periods.event_key matches them)."""
    return _parse(text, published, calendar, year_starts, normalise_anchors(anchors))


@functools.lru_cache(maxsize=4096)  # plans repeat their timescales; a Timescale is immutable
def _parse(text: str, published: date | None, calendar: str, year_starts: str | None,
           anchors: Anchors) -> Timescale:
    return read(text, published, calendar, year_starts, RULES, anchors)[1]


def _uncached(text: str, published: date | None = None, *, calendar: str = "england-and-wales",
              year_starts: str | None = None, anchors: Mapping[str, date] | None = None) -> Timescale:
    return read(text, published, calendar, year_starts, RULES, normalise_anchors(anchors))[1]


# parse_timescale.__wrapped__ reads without the cache, as when it was lru_cache's own
# (tests/test_speed_cold.py times and compares the uncached path).
setattr(parse_timescale, "__wrapped__", _uncached)  # noqa: B010


def _simple(stripped: str) -> Timescale | None:
    """The first rule alone, the shortcut (tests/test_speed_cold.py)."""
    reading = rules.one_date(stripped, None, "england-and-wales", None, ())
    return reading[0] if reading is not None else None


def _general(stripped: str, published: date | None, calendar: str,
             year_starts: str | None) -> Timescale:
    """What the rules after the shortcut read: the shortcut must give the same
    (tests/test_speed_cold.py)."""
    return read(stripped, published, calendar, year_starts, RULES[1:])[1]
