"""Counts in prose: "1 action", "2 actions", "1 is", "2 are". One place, so no message says
"1 actions" or "1 are overdue"."""

from __future__ import annotations


def count(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 action', '2 actions' (`nouns` for an irregular plural)."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def agree(n: int, one: str, many: str) -> str:
    """The word that agrees with a count: agree(n, 'is', 'are'), agree(n, 'falls', 'fall')."""
    return one if n == 1 else many
