"""How the reader reads a plan's timescales and its named dates (`plan.dates:`).

A timescale counts from the inspection's publication or from a date the plan
names ("within 6 months of the letter"): parse_timescale_in reads every timescale
of a plan with both, for the reader and for edits alike. A timescale planctl
cannot read is a warning (W123), never an error: unreadable() says so, located.
"""

from __future__ import annotations

from datetime import date

import yaml

from ..core.model import Anchors, NamedDate
from ..core.timescale import ACCEPTED_FORMS, PATTERNS, Timescale, TimescaleError, parse_timescale
from .nodes import NodeReader, kind
from .yamlsafe import quoted


def parse_timescale_in(written: str, published: date | None, calendar: str,
                       year_starts: str | None, anchors: Anchors | None) -> Timescale:
    """parse_timescale with the plan's named dates as the anchors of "within 6 months of the
    letter" (one call for the reader and for edits, so both read a timescale alike)."""
    return parse_timescale(written, published, calendar=calendar, year_starts=year_starts,
                           anchors=anchors or None)


def normalise_event(name: str) -> str:
    """An event's name as plan.dates keys it and timescales look it up: lowercase words,
    single spaces, no leading "the" ("The  Letter" -> "letter")."""
    words = name.casefold().split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def unreadable(r: NodeReader, node: yaml.Node, what: str, exc: TimescaleError, meaning: str,
               sep: str = ": ") -> None:
    """W123: a timescale planctl cannot read. The plan still loads (one unclear timescale must
    not stop every command); `meaning` says what is taken instead, and the accepted forms
    say what to write. `check --strict` fails on it, as on every warning."""
    reason = str(exc).replace(f"; {ACCEPTED_FORMS}", "")
    r.warn(node, "W123", f"{what}{sep}{reason}; {meaning} until it is written in a form planctl "
           f"reads; {ACCEPTED_FORMS}")


def parse_start(written: str, published: date | None, calendar: str = "england-and-wales",
                year_starts: str | None = None, anchors: Anchors | None = None) -> date:
    """`start:` as written: "From June 2013" or "w/c 14.1.13" as a timescale reads it, and
    "1.6.13" or "June 2013" as "From ..." (a month starts on its first day; as a deadline it
    would be its last). Raises TimescaleError when it is not one start date."""
    for form in (written, f"From {written}"):
        try:
            ts = parse_timescale_in(form, published, calendar, year_starts, anchors)
        except TimescaleError:
            continue
        if ts.start is not None and not ts.deadlines and ts.repeat is None:
            return ts.start
    raise TimescaleError(f"start {quoted(written)} is not one start date; write a date (1.6.13) "
                         "or a month (June 2013)")


def read_named_dates(r: NodeReader, node: yaml.Node) -> tuple[NamedDate, ...]:
    """plan.dates: event name -> the day it happened ("letter: 2026-03-02"), in the order
    written, each name normalised as timescales look it up."""
    if not isinstance(node, yaml.MappingNode):
        r.report(node, "E010", f"plan.dates must be a mapping of event: date, found {kind(node)}")
        return ()
    out: list[NamedDate] = []
    seen: dict[str, str] = {}
    for key, key_node, value_node in r.entries(node, "plan.dates"):
        name = normalise_event(key)
        if not name:
            r.report(key_node, "E014", f"plan.dates {quoted(key)} names no event")
            continue
        if name in seen:
            r.report(key_node, "E013", f"plan.dates {quoted(key)} and {quoted(seen[name])} "
                     f"name the same event ({name!r}); give its date once")
            continue
        seen[name] = key
        when = r.date(value_node, f"plan.dates.{key}")
        if when is None:
            continue
        month = PATTERNS.date.fullmatch((r.scalar(value_node, "") or "").strip())
        if month is not None and month.group("mon_m"):  # a month is no day to count from
            r.report(value_node, "E020", f"plan.dates.{key}: {quoted(month.group(0))} is a month; "
                     "an event's date needs its day (e.g. 2 March 2026)")
            continue
        out.append(NamedDate(name, when))
    return tuple(out)
