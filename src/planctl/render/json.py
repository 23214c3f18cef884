"""JSON output: the shapes documented in docs/json.md. Keys lower_snake, ISO dates."""

from __future__ import annotations

import json
import re
import sys
from datetime import date

from ..evaluate import Row


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def action_dict(row: Row, today: date | None = None) -> dict:
    """The action object of status, overdue and upcoming (docs/json.md)."""
    a = row.action
    latest = a.latest_update(today)
    return {
        "plan": a.plan,
        "recommendation": a.recommendation,
        "id": a.id,
        "text": a.text,
        "leads": list(a.leads),
        "due": iso(row.due),
        "timescale": a.timescale_text or None,
        "status": row.status,
        "days_overdue": row.days_overdue,
        "progress": a.progress,
        "report_to": list(a.report_to),
        "latest_update": (
            {"date": iso(latest.date), "text": latest.text, "by": latest.by} if latest else None
        ),
    }


# Bidi controls and line separators, written as \u escapes: the same JSON value, but a
# terminal showing the JSON cannot reorder or break a line because of plan text.
_INVISIBLE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_out(data: dict) -> None:
    sys.stdout.write(_INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumps(data)))
    sys.stdout.write("\n")


class _Unusual(Exception):
    """A value the fast path leaves to the json module (float, non-str key, subclass ...)."""


_quote = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring


def _encode(value, pad: str, out: list) -> None:
    kind = type(value)
    if kind is str:
        out.append(_quote(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        sep = "{\n" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            head = sep + _quote(key) + ": "
            sep = ",\n" + inner
            kind = type(item)  # the common leaves inline: one append per key
            if kind is str:
                out.append(head + _quote(item))
            elif item is None:
                out.append(head + "null")
            elif kind is int:
                out.append(head + int.__repr__(item))
            else:
                out.append(head)
                _encode(item, inner, out)
        out.append("\n" + pad + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        sep = "[\n" + inner
        for item in value:
            out.append(sep)
            _encode(item, inner, out)
            sep = ",\n" + inner
        out.append("\n" + pad + "]")
    else:
        raise _Unusual


def dumps(data) -> str:
    """Exactly json.dumps(data, indent=2, ensure_ascii=False), 3-4x faster for our shapes.

    The json module encodes indented output in pure Python, one generator per
    value; at 20,000 actions that was most of `overdue --format json`.
    """
    out: list[str] = []
    try:
        _encode(data, "", out)
    except (_Unusual, RecursionError):
        return json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(out)
