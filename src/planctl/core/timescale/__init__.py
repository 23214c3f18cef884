"""Timescales as councils write them ("By 27.10.12", "Immediate", "Q3 2013/14") -> deadlines.

Pure: no clock, no I/O. Dates are always read day-first (UK); a month-first
date is an error, never a guess. Where a careful reader would have to ask how a
form is meant, the parser reads it one documented way and returns a warning
(TimescaleWarning, data: the loader locates it); where no careful reading
exists it raises TimescaleError saying what it understood and what to write.
The rules, in order and with examples, are grammar.RULES; the forms in full are
in docs/plan-format.md ("Timescales").

    patterns  the words and regular expressions
    model     Timescale, Deadline, TimescaleWarning, TimescaleError
    dates     calendar arithmetic, school terms, working days
    written   a date as written; parse_date (one date, nothing else)
    repeats   recurring forms: names, steps, occurrences
    dated     the dated things in its words, read as a start, ranges and deadlines
    periods   what a period counts from: publication, an event the plan dates, a date
    rules     one function per grammar rule; each gives the spans it read
    unread    every date-bearing token outside those spans: a warning (W122) or refused
    grammar   the rules in order, with examples; parse_timescale
"""

import importlib
from typing import TYPE_CHECKING

from .dates import CALENDARS, MAX_YEAR, MIN_YEAR, add_period, add_working_days, days_in_month
from .model import ACCEPTED_FORMS, DATE_FORMS, Deadline, Timescale, TimescaleError, TimescaleWarning
from .patterns import MONTH_NAMES, MONTHS, PATTERNS
from .repeats import REPEATS, normalise_repeat, occurrence, repeat_step
from .written import date_or_none, match_to_date, parse_date, parse_day

if TYPE_CHECKING:
    from .dated import SEASON_END, TERM_END, YEAR_STARTS
    from .grammar import _general, _simple, parse_timescale

# The grammar (its rules, their patterns, the check of unread tokens) is imported when first
# asked for: a run served from the cache reads no timescale, and importing the grammar is
# about a tenth of a warm `planctl status` (python -X importtime).
_LAZY = {"parse_timescale": "grammar", "_general": "grammar", "_simple": "grammar",
         "SEASON_END": "dated", "TERM_END": "dated", "YEAR_STARTS": "dated"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


__all__ = [
    "ACCEPTED_FORMS",
    "CALENDARS",
    "DATE_FORMS",
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTHS",
    "MONTH_NAMES",
    "PATTERNS",
    "REPEATS",
    "SEASON_END",
    "TERM_END",
    "YEAR_STARTS",
    "Deadline",
    "Timescale",
    "TimescaleError",
    "TimescaleWarning",
    "_general",  # tests/test_speed_cold.py: the shortcut agrees with the general rules
    "_simple",
    "add_period",
    "add_working_days",
    "date_or_none",
    "days_in_month",
    "match_to_date",
    "normalise_repeat",
    "occurrence",
    "parse_date",
    "parse_day",
    "parse_timescale",
    "repeat_step",
]
