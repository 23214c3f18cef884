"""A cell's text as the importer reads it: on one line, line by line, or as names."""

from __future__ import annotations

import re


def one_line(text: str) -> str:
    return " ".join(text.split())


def lines(text: str) -> list[str]:
    return [one_line(x) for x in text.split("\n") if x.strip()]


def split_leads(text: str) -> list[str]:
    return [n for n in (one_line(x) for x in re.split(r"[\n;]", text)) if n]
