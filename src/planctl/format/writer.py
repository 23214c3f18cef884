"""The one place that writes plan YAML values: scalars, flat lists and mappings, dates.

Every value planctl writes into a plan (edits, add, import, init) goes through
`scalar`, so one set of rules decides when a value needs quotes. Where those
values go in a file is format/splices.py's and format/edit_nodes.py's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TypeAlias

from ..core.timescale import MONTH_NAMES, MONTHS, PATTERNS, TimescaleError, match_to_date

# What planctl writes: a scalar, or a flat list or mapping of them (a list of mappings
# for new updates and actions).
Value: TypeAlias = "str | date | bool | Sequence[Value] | Mapping[str, Value]"

# -- scalars ---------------------------------------------------------------------------

# Text a YAML 1.1 reader (PyYAML, editors in 1.1 mode, validators built on them) or a
# YAML 1.2 reader would type as something other than a string: nulls, booleans, numbers
# in any base or notation (3.10, 1e3, 0x1F, 0o17, 1_000, 1:20), infinities and NaN,
# dates and timestamps, and the merge and value keys. Deliberately broad (any word
# that starts like a number): a needless pair of quotes costs nothing, a missing one
# turns "NO" into false and "3.10" into 3.1.
_TYPED = re.compile(r"""
    ~ | null | Null | NULL
  | y | Y | yes | Yes | YES | n | N | no | No | NO
  | true | True | TRUE | false | False | FALSE | on | On | ON | off | Off | OFF
  | [-+]? [0-9] [0-9a-zA-Z_.:+-]*
  | [-+]? \. [0-9_] [0-9a-zA-Z_.:+-]*
  | [-+]? \. (?: inf | Inf | INF | nan | NaN | NAN )
  | [0-9]{4} - [0-9]{1,2} - [0-9]{1,2} (?: [Tt] | [ \t]+ ) .*
  | << | =
""", re.X | re.S)
# A plain or single-quoted scalar on one line may hold these; anything else (line
# breaks, including NEL, LS and PS, tabs, control characters, a BOM, non-characters)
# is written double-quoted as an escape.
_PLAIN_CHAR = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_BAD = set(",[]{}:#?")  # PyYAML ends a plain scalar in a flow collection at any of these
_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v",
            "\f": "\\f", "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\",
            "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}


def printable(ch: str) -> bool:
    """The character can stand as itself in a plain or single-quoted scalar."""
    return _PLAIN_CHAR.fullmatch(ch) is not None


def plain_ok(value: str, flow: bool = False) -> bool:
    """The text reads back as exactly itself, as a string, written without quotes."""
    if not value or value != value.strip(" ") or _TYPED.fullmatch(value):
        return False
    if value[0] in _INDICATORS or ": " in value or " #" in value or value.endswith(":"):
        return False
    if flow and _FLOW_BAD & set(value):
        return False
    return _PLAIN_CHAR.fullmatch(value) is not None


def single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def double_quoted(value: str) -> str:
    out = []
    for ch in value:
        escape = _ESCAPES.get(ch)
        if escape is not None:
            out.append(escape)
        elif printable(ch):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def scalar(value: str | date | bool, flow: bool = False) -> str:
    """One YAML scalar, on one line, that every YAML reader reads back as exactly `value`.

    Plain when that is safe; single quotes when they are enough; otherwise double
    quotes with escapes (\\n, \\t, \\L, \\P, \\N, \\xNN, \\uNNNN) for line breaks and
    control characters.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if plain_ok(value, flow):
        return value
    if _PLAIN_CHAR.fullmatch(value):
        return single_quoted(value)
    return double_quoted(value)


def flow(value: Value) -> str:
    if isinstance(value, str | date | bool):
        return scalar(value, flow=True)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(flow(v) for v in value) + "]"


def inline(value: Value, in_flow: bool = False) -> str:
    """A value on one line: a scalar, or a list or mapping written in flow style."""
    if isinstance(value, str | date | bool):
        return scalar(value, in_flow)
    return flow(value)


def block(value: Value, indent: int) -> list[str]:
    """Lines of a block list or mapping (of scalars, flat lists or flat mappings) at `indent`."""
    pad = " " * indent
    if isinstance(value, Mapping):
        return [f"{pad}{k}: {inline(v)}" for k, v in value.items()]
    assert not isinstance(value, str | date | bool), "a scalar is not a block"
    lines = []
    for item in value:
        if isinstance(item, Mapping):
            inner = block(item, indent + 2)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        else:
            lines.append(f"{pad}- {inline(item)}")
    return lines


# -- dates written the way the plan writes them ------------------------------------------

