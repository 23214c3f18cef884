"""Timescales as councils write them ("By 27.10.12", "Immediate") -> deadlines.

Pure: no clock, no I/O. Dates are always read day-first (UK); a month-first
date is an error, never a guess.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

ACCEPTED_FORMS = (
    "accepted forms: 2012-10-27, 27.10.12, 27/10/2012, 27-10-2012, 27 October 2012, "
    "27th Oct 2012, October 2012, 'By 27.10.12', 'Immediate', 'within 3 months', "
    "'ongoing', 'TBC'"
)
# Where only a date will do (--today, --on, --as-of, completed:): no timescale words.
DATE_FORMS = (
    "accepted date forms: 2012-10-27, 27.10.12, 27/10/2012, 27-10-2012, 27 October 2012, "
    "27th Oct 2012, October 2012 (its last day)"
)

# English names whatever the locale: plans are written in English (and calendar's
# names follow the locale, and cost an import).
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MONTHS = {name: number for number in range(1, 13)
          for name in (MONTH_NAMES[number].lower(), MONTH_NAMES[number][:3].lower())}
MONTHS["sept"] = 9

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

class _Patterns:
    """The regular expressions, compiled on first use: a run that reads its plans from the
    cache, or is given an ISO --today, never parses a timescale."""

    @functools.cached_property
    def date(self) -> re.Pattern[str]:
        # One alternation, tried left to right at each position, so "27 Oct 2012" is one
        # date and not "Oct 2012" with a stray 27.
        return re.compile(
            rf"""
            (?<![\w.\/-])(?:
                (?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}})
              | (?P<num_d>\d{{1,2}})(?P<sep>[./-])(?P<num_m>\d{{1,2}})(?P=sep)(?P<num_y>\d{{4}}|\d{{2}})
              | (?P<name_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?
                (?P<name_m>{_MONTH_RE})\.?,?\s+(?P<name_y>\d{{4}})
              | (?P<mon_m>{_MONTH_RE})\.?\s+(?P<mon_y>\d{{4}})
            )(?![\w\/-]|\.\d)
            """,
            re.IGNORECASE | re.VERBOSE,
        )

    @functools.cached_property
    def near_date(self) -> re.Pattern[str]:
        # Looks like a date but matched none of the forms above (e.g. "10/27", "27.10").
        return re.compile(r"\d{1,4}\s*[./-]\s*\d{1,2}(?:\s*[./-]\s*\d{1,4})?")

    @functools.cached_property
    def within(self) -> re.Pattern[str]:
        return re.compile(
            r"^\s*within\s+(?P<n>\d{1,4}|one|two|three|four|six|twelve)\s+(?P<unit>day|week|month|year)s?\s*"
            r"(?:of\s+(?:publication|the\s+report|publication\s+of\s+the\s+report))?\s*$",
            re.IGNORECASE,
        )

    @functools.cached_property
    def immediate(self) -> re.Pattern[str]:
        return re.compile(r"^\s*(immediate(ly)?|with\s+immediate\s+effect|now)\s*$", re.I)

    @functools.cached_property
    def ongoing(self) -> re.Pattern[str]:
        return re.compile(r"\b(ongoing|on-going|continuous)\b", re.I)

    @functools.cached_property
    def tbc(self) -> re.Pattern[str]:
        return re.compile(r"^\s*(tbc|tba|to\s+be\s+(confirmed|agreed|decided)\b.*)\s*$", re.I)

    @functools.cached_property
    def label_trim(self) -> re.Pattern[str]:
        return re.compile(r"^[\s,;:&-]*(and\s+|then\s+)?|[\s,;:&(-]*(by|on|before|for)?[\s(]*$", re.I)


PATTERNS = _Patterns()
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}


def _quote(text: str, limit: int = 80) -> str:
    """A written value quoted for a message, cut short so a hostile value cannot flood it."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


class TimescaleError(ValueError):
    """A timescale that cannot be read; the message says why and what is accepted."""


@dataclass(frozen=True)
class Deadline:
    due: date
    label: str  # the words around the date, e.g. "Initial report"


@dataclass(frozen=True)
class Timescale:
    text: str  # as written, shown to people
    deadlines: tuple[Deadline, ...] = ()
    ongoing: bool = False
    tbc: bool = False

    @property
    def first_due(self) -> date | None:
        return self.deadlines[0].due if self.deadlines else None


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _make_date(year: int, month: int, day: int, written: str, forms: str = ACCEPTED_FORMS,
               swappable: bool = True) -> date:
    """`swappable`: the form could be month-first (27/10/2012 can; ISO 2012-10-27 cannot)."""
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        if swappable and 1 <= day <= 12 and 1 <= month <= days_in_month(year, day):
            # The one valid reading is month-first: name the date it would be, never pick it.
            raise TimescaleError(
                f"{written!r} is not a date: there is no month {month}; planctl reads dates "
                f"day-first (UK), so if {MONTH_NAMES[day]} {month} is meant, write "
                f"{month}.{day}.{year} ({month} {MONTH_NAMES[day]} {year}); {forms}"
            )
        raise TimescaleError(f"{written!r} is not a date: there is no month {month}; {forms}")
    if 1 <= day <= 28:  # every month has these days
        return date(year, month, day)
    last = days_in_month(year, month)
    if not 1 <= day <= last:
        raise TimescaleError(
            f"{written!r} is not a date: {MONTH_NAMES[month]} {year} has {last} days; " + forms
        )
    return date(year, month, day)


