"""Terminal tables: wrapped text, fitted to the width, status words in colour.

Laid out here rather than by Rich: Rich's general table layout, and even its
import, cost more than the rest of `planctl status` on a 60-action plan, and a
status table must feel instant. render/terminal.py decides colour and width.
"""

from __future__ import annotations

from collections.abc import Callable
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
# Below these a table is hard to read, and rows are drawn as blocks (see _floor).
MIN_WRAP_WIDTH = 10
MAIN_TEXT_WIDTH = 20
FIXED_WHOLE = 12
MIN_SHARE = 8  # the least a wrapping column gets when the spare width is shared by ratio


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


def _wrap_words(paragraph: str, width: int, split: bool = True) -> list[str]:
    """textwrap.wrap(paragraph, width, break_on_hyphens=False), in terminal columns.

    textwrap splits with regular expressions at several times the cost (and counts
    characters, not columns). A word longer than the width fills the rest of the line
    it would start, then continues on the next, as in textwrap; with `split=False` it
    stands whole on a line of its own instead (an id or a status word is never cut; the
    terminal folds the rare one longer than the screen). Time is linear in the text,
    whatever the width (a width below 1 counts as 1): a long word is cut by moving an
    index along it, never by re-slicing its rest."""
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
        elif size <= width or not split:
            if line:
                lines.append(line)
            line, used = word, size
        else:
            line, used = _split_long(word, line, used, width, lines, measure)
    if line or not lines:
        lines.append(line)
    return lines


def _split_long(word: str, line: str, used: int, width: int, lines: list[str],
                measure: Callable[[str], int]) -> tuple[str, int]:
    """Cut `word`, longer than `width`, into `lines`, its start filling the rest of `line`.
    Returns the line its end begins, and that line's width."""
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
    rest = word[at:]
    return rest, measure(rest)


