"""JSON output: the shapes documented in docs/json.md. Keys lower_snake, ISO dates."""

from __future__ import annotations

import codecs
import functools
import re
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from ..core.errors import byte_escape
from ..core.evaluate import Row
from ..core.jsondoc import JSONDict
from ..core.model import Action
from ..core.model import iso as iso  # re-exported: the renderers write dates with it

# The same few hundred dates, written for every action (due, target, latest update):
# looked up, not formatted again (bounded, so a long-lived caller cannot grow it).
_day = functools.lru_cache(maxsize=4096)(iso)


class ActionLine(msgspec.Struct):
    """The action object of status, overdue and upcoming (docs/json.md), typed: its fields
    in the order of its keys; each optional field (the ones real plans carry, each only
    when the plan gives it) is UNSET, so left out, unless the plan gives it.

    A Struct rather than a dict: built from its fields in one C call, encoded by msgspec
    without a walk to find out what it holds (its layout is known from `measures` alone:
    see _layout), and turned into the dict the report and `show` extend by as_dict."""

    plan: str
    recommendation: str
    id: str
    text: str
    leads: list[str]
    due: object
    target: object
    timescale: str | None
    status: str
    days_overdue: int
    progress: str
    report_to: list[str]
    latest_update: JSONDict | None
    start: object = UNSET
    due_to_be_confirmed: bool | UnsetType = UNSET
    theme: str | UnsetType = UNSET
    rag: str | UnsetType = UNSET
    ref: str | UnsetType = UNSET
    recommendation_ref: str | UnsetType = UNSET
    progress_note: str | UnsetType = UNSET
    signoff: JSONDict | None | UnsetType = UNSET
    measures: list[JSONDict] | UnsetType = UNSET


_LINE_FIELDS = ActionLine.__struct_fields__


def as_dict(line: ActionLine) -> JSONDict:
    """The action object as a dict: the same keys in the same order, those UNSET left out."""
    return {k: v for k in _LINE_FIELDS if (v := getattr(line, k)) is not UNSET}


def action_line(row: Row, today: date | None = None,
                day: Callable[[date | None], object] = _day) -> ActionLine:
    """The action object of status, overdue and upcoming (docs/json.md), as an ActionLine.

    day: how dates are written; the report passes one that keeps them `date`s.
    """
    a = row.action
    latest = a.latest_update(today) if a.updates else None  # most actions have none yet
    line = ActionLine(
        a.plan, a.recommendation, a.id, a.text, list(a.leads), day(row.due), day(target(a)),
        a.timescale_text or None, row.status, row.days_overdue, a.progress, list(a.report_to),
        {"date": day(latest.date), "text": latest.text, "by": latest.by} if latest else None,
    )
    _optional_fields(line, row, today)
    return line


def action_dict(row: Row, today: date | None = None,
                day: Callable[[date | None], object] = _day) -> JSONDict:
    """The action object of status, overdue and upcoming (docs/json.md), as a dict.

    day: how dates are written; the report passes one that keeps them `date`s.
    """
    return as_dict(action_line(row, today, day))


def target(action: Action) -> date | None:
    """The action's own deadline, whatever its status: the last date it had to be done by
    (its last milestone, which is its timescale's date when it has one). Unlike `due`, it
    stays for a completed or dropped action, so "completed late?" can be answered. None
    for a repeating action (no last date) and for one without a date."""
    milestones = action.milestones
    if action.repeat or not milestones:
        return None
    if len(milestones) == 1:  # most actions: one date, no list to build
        return milestones[0].due
    return max([ms.due for ms in milestones])  # a list: faster than a generator


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


def _optional_fields(line: ActionLine, row: Row, today: date | None) -> None:
    """Set the optional fields of `line` the plan gives (docs/json.md)."""
    a = row.action
    plan = row.plan
    if a.start is not None:
        line.start = _day(a.start)
    if row.due is None and row.status == "no-date" and a.timescale is not None and a.timescale.tbc:
        line.due_to_be_confirmed = True  # TBC, or a timescale planctl cannot read or count
    if plan.themes:
        theme = plan.theme_of(a)
        if theme is not None:
            line.theme = theme
    if a.rag is not None:
        line.rag = a.rag
    if a.cites is not None:
        line.ref = a.cites  # `ref:` as written: where it comes from (not plan:id)
    rec_cites = plan.cites_of(a)
    if rec_cites is not None:
        line.recommendation_ref = rec_cites
    if a.progress_note is not None:
        line.progress_note = a.progress_note
    if plan.signoff_required or a.signed_off is not None:
        line.signoff = signoff_state(row, today)
    if a.measures:
        line.measures = [{"text": m.text, "baseline": m.baseline, "target": m.target,
                          "actual": m.actual} for m in a.measures]


