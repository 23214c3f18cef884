"""Calendar arithmetic: month lengths, adding periods, school terms, working days."""

from __future__ import annotations

import functools
from datetime import date, timedelta

# A year that is a plan's: anything else is a typo (1.1.0000, 0012-10-27), never a guess.
MIN_YEAR, MAX_YEAR = 1990, 2100

CALENDARS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}

TERM_ORDER = ((3, 31), (7, 31), (12, 31))  # school term ends within a calendar year

MAX_WORKING_DAYS = 2000  # about eight years: bounds the count on any input


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def month_end(year: int, month: int) -> date:
    return date(year, month, days_in_month(year, month))


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, clamped to the month's last day (31 January + 1 month is
    28 or 29 February), as councils count "within a month" and as dateutil's relativedelta
    adds months (tests/test_timescale.py compares the two). Written out because importing
    dateutil was 12% of `planctl status` on a plan with a quarterly action."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month + 1, min(start.day, days_in_month(year, month + 1)))


def add_period(start: date, n: int, unit: str) -> date:
    """start + n units; months clamp to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return start + timedelta(days=n)
    if unit == "week":
        return start + timedelta(weeks=n)
    if unit == "fortnight":
        return start + timedelta(weeks=2 * n)
    if unit == "month":
        return add_months(start, n)
    if unit == "year":
        return add_months(start, 12 * n)
    raise ValueError(unit)


def next_term_start(after: date) -> date:
    """The first start of a school term strictly after `after` (1 Jan, 1 Apr, 1 Sep)."""
    for month in (1, 4, 9):
        start = date(after.year, month, 1)
        if start > after:
            return start
    return date(after.year + 1, 1, 1)


def next_term_end(after: date) -> date:
    """The first end of a school term strictly after `after` (31 Mar, 31 Jul, 31 Dec)."""
    for month, day in TERM_ORDER:
        end = date(after.year, month, day)
        if end > after:
            return end
    return date(after.year + 1, 3, 31)


@functools.lru_cache(maxsize=8)
def _bank_holidays(calendar: str, first_year: int, last_year: int) -> frozenset[date]:
    import holidays  # only when a working-day timescale is read: plain runs stay fast

    found = holidays.country_holidays("GB", subdiv=CALENDARS[calendar],
                                      years=range(first_year, last_year + 1))
    return frozenset(found)


def add_working_days(start: date, n: int, calendar: str = "england-and-wales") -> date:
    """The n-th working day after `start`: Monday-Friday and not a bank holiday of `calendar`."""
    last_year = min(start.year + 2 + n // 200, 9999)
    closed = _bank_holidays(calendar, start.year, last_year)
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            counted += 1
    return day
