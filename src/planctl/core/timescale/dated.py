"""The dated things of a timescale read as a start and deadlines: which are ranges ("April -
June 2013"), which are starts ("From June 2013"), which are deadlines, in order; and
"within N months" inside longer words."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import NamedTuple

from .dates import MAX_WORKING_DAYS, add_months, add_period, add_working_days
from .items import Item, Yearless, find_items, resolve
from .model import ACCEPTED_FORMS, Deadline, TimescaleError, TimescaleWarning, needs_published, quote
from .patterns import PATTERNS, number


class Dates(NamedTuple):
    start: date | None
    deadlines: list[Deadline]
    ends_until: bool  # a deadline came after "until": how a recurrence's end is written
    warnings: list[TimescaleWarning]


@functools.lru_cache(maxsize=1024)  # the words around dates repeat ("By ", "First report by ")
def label(fragment: str) -> str:
    """The words around a date, without the date's own words ("Initial report" of "Initial report by")."""
    return PATTERNS.label_trim.sub("", fragment).strip()


def within_due(within: re.Match[str], stripped: str, published: date | None, calendar: str) -> date:
    """The due date of a PATTERNS.within or within_any match, counted from publication."""
    anchor = needs_published(stripped, published, "relative to publication")
    count = number(within["n"])
    unit = within["unit"].lower()
    if within["working"]:
        if unit != "day":
            raise TimescaleError(f"{quote(stripped)}: count working days, or weeks; "
                                 f"write e.g. 'within 40 working days'; {ACCEPTED_FORMS}")
        if count > MAX_WORKING_DAYS:
            raise TimescaleError(f"{quote(stripped)} is too far in the future")
        return add_working_days(anchor, count, calendar)
    return add_period(anchor, count, unit)


def read_dates(stripped: str, body: str, published: date | None, calendar: str,
               year_starts: str | None) -> Dates:
    """The start and deadlines of `body`: `stripped` with its recurring words blanked."""
    items = _items(stripped, body, published, calendar, year_starts)
    warnings = [TimescaleWarning("W120", it.note) for it in items if isinstance(it, Item) and it.note]
    start, deadlines, ends_until = _arrange(items, body, published, stripped, warnings)
    for earlier, later in zip(deadlines, deadlines[1:], strict=False):
        if later.due < earlier.due:
            raise TimescaleError(
                f"the dates in {quote(stripped)} go backwards ({later.due:%d.%m.%y} after "
                f"{earlier.due:%d.%m.%y}); milestones must be in order"
            )
    if start is not None and deadlines and deadlines[0].due < start:
        raise TimescaleError(f"{quote(stripped)} starts ({start:%d.%m.%y}) after it is due "
                             f"({deadlines[0].due:%d.%m.%y}); write the start first")
    return Dates(start, deadlines, ends_until, warnings)


def _items(stripped: str, body: str, published: date | None, calendar: str,
           year_starts: str | None) -> list[Item | Yearless]:
    """The dated things and the "within N months" of `body`, in order; an error if digits
    that look like a date are left over."""
    items = find_items(body, year_starts)
    for w in PATTERNS.within_any.finditer(body):  # "Within 6 months, then quarterly"
        if not any(it.start < w.end() and w.start() < it.end for it in items):
            due = within_due(w, stripped, published, calendar)
            items.append(Item(w.start(), w.end(), due, due))
    items.sort(key=lambda it: it.start)
    cuts = [0] + [x for it in items for x in (it.start, it.end)] + [len(body)]
    leftover = " ".join(body[cuts[k]: cuts[k + 1]] for k in range(0, len(cuts), 2))
    near = PATTERNS.near_date.search(leftover)
    if near:
        raise TimescaleError(f"{near.group(0)!r} in {quote(stripped)} is not a date; {ACCEPTED_FORMS}")
    return items


def _arrange(items: list[Item | Yearless], body: str, published: date | None, stripped: str,
             warnings: list[TimescaleWarning]) -> tuple[date | None, list[Deadline], bool]:
    """Which items are starts, which are the two ends of a range, which are deadlines:
    (start, deadlines, whether a deadline came after "until")."""
    start: date | None = None
    deadlines: list[Deadline] = []
    ends_until = False
    i = previous_end = 0
    while i < len(items):
        it = items[i]
        before = body[previous_end: it.start]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is not None and _is_range(body, it, nxt, before):
            first, last = _resolve_pair(it, nxt, published, stripped, warnings)
            if start is not None:
                raise TimescaleError(f"{quote(stripped)} has two starts; write one range")
            start = first.first
            deadlines.append(Deadline(last.last, label(before)))
            previous_end, i = nxt.end, i + 2
            continue
        dated = it if isinstance(it, Item) else _resolve_alone(it, published, stripped, warnings)
        if _is_start(body, it, before):
            if start is not None:
                raise TimescaleError(f"{quote(stripped)} has two starts; write one")
            start = dated.first
        else:
            ends_until = ends_until or bool(PATTERNS.until_words.search(before))
            deadlines.append(Deadline(dated.last, label(before)))
        previous_end, i = it.end, i + 1
    return start, deadlines, ends_until


def _is_range(body: str, it: Item | Yearless, nxt: Item | Yearless, before: str) -> bool:
    between = body[it.end: nxt.start]
    return bool(PATTERNS.range_between.match(between)) and (
        between.strip().lower() != "and" or bool(re.search(r"\bbetween\s*$", before, re.I)))


def _is_start(body: str, it: Item | Yearless, before: str) -> bool:
    return bool(PATTERNS.start_words.search(before)) or bool(
        re.match(r"\s*,?\s*(?:and\s+)?on(?:-|\s)?wards?\b", body[it.end: it.end + 20], re.I))


def _resolve_alone(it: Yearless, published: date | None, stripped: str,
                   warnings: list[TimescaleWarning]) -> Item:
    anchor = needs_published(stripped, published, "a date with no year, read as the first such "
                             "date after publication")
    dated = resolve(it, anchor, stripped)
    if dated.last > add_months(anchor, 12):
        warnings.append(TimescaleWarning(
            "W121", f"{stripped!r} has no year; the first such date after publication is "
                    f"{dated.last:%d %B %Y}, more than 12 months away; write the year"))
    return dated


def _resolve_pair(a: Item | Yearless, b: Item | Yearless, published: date | None, stripped: str,
                  warnings: list[TimescaleWarning]) -> tuple[Item, Item]:
    """The two ends of a range, each given a year if it has none."""
    if isinstance(a, Yearless):
        if isinstance(b, Yearless):
            a = _resolve_alone(a, published, stripped, warnings)
        else:  # "April - June 2013": the start takes the end's year
            year = b.first.year - ((a.month, a.day) > (b.first.month, b.first.day))
            a = resolve(a, date(year, 1, 1), stripped)
    if isinstance(b, Yearless):  # "From September 2013 to March": the first such end after the start
        b = resolve(b, a.first, stripped)
    if b.last < a.first:
        raise TimescaleError(f"{quote(stripped)} ends ({b.last:%d.%m.%y}) before it starts "
                             f"({a.first:%d.%m.%y})")
    return a, b