# Bidi controls and line separators, written as \u escapes: the same JSON value, but a
# terminal showing the JSON cannot reorder or break a line because of plan text. Lone
# surrogates (the bytes of a file name that is not UTF-8) become the text `\xNN`: JSON
# that strict parsers accept (a \udcNN escape is not), as core.errors.name_text writes it.
_INVISIBLE = "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
# The same characters but the surrogates (never in UTF-8), as their UTF-8 bytes: U+061C;
# U+200E, U+200F, U+2028-U+202E; U+2066-U+2069. Each starts with a lead byte, so a
# match is always one whole character.
_INVISIBLE_UTF8 = re.compile(rb"\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xD800 <= code <= 0xDFFF:
        return byte_escape(code).replace("\\", "\\\\")
    return f"\\u{code:04x}"


def _escape_utf8(m: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(m.group().decode())


def _terminal_text(text: str) -> bytes:
    """A piece the json module wrote (str), as the terminal-safe UTF-8 json_out writes."""
    # re's own cache compiles the pattern once, when first needed (0.5 ms of start-up).
    return (text if text.isascii() else re.sub(_INVISIBLE, _escape, text)).encode()


def _raw_text(text: str) -> bytes:
    """A piece the json module wrote, as it is (for dumps: lone surrogates kept)."""
    return text.encode("utf-8", "surrogatepass")


class _Pieces(list[bytes]):
    """Where _layout puts the bytes: written out a few thousand pieces at a time, so that
    at 100,000 actions the text never exists whole, nor its escaped copy. Every escaped
    character is one code point, and a piece holds whole characters: no boundary splits one."""

    def __init__(self, write: Callable[[bytes], object], terminal: bool = True) -> None:
        super().__init__()
        self.write = write
        self.terminal = terminal  # escape what a terminal would act on (dumps does not)
        # How a piece written as str (by the json module) becomes bytes.
        self.text = _terminal_text if terminal else _raw_text

    def append(self, piece: bytes) -> None:
        super().append(piece)
        if len(self) >= 4096:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self)
        self.clear()
        self.put(data)

    def put(self, data: bytes) -> None:
        """Write `data` now, after what is waiting: a large piece, not copied again."""
        if self:
            self.flush()
        # Every character _INVISIBLE_UTF8 finds is non-ASCII: ASCII bytes have none to find.
        if self.terminal and not data.isascii():
            data = _INVISIBLE_UTF8.sub(_escape_utf8, data)
        self.write(data)


def _utf8_buffer(stream: Any) -> Any:
    """The binary stream under a text stream that writes UTF-8 (standard output, as a
    rule), for the bytes msgspec wrote: written as they are, not decoded and encoded
    again. None for a stream without one (a StringIO) or with another encoding."""
    buffer = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None)
    if buffer is None or not isinstance(encoding, str):
        return None
    try:
        return buffer if codecs.lookup(encoding).name == "utf-8" else None
    except LookupError:
        return None


def json_out(data: Any) -> None:
    """Write dumps(data) and a newline, escaping what a terminal would act on."""
    stream = sys.stdout
    buffer = _utf8_buffer(stream)
    if buffer is not None:
        stream.flush()  # what was written as text first stays first
        write: Callable[[bytes], object] = buffer.write
    else:
        def write(data: bytes) -> object:
            return stream.write(data.decode())
    pieces = _Pieces(write)
    _layout(data, "", pieces)
    pieces.append(b"\n")
    pieces.flush()
    if buffer is not None and getattr(stream, "line_buffering", False):
        buffer.flush()  # a terminal sees it now, as the text stream would have shown it


def encode(data: Any) -> bytes:
    """The bytes json_out writes for `data` (without its newline): dumps(data), with what
    a terminal would act on escaped."""
    chunks: list[bytes] = []
    pieces = _Pieces(chunks.append)
    _layout(data, "", pieces)
    pieces.flush()
    return b"".join(chunks)


def _default(value: Any) -> Any:
    """For the json module: an ActionLine is its dict; anything else is refused as usual."""
    if type(value) is ActionLine:
        return as_dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@functools.cache
def _compact_encoder() -> Callable[[Any], str]:
    """The json module's C encoder, built once and reused: JSONEncoder.encode builds a new
    one per call (a quarter of the JSON time at 20,000 actions). It writes what msgspec
    would write differently (see _one_line); built when first needed, as most output
    needs none of it (the json module is 2 ms of start-up)."""
    import json

    encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=_default)
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


def _compact(value: Any) -> str:
    return _compact_encoder()(value)


_encoder = msgspec.json.Encoder()
_encode, _encode_lines = _encoder.encode, _encoder.encode_lines
_format = msgspec.json.format


