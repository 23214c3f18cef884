"""Terminal tables: wrapped text, fitted to the width, status words in colour.

Laid out here rather than by Rich: Rich's general table layout, and even its
import, cost more than the rest of `planctl status` on a 60-action plan, and a
status table must feel instant. render/terminal.py decides colour and width.
"""

from __future__ import annotations

from functools import lru_cache

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


@lru_cache(maxsize=4096)
def _char_cells(ch: str) -> int:
    return cell_len(ch)


def _cut(word: str, start: int, width: int, force: bool = True) -> int:
    """Where the longest run of `word` from `start` that fits in `width` columns ends. A
    character keeps the combining marks after it. `force`: take at least one character
    (with its marks), even a wide one in a one-column space, so that a line always moves on."""
    n = len(word)
    if word.isascii():
        return min(n, start + max(width, 1 if force else 0))
    used, i = 0, start
    while i < n:
        size = _char_cells(word[i])
        if used + size > width and (i > start or not force):
            break
        used += size
        i += 1
        while i < n and not _char_cells(word[i]):  # marks stay with their base character
            i += 1
    return i


def _wrap_words(paragraph: str, width: int) -> list[str]:
    """textwrap.wrap(paragraph, width, break_on_hyphens=False), in terminal columns.

    textwrap splits with regular expressions at several times the cost (and counts
    characters, not columns). A word longer than the width fills the rest of the line
    it would start, then continues on the next, as in textwrap. Time is linear in the
    text, whatever the width (a width below 1 counts as 1): a long word is cut by moving
    an index along it, never by re-slicing its rest."""
    width = max(1, width)
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
            at = 0
            if line:
                at = _cut(word, 0, width - used - 1, force=False)
                lines.append(line + " " + word[:at] if at else line)
            while True:
                end = _cut(word, at, width)
                if end >= len(word):
                    break
                lines.append(word[at:end])
                at = end
            line = word[at:]
            used = measure(line)
    if line or not lines:
        lines.append(line)
    return lines


def _wrap(text: str, width: int) -> list[str]:
    return [line for paragraph in text.split("\n") for line in _wrap_words(paragraph, width)]


def _floor(cells: list[str]) -> int:
    """The narrowest a column can be: its widest character (2 for a wide one, else 1)."""
    return 2 if any(not c.isascii() and cell_len(ch) > 1 for c in cells for ch in c) else 1


def _shrink(widths: list[int], floors: list[int], room: int) -> list[int]:
    """Narrow the widest columns first, all to one cap, until the columns fit in `room`;
    never below a column's floor. The cap is found by bisection: bounded at any width."""
    if sum(widths) <= room:
        return widths
    lo, hi = 0, max(widths)  # the largest cap whose total fits lies in [lo, hi)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if sum(max(f, min(w, mid)) for w, f in zip(widths, floors, strict=True)) <= room:
            lo = mid
        else:
            hi = mid
    capped = [max(f, min(w, lo)) for w, f in zip(widths, floors, strict=True)]
    # What the cap leaves over goes, a column each, to those it narrowed (leftmost first).
    spare = room - sum(capped)
    for i, w in enumerate(widths):
        if spare <= 0:
            break
        if w > capped[i]:
            capped[i] += 1
            spare -= 1
    return capped


def _widths(section: Section, cells: list[list[str]], total: int) -> list[int]:
    """Column widths for a table `total` columns wide.

    Fixed columns get their natural width and wrapping columns share what is left by ratio,
    each at least MIN_WRAP_WIDTH. When that does not fit, the widest columns (fixed or
    wrapping) are narrowed first, down to their floor (one column, two for wide
    characters); text in a narrowed column wraps. Only below the sum of the floors plus the
    gaps does the table not fit, and render_table clips its lines visibly."""
    columns = [[col.header] + [row[i] for row in cells] for i, col in enumerate(section.columns)]
    natural = [max(cell_len(c) for c in column) for column in columns]
    floors = [_floor(column) for column in columns]
    widths = list(natural)
    wrapping = [i for i, col in enumerate(section.columns) if col.wrap]
    room = total - len(GAP) * (len(widths) - 1)
    spare = room - sum(natural[i] for i in range(len(widths)) if i not in wrapping)
    if not wrapping or sum(natural[i] for i in wrapping) <= spare:
        return _shrink(widths, floors, room)
    if spare < MIN_WRAP_WIDTH * len(wrapping):
        return _shrink([max(w, f) for w, f in zip(widths, floors, strict=True)], floors, room)
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
    return _shrink([max(w, f) for w, f in zip(widths, floors, strict=True)], floors, room)


def _pad(text: str, width: int, col: Column) -> str:
    fill = " " * max(0, width - cell_len(text))
    return fill + text if col.justify == "right" else text + fill


def _clip(text: str, width: int, mark: str) -> str:
    """`text` cut to `width` columns, ending in `mark` where something was cut off."""
    if cell_len(text) <= width:
        return text
    return text[:_cut(text, 0, width - cell_len(mark), force=False)] + mark


def _lines(cell: str, width: int, wrap: bool) -> list[str]:
    """A cell's lines: wrapped when its column wraps or it does not fit (or holds a newline)."""
    if wrap or "\n" in cell or cell_len(cell) > width:
        return _wrap(cell, width)
    return [cell]


def _render_section(section: Section, total: int, term: Terminal, rule: str) -> list[str]:
    paint = _Painter(term)
    mark = "…" if term.unicode else ">"
    # A tab would jump to the terminal's next tab stop, wherever the column ends.
    cells = [[safe_text(c).replace("\t", " ") for c in row] for row in section.rows]
    widths = _widths(section, cells, total)
    out = []
    if section.title:
        out.append(paint(safe_text(section.title), "1"))
    header = [_lines(c.header, w, False) for c, w in zip(section.columns, widths, strict=True)]
    rows: list[tuple[list[list[str]], str, str | None]] = [(header, "1", None)]
    rows += [([_lines(cell, w, bool(col.wrap)) for cell, col, w in zip(row, section.columns, widths,
                                                                     strict=True)], "", status)
             for row, status in zip(cells, section.statuses, strict=True)]
    for n, (wrapped, style, status) in enumerate(rows):
        for k in range(max(len(w) for w in wrapped)):
            parts = []
            for lines, col, w in zip(wrapped, section.columns, widths, strict=True):
                text = _pad(lines[k] if k < len(lines) else "", w, col)
                code = STATUS_STYLES.get(status or "", "") if col.status and k < len(lines) else ""
                parts.append((text, code))
            line = GAP.join(text for text, _ in parts).rstrip()
            if cell_len(line) > total:  # only below the narrowest layout (see _widths)
                line = _clip(line, total, mark)
                out.append(paint(line, style) if style else line)
            elif style:
                out.append(paint(line, style))
            else:
                out.append(GAP.join(paint(text, code) if code and text.strip() else text
                                    for text, code in parts).rstrip())
        if n == 0:
            out.append(rule * min(total, sum(widths) + len(GAP) * (len(widths) - 1)))
    return out


def render_table(view: View, color: bool | None) -> None:
    term = terminal(color)
    rule = "─" if term.unicode else "-"
    total = term.width  # as narrow as the terminal, down to 1 column
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