_ORDINAL = re.compile(r"\s*(st|nd|rd|th)", re.I)
# Words that make a month a point in it ("end of March 2013"): they go with the month
# when a day takes its place, or the text would read "end of 31 May 2013".
_MONTH_QUALIFIER = re.compile(
    r"(?:(?:the\s+)?(?:very\s+)?(?:end|close|middle|start|beginning)\s+of\s+(?:the\s+)?"
    r"|(?:early|mid|late|end)(?:\s+|-))$", re.I)


def plain_date(new: date) -> str:
    """A date no reader can misread: "31 May 2013"."""
    return f"{new.day} {MONTH_NAMES[new.month]} {new.year}"


def _ordinal(day: int) -> str:
    return "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _cased(word: str, like: str) -> str:
    return word.upper() if like.isupper() else word.lower() if like.islower() else word


def _year(written: str, new: int) -> str:
    """The year as the old one was written: two digits (with its apostrophe) or four."""
    digits = written.lstrip("'")
    if len(digits) == 2 and 2000 <= new < 2100:
        return written[: len(written) - 2] + str(new)[2:]
    return str(new)


def _day(written: str, new: int) -> str:
    return f"{new:02d}" if written.startswith("0") and len(written) == 2 else str(new)


def _month_name(written: str, new: int) -> str:
    full = MONTH_NAMES[new]
    if written.lower() == MONTH_NAMES[MONTHS[written.lower()]].lower():
        return _cased(full, written)
    return _cased(full[:3], written)


def _parts(old: re.Match[str], new: date) -> list[tuple[str, str]]:
    """(group, new text) for each part of a one-day date, in the old one's style."""
    if old["iso_y"]:
        return [("iso_y", str(new.year)), ("iso_m", f"{new.month:02d}" if len(old["iso_m"]) == 2
                                         else str(new.month)), ("iso_d", _day(old["iso_d"], new.day))]
    if old["num_d"]:
        return [("num_d", _day(old["num_d"], new.day)), ("num_m", _day(old["num_m"], new.month)),
                ("num_y", _year(old["num_y"], new.year))]
    return [("name_d", _day(old["name_d"], new.day)), ("name_m", _month_name(old["name_m"], new.month)),
            ("name_y", _year(old["name_y"], new.year))]


def restyle(old: re.Match[str], new: date) -> str | None:
    """The new date written the way the old one-day date was: 05.09.12 -> 31.05.13,
    5.9.12 -> 31.5.13, 27/10/2012 -> 31/5/2013, 2012-10-27 -> 2013-05-31, 27th Oct 2012 ->
    31st May 2013, 27 October 2012 -> 31 May 2013. None when the old one is not one day
    (a month: "March 2013"), whose words would not read right around a day."""
    if not (old["iso_y"] or old["num_d"] or old["name_d"]):
        return None
    text, base = old.group(0), old.start()
    for group, value in sorted(_parts(old, new), key=lambda p: -old.start(p[0])):
        a, b = old.start(group) - base, old.end(group) - base
        text = text[:a] + value + text[b:]
        if group == "name_d":
            suffix = _ORDINAL.match(text, a + len(value))
            if suffix:
                text = text[:suffix.start(1)] + _cased(_ordinal(new.day), suffix[1]) + text[suffix.end(1):]
    return text


def move_date(written: str, index: int, new: date, due: date | None = None,
              days_only: bool = False) -> str | None:
    """The timescale with its index-th date (the one giving `due`, when a start such as
    "From 1.6.13 to 27.3.14" comes first) replaced by `new`: in its own style when it is
    one day, else as a plain date in place of the month and the words that make it a point
    in the month ("end of March 2013" -> "31 May 2013"). None when it has no such date.
    None also when `days_only` and that date is a month. The caller reads the result back:
    only a text that reads as intended is written."""
    text = " ".join(written.split())
    matches = list(PATTERNS.date.finditer(text))
    if due is not None:
        for i, m in enumerate(matches):
            try:
                if match_to_date(m) == due:
                    index = i
                    break
            except TimescaleError:
                continue
    if index >= len(matches):
        return None
    m = matches[index]
    styled = restyle(m, new)
    if styled is not None:
        return text[: m.start()] + styled + text[m.end():]
    if days_only:
        return None
    before = text[: m.start()]
    qualifier = _MONTH_QUALIFIER.search(before)
    if qualifier:
        before = before[: qualifier.start()]
    return before + plain_date(new) + text[m.end():]


def date_like(written: str, new: date) -> str:
    """The new date in the style of the timescale's first one-day date, else plain."""
    for m in PATTERNS.date.finditer(" ".join(written.split())):
        styled = restyle(m, new)
        if styled is not None:
            return styled
    return plain_date(new)
