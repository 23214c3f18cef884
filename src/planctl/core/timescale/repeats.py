"""Recurring timescales: the repeat names, their steps, and the dates they fall on."""

from __future__ import annotations

import re
from datetime import date

from .dates import TERM_ORDER, add_period, next_term_end, next_term_start
from .patterns import WORD_NUMBERS, number

# Canonical repeat words and their step: (n, unit). Anything else is "every-N-weeks/months".
REPEATS = {"weekly": (1, "week"), "fortnightly": (2, "week"), "monthly": (1, "month"),
           "quarterly": (3, "month"), "termly": (1, "term"), "six-monthly": (6, "month"),
           "yearly": (12, "month")}
_REPEAT_SYNONYMS = {"annually": "yearly", "annual": "yearly", "half-yearly": "six-monthly",
                    "bi-annually": "six-monthly", "biannually": "six-monthly",
                    "six monthly": "six-monthly", "sixmonthly": "six-monthly",
                    "halfyearly": "six-monthly", "half yearly": "six-monthly",
                    "every-week": "weekly", "every-month": "monthly", "every-quarter": "quarterly",
                    "every-term": "termly", "every-year": "yearly", "every-fortnight": "fortnightly",
                    "twice-a-year": "six-monthly", "twice-yearly": "six-monthly"}
# The words of PATTERNS.recurring's `basis` and `adv` forms that are not repeat names.
_WRITTEN_REPEATS = {"annual": "yearly", "half yearly": "six-monthly", "six monthly": "six-monthly",
                    "bi annual": "six-monthly", "biannual": "six-monthly",
                    "bi annually": "six-monthly", "biannually": "six-monthly",
                    "twice a year": "six-monthly", "twice per year": "six-monthly",
                    "twice yearly": "six-monthly"}
_MAX_REPEAT_N = 99


def normalise_repeat(written: str) -> str | None:
    """A repeat word as the plan may write it -> its canonical name; None if it is not one.

    monthly, quarterly, six-monthly, yearly, weekly, fortnightly, termly, and
    every-N-weeks / every-N-months (every 6 weeks)."""
    key = "-".join(written.strip().lower().replace("_", " ").replace("-", " ").split())
    key = _REPEAT_SYNONYMS.get(key, _REPEAT_SYNONYMS.get(key.replace("-", " "), key))
    if key in REPEATS:
        return key
    m = re.fullmatch(rf"every-(?P<n>[0-9]{{1,2}}|{'|'.join(WORD_NUMBERS)})-(?P<unit>week|month)s?", key)
    if m:
        n = WORD_NUMBERS.get(m["n"]) or int(m["n"])
        return every(n, m["unit"])
    return None


def every(n: int, unit: str) -> str | None:
    """The repeat name of every n units ("every-6-weeks", "quarterly"); None if not a rhythm."""
    if not 1 <= n <= _MAX_REPEAT_N:
        return None
    if unit == "fortnight":
        n, unit = 2 * n, "week"
    if unit == "quarter":
        n, unit = 3 * n, "month"
    if unit == "year":
        n, unit = 12 * n, "month"
    for name, step in REPEATS.items():
        if step == (n, unit):
            return name
    if unit == "term":
        return None  # every two terms: not a rhythm schools keep
    return f"every-{n}-{unit}s"


def recurring_name(m: re.Match[str]) -> str | None:
    """The repeat name of a PATTERNS.recurring match; None if it is not a rhythm."""
    word = m["basis"] or m["adv"]
    if word:
        word = " ".join(word.lower().replace("-", " ").split())
        return normalise_repeat(_WRITTEN_REPEATS.get(word, word))
    n = number(m["n"]) if m["n"] else 1
    return every(n, m["unit"].lower())


def repeat_step(repeat: str) -> tuple[int, str]:
    """(n, unit) of a canonical repeat name: (3, 'month') for quarterly."""
    if repeat in REPEATS:
        return REPEATS[repeat]
    _, n, unit = repeat.split("-")
    return int(n), unit.rstrip("s")


def occurrence(first: date, repeat: str, count: int) -> date:
    """The date of the occurrence after `count` earlier ones, counted from the first."""
    n, unit = repeat_step(repeat)
    if unit == "term":
        day = first
        if count and (day.month, day.day) not in TERM_ORDER:  # first off a term end
            day, count = next_term_end(day), count - 1
        years, rest = divmod(count, 3)  # three terms a year: whole years, then the rest
        day = date(day.year + years, day.month, day.day)
        for _ in range(rest):
            day = next_term_end(day)
        return day
    return add_period(first, n * count, unit)


def one_period_after(anchor: date, repeat: str) -> date:
    n, unit = repeat_step(repeat)
    if unit == "term":  # one whole term: the end of the first term that starts after the anchor
        return next_term_end(next_term_start(anchor))
    return add_period(anchor, n, unit)
