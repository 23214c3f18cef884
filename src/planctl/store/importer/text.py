"""A text file's bytes -> its text: the encoding decided once per file, bad bytes located."""

from __future__ import annotations

import re
from pathlib import Path

from ...core.errors import UsageError
from ...core.importing.limits import MB

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252")
_ENCODING_HINT = "say which with --encoding (" + ", ".join(ENCODINGS) + ") or save it as CSV UTF-8"
_BOMS = [(b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]

# A UTF-8 multibyte character: a lead byte and its continuation bytes, shortest forms only.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing more than `limit`; a device or a pipe is read up to it too."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UsageError(f"{path.name} is larger than {limit // MB} MB, the limit of file size for "
                         "import (docs/import.md, Limits); import the table in parts")
    return data


def _line_col(text: str) -> tuple[int, int]:
    """(line, column) just after `text`, counting line ends as an editor does."""
    line = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    last = max(text.rfind("\n"), text.rfind("\r"))
    return line, len(text) - last


def _bad_bytes(name: str, data: bytes, codec: str, exc: UnicodeDecodeError, why: str) -> UsageError:
    prefix = data[:exc.start].decode(codec, errors="replace")
    line, col = _line_col(prefix)
    shown = data[exc.start:exc.end][:4].hex(" ")
    return UsageError(f"{name}:{line}:{col}: {why}: byte(s) {shown} at byte {exc.start + 1} cannot be "
                      f"read as {codec}; fix that character, or {_ENCODING_HINT}")


def decode_text(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str | None]:
    """(the file's text, a note naming the encoding when it was not UTF-8).

    Decided once for the whole file, never per line: the stated --encoding; else a byte
    order mark; else UTF-8 when the whole file is UTF-8; else Windows-1252 (Excel's
    "CSV" on Windows) when the file has no UTF-8 character at all; a file that is UTF-8
    with stray bytes elsewhere is refused at the first of them.
    """
    note = None
    if encoding is not None:
        codec, why = _stated(data, name, encoding)
    else:
        bom = next((c for b, c in _BOMS if data.startswith(b)), None)
        if bom is None:
            text = _utf8(data, name)
            if text is not None:
                return text, None
            codec, why = "cp1252", "not Windows-1252 either (nor UTF-8)"
            note = (f"{name} is not UTF-8; read it as Windows-1252 (Excel's CSV on Windows); "
                    "if that is wrong, give --encoding")
        else:
            codec, why = bom, f"not {bom} as its byte order mark says"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _bad_bytes(name, data, codec, exc, why) from None
    return _checked(text.removeprefix("\ufeff"), name), note


def _stated(data: bytes, name: str, encoding: str) -> tuple[str, str]:
    """(codec, why it failed) for the encoding the user gave."""
    codec = "utf-8-sig" if encoding == "utf-8" else encoding  # a UTF-8 BOM is never text
    if codec == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UsageError(f"{name} has no byte order mark to say which UTF-16 it is; "
                         "give --encoding utf-16-le (Windows) or utf-16-be")
    return codec, f"not {encoding} as --encoding says"


def _utf8(data: bytes, name: str) -> str | None:
    """The text when the file, with no byte order mark, is UTF-8; None when it has no UTF-8
    character at all (then it is Windows-1252); refused when it is neither."""
    if b"\x00" in data:
        at = data.index(b"\x00")
        line, col = _line_col(data[:at].decode("latin-1"))
        raise UsageError(f"{name}:{line}:{col}: a NUL byte: the file is not text in an encoding "
                         f"planctl can tell (UTF-16 without a byte order mark?); {_ENCODING_HINT}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data) is not None:
            raise _bad_bytes(name, data, "utf-8", exc,
                             "not UTF-8 here, though the file has UTF-8 characters elsewhere") from None
    return None


def _checked(text: str, name: str) -> str:
    if "\x00" in text:
        line, col = _line_col(text[:text.index("\x00")])
        raise UsageError(f"{name}:{line}:{col}: a NUL character, which is not text; "
                         f"is the encoding right? {_ENCODING_HINT}")
    return text
