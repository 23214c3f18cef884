"""Periods ("within 6 months") and what they count from: the inspection's publication, an
event the plan dates (`anchors`: the letter, the plan's acceptance ...), or a date written.

An event is matched by its name exactly (event_key: lowercase, single spaces, no leading
"the "), never by likeness: an event the plan does not date leaves the deadline to be
confirmed (UnknownEvent, W125), never counted from publication instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from .dates import MAX_WORKING_DAYS, add_period, add_working_days
from .model import ACCEPTED_FORMS, TimescaleError, TimescaleWarning, needs_published, quote
from .patterns import number

# The names (as event_key gives them) that mean the inspection report's publication.
# "inspection" is read so since 0.1 ("within two years of the inspection").
PUBLICATION = frozenset({
    "publication", "report", "inspection", "inspection report", "report publication",
    "publication of the report", "publication of report", "publication of the inspection report",
    "publication of inspection report", "report's publication", "report being published",
    "report's publication date", "publication date", "report date", "inspection report's publication",
})


def event_key(written: str) -> str:
    """An event's name as anchors are keyed: "The date of the Letter" -> "letter"."""
    words = " ".join(re.sub(r"[^\w\s'’-]", " ", written.lower()).split())
    for prefix in ("the ", "date of ", "the "):
        words = words.removeprefix(prefix)
    return words


def normalise_anchors(anchors: Mapping[str, date] | None) -> tuple[tuple[str, date], ...]:
    """The plan's named dates keyed by event_key, as a hashable tuple (the parse is cached)."""
    if not anchors:
        return ()
    return tuple(sorted((event_key(name), day) for name, day in anchors.items()))


class UnknownEvent(Exception):
    """A period counted from an event the plan gives no date for: the deadline is to be
    confirmed (grammar.read_timescale gives tbc with this warning)."""

    def __init__(self, warning: TimescaleWarning) -> None:
        super().__init__(warning.message)
        self.warning = warning


def counted_from(within: re.Match[str], stripped: str, published: date | None,
                 anchors: tuple[tuple[str, date], ...]) -> date:
    """The day a PATTERNS.within or within_any match counts from."""
    event = within["event"]
    if not event:
        return needs_published(stripped, published, "relative to publication")
    key = event_key(event)
    if key in PUBLICATION:
        return needs_published(stripped, published, "relative to publication")
    for name, day in anchors:
        if name == key:
            return day
    period = within.group(0)[within.start("n") - within.start(): within.start("of") - within.start()].strip()
    raise UnknownEvent(TimescaleWarning(
        "W125", f"{stripped!r} counts {period} from {event.strip()!r}, which is not the "
                f"inspection's publication and has no date in the plan: the deadline is to be "
                f"confirmed; give its date under plan dates: (e.g. dates: {{{key}: 2026-03-02}})"))


def within_due(within: re.Match[str], stripped: str, published: date | None, calendar: str,
               anchors: tuple[tuple[str, date], ...] = ()) -> date:
    """The due date of a PATTERNS.within or within_any match."""
    return count(within, counted_from(within, stripped, published, anchors), stripped, calendar)


def count(period: re.Match[str], anchor: date, stripped: str, calendar: str) -> date:
    """`anchor` plus the period of a match with groups n, working, unit."""
    n = number(period["n"])
    unit = period["unit"].lower()
    if period["working"]:
        if unit != "day":
            raise TimescaleError(f"{quote(stripped)}: count working days, or weeks; "
                                 f"write e.g. 'within 40 working days'; {ACCEPTED_FORMS}")
        if n > MAX_WORKING_DAYS:
            raise TimescaleError(f"{quote(stripped)} is too far in the future")
        return add_working_days(anchor, n, calendar)
    return add_period(anchor, n, unit)
