"""The trends from git (history.trends) as inline SVG, for the HTML report and the dashboard.

Each chart is `role="img"` named by its own <title> (aria-labelledby) and carries every
figure it draws in a <desc>, so a screen reader reads the numbers, not the picture.
No `style=` attribute and no <style> element (the dashboard's Content-Security-Policy
hashes elements only): colours and fonts are presentation attributes. Colour is never the
only signal: the rating cells carry their letter (R, A, G, B), the overdue bars a hatch,
and a measure's value that is not a number is listed as text, never drawn (not as zero).

Input is the trends' JSON form (Trends.as_dict): dates as `date`s or ISO strings.
"""

from __future__ import annotations

import html
from datetime import date
from decimal import ROUND_CEILING, Decimal

from ..core.errors import safe_text
from ..core.jsondoc import JSONDict
from ..core.words import count
from .views import show_date

# The status colours of the report's charts (render/report_html.py), hatched where overdue.
STATUS_FILL = {"completed": "#1d5fa8", "overdue": "#c0182b", "due_soon": "#d98e04",
               "on_track": "#2e8540", "no_date": "#8a8f98", "dropped": "#c4c8ce"}
STATUS_WORDS = {"completed": "completed", "overdue": "overdue", "due_soon": "due soon",
                "on_track": "on track", "no_date": "no date", "dropped": "dropped"}
# A rating's cell: (fill, letter colour, letter, word). Letters keep the strip readable
# without colour (and in greyscale print).
RATING_CELL = {"red": ("#c0182b", "#ffffff", "R", "Red"),
               "amber": ("#f2b01e", "#1b1f24", "A", "Amber"),
               "green": ("#2e8540", "#ffffff", "G", "Green"),
               "blue": ("#1d5fa8", "#ffffff", "B", "Blue"),
               "unrated": ("#eef0f2", "#3d4450", "\u2013", "no rating")}
ABSENT = ("#ffffff", "#8a8f98", "", "not in the plan")
FONT = 'font-family="Arial, Helvetica, sans-serif"'
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def esc(value: object) -> str:
    """Plan text as SVG/HTML text or attribute value (controls made visible, then escaped)."""
    return html.escape(safe_text("" if value is None else str(value)), quote=True)


