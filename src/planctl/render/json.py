"""JSON output: the shapes documented in docs/json.md. Keys lower_snake, ISO dates."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import msgspec

from ..core.errors import byte_escape
from ..core.evaluate import Row
from ..core.jsondoc import JSONDict
from ..core.model import Action
from ..core.model import iso as iso  # re-exported: the renderers write dates with it

# The same few hundred dates, written for every action (due, target, latest update):
# looked up, not formatted again (bounded, so a long-lived caller cannot grow it).
_day = functools.lru_cache(maxsize=4096)(iso)


def action_dict(row: Row, today: date | None = None,
                day: Callable[[date | None], object] = _day) -> JSONDict:
    """The action object of status, overdue and upcoming (docs/json.md).

    day: how dates are written; the report passes one that keeps them `date`s.
    """
    a = row.action
    latest = a.latest_update(today)
    out = {
        "plan": a.plan,
        "recommendation": a.recommendation,
        "id": a.id,
        "text": a.text,
        "leads": list(a.leads),
        "due": day(row.due),
        "target": day(target(a)),
        "timescale": a.timescale_text or None,
        "status": row.status,
        "days_overdue": row.days_overdue,
        "progress": a.progress,
        "report_to": list(a.report_to),
        "latest_update": (
            {"date": day(latest.date), "text": latest.text, "by": latest.by} if latest else None
        ),
    }
    out.update(optional_fields(row, today))
    return out


def target(action: Action) -> date | None:
    """The action's own deadline, whatever its status: the last date it had to be done by
    (its last milestone, which is its timescale's date when it has one). Unlike `due`, it
    stays for a completed or dropped action, so "completed late?" can be answered. None
    for a repeating action (no last date) and for one without a date."""
    if action.repeat:
        return None
    return max([ms.due for ms in action.milestones], default=None)  # a list: faster than a generator


def signoff_state(row: Row, today: date | None) -> JSONDict | None:
    """`signoff` (docs/json.md): signed-off (as at `today`) with who, when and on what;
    awaiting (completed, the plan requires it, not yet given); None for an action not
    completed and not signed off. The `status` stays `completed` either way."""
    s = row.action.signed_off
    if s is not None and (today is None or s.on <= today):
        return {"state": "signed-off", "by": s.by, "on": _day(s.on), "evidence": s.evidence}
    if row.awaiting:
        return {"state": "awaiting", "by": None, "on": None, "evidence": None}
    return None


def optional_fields(row: Row, today: date | None = None) -> JSONDict:
    """The fields real plans carry, each only when the plan gives it (docs/json.md), so the
    output of plans without them is unchanged."""
    a = row.action
    out: JSONDict = {}
    if a.start is not None:
        out["start"] = _day(a.start)
    if row.due is None and row.status == "no-date" and a.timescale is not None and a.timescale.tbc:
        out["due_to_be_confirmed"] = True  # TBC, or a timescale planctl cannot read or count
    theme = row.plan.theme_of(a) if row.plan.themes else None
    if theme is not None:
        out["theme"] = theme
    if a.rag is not None:
        out["rag"] = a.rag
    if a.cites is not None:
        out["ref"] = a.cites  # `ref:` as written: where it comes from (not plan:id)
    rec_cites = row.plan.cites_of(a)
    if rec_cites is not None:
        out["recommendation_ref"] = rec_cites
    if a.progress_note is not None:
        out["progress_note"] = a.progress_note
    if row.plan.signoff_required or a.signed_off is not None:
        out["signoff"] = signoff_state(row, today)
    if a.measures:
        out["measures"] = [{"text": m.text, "baseline": m.baseline, "target": m.target,
                            "actual": m.actual} for m in a.measures]
    return out


# Bidi controls and line separators, written as \u escapes: the same JSON value, but a
# terminal showing the JSON cannot reorder or break a line because of plan text. Lone
# surrogates (the bytes of a file name that is not UTF-8) become the text `\xNN`: JSON
# that strict parsers accept (a \udcNN escape is not), as core.errors.name_text writes it.
_INVISIBLE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xD800 <= code <= 0xDFFF:
        return byte_escape(code).replace("\\", "\\\\")
    return f"\\u{code:04x}"


class _Pieces(list[str]):
    """Where _layout puts the text: written out (escaped) a few thousand pieces at a time,
    so that at 100,000 actions the text never exists whole, nor its escaped and encoded
    copies. Every escaped character is one code point: no boundary can split one."""

    def __init__(self, write: Callable[[str], object]) -> None:
        super().__init__()
        self.write = write

    def append(self, piece: str) -> None:
        super().append(piece)
        if len(self) >= 4096:
            self.flush()

    def flush(self) -> None:
        text = "".join(self)
        # Every character _INVISIBLE finds is non-ASCII: an ASCII piece has none to find.
        self.write(text if text.isascii() else _INVISIBLE.sub(_escape, text))
        self.clear()


def json_out(data: JSONDict) -> None:
    """Write dumps(data) and a newline, escaping what a terminal would act on."""
    pieces = _Pieces(sys.stdout.write)
    _layout(data, "", pieces)
    pieces.flush()
    sys.stdout.write("\n")


def _compact_encoder() -> Callable[[Any], str]:
    """The json module's C encoder, built once and reused: JSONEncoder.encode builds a new
    one per call (a quarter of the JSON time at 20,000 actions). It writes what msgspec
    would write differently (see _one_line)."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # pragma: no cover - a Python without the C accelerator
        return encoder.encode
    as_string = json.encoder.encode_basestring
    encode = c_make_encoder({}, encoder.default, as_string, None, encoder.key_separator,
                            encoder.item_separator, False, False, True)

    def compact(value: Any) -> str:
        if type(value) is str:
            return as_string(value)
        return "".join(encode(value, 0))

    return compact


_compact = _compact_encoder()
_encode = msgspec.json.Encoder().encode
_format = msgspec.json.format


def _one_line(value: Any, kind: int) -> str:
    """One value on one line, exactly as json.dumps(ensure_ascii=False, separators=(", ",
    ": ")) writes it. msgspec writes the same bytes twice as fast, except for floats
    (1e+16 is its 1e16) and keys that are not strings: those, and what msgspec refuses
    (a lone surrogate, from a file name that is not UTF-8), go to the json module."""
    if kind == _PLAIN:
        try:
            return _format(_encode(value), indent=0).decode()
        except (TypeError, ValueError, msgspec.EncodeError):
            pass
    return _compact(value)


_CONTAINERS = (dict, list, tuple)
# What a walk finds in a value: nothing but strings, ints, bools and None on one line;
# a float or a key that is not a string on one line; objects inside (spread over lines).
_PLAIN, _ODD, _NESTED = 0, 1, 2
_SCALARS = frozenset({str, int, bool, type(None)})  # written alike by msgspec and json


def _kind(value: Any) -> int:
    """_NESTED for a container laid out over several lines (it holds objects, or lists of
    them); for a one-line value, whether it holds anything msgspec writes differently."""
    kind = type(value)
    if kind is dict:
        return _dict_kind(value)
    if kind is list or kind is tuple:
        found = _PLAIN
        for x in value:
            inner = type(x)
            if inner in _CONTAINERS:
                return _NESTED
            if inner not in _SCALARS:
                found = _ODD
        return found
    return _PLAIN if kind in _SCALARS else _ODD


def _dict_kind(value: dict[Any, Any]) -> int:
    found = _PLAIN
    for key, item in value.items():
        inner = type(item)
        if inner in _SCALARS and type(key) is str:
            continue
        k = _ODD if type(key) is not str else _PLAIN
        if inner is dict:
            k |= _dict_kind(item)
        elif inner is list or inner is tuple:
            k |= _kind(item)
        elif inner not in _SCALARS:
            k = _ODD
        if k >= _NESTED:
            return _NESTED
        found |= k
    return found


def _layout(value: Any, pad: str, out: list[str]) -> None:
    kind = _kind(value)
    if kind != _NESTED:
        out.append(_one_line(value, kind))
        return
    inner = pad + "  "
    is_dict = type(value) is dict
    heads = [f"{inner}{_compact(str(k))}: " for k in value] if is_dict else [inner] * len(value)
    out.append("{\n" if is_dict else "[\n")
    last = len(heads) - 1
    for i, (head, item) in enumerate(zip(heads, value.values() if is_dict else value, strict=True)):
        end = ",\n" if i < last else "\n"
        item_kind = _kind(item)
        if item_kind == _NESTED:
            out.append(head)
            _layout(item, inner, out)
            out.append(end)
        else:  # a one-line item (an action): its line in one piece
            out.append(f"{head}{_one_line(item, item_kind)}{end}")
    out.append(pad + ("}" if is_dict else "]"))


def dumps(data: Any) -> str:
    """JSON laid out for people and for grep: every object that holds other objects is
    spread over lines; every other object (an action, a summary) sits on one line.

    Each one-line object is written by msgspec (or, where msgspec would write other
    bytes, the json module's C encoder): the indented encoder is pure Python, and at
    20,000 actions it was most of `overdue --format json`.
    """
    out: list[str] = []
    _layout(data, "", out)
    return "".join(out)
