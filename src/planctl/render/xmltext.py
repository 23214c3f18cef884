"""Text for the XML-based outputs (xlsx, docx): every character XML 1.0 cannot hold, made
visible.

XML 1.0 forbids the C0 controls but tab, LF and CR, U+FFFE and U+FFFF and lone
surrogates; the other noncharacters (U+FDD0-U+FDEF, U+nFFFE and U+nFFFF of every
plane) it allows but Excel and Word may refuse. A plan can hold any of them (`check`
accepts them: they are text), so the writers never see one raw: `xml_text` is the one
function every text passes through on its way into a workbook or a paper. It writes
them as safe_text writes controls (`\\x01`, `\\ufffe`, `\\U0001fffe`), so the reader
sees that something odd is there, and the file opens.
"""

from __future__ import annotations

import re

from ..core.errors import safe_text

# After safe_text (which has made C0, DEL, C1 and bidi controls visible) what is left
# that XML or the office applications refuse: surrogates, and every noncharacter.
_FORBIDDEN = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}"
              for plane in range(1, 17))
    + "]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def xml_text(value: object, one_line: bool = False) -> str:
    """`value` as text an XML part can hold, with nothing hidden: control characters and
    the characters XML forbids written as escapes (tab and newline kept unless
    one_line)."""
    return _FORBIDDEN.sub(_escape, safe_text("" if value is None else str(value), one_line))
