"""A date as written: read day-first (UK), its year checked, in 0-9 digits only; and
parse_date, which reads one date and nothing else."""

from __future__ import annotations

import re
from datetime import date

from .dates import MAX_YEAR, MIN_YEAR, days_in_month, month_end
from .model import ACCEPTED_FORMS, DATE_FORMS, DAY_FORMS, TimescaleError, quote
from .patterns import MONTH_NAMES, MONTHS, PATTERNS


def year_of(written_year: str, written: str) -> int:
    """A year as written: two digits are 20xx; four digits are that year, in 1990-2100."""
    digits = written_year.lstrip("'")
    if len(digits) == 2:
        return 2000 + int(digits)
    year = int(digits)
    if len(digits) != 4 or not MIN_YEAR <= year <= MAX_YEAR:
        raise TimescaleError(
            f"{quote(written)} is not a date: the year {digits} is not a year of a plan "
            f"(write four digits between {MIN_YEAR} and {MAX_YEAR}, or two); {ACCEPTED_FORMS}")
    return year


def make_date(year: int, month: int, day: int, written: str, forms: str = ACCEPTED_FORMS,
              swappable: bool = True) -> date:
    """`swappable`: the form could be month-first (27/10/2012 can; ISO 2012-10-27 cannot)."""
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


def match_to_date(m: re.Match[str]) -> date:
    """The date of a PATTERNS.date match: the day, or the month's last day."""
    return match_span(m)[1]


def match_span(m: re.Match[str]) -> tuple[date, date]:
    """(first day, last day) of a PATTERNS.date match: equal for a day, a month's span else."""
    written = m.group(0)
    if m.group("iso_y"):
        day = make_date(year_of(m["iso_y"], written), int(m["iso_m"]), int(m["iso_d"]), written,
                        swappable=False)
        return day, day
    if m.group("dr_d1"):  # "3-7 June 2027": a range of days in one month
        month, year = MONTHS[m["dr_m"].lower()], year_of(m["dr_y"], written)
        first = make_date(year, month, int(m["dr_d1"]), written)
        last = make_date(year, month, int(m["dr_d2"]), written)
        if last < first:
            raise TimescaleError(f"{quote(written)} ends ({last:%d.%m.%y}) before it starts "
                                 f"({first:%d.%m.%y})")
        return first, last
    if m.group("num_d"):
        day = make_date(year_of(m["num_y"], written), int(m["num_m"]), int(m["num_d"]), written)
        return day, day
    if m.group("name_d"):
        month = MONTHS[m["name_m"].lower()]
        day = make_date(year_of(m["name_y"], written), month, int(m["name_d"]), written)
        return day, day
    month = MONTHS[m["mon_m"].lower()]
    year = year_of(m["mon_y"], written)
    return date(year, month, 1), month_end(year, month)


def refuse_other_digits(text: str) -> None:
    """Only 0-9 make dates: a date in other digits (Arabic-Indic, full-width) is refused."""
    if text.isascii():
        return
    for word in text.split():
        if any(ch.isdigit() and not ch.isascii() for ch in word):
            raise TimescaleError(f"{quote(word)} is written with digits other than 0-9; "
                                 f"write dates with 0-9; {ACCEPTED_FORMS}")


def parse_date(text: str) -> date:
    """One date in any accepted form, and nothing else (for --today, completed:, updates)."""
    try:
        return _parse_date(text)
    except TimescaleError as exc:  # one date: list the date forms only
        raise TimescaleError(str(exc).replace(ACCEPTED_FORMS, DATE_FORMS)) from None


def parse_day(text: str) -> date:
    """One day on which something happened (a meeting, a completion, a sign-off): a month
    alone ("October 2012") is refused, not read as its last day, which would be a guess."""
    try:
        day = parse_date(text)
    except TimescaleError as exc:  # offer only the forms that name one day
        raise TimescaleError(str(exc).replace(DATE_FORMS, DAY_FORMS)) from None
    m = PATTERNS.date.fullmatch(text.strip())
    if m is not None and m["mon_m"]:
        raise TimescaleError(f"{quote(text.strip())} is a month, not one day; give the day "
                             f"(e.g. {day.day:d}.{day.month:d}.{day.year:d} if it was the last)")
    return day


def date_or_none(text: str) -> date | None:
    """parse_date's date, or None when the text is not one date (a revision, a title)."""
    try:
        return parse_date(text)
    except TimescaleError:
        return None


def _parse_date(text: str) -> date:
    written = text.strip()
    refuse_other_digits(written)
    if len(written) == 10 and written[4] == "-" and written[7] == "-" and written[0] in "12":
        try:  # the common ISO case, without compiling the patterns
            day = date.fromisoformat(written)
        except ValueError:
            pass  # the patterns say precisely what is wrong
        else:
            if MIN_YEAR <= day.year <= MAX_YEAR:
                return day
    m = PATTERNS.date.fullmatch(written)
    # A month with a two-digit year ("Oct 12") is a timescale, not one date: 12 October?
    if m is None or m.group("dr_d1") or (m.group("mon_y") and len(m["mon_y"].lstrip("'")) == 2):
        raise TimescaleError(f"{quote(text.strip())} is not a date; {DATE_FORMS}")
    return match_to_date(m)
