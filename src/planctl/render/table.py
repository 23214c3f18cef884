"""Terminal tables: wrapped text, fitted to the width, status words in colour.

Laid out here rather than by Rich: Rich's general table layout, and even its
import, cost more than the rest of `planctl status` on a 60-action plan, and a
status table must feel instant. render/terminal.py decides colour and width.
"""

from __future__ import annotations

from ..core.errors import safe_text
from . import Column, Section, View
from .terminal import Terminal, cell_len, terminal

# SGR codes of the basic 16 colours: every colour terminal shows them.
STATUS_STYLES = {
    "completed": "34",  # blue
    "dropped": "90",  # grey
    "overdue": "1;31",  # bold red
    "due-soon": "33",  # amber
    "on-track": "32",  # green
    "no-date": "2",  # dim
}
_COLOURLESS = {"1;31": "1", "34": "", "90": "2", "33": "", "32": "", "2": "2"}
GAP = "  "
MIN_WRAP_WIDTH = 8


class _Painter:
    """Wraps text in SGR codes when the terminal may style, dropping colours under NO_COLOR."""

    def __init__(self, term: Terminal):
        self.on = term.styled
        self.no_color = term.no_color

    def __call__(self, text: str, code: str) -> str:
        if not self.on or not code:
            return text
        if self.no_color:
            code = _COLOURLESS.get(code, "")
            if not code:
                return text
        return f"\x1b[{code}m{text}\x1b[0m"


def _split_cells(word: str, width: int, at_least_one: bool = True) -> tuple[str, str]:
    """The longest head of `word` that fits in `width` columns, and the rest. A line of its
    own takes at least one character, even a wide one in a one-column space."""
    used = 0
    for i, ch in enumerate(word):
        used += cell_len(ch)
        if used > width:
            cut = max(i, 1) if at_least_one else i
            return word[:cut], word[cut:]
    return word, ""


def _wrap_words(paragraph: str, width: int) -> list[str]:
    """textwrap.wrap(paragraph, width, break_on_hyphens=False), in terminal columns.

    textwrap splits with regular expressions at several times the cost (and counts
    characters, not columns). A word longer than the width fills the rest of the line
    it would start, then continues on the next, as in textwrap."""
    measure = len if paragraph.isascii() else cell_len
    lines: list[str] = []
    line, used = "", 0
    for word in paragraph.split():
        size = measure(word)
        if not line and size <= width:
            line, used = word, size
        elif line and used + 1 + size <= width:
            line, used = line + " " + word, used + 1 + size
        elif size <= width:
            lines.append(line)
            line, used = word, size
        else:
            if line:
                room = width - used - 1
                head, rest = _split_cells(word, room, at_least_one=False) if room > 0 else ("", word)
                if head:
                    line, word = line + " " + head, rest
                lines.append(line)
            while measure(word) > width:
                head, word = _split_cells(word, width)
                lines.append(head)
            line, used = word, measure(word)
    if line or not lines:
        lines.append(line)
    return lines


def _wrap(text: str, width: int) -> list[str]:
    return [line for paragraph in text.split("\n") for line in _wrap_words(paragraph, width)]


def _widths(section: Section, cells: list[list[str]], total: int) -> list[int]:
    """Fixed columns get their natural width; wrapping columns share what is left by ratio."""
    natural = [max([cell_len(col.header)] + [cell_len(row[i]) for row in cells])
               for i, col in enumerate(section.columns)]
    widths = list(natural)
    wrapping = [i for i, col in enumerate(section.columns) if col.wrap]
    spare = total - len(GAP) * (len(widths) - 1) - sum(natural[i] for i in range(len(widths))
                                                         if i not in wrapping)
    if not wrapping or sum(natural[i] for i in wrapping) <= spare:
        return widths
    # Share the spare width by ratio; a column needing less than its share gives the rest back.
    open_cols = set(wrapping)
    for i in wrapping:
        widths[i] = 0
    while open_cols:
        ratio_sum = sum(section.columns[i].wrap for i in open_cols)
        share = {i: spare * section.columns[i].wrap // ratio_sum for i in open_cols}
        # A narrow column is raised to a readable minimum, taken from the widest.
        for i in open_cols:
            if share[i] < MIN_WRAP_WIDTH:
                widest = max(open_cols, key=lambda j: share[j])
                give = min(MIN_WRAP_WIDTH - share[i], share[widest] - MIN_WRAP_WIDTH)
                if give > 0:
                    share[i] += give
                    share[widest] -= give
        satisfied = {i for i in open_cols if natural[i] <= share[i]}
        if not satisfied:
            for i in open_cols:
                widths[i] = share[i]
            break
        for i in satisfied:
            widths[i] = natural[i]
            spare -= natural[i]
        open_cols -= satisfied
    return widths


def _pad(text: str, width: int, col: Column) -> str:
    fill = " " * max(0, width - cell_len(text))
    return fill + text if col.justify == "right" else text + fill


def _render_section(section: Section, total: int, term: Terminal, rule: str) -> list[str]:
    paint = _Painter(term)
    cells = [[safe_text(c) for c in row] for row in section.rows]
    widths = _widths(section, cells, total)
    out = []
    if section.title:
        out.append(paint(safe_text(section.title), "1"))
    header = GAP.join(_pad(c.header, w, c) for c, w in zip(section.columns, widths, strict=True))
    out.append(paint(header.rstrip(), "1"))
    out.append(rule * min(total, sum(widths) + len(GAP) * (len(widths) - 1)))
    for row, status in zip(cells, section.statuses, strict=True):
        wrapped = [_wrap(cell, w) if col.wrap or cell_len(cell) > w else [cell]
                   for cell, col, w in zip(row, section.columns, widths, strict=True)]
        for n in range(max(len(w) for w in wrapped)):
            parts = []
            for lines, col, w in zip(wrapped, section.columns, widths, strict=True):
                text = _pad(lines[n] if n < len(lines) else "", w, col)
                code = STATUS_STYLES.get(status or "", "") if col.status and n < len(lines) else ""
                parts.append(paint(text, code) if code and text.strip() else text)
            out.append(GAP.join(parts).rstrip())
    return out


def render_table(view: View, color: bool | None) -> None:
    term = terminal(color)
    rule = "─" if term.unicode else "-"
    total = max(40, term.width)
    lines: list[str] = []
    if not any(section.rows for section in view.sections):
        lines.append(safe_text(view.empty))
    for section in view.sections:
        if not section.rows:
            continue
        if lines and section.title:
            lines.append("")
        lines += _render_section(section, total, term, rule)
    if view.summary:
        lines.append(safe_text(view.summary))
    term.file.write("\n".join(lines) + "\n")
    term.file.flush()