def _match_to_date(m: re.Match[str], forms: str = ACCEPTED_FORMS) -> date:
    written = m.group(0)
    if m.group("iso_y"):
        return _make_date(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]), written, forms,
                          swappable=False)
    if m.group("num_d"):
        return _make_date(int(m["num_y"]), int(m["num_m"]), int(m["num_d"]), written, forms)
    if m.group("name_d"):
        month = MONTHS[m["name_m"].lower()]
        return _make_date(int(m["name_y"]), month, int(m["name_d"]), written, forms)
    month = MONTHS[m["mon_m"].lower()]
    year = int(m["mon_y"])
    year += 2000 if year < 100 else 0  # as _make_date: "Oct 0012" must not be year 12 AD
    return date(year, month, days_in_month(year, month))


def parse_date(text: str) -> date:
    """One date in any accepted form, and nothing else (for --today, completed:, updates)."""
    written = text.strip()
    if len(written) == 10 and written[4] == "-" and written[7] == "-" and written[0] in "12":
        try:  # the common ISO case, without compiling the patterns
            return date.fromisoformat(written)
        except ValueError:
            pass  # the patterns say precisely what is wrong
    m = PATTERNS.date.fullmatch(written)
    if m is None:
        raise TimescaleError(f"{_quote(text.strip())} is not a date; {DATE_FORMS}")
    return _match_to_date(m, DATE_FORMS)


def _add_months(start: date, months: int) -> date:
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, days_in_month(year, month0 + 1))
    return date(year, month0 + 1, day)


def add_period(start: date, n: int, unit: str) -> date:
    """start + n units; months clamp to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return start + timedelta(days=n)
    if unit == "week":
        return start + timedelta(weeks=n)
    if unit == "month":
        return _add_months(start, n)
    if unit == "year":
        return _add_months(start, 12 * n)
    raise ValueError(unit)


def _label(fragment: str) -> str:
    return PATTERNS.label_trim.sub("", fragment).strip()


@functools.lru_cache(maxsize=4096)  # plans repeat their timescales; a Timescale is immutable
def parse_timescale(text: str, published: date | None = None) -> Timescale:
    """Read a timescale. `published` anchors "Immediate" and "within N months"."""
    stripped = " ".join(text.split())
    if not stripped:
        raise TimescaleError(f"the timescale is empty; {ACCEPTED_FORMS}")
    if PATTERNS.tbc.match(stripped):
        return Timescale(stripped, tbc=True)

    relative = PATTERNS.immediate.match(stripped) or PATTERNS.within.match(stripped)
    if relative:
        if published is None:
            raise TimescaleError(
                f"{_quote(stripped)} is relative to publication, but the plan has no "
                "plan.inspection.published date"
            )
        if relative.re is PATTERNS.immediate:
            return Timescale(stripped, (Deadline(published, ""),))
        n = relative["n"].lower()
        count = _WORD_NUMBERS.get(n) or int(n)
        try:
            due = add_period(published, count, relative["unit"])
        except (OverflowError, ValueError):  # past the year 9999
            raise TimescaleError(f"{_quote(stripped)} is too far in the future") from None
        return Timescale(stripped, (Deadline(due, ""),))

    deadlines: list[Deadline] = []
    previous_end = 0
    for m in PATTERNS.date.finditer(stripped):
        deadlines.append(Deadline(_match_to_date(m), _label(stripped[previous_end : m.start()])))
        previous_end = m.end()
    rest = PATTERNS.date.sub(" ", stripped)
    near = PATTERNS.near_date.search(rest)
    if near:
        raise TimescaleError(f"{near.group(0)!r} in {_quote(stripped)} is not a date; {ACCEPTED_FORMS}")
    ongoing = bool(PATTERNS.ongoing.search(stripped))
    if not deadlines and not ongoing:
        raise TimescaleError(f"no date in timescale {_quote(stripped)}; {ACCEPTED_FORMS}")
    for earlier, later in zip(deadlines, deadlines[1:], strict=False):
        if later.due < earlier.due:
            raise TimescaleError(
                f"the dates in {_quote(stripped)} go backwards ({later.due:%d.%m.%y} after "
                f"{earlier.due:%d.%m.%y}); milestones must be in order"
            )
    return Timescale(stripped, tuple(deadlines), ongoing=ongoing)
