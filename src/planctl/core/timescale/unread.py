"""No part of a timescale left unread (issue 21): every date-bearing token the reading did
not use is named in a warning (W122) or the timescale is refused.

The tokens (PATTERNS.tokens): runs of digits, month and season names, quarters (Q3,
quarter three), periods ("6 months", with the event they count from), and an event
("of the letter", PATTERNS.anchor) at the start or beside another token. A token outside
the spans the rule read is:
    an event ("from the letter") that nothing counts from          refused, naming it
    a number after a label word ("Step 4", "Phase 2", "No. 3")     W122: read as a label
    a quarter without its year that the deadline falls in           W122: read as a label
      (financial or calendar quarter: "June 2027 (Q1)")
    a quarter the deadline does not fall in                         refused, naming it
    anything else, when the reading has a deadline or is TBC       W122: not read as a date
    anything else, when the reading has no deadline (a start,      refused: it may be the
      ongoing): the unread token may be the deadline                deadline; say which
The lowercase word "may" is the verb, not the month.
"""

from __future__ import annotations

import re
from datetime import date

from .model import ACCEPTED_FORMS, Timescale, TimescaleError, TimescaleWarning, quote
from .patterns import MONTHS, PATTERNS, WORD_NUMBERS

Spans = tuple[tuple[int, int], ...]


def covered(used: Spans, start: int, end: int) -> bool:
    """Whether [start, end) lies inside the union of the used spans."""
    for s, e in sorted(used):
        if s <= start < e:
            start = e
        if start >= end:
            return True
    return start >= end


def unread(stripped: str, used: Spans, timescale: Timescale) -> Timescale:
    """`timescale` with a W122 warning for each date-bearing token outside `used`; or a
    TimescaleError naming the first token whose reading would be a guess."""
    if covered(used, 0, len(stripped)) or not _may_hold_tokens(stripped, used):
        return timescale  # the common forms: the rule read the whole text, or words only left
    warnings = list(timescale.warnings)
    for token, kind, start in _tokens(stripped, used):
        if token == "may" or covered(used, start, start + len(token)):
            continue
        message = _judge(stripped, token, kind, start, timescale)
        if message not in (w.message for w in warnings):
            warnings.append(TimescaleWarning("W122", message))
    if len(warnings) == len(timescale.warnings):
        return timescale
    return Timescale(timescale.text, timescale.deadlines, ongoing=timescale.ongoing, tbc=timescale.tbc,
                     start=timescale.start, repeat=timescale.repeat, warnings=tuple(warnings))


# The words a token begins with (a digit aside): a text whose unread parts hold none of
# them has nothing to audit, and is not scanned (cold loads read 20,000 timescales).
_STARTS = frozenset(MONTHS) | frozenset(WORD_NUMBERS) | {
    "spring", "summer", "autumn", "winter", "quarter", "q", "of", "from", "after", "following"}


_WORDS = re.compile(r"[a-z]+")


def _may_hold_tokens(stripped: str, used: Spans) -> bool:
    rest, at = [], 0
    for s, e in sorted(used):
        rest.append(stripped[at:s])
        at = max(at, e)
    rest.append(stripped[at:])
    unread_text = " ".join(rest).lower()
    return any(digit in unread_text for digit in "0123456789") or not _STARTS.isdisjoint(
        _WORDS.findall(unread_text))


def _tokens(stripped: str, used: Spans) -> list[tuple[str, str, int]]:
    """(token, kind, start) of each date-bearing token, in order. An event ("of the letter")
    is one where it stands at the start or beside another token or a part read ("Quarterly
    from the letter"), only spaces, brackets or punctuation between: there it reads as what
    a date counts from."""
    found = [(m.group(0), m.lastgroup or "", m.start()) for m in PATTERNS.tokens.finditer(stripped)]
    edges = ({0} | {start for _, _, start in found} | {start + len(t) for t, _, start in found}
             | {x for span in used for x in span})
    for m in PATTERNS.anchor.finditer(stripped):
        before = len(stripped[: m.start()].rstrip(" ,;:()[]-"))
        after = m.end() + len(stripped[m.end():]) - len(stripped[m.end():].lstrip(" ,;:()[]-"))
        if before in edges or after in edges:
            found.append((m.group(0), "anchor", m.start()))
    return sorted(found, key=lambda t: t[2])


def _judge(stripped: str, token: str, kind: str, start: int, timescale: Timescale) -> str:
    """The W122 message for one unread token, or raise: the token may be the deadline."""
    reading = _reading(timescale)
    label = PATTERNS.label_number.search(stripped, max(0, start - 30), start)
    if kind == "digits" and label:
        written = stripped[label.start(): start + len(token)]
        return f"read {written!r} in {stripped!r} as a label, not a date (read as {reading})"
    if kind == "anchor":  # what a date counts from, unread: the date may be wrong
        raise TimescaleError(
            f"{token!r} in {quote(stripped)} is not read: planctl cannot tell which date counts "
            f"from it (the rest reads as {reading}); write e.g. 'within 3 months {token}' and "
            f"give its date under plan dates:, or write the date; {ACCEPTED_FORMS}")
    if kind == "quarter" and timescale.deadlines:
        return _quarter_label(stripped, token, timescale.deadlines[-1].due, reading)
    if not timescale.deadlines and not timescale.tbc:
        raise TimescaleError(
            f"{token!r} in {quote(stripped)} is not read: the rest reads as {reading} only, "
            f"and {token!r} may be the deadline; write the deadline as a date ('by 31.3.13') or "
            f"a period of publication ('within 6 months'); {ACCEPTED_FORMS}")
    return (f"{token!r} in {stripped!r} is not read as a date (read as {reading}); if it is "
            "one, write the timescale again")


def _quarter_label(stripped: str, token: str, due: date, reading: str) -> str:
    """A quarter with no year beside a date: a label if the date falls in it."""
    q = int(token[-1]) if token[-1].isdigit() else ("one", "two", "three", "four").index(
        token.split()[-1].lower()) + 1
    financial, calendar = (due.month - 4) % 12 // 3 + 1, (due.month - 1) // 3 + 1
    if q == financial:
        return (f"read {token!r} in {stripped!r} as a label: {due:%d %B %Y} is in financial "
                f"quarter {q} (read as {reading})")
    if q == calendar:
        return (f"read {token!r} in {stripped!r} as a label: {due:%d %B %Y} is in calendar "
                f"quarter {q}, financial quarter {financial} (read as {reading})")
    raise TimescaleError(
        f"{token!r} in {quote(stripped)} does not match the date: {due:%d %B %Y} is in financial "
        f"quarter {financial} (calendar quarter {calendar}); write the date alone or the quarter "
        f"with its year ('Q{q} {due.year}/{str(due.year + 1)[2:]}'); {ACCEPTED_FORMS}")


def _reading(timescale: Timescale) -> str:
    """What the reading gives, in words, for a message."""
    parts = [f"from {timescale.start:%d %B %Y}"] if timescale.start else []
    if timescale.deadlines:
        parts.append("due " + ", ".join(f"{d.due:%d %B %Y}" for d in timescale.deadlines))
    parts += ["ongoing"] if timescale.ongoing else []
    parts += ["to be confirmed"] if timescale.tbc else []
    return ", ".join(parts) or "no date"
