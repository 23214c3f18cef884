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

from ..core.timescale import PATTERNS, TimescaleError, match_to_date

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


def restyle(old: re.Match[str], new: date, typed: str) -> str:
    """The new date written the way the old one was (27.10.12 -> 30.11.12), else as typed."""
    if old["iso_y"]:
        return new.isoformat()
    if old["num_d"]:
        day = f"{new.day:02d}" if old["num_d"].startswith("0") else str(new.day)
        month = f"{new.month:02d}" if old["num_m"].startswith("0") else str(new.month)
        short = len(old["num_y"]) == 2 and 2000 <= new.year < 2100
        year = str(new.year)[2:] if short else str(new.year)
        return f"{day}{old['sep']}{month}{old['sep']}{year}"
    return typed


def move_date(written: str, index: int, new: date, typed: str, due: date | None = None) -> str:
    """The timescale with its index-th date replaced (the one giving `due`, when a start
    such as "From June 2013 to March 2014" comes first); just the new date when it has none."""
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
        return typed
    m = matches[index]
    return text[: m.start()] + restyle(m, new, typed) + text[m.end():]