def _one_line(value: Any, kind: int, text: Callable[[str], bytes]) -> bytes:
    """One value on one line, exactly as json.dumps(ensure_ascii=False, separators=(", ",
    ": ")) writes it. msgspec writes the same bytes twice as fast, except for floats
    (1e+16 is its 1e16) and keys that are not strings: those, and what msgspec refuses
    (a lone surrogate, from a file name that is not UTF-8), go to the json module."""
    if kind == _PLAIN:
        try:
            return _format(_encode(value), indent=0)
        except (TypeError, ValueError, msgspec.EncodeError):
            pass
    return text(_compact(value))


def _key(key: Any, text: Callable[[str], bytes]) -> bytes:
    """An object's key as json.dumps writes it: a string (a number as its text)."""
    key = str(key)
    try:
        return _encode(key)
    except ValueError:  # a lone surrogate: the json module writes it (and text escapes it)
        return text(_compact(key))


_CONTAINERS = (dict, list, tuple, ActionLine)
# What a walk finds in a value: nothing but strings, ints, bools and None on one line;
# a float or a key that is not a string on one line; objects inside (spread over lines).
_PLAIN, _ODD, _NESTED = 0, 1, 2
_SCALARS = frozenset({str, int, bool, type(None)})  # written alike by msgspec and json


def _kind(value: Any) -> int:
    """_NESTED for a container laid out over several lines (it holds objects, or lists of
    them); for a one-line value, whether it holds anything msgspec writes differently."""
    kind = type(value)
    if kind is ActionLine:  # strings, ints, None and objects of them; measures: a list of objects
        return _PLAIN if value.measures is UNSET else _NESTED
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
        elif inner is list or inner is tuple or inner is ActionLine:
            k |= _kind(item)
        elif inner not in _SCALARS:
            k = _ODD
        if k >= _NESTED:
            return _NESTED
        found |= k
    return found


def _layout(value: Any, pad: str, out: _Pieces) -> None:
    kind = _kind(value)
    if kind != _NESTED:
        out.append(_one_line(value, kind, out.text))
        return
    if type(value) is ActionLine:
        value = as_dict(value)
    inner = pad + "  "
    is_dict = type(value) is dict
    if not is_dict and all(type(x) is ActionLine and x.measures is UNSET for x in value):
        _action_lines(value, inner.encode(), out)  # a list of one-line actions: the common case
        out.append((pad + "]").encode())
        return
    text = out.text
    heads = ([inner.encode() + _key(k, text) + b": " for k in value] if is_dict
             else [inner.encode()] * len(value))
    out.append(b"{\n" if is_dict else b"[\n")
    last = len(heads) - 1
    for i, (head, item) in enumerate(zip(heads, value.values() if is_dict else value, strict=True)):
        end = b",\n" if i < last else b"\n"
        item_kind = _kind(item)
        if item_kind == _NESTED:
            out.append(head)
            _layout(item, inner, out)
            out.append(end)
        else:  # a one-line item (an action): its line in one piece
            out.append(head + _one_line(item, item_kind, text) + end)
    out.append((pad + ("}" if is_dict else "]")).encode())


def _action_lines(lines: list[ActionLine], inner: bytes, out: _Pieces) -> None:
    """The items of a list of one-line actions: each encoded by msgspec in one pass over a
    few thousand of them, and joined (no walk, no call per action beyond msgspec's own),
    written out a few thousand at a time."""
    out.append(b"[\n")
    sep = b",\n" + inner
    for start in range(0, len(lines), _CHUNK):
        chunk = lines[start:start + _CHUNK]
        try:
            # One line of compact JSON per action (msgspec writes a newline in a string as
            # \n, so a raw newline only ends a line), each given json's ", " and ": ".
            compact = _encode_lines(chunk).split(b"\n")
            encoded = [_format(line, indent=0) for line in compact[:-1]]
        except (TypeError, ValueError, msgspec.EncodeError):  # a lone surrogate: one by one
            encoded = [_one_line(x, _PLAIN, out.text) for x in chunk]
        encoded[0] = (sep if start else inner) + encoded[0]  # one line copied, not the chunk
        out.put(sep.join(encoded))
    out.append(b"\n")


_CHUNK = 4096  # actions encoded and written at a time


def dumps(data: Any) -> str:
    """JSON laid out for people and for grep: every object that holds other objects is
    spread over lines; every other object (an action, a summary) sits on one line.

    Each one-line object is written by msgspec (or, where msgspec would write other
    bytes, the json module's C encoder): the indented encoder is pure Python, and at
    20,000 actions it was most of `overdue --format json`.
    """
    chunks: list[bytes] = []
    pieces = _Pieces(chunks.append, terminal=False)
    _layout(data, "", pieces)
    pieces.flush()
    return b"".join(chunks).decode("utf-8", "surrogatepass")