def _wrap(text: str, width: int, split: bool = True) -> list[str]:
    return [line for paragraph in text.split("\n") for line in _wrap_words(paragraph, width, split)]


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _raise(widths: list[int], targets: list[int], ratios: list[int], spare: int) -> int:
    """Widen the columns with a ratio towards their targets, sharing `spare` by ratio: each
    is raised to level * ratio (never lowered, never past its target), the level as high as
    the spare allows, found by bisection, so bounded at any width. Returns what is left."""
    top = max(ratios, default=0) or 1
    targets = [max(t, w) for t, w in zip(targets, widths, strict=True)]  # never lowered

    def at(level: int) -> list[int]:
        return [w if r <= 0 else min(t, max(w, level * r // top))
                for w, t, r in zip(widths, targets, ratios, strict=True)]

    budget = sum(widths) + spare
    lo, hi = 0, max(targets, default=0) * top + 1  # at(lo) fits; at(hi) is past every target
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if sum(at(mid)) <= budget:
            lo = mid
        else:
            hi = mid
    raised = at(lo)
    # From one level to the next a column grows by one at most: the rest, leftmost first.
    left = budget - sum(raised)
    for i, (t, r) in enumerate(zip(targets, ratios, strict=True)):
        if left > 0 and r > 0 and raised[i] < t:
            raised[i] += 1
            left -= 1
    widths[:] = raised
    return left


def _shares(cols: list[Column], natural: list[int], room: int) -> list[int] | None:
    """Fixed columns at their natural width and the rest shared by ratio among the wrapping
    ones (each at least MIN_SHARE, a column needing less than its share giving the rest
    back); None where that does not fit. The usual layout: _widths checks it splits no word."""
    wrapping = [i for i, col in enumerate(cols) if col.wrap]
    spare = room - sum(n for i, n in enumerate(natural) if i not in wrapping)
    if not wrapping or spare < MIN_SHARE * len(wrapping):
        return None
    widths = list(natural)
    open_cols = set(wrapping)
    while open_cols:
        ratio_sum = sum(cols[i].wrap for i in open_cols)
        share = {i: spare * cols[i].wrap // ratio_sum for i in open_cols}
        # A narrow column is raised to a readable minimum, taken from the widest.
        for i in open_cols:
            if share[i] < MIN_SHARE:
                widest = max(open_cols, key=lambda j: share[j])
                give = min(MIN_SHARE - share[i], share[widest] - MIN_SHARE)
                if give > 0:
                    share[i] += give
                    share[widest] -= give
        satisfied = {i for i in open_cols if natural[i] <= share[i]}
        if not satisfied:
            for i in open_cols:
                widths[i] = share[i]
            break
        for i in satisfied:
            spare -= natural[i]
        open_cols -= satisfied
    return widths


def _floor(col: Column, longest_word: int, natural: int, main: bool) -> int:
    """The narrowest a column can be read at. A fixed column (ids, status words, dates,
    counts) is never narrower than its longest word, nor than FIXED_WHOLE (a date stays on
    one line); a text column not narrower than MIN_WRAP_WIDTH, the row's own text (main)
    not than MAIN_TEXT_WIDTH, unless its text is narrower, nor than its header's words."""
    if not col.wrap:
        return max(1, longest_word, min(natural, FIXED_WHOLE))
    least = min(natural, MAIN_TEXT_WIDTH) if main else min(longest_word, MIN_WRAP_WIDTH)
    return max(1, _longest_word(col.header), least)


def _widths(section: Section, cells: list[list[str]], total: int) -> list[int] | None:
    """Column widths for a table `total` columns wide, or None where no table can be read.

    A word is split only where no other column can give. Each column has a floor (_floor)
    below which it cannot be read; below the sum of the floors the rows are drawn as blocks.
    Above it, the usual share by ratio (_shares) where it splits no word that could stay
    whole; else the spare width goes first to wrapping columns up to their longest word (a
    word too long for any width the table allows is split whatever the others give, so it
    claims nothing), then to every column up to its floor, then to fixed columns up to
    their natural width, then to wrapping columns by share up to theirs."""
    cols = section.columns
    columns = [[col.header] + [row[i] for row in cells] for i, col in enumerate(cols)]
    natural = [max(cell_len(line) for c in column for line in c.split("\n")) for column in columns]
    sizes = [{cell_len(word) for c in column for word in c.split()} | {0} for column in columns]
    words = [max(n) for n in sizes]
    main = _main_text(section)
    floors = [_floor(col, w, n, i == main) for i, (col, w, n) in enumerate(zip(cols, words, natural,
                                                                               strict=True))]
    room = total - len(GAP) * (len(cols) - 1)
    if sum(natural) <= room:
        return natural
    if sum(floors) > room:
        return None
    # Below the floors only to keep a word whole: a fixed column at its longest word, a
    # text column at its header's.
    widths = [max(1, w if not col.wrap else _longest_word(col.header))
              for col, w in zip(cols, words, strict=True)]
    spare = room - sum(widths)
    fitting = [max(w, max(n for n in sz if n <= spare + w))
               for w, sz in zip(widths, sizes, strict=True)]
    shared = _shares(cols, natural, room)
    if shared and all(w >= f for w, f in zip(shared, fitting, strict=True)):
        return shared  # the plain share by ratio splits no word that could be kept whole
    wrapping = [1 if col.wrap else 0 for col in cols]
    spare = _raise(widths, fitting, wrapping, spare)
    spare = _raise(widths, floors, [1] * len(cols), spare)
    spare = _raise(widths, natural, [1 - r for r in wrapping], spare)
    _raise(widths, natural, [col.wrap for col in cols], spare)
    return widths


def _pad(text: str, width: int, col: Column) -> str:
    fill = " " * max(0, width - cell_len(text))
    return fill + text if col.justify == "right" else text + fill


def _lines(cell: str, width: int, wrap: bool) -> list[str]:
    """A cell's lines: wrapped when its column wraps or it does not fit (or holds a newline).
    A fixed column is never narrower than its longest word: only its spaces break."""
    if wrap or "\n" in cell or cell_len(cell) > width:
        return _wrap(cell, width, split=wrap)
    return [cell]


def _table_lines(section: Section, cells: list[list[str]], widths: list[int],
                 paint: _Painter, rule: str) -> list[str]:
    cols = section.columns
    header = [_lines(c.header, w, bool(c.wrap)) for c, w in zip(cols, widths, strict=True)]
    rows: list[tuple[list[list[str]], str, str | None]] = [(header, "1", None)]
    rows += [([_lines(cell, w, bool(col.wrap)) for cell, col, w in zip(row, cols, widths,
                                                                     strict=True)], "", status)
             for row, status in zip(cells, section.statuses, strict=True)]
    out = []
    for n, (wrapped, style, status) in enumerate(rows):
        for k in range(max(len(w) for w in wrapped)):
            parts = []
            for lines, col, w in zip(wrapped, cols, widths, strict=True):
                text = _pad(lines[k] if k < len(lines) else "", w, col)
                code = STATUS_STYLES.get(status or "", "") if col.status and k < len(lines) else ""
                parts.append((text, code))
            if style:
                out.append(paint(GAP.join(text for text, _ in parts).rstrip(), style))
            else:
                out.append(GAP.join(paint(text, code) if code and text.strip() else text
                                    for text, code in parts).rstrip())
        if n == 0:
            out.append(rule * (sum(widths) + len(GAP) * (len(widths) - 1)))
    return out


def _main_text(section: Section) -> int:
    """The column of the row's own text (the largest share): shown under a block unlabelled."""
    shares = [col.wrap if i else 0 for i, col in enumerate(section.columns)]
    best = max(shares, default=0)
    return shares.index(best) if best else -1


def _block(section: Section, row: list[str], status: str | None, width: int,
           paint: _Painter) -> list[str]:
    """One row as a block, as `gh` and `kubectl` print on a narrow screen: the first column
    and the fixed ones (id, status, dates) on one line, labelled where the value alone would
    not say what it is; then each text wrapped under it. All but the first line indented."""
    main = _main_text(section)
    head: list[tuple[str, bool, str]] = []  # (text, may split a word, SGR code)
    body: list[str] = []
    for i, (col, cell) in enumerate(zip(section.columns, row, strict=True)):
        if not cell.strip():
            continue
        if i and col.wrap:
            body.append(cell if i == main else f"{_label(col)} {cell}")
            continue
        code = STATUS_STYLES.get(status or "", "") if col.status else ""
        plain = i == 0 or (col.status and cell in STATUS_STYLES)  # a status word says what it is
        atom = (cell if plain else f"{_label(col)} {cell}", bool(col.wrap), code)
        # The key, then its status, then the rest in column order.
        head.insert(min(1, len(head)) if col.status else len(head), atom)
    indent = GAP if width > 2 * len(GAP) else ""
    lines = [("" if n == 0 else indent) + _join(line, paint)
             for n, line in enumerate(_pack(head, width - len(indent)))]
    for text in body:
        lines += [indent + line for line in _wrap(text, width - len(indent))]
    return lines


def _label(col: Column) -> str:
    return " ".join(col.header.split()) + ":"


def _pack(atoms: list[tuple[str, bool, str]], width: int) -> list[list[tuple[str, str]]]:
    """The head's values in lines of `width`, two spaces apart: a value moves to the next
    line rather than break there; one longer than a whole line wraps at its spaces."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for text, split, code in atoms:
        pieces = _wrap(text, width, split)
        if len(pieces) == 1 and lines[-1] and used + len(GAP) + cell_len(pieces[0]) <= width:
            lines[-1].append((pieces[0], code))
            used += len(GAP) + cell_len(pieces[0])
            continue
        for piece in pieces:
            if lines[-1]:
                lines.append([])
            lines[-1].append((piece, code))
        used = cell_len(pieces[-1])
    return [line for line in lines if line]


def _join(line: list[tuple[str, str]], paint: _Painter) -> str:
    return GAP.join(paint(text, code) if code and text.strip() else text for text, code in line)


def _render_section(section: Section, total: int, term: Terminal, rule: str) -> list[str]:
    paint = _Painter(term)
    # A tab would jump to the terminal's next tab stop, wherever the column ends.
    cells = [[safe_text(c).replace("\t", " ") for c in row] for row in section.rows]
    widths = _widths(section, cells, total)
    out = []
    if section.title:
        out += [paint(line, "1") for line in _wrap(safe_text(section.title), total)]
    if widths is not None:
        return out + _table_lines(section, cells, widths, paint, rule)
    for n, (row, status) in enumerate(zip(cells, section.statuses, strict=True)):
        if n:
            out.append("")
        out += _block(section, row, status, total, paint)
    return out


def render_table(view: View, color: bool | None) -> None:
    term = terminal(color)
    rule = "─" if term.unicode else "-"
    total = term.width  # as narrow as the terminal, down to 1 column
    lines: list[str] = []
    if not any(section.rows for section in view.sections):
        lines += _wrap(safe_text(view.empty), total)
    for section in view.sections:
        if not section.rows:
            continue
        if lines and section.title:
            lines.append("")
        lines += _render_section(section, total, term, rule)
    if view.summary:
        lines += _wrap(safe_text(view.summary), total)
    term.file.write("\n".join(lines) + "\n")
    term.file.flush()