def day_of(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def point_name(p: JSONDict) -> str:
    """A point as a reader names it: '15 Apr 2013 (committee-2013-04-15)', 'as at 1 Jun 2013'."""
    when = show_date(day_of(p["date"]))
    if p["kind"] == "now":
        return f"as at {when}"
    return f"{when} ({p['label']})"


def _open_svg(uid: str, width: int, height: int, title: str, desc: str) -> str:
    return (f'<svg class="chart trend" role="img" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" {SVG_NS} aria-labelledby="{uid}-title {uid}-desc">'
            f'<title id="{uid}-title">{esc(title)}</title><desc id="{uid}-desc">{esc(desc)}</desc>')


def _short(p: JSONDict) -> str:
    d = day_of(p["date"])
    return "now" if p["kind"] == "now" else f"{d.day} {d:%b %y}"


def _x_labels(n: int, step: float) -> list[int]:
    """The points whose dates are written under the axis: at least 64 px apart, the first
    and the last always."""
    shown = [0]
    for i in range(1, n):
        if (i - shown[-1]) * step >= 64 and ((n - 1 - i) * step >= 64 or i == n - 1):
            shown.append(i)
    if shown[-1] != n - 1:
        shown[-1] = n - 1
    return shown


# -- status counts ------------------------------------------------------------------------


def status_chart(trends: JSONDict, uid: str = "trend-status") -> str:
    """Stacked bars, one per point: the actions by status as they stood then."""
    points = trends["points"]
    if not points:
        return ""
    left, top, bar, gap, plot_h = 44, 34, 22, 12, 180
    step = bar + gap
    key_width = left + sum(24 + 7 * len(w) for w in STATUS_WORDS.values())
    width = max(left + step * len(points) + 16, key_width)
    height = top + plot_h + 40
    most = max(p["total"] for p in points) or 1
    figures = "; ".join(
        f"{point_name(p)}: {count(p['total'], 'action')}"
        + "".join(f", {p[k]} {w}" for k, w in STATUS_WORDS.items() if p[k]) for p in points)
    basis = "meeting" if trends["basis"] == "meetings" else "change to the plan"
    parts = [_open_svg(uid, width, height, f"Actions by status at each {basis}", figures),
             f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             f'patternTransform="rotate(45)"><rect width="6" height="6" '
             f'fill="{STATUS_FILL["overdue"]}"/><line x1="0" y1="0" x2="0" y2="6" '
             f'stroke="#ffffff" stroke-width="2" stroke-opacity="0.55"/></pattern></defs>']
    x = float(left)
    for key, word in STATUS_WORDS.items():  # the key, along the top
        fill = f"url(#{uid}-hatch)" if key == "overdue" else STATUS_FILL[key]
        parts.append(f'<rect x="{x:.0f}" y="6" width="12" height="12" fill="{fill}"/>'
                     f'<text x="{x + 16:.0f}" y="16" {FONT} font-size="12" '
                     f'fill="#1b1f24">{word}</text>')
        x += 24 + 7 * len(word)
    base = top + plot_h
    for v in sorted({0, most}):
        y = base - plot_h * v / most
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT} '
                     f'font-size="12" fill="#5b6470">{v}</text>'
                     f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#e1e3e6"/>')
    for i, p in enumerate(points):
        bx = left + i * step + gap / 2
        y = float(base)
        parts.append(f"<g><title>{esc(point_name(p))}</title>")
        for key, word in STATUS_WORDS.items():
            n = p[key]
            if not n:
                continue
            h = plot_h * n / most
            y -= h
            fill = f"url(#{uid}-hatch)" if key == "overdue" else STATUS_FILL[key]
            parts.append(f'<rect x="{bx:.1f}" y="{y:.1f}" width="{bar}" height="{h:.1f}" '
                         f'fill="{fill}" stroke="#ffffff" stroke-width="1">'
                         f"<title>{esc(f'{point_name(p)}: {n} {word}')}</title></rect>")
        parts.append("</g>")
    for i in _x_labels(len(points), step):
        cx = left + i * step + step / 2
        parts.append(f'<text x="{cx:.1f}" y="{base + 18}" text-anchor="middle" {FONT} '
                     f'font-size="11" fill="#5b6470">{esc(_short(points[i]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


# -- rating strips ------------------------------------------------------------------------


def rating_strip(strip: JSONDict, points: list[JSONDict], uid: str, name: str | None = None) -> str:
    """One action's council rating at each point: a row of lettered cells."""
    cell, gap = 22, 3
    width = max(len(points) * (cell + gap), cell)
    height = cell + 2
    label = name or strip["id"]
    said = []
    cells = []
    for i, (p, rating) in enumerate(zip(points, strip["ratings"], strict=True)):
        fill, ink, letter, word = RATING_CELL.get(rating, ABSENT) if rating else ABSENT
        said.append(f"{point_name(p)}: {word}")
        x = i * (cell + gap)
        stroke = ' stroke="#8a8f98" stroke-dasharray="2 2"' if rating is None else ""
        cells.append(f"<g><title>{esc(f'{point_name(p)}: {word}')}</title>"
                     f'<rect x="{x + 0.5}" y="1" width="{cell - 1}" height="{cell - 1}" '
                     f'fill="{fill}"{stroke}/>'
                     + (f'<text x="{x + cell / 2}" y="{cell / 2 + 5}" text-anchor="middle" '
                        f'{FONT} font-size="13" font-weight="700" fill="{ink}">{letter}</text>'
                        if letter else "") + "</g>")
    title = f"Council rating of action {label} at each point"
    return _open_svg(uid, width, height, title, "; ".join(said)) + "".join(cells) + "</svg>"


# -- measures -----------------------------------------------------------------------------


def _number(r: JSONDict | None) -> Decimal | None:
    return Decimal(str(r["number"])) if r and r.get("plotted") and r["number"] is not None else None


def _axis(lo: Decimal, hi: Decimal) -> tuple[Decimal, Decimal]:
    """The value axis: from 0 (or a round figure below the lowest when it is negative) to the
    round figure (1, 2 or 5 times a power of ten, a step) at or above the highest."""
    low = min(lo, Decimal(0))
    span = max(hi - low, Decimal(1))
    step = Decimal(1).scaleb(span.adjusted())  # the power of ten at or below the span
    for k in (Decimal("0.2"), Decimal("0.5"), Decimal(1)):
        if span <= step * 10 * k:
            step = step * k
            break
    if low < 0:
        low = -step * _ceil(-low / step)
    return low, low + step * max(_ceil((hi - low) / step), Decimal(1))


def _ceil(n: Decimal) -> Decimal:
    return n.to_integral_value(rounding=ROUND_CEILING)


def _with_unit(figure: str, unit: str | None) -> str:
    if unit == "%":
        return figure + "%"
    if unit in ("£", "$", "\u20ac"):
        return unit + figure
    return figure


def measure_chart(measure: JSONDict, points: list[JSONDict], uid: str) -> str:
    """A measure's actual values as a line over the points, with its baseline and target as
    reference lines. A value that is not a number (or in another unit) is left out of the
    line (it is broken there) and named in the description; "" when nothing is a number."""
    values = measure["values"]
    plotted = [_number(v) for v in values]
    refs = [(k, measure[k], _number(measure[k])) for k in ("baseline", "target")]
    numbers = [n for n in plotted if n is not None] + [n for _, _, n in refs if n is not None]
    if not any(n is not None for n in plotted):
        return ""
    left, right, top, plot_h, step = 52, 120, 10, 110, 44
    width = left + step * max(len(points) - 1, 1) + right
    height = top + plot_h + 30
    low, high = _axis(min(numbers), max(numbers))

    def sy(n: Decimal) -> float:
        return top + plot_h - plot_h * float((n - low) / (high - low))

    def sx(i: int) -> float:
        return left + step * i

    desc = [f"{point_name(p)}: " + (v["text"] if v else "no value") + ("" if n is not None else
            f" (not plotted: {_why(v, measure)})" if v else "")
            for p, v, n in zip(points, values, plotted, strict=True)]
    desc += [f"{k} {r['text']}" + ("" if n is not None else " (not drawn: not a number in the "
                                   "same unit)") for k, r, n in refs if r]
    title = f"{measure['measure']} (action {measure['action']}): actual value at each point"
    parts = [_open_svg(uid, width, height, title, "; ".join(desc)),
             f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#8a8f98"/>']
    for v in (low, high):
        parts.append(f'<text x="{left - 6}" y="{sy(v) + 4:.1f}" text-anchor="end" {FONT} '
                     f'font-size="11" fill="#5b6470">{esc(_with_unit(_fmt(v), measure["unit"]))}</text>')
    for (key, r, n), dash in zip(refs, ("2 3", "6 3"), strict=True):
        if n is None:
            continue
        said = esc(f"{key} {r['text']}")
        parts.append(f'<line x1="{left}" x2="{sx(len(points) - 1) + 8:.1f}" y1="{sy(n):.1f}" '
                     f'y2="{sy(n):.1f}" stroke="#3d4450" stroke-dasharray="{dash}">'
                     f"<title>{said}</title></line>"
                     f'<text x="{sx(len(points) - 1) + 12:.1f}" y="{sy(n) + 4:.1f}" {FONT} '
                     f'font-size="11" fill="#3d4450">{said}</text>')
    path, pen = [], "M"
    for i, n in enumerate(plotted):
        if n is None:
            pen = "M"  # a gap: the line does not pass through what is not a number
            continue
        path.append(f"{pen}{sx(i):.1f},{sy(n):.1f}")
        pen = "L"
    parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="#1d5fa8" stroke-width="2.5"/>')
    for i, (p, v, n) in enumerate(zip(points, values, plotted, strict=True)):
        if n is not None:
            said = esc(point_name(p) + ": " + v["text"])
            parts.append(f'<circle cx="{sx(i):.1f}" cy="{sy(n):.1f}" r="4" fill="#1d5fa8">'
                         f"<title>{said}</title></circle>")
    for i in _x_labels(len(points), step):
        parts.append(f'<text x="{sx(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" {FONT} '
                     f'font-size="11" fill="#5b6470">{esc(_short(points[i]))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _why(v: JSONDict, measure: JSONDict) -> str:
    return v["why"] or f"in {v['unit'] or 'no unit'}, not {measure['unit'] or 'no unit'}"


def _fmt(n: Decimal) -> str:
    """An axis figure, as a UK reader writes it: 1,204; 3.2."""
    return f"{n.normalize():,f}" if n == n.to_integral_value() else f"{round(n, 2):,}"


def not_plotted(measure: JSONDict, points: list[JSONDict]) -> list[str]:
    """Each value left off the chart, as text: '1 Jun 2013: not yet measured (no number)'."""
    return [f"{point_name(p)}: {v['text']} ({_why(v, measure)})"
            for p, v in zip(points, measure["values"], strict=True)
            if v is not None and not v.get("plotted")]


# -- the report's section -----------------------------------------------------------------


def trends_section(trends: JSONDict | None, many: bool = False) -> str:
    """The HTML report's "Trends" section (nothing outside git)."""
    if not trends or not trends["points"]:
        return ""
    points = trends["points"]
    basis = ("each committee meeting (its git tag)" if trends["basis"] == "meetings"
             else "each date the plan changed in git (no meeting tags)")
    dropped = trends["dropped"]
    lost = (f" {count(dropped['count'], 'earlier point')} ({esc(show_date(day_of(dropped['from'])))}"
            f" to {esc(show_date(day_of(dropped['to'])))}) {'is' if dropped['count'] == 1 else 'are'}"
            " not shown." if dropped["count"] else "")
    out = ['<section id="trends"><h2>Trends</h2>',
           f'<p class="note">At {basis}, and as at {esc(show_date(day_of(points[-1]["date"])))}.'
           f"{lost}</p>", status_chart(trends)]
    out.append(_strips(trends, many))
    out.append(_measures(trends, many))
    out.append("</section>")
    return "".join(out)


def _ref(item: JSONDict, key: str, many: bool) -> str:
    return f"{item['plan']}:{item[key]}" if many else str(item[key])


def _strips(trends: JSONDict, many: bool) -> str:
    points, strips = trends["points"], trends["ratings"]
    if not strips:
        return ('<h3>Council ratings and deadline moves</h3><p class="muted">No action has a '
                "council rating or a moved deadline in this period.</p>")
    rows = []
    for n, s in enumerate(strips):
        name = _ref(s, "id", many)
        rated = any(r not in (None, "unrated") for r in s["ratings"])
        cell = (rating_strip(s, points, f"trend-r{n}", name) if rated
                else '<span class="muted">no rating recorded</span>')  # moves only: no strip
        rows.append(f'<tr><td class="num">{esc(name)}</td><td>{esc(s["text"])}</td><td>{cell}</td>'
                    f'<td class="num">{s["deadline_moves"]}</td></tr>')
    return ('<h3>Council ratings and deadline moves</h3><p class="note">One cell per point, oldest first: '
            "R red, A amber, G green, B blue, \u2013 no rating, blank: not in the plan then. "
            "Deadline moves: the commits that moved the action's deadline.</p>"
            '<table class="trends"><thead><tr><th class="num">ID</th><th>Action</th>'
            '<th>Rating at each point</th><th class="num">Deadline moves</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _measures(trends: JSONDict, many: bool) -> str:
    points, measures = trends["points"], trends["measures"]
    if not measures:
        return ""
    out = ['<h3>Measures</h3><p class="note">Each measure\'s actual value at each point, '
           "against its baseline and target (dashed). A value that is not a single number is "
           "listed as written, never drawn.</p>"]
    for n, m in enumerate(measures):
        chart = measure_chart(m, points, f"trend-m{n}")
        left_out = not_plotted(m, points)
        items = "".join(f"<li>{esc(t)}</li>" for t in left_out)
        out.append(f'<figure class="keep"><figcaption><strong>{esc(m["measure"])}</strong> '
                   f'<span class="muted">(action {esc(_ref(m, "action", many))})</span>'
                   f"</figcaption>{chart}"
                   + (f'<p class="muted">Not plotted:</p><ul>{items}</ul>' if items else "")
                   + "</figure>")
    return "".join(out)
