"""Markdown pipe tables that pandoc converts cleanly to Word."""

from __future__ import annotations

import re
import sys

from ..core.errors import safe_text
from . import View

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")


def md_escape(text: str) -> str:
    """Plan text shown as text: Markdown and HTML characters escaped, one line."""
    return _SPECIAL.sub(r"\\\1", safe_text(" ".join(text.split())))


def render_markdown(view: View) -> None:
    out = []
    if not any(s.rows for s in view.sections):
        out.append(md_escape(view.empty) + "\n")
    for section in view.sections:
        if not section.rows:
            continue
        if section.title:
            out.append(f"## {md_escape(section.title)}\n")
        out.append("| " + " | ".join(md_escape(c.header) for c in section.columns) + " |")
        out.append("|" + "|".join(
            "---:" if c.justify == "right" else "---" for c in section.columns) + "|")
        for cells in section.rows:
            out.append("| " + " | ".join(md_escape(c) for c in cells) + " |")
        out.append("")
    if view.summary:
        out.append(md_escape(view.summary) + "\n")
    sys.stdout.write("\n".join(out))
