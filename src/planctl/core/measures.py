"""A measure's value as written ("71%", "3.2 days", "1,204", "£1.2m") read as a number and a
unit, for the trend charts, or kept as text when it is not exactly one number.

The rule, as a careful UK reader reads a figure:
- one number, optionally signed: digits with an optional decimal point ("3.2", ".5"), or
  digits grouped in threes by commas ("1,204", "12,345.6"). A comma anywhere else ("1,20",
  "0,5": a decimal comma elsewhere in Europe) makes the value text: never guessed;
- optionally a currency sign before it (£ $ €), and for money a scale after it: k, m, bn,
  thousand, million, billion ("£1.2m" is 1,200,000 pounds);
- optionally a unit after it: "%" (or "per cent"/"percent"), then at most a few words of
  letters ("days", "working days", "% of children");
- nothing else. A value with a second number ("62% (45/73)", "45 of 73", "3-5 days", a
  date) is text: which of its numbers is the measure is a guess. So are comparisons and
  qualifiers ("<5%", "about 70%", "within 45 days"), words ("not yet measured", "TBC") and
  digits other than 0-9. Text is listed as written, never plotted (least of all as zero).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_TEXT = 200  # longer values are text: no figure is written at this length
MAX_UNIT_WORDS = 4

_CURRENCY = "£$€"
_SCALES = {"k": 3, "thousand": 3, "m": 6, "million": 6, "mn": 6, "bn": 9, "billion": 9}
_NUMBER = re.compile(
    r"""(?P<sign>[-+\u2212])?\s*(?P<cur>[£$€])?\s*
        (?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
        (?:\s*(?P<scale>k|m|mn|bn|thousand|million|billion)\b)?
        \s*(?P<pct>%|per\s?cent\b)?
        (?P<unit>(?:\s*[^\W\d_]+(?:[-'][^\W\d_]+)*){0,MAX_UNIT_WORDS})
    """.replace("MAX_UNIT_WORDS", str(MAX_UNIT_WORDS)), re.VERBOSE | re.IGNORECASE)
# a currency sign written before the sign ("£-5"), which _NUMBER reads the other way round
_CUR_FIRST = re.compile(r"([£$€])\s*([-+\u2212])")
_DIGIT = re.compile(r"\d")  # any digit, in any script: a second number makes the value text


@dataclass(frozen=True, slots=True)
class Reading:
    """A value as written and how it reads: `number` None means text (see `why`)."""

    text: str
    number: Decimal | None = None
    unit: str = ""  # "%", "£", "days", "% of children" ... ("" for a bare number)
    why: str | None = None  # why it is text (None when it is a number)

    @property
    def is_number(self) -> bool:
        return self.number is not None

    def as_dict(self) -> dict[str, object]:
        """{"text", "number" (null for text), "unit", "why"}: an integral number as an int."""
        return {"text": self.text, "number": json_number(self.number), "unit": self.unit or None,
                "why": self.why}


def json_number(n: Decimal | None) -> int | float | None:
    if n is None:
        return None
    return int(n) if n == n.to_integral_value() else float(n)


def _text(text: str, why: str) -> Reading:
    return Reading(text, None, "", why)


def read_value(text: str) -> Reading:
    """`text` as one number with its unit, or as text with the reason (never raises)."""
    written = " ".join(text.split())
    if not written:
        return _text(text, "empty")
    if len(written) > MAX_TEXT:
        return _text(text, "too long to be one figure")
    if not _DIGIT.search(written):
        return _text(text, "no number")
    found = _NUMBER.fullmatch(_CUR_FIRST.sub(r"\2\1", written))
    if found is None:
        return _text(text, _why_not(written))
    if re.match(r"(?:st|nd|rd|th)\b", found["unit"] or "", re.IGNORECASE):
        return _text(text, "an ordinal, not a figure")
    try:
        number = Decimal(found["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimal digits
        return _text(text, "not a number")
    scale = (found["scale"] or "").lower()
    cur = found["cur"] or ""
    if scale and not cur:  # "1.2m": metres or millions? Only money takes a scale
        unit = " ".join([scale, (found["unit"] or "").strip()]).strip()
        return Reading(text, _signed(found["sign"], number), unit_key(unit))
    number = number.scaleb(_SCALES[scale]) if scale else number
    pct = "%" if found["pct"] else ""
    unit = " ".join(u for u in (cur, pct, (found["unit"] or "").strip()) if u)
    if cur and (pct or found["unit"].strip()):
        return _text(text, "money with another unit")
    return Reading(text, _signed(found["sign"], number), unit_key(unit))


def _signed(sign: str | None, number: Decimal) -> Decimal:
    return -number if sign in ("-", "\u2212") else number


def _why_not(written: str) -> str:
    """Why a value holding a digit is not read as a number (the reason shown with it)."""
    if len(re.findall(r"\d+(?:[.,]\d+)*", written)) > 1:
        return "more than one number"
    if re.search(r"\d,", written):
        return "a comma that is not a thousands separator"
    if re.match(r"\s*[<>≤≥~≈]|\s*(?:about|approx|around|c\.|circa|over|under|up to|"
                r"less than|more than|at least|at most|within)\b", written, re.IGNORECASE):
        return "a comparison or an estimate, not a figure"
    if re.search(r"[^\x00-\x7f]", "".join(_DIGIT.findall(written))):
        return "digits other than 0-9"
    return "words around the number"


def unit_key(unit: str) -> str:
    """A unit as it is compared: lower case, spaces collapsed, "per cent" as "%", a plural
    last word as its singular ("days" and "day" are one unit)."""
    u = " ".join(unit.lower().split())
    u = re.sub(r"\bper ?cent\b", "%", u)
    words = u.split(" ")
    last = words[-1]
    if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")):
        words[-1] = last[:-1]
    return " ".join(words)
