"""The report as one self-contained HTML page: print CSS for A4, inline SVG charts.

Plain string templates, no template engine. Two rules hold everywhere:
- every piece of plan text goes through `esc` (control characters made
  visible, then html.escape with quote=True), in the page and inside SVG;
- the page makes no request: no script, no external style, font or image,
  and a Content-Security-Policy that forbids them should anything slip in.
"""

from __future__ import annotations

import html
import re
from collections.abc import Set as AbstractSet
from datetime import date

from ..core.errors import safe_text
from ..core.jsondoc import JSONDict
from ..core.words import agree, count
from .charts import trends_section
from .report import CHANGE_TITLES, change_detail, lead_label, signoff_title
from .report_css import PAPER_AND_PHONE, ROLLUP_STYLE, STYLE
from .views import awaiting, cited, due_cell, show_date

STATUS_WORDS = {"completed": "completed", "dropped": "dropped", "overdue": "overdue",
                "due-soon": "due soon", "on-track": "on track", "no-date": "no date"}
SUMMARY_KEYS = [("completed", "completed"), ("overdue", "overdue"), ("due_soon", "due-soon"),
                ("on_track", "on-track"), ("no_date", "no-date"), ("dropped", "dropped")]
# Fill colours for charts; the status word is always printed beside them.
FILL = {"completed": "#1d5fa8", "overdue": "#c0182b", "due-soon": "#d98e04",
        "on-track": "#2e8540", "no-date": "#8a8f98", "dropped": "#c4c8ce"}

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def esc(value: object) -> str:
    """Plan text as HTML text or attribute value."""
    return html.escape(safe_text("" if value is None else str(value)), quote=True)


def css_string(value: str) -> str:
    """A CSS string literal that no text can break out of (used for the page-margin marking)."""
    return '"' + "".join(ch if ch.isalnum() and ch.isascii() or ch == " " else f"\\{ord(ch):06x}"
                         for ch in safe_text(value)) + '"'


def long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def badge(status: str) -> str:
    return f'<span class="status s-{esc(status)}">{esc(STATUS_WORDS.get(status, status))}</span>'


def ref(item: JSONDict, many: bool) -> str:
    return esc(f"{item['plan']}:{item['id']}" if many else item["id"])


def leads(item: JSONDict) -> str:
    return esc("; ".join(item["leads"])) or '<span class="muted">(no lead)</span>'


def table(header: list[str], rows: list[str], cls: str = "", widths: tuple[int, ...] = ()) -> str:
    """`header`: pre-escaped cells (a leading '>' aligns right); `rows`: pre-built <tr>s;
    `widths`: per column, in per cent, so that every table of a kind lines up.

    Each cell carries its column's heading (`data-label`): on a phone the CSS shows a table
    as one card per row, each value under its heading. Every element has its table role
    written out, as a table shown that way loses its implicit roles in some browsers."""
    th = "".join(f'<th role="columnheader" scope="col" class="num">{h[1:]}</th>'
                 if h.startswith(">") else f'<th role="columnheader" scope="col">{h}</th>'
                 for h in header)
    cols = ("<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>"
            if widths else "")
    labels = [esc(html.unescape(_TAG.sub("", h.removeprefix(">")))) for h in header]
    body = "".join(_labelled(r, labels) for r in rows)
    return (f'<table class="{cls}" role="table">{cols}<thead role="rowgroup"><tr role="row">{th}'
            f'</tr></thead><tbody role="rowgroup">{body}</tbody></table>')


_TAG = re.compile(r"<[^>]*>")
# The start of a row or cell that `tr` wrote; plan text inside a cell is escaped, so it
# can hold no '<'.
_ROW_OR_CELL = re.compile(r"<(tr|td)(?=[ >])")


def _labelled(row: str, labels: list[str]) -> str:
    """One <tr> with its table roles, each cell labelled with its column's heading."""
    column = iter(labels)

    def mark(m: re.Match[str]) -> str:
        if m.group(1) == "tr":
            return '<tr role="row"'
        label = next(column, "")
        return f'<td role="cell" data-label="{label}"' if label else '<td role="cell"'

    return _ROW_OR_CELL.sub(mark, row)


def tr(cells: list[str], num: AbstractSet[int] = frozenset(), cls: str = "",
       keep: AbstractSet[int] = frozenset()) -> str:
    """`num`: right-aligned number columns; `keep`: columns that never wrap (dates)."""
    def td(i: int, c: str) -> str:
        classes = " ".join(n for n, on in (("num", i in num), ("nowrap", i in keep)) if on)
        return f'<td class="{classes}">{c}</td>' if classes else f"<td>{c}</td>"

    tds = "".join(td(i, c) for i, c in enumerate(cells))
    return f'<tr class="{cls}">{tds}</tr>' if cls else f"<tr>{tds}</tr>"


# -- charts -----------------------------------------------------------------------------


def progress_chart(recs: list[JSONDict], many: bool) -> str:
    """One horizontal bar per recommendation, one unit per action, in status segments."""
    if not recs:
        return ""
    label_w, bar_w, row_h, top = 70, 430, 24, 8
    text_x = label_w + bar_w + 12
    width = text_x + 220
    most = max(r["total"] for r in recs) or 1
    unit = bar_w / most
    height = top + row_h * len(recs) + 6
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
             f'aria-labelledby="progress-title">',
             '<title id="progress-title">Actions per recommendation: completed, overdue, '
             'due soon, on track, no date and dropped</title>',
             '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#c0182b"/>'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2" '
             'stroke-opacity="0.55"/></pattern></defs>']
    order = [("completed", "completed"), ("overdue", "overdue"), ("due_soon", "due-soon"),
             ("on_track", "on-track"), ("no_date", "no-date"), ("dropped", "dropped")]
    for i, r in enumerate(recs):
        y = top + i * row_h
        name = f"{r['plan']}:{r['id']}" if many else r["id"]
        parts.append(f'<g><title>{esc("Recommendation " + name + ": " + r["text"])}</title>')
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" '
                     f'class="lbl">Rec {esc(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{most * unit:.1f}" height="16" '
                     f'fill="#f1f2f4"/>')
        x = float(label_w)
        for key, status in order:
            n = r[key]
            if not n:
                continue
            fill = "url(#hatch)" if status == "overdue" else FILL[status]
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{n * unit:.1f}" height="16" '
                         f'fill="{fill}" stroke="#ffffff" stroke-width="1">'
                         f'<title>{esc(f"{n} {STATUS_WORDS[status]}")}</title></rect>')
            x += n * unit
        words = f"{r['completed']} of {r['total']} done"
        if r["overdue"]:
            words += f", {r['overdue']} overdue"
        parts.append(f'<text x="{text_x}" y="{y + 15}" class="val">{esc(words)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def legend() -> str:
    items = []
    for status in ("completed", "overdue", "due-soon", "on-track", "no-date", "dropped"):
        cls = "swatch hatch" if status == "overdue" else "swatch"
        items.append(f'<li><span class="{cls}" style="background:{FILL[status]}"></span>'
                     f"{esc(STATUS_WORDS[status])}</li>")
    return f'<ul class="legend" aria-label="Key">{"".join(items)}</ul>'


def timeline_chart(points: list[JSONDict]) -> str:
    """Open, completed and overdue actions over time: three labelled lines."""
    if not points or len(points) < 2:
        return ""
    left, right, top, bottom = 48, 150, 12, 40
    plot_w, plot_h = 560, 220
    width, height = left + plot_w + right, top + plot_h + bottom
    days: list[int] = [(p["date"] - points[0]["date"]).days for p in points]
    span = max(days[-1], 1)
    most: int = max(max(p["open"], p["completed"], p["overdue"]) for p in points) or 1
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 10**9) if most / s <= 6)
    ymax = step * -(-most // step)

    def sx(d: int) -> float:
        return left + plot_w * d / span

    def sy(v: int) -> float:
        return top + plot_h - plot_h * v / ymax

    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg" aria-labelledby="tl-title">',
             '<title id="tl-title">Open, completed and overdue actions over time</title>']
    for v in range(0, ymax + 1, step):
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{sy(v):.1f}" y2="{sy(v):.1f}" '
                     f'stroke="#e1e3e6"/><text x="{left - 6}" y="{sy(v) + 4:.1f}" '
                     f'text-anchor="end" class="tick">{v}</text>')
    ticks, gap = [0], 90  # date labels at least `gap` pixels apart, the last one always shown
    for i in range(1, len(points) - 1):
        if sx(days[i]) - sx(days[ticks[-1]]) >= gap and sx(days[-1]) - sx(days[i]) >= gap:
            ticks.append(i)
    ticks.append(len(points) - 1)
    for i in ticks:
        anchor = "start" if i == 0 else "end" if i == len(points) - 1 else "middle"
        parts.append(f'<text x="{sx(days[i]):.1f}" y="{top + plot_h + 18}" text-anchor="{anchor}" '
                     f'class="tick">{esc(show_date(points[i]["date"]))}</text>')
    series = [("open", "open", "#3d4450", "6 4"), ("completed", "completed", FILL["completed"], ""),
              ("overdue", "overdue", FILL["overdue"], "")]
    ends: list[tuple[float, str, str]] = []  # (y, label, colour) of each line's end
    for key, word, colour, dash in series:
        path = " ".join(f"{'M' if i == 0 else 'L'}{sx(d):.1f},{sy(p[key]):.1f}"
                        for i, (d, p) in enumerate(zip(days, points, strict=True)))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                     f"{dash_attr}><title>{esc(word)}</title></path>")
        for d, p in zip(days, points, strict=True):
            parts.append(f'<circle cx="{sx(d):.1f}" cy="{sy(p[key]):.1f}" r="3" fill="{colour}">'
                         f"<title>{esc(show_date(p['date']) + f': {p[key]} {word}')}</title></circle>")
        ends.append((sy(points[-1][key]), f"{word} {points[-1][key]}", colour))
    ends.sort()
    for i in range(1, len(ends)):  # keep the end labels from overlapping
        y, label, colour = ends[i]
        ends[i] = (max(y, ends[i - 1][0] + 14), label, colour)
    for y, label, colour in ends:
        parts.append(f'<text x="{left + plot_w + 8}" y="{y + 4:.1f}" fill="{colour}" '
                     f'class="end">{esc(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def scroller(label: str, chart: str) -> str:
    """A chart in a region of its own that scrolls sideways on a narrow screen (a phone),
    keeping its text readable, where scaled down to the screen it would not be; focusable,
    so that the keyboard scrolls it too."""
    return (f'<div class="scroller" role="region" tabindex="0" aria-label="{esc(label)}">'
            f"{chart}</div>")


# -- sections ---------------------------------------------------------------------------


def header(report: JSONDict) -> str:
    if report.get("rollup"):  # several plans: one heading; each plan's facts at the end
        return rollup_header(report)
    out = []
    for plan in report["plans"]:
        ins = plan["inspection"]
        facts = []
        if plan["authority"]:
            facts.append(("Authority", esc(plan["authority"])))
        inspection = ": ".join(esc(x) for x in (ins["by"], ins["kind"]) if x)
        if ins["published"]:
            inspection += f" (report published {esc(show_date(ins['published']))})"
        if inspection:
            facts.append(("Inspection", inspection))
        if plan["version"] or plan["updated"]:
            v = esc(plan["version"] or "")
            if plan["updated"]:
                v += f" (updated {esc(show_date(plan['updated']))})"
            facts.append(("Plan version", v.strip()))
        if plan["owner"]:
            facts.append(("Plan owner", esc(plan["owner"])))
        facts.append(("Progress as at", f"<strong>{esc(long_date(report['as_at']))}</strong>"))
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
        out.append(f'<header class="plan"><p class="kicker">Progress report as at '
                   f"{esc(long_date(report['as_at']))}</p>"
                   f"<h1>{esc(plan['title'])}</h1><dl class=\"facts\">{dl}</dl></header>")
    return "".join(out)


def summary(report: JSONDict) -> str:
    s = report["summary"]
    tiles = "".join(
        f'<div class="tile t-{status}"><span class="n">{s[key]}</span>{badge(status)}</div>'
        for key, status in SUMMARY_KEYS if s[key] or status not in ("no-date", "dropped"))
    awaiting = (f' ({s["awaiting_signoff"]} awaiting sign-off)'
                if s.get("awaiting_signoff") else "")
    lead = (f'<p class="headline"><strong>{s["percent_complete"]}% complete.</strong> '
            f'Of {count(s["total"], "action")}, {s["completed"]} {agree(s["completed"], "is", "are")} '
            f'completed{awaiting} and {s["open"]} {agree(s["open"], "is", "are")} still open; '
            f'<strong>{s["overdue"]} {agree(s["overdue"], "is", "are")} overdue</strong>.</p>')
    meter = (f'<div class="meter" role="img" aria-label="{s["percent_complete"]}% complete">'
             f'<span style="width:{s["percent_complete"]}%"></span></div>')
    return (f'<section id="summary"><h2>Summary</h2>{lead}{meter}'
            f'<div class="tiles">{tiles}</div>{at_a_glance(report)}</section>')


def at_a_glance(report: JSONDict) -> str:
    """Who holds the overdue actions and what falls due next: the questions members ask first."""
    groups = sorted(report["overdue_by_lead"], key=lambda g: (-g["count"], g["lead"].casefold()))
    up = report["upcoming"]
    rows = [tr([esc(lead_label(report, g)), str(g["count"]),
                count(max(a["days_overdue"] for a in g["actions"]), "day")], num={1, 2})
            for g in groups]
    late = (table(["Lead", ">Overdue", ">Most late"], rows, "leadcounts", (60, 18, 22)) if rows
            else f"<p>Nothing is overdue as at {esc(show_date(report['as_at']))}.</p>")
    soon = len(up["actions"])
    first = up["actions"][0]["due"] if soon else None
    nxt = (f"{soon} open {agree(soon, 'action falls', 'actions fall')} due "
           f"by {esc(show_date(up['until']))}, the first on {esc(show_date(first))}."
           if soon else f"Nothing falls due by {esc(show_date(up['until']))}.")
    missing = sum(1 for a in report["latest_updates"] if not a["latest_update"])
    notes = [nxt]
    if missing:
        notes.append(f"{missing} of {count(len(report['latest_updates']), 'open action')} "
                     f"{agree(missing, 'has', 'have')} no "
                     "progress update recorded.")
    items = "".join(f"<li>{n}</li>" for n in notes)
    return (f'<div class="glance"><div><h3>Overdue actions per lead</h3>{late}</div>'
            f'<div><h3>Coming up</h3><ul>{items}</ul></div></div>')


def recommendations(report: JSONDict, many: bool) -> str:
    recs = report["recommendations"]
    rows = []
    for r in recs:
        name = f"{r['plan']}:{r['id']}" if many else r["id"]
        rows.append(tr([esc(name), esc(cited(r["text"], r)), str(r["total"]), str(r["completed"]),
                        str(r["overdue"]), f"{r['percent_complete']}%"], num={0, 2, 3, 4, 5},
                       cls="late" if r["overdue"] else ""))
    return (f'<section id="recommendations"><h2>Progress by recommendation</h2>'
            f'<p class="note">Each bar is one recommendation; each block is one action.</p>'
            f'<figure class="keep">{legend()}'
            f'{scroller("Chart of actions per recommendation", progress_chart(recs, many))}</figure>'
            + table([">Rec", "Recommendation", ">Actions", ">Done", ">Overdue", ">% done"],
                    rows, "recs", (6, 59, 9, 8, 10, 8))
            + "</section>")


def rollup_header(report: JSONDict) -> str:
    from . import report_rollup as r

    title, line = r.headline(report)
    return (f'<header class="plan"><p class="kicker">Progress report as at '
            f"{esc(long_date(report['as_at']))}</p><h1>{esc(title)}</h1>"
            f'<p class="note">{esc(line)}</p></header>')


def rollup_plans(report: JSONDict) -> str:
    """The plans' own facts (version, owner, file) in a report of several plans."""
    from . import report_rollup as r

    if not report.get("rollup"):
        return ""
    body = [tr([esc(c) for c in r.plan_cells(p)]) for p in report["plans"]]
    return (f'<section id="plans"><h2>{esc(r.PLANS_TITLE)}</h2>'
            f'<div class="wide" tabindex="0" role="region" aria-label="{esc(r.PLANS_TITLE)}">'
            + table([esc(h) for h in r.PLAN_HEADERS], body, "rollup") + "</div></section>")


def rollup(report: JSONDict) -> str:
    """The roll-up, one row per plan: only in a report of several plans."""
    from . import report_rollup as r

    rows = report.get("rollup")
    if not rows:
        return ""
    body = []
    for row in rows:
        cells = [esc(c) for c in r.cells(row)]
        if row["overdue"]:  # the figure members look for first
            cells[5] = f"<strong>{cells[5]}</strong>"
        body.append(tr(cells, num=r.NUMBERS, keep={8}))
    # Nine columns: on a phone the table scrolls inside its own (focusable, named) region,
    # never the page.
    return (f'<section id="rollup"><h2>{esc(r.TITLE)}</h2><p class="note">{esc(r.note(rows))}</p>'
            f'<div class="wide" tabindex="0" role="region" aria-label="{esc(r.TITLE)}">'
            + table([f">{esc(h)}" if i in r.NUMBERS else esc(h) for i, h in enumerate(r.HEADERS)],
                    body, "rollup")
            + "</div></section>")


def themes(report: JSONDict) -> str:
    if not report.get("themes"):  # only plans with themes: have this section
        return ""
    rows = [tr([esc(t["title"]), str(t["total"]), str(t["completed"]), str(t["overdue"]),
                f"{t['percent_complete']}%"], num={1, 2, 3, 4}, cls="late" if t["overdue"] else "")
            for t in report["themes"]]
    return ('<section id="themes"><h2>Progress by theme</h2>'
            + table(["Theme", ">Actions", ">Done", ">Overdue", ">% done"], rows, "recs",
                    (60, 10, 10, 10, 10))
            + "</section>")


def overdue(report: JSONDict, many: bool) -> str:
    groups = report["overdue_by_lead"]
    total = sum(1 for _ in {(a["plan"], a["id"]) for g in groups for a in g["actions"]})
    out = ['<section id="overdue"><h2>Overdue actions by lead</h2>']
    if not groups:
        out.append(f"<p>Nothing is overdue as at {esc(show_date(report['as_at']))}.</p>")
    else:
        out.append(f'<p class="note">{count(total, "overdue action")}, most late first under each lead '
                   "(an action with two leads is listed under both).</p>")
    for g in groups:
        rows = [tr([ref(a, many), esc(cited(a["text"], a)), esc(a["timescale"] or ""),
                    esc(show_date(a["due"])), count(a["days_overdue"], "day")], num={0, 4}, keep={3})
                for a in g["actions"]]
        out.append(f'<div class="group"><h3>{esc(lead_label(report, g))} '
                   f'<span class="count">{g["count"]} overdue</span></h3>'
                   + table([">ID", "Action", "Timescale", "Due", ">Late by"], rows, "actions",
                         (7, 55, 15, 12, 11))
                   + "</div>")
    out.append("</section>")
    return "".join(out)


def upcoming(report: JSONDict, many: bool) -> str:
    up = report["upcoming"]
    out = [f'<section id="upcoming"><h2>Due in the next {count(up["days"], "day")}</h2>'
           f'<p class="note">Open actions due from {esc(show_date(up["from"]))} to '
           f'{esc(show_date(up["until"]))}, by date.</p>']
    if not up["actions"]:
        out.append("<p>Nothing falls due in this period.</p>")
    else:
        rows = [tr([ref(a, many), esc(cited(a["text"], a)), leads(a), esc(show_date(a["due"])),
                    badge(a["status"])], num={0}, keep={3}) for a in up["actions"]]
        out.append(table([">ID", "Action", "Lead", "Due", "Status"], rows, "actions",
                         (7, 45, 19, 13, 16)))
    out.append("</section>")
    return "".join(out)


def positions(report: JSONDict, many: bool) -> str:
    """The council's own rating, position and measures of each open action that has them;
    no section at all for plans without them."""
    items = [a for a in report["latest_updates"]
             if a.get("rag") or a.get("progress_note") or a.get("measures")]
    if not items:
        return ""

    def measures(a: JSONDict) -> str:
        return "<br>".join(esc(m["text"]) + "".join(
            f' <span class="muted">{k} {esc(m[k])}</span>' for k in ("baseline", "target", "actual")
            if m.get(k) is not None) for m in a.get("measures", ()))

    rows = [tr([ref(a, many), esc(cited(a["text"], a)), badge(a["status"]), esc(a.get("rag") or ""),
                esc(a.get("progress_note") or ""), measures(a)], num={0}) for a in items]
    return ('<section id="positions"><h2>The council\'s rating and position</h2>'
            '<p class="note">Beside the status planctl computes from the dates.</p>'
            + table([">ID", "Action", "Status (planctl)", "Council RAG", "Position", "Measures"],
                    rows, "actions", (7, 30, 14, 9, 20, 20))
            + "</section>")


def latest_updates(report: JSONDict, many: bool) -> str:
    items = report["latest_updates"]
    with_update = [a for a in items if a["latest_update"]]
    without = [a for a in items if not a["latest_update"]]
    out = ['<section id="updates"><h2>Latest update on each open action</h2>']
    if with_update:
        rows = []
        for a in with_update:
            u = a["latest_update"]
            by = f' <span class="muted">({esc(u["by"])})</span>' if u["by"] else ""
            rows.append(tr([ref(a, many), esc(cited(a["text"], a)), badge(a["status"]),
                            f'<span class="date">{esc(show_date(u["date"]))}</span>{by}<br>'
                            f'{esc(u["text"])}'], num={0}))
        out.append(table([">ID", "Action", "Status", "Latest update"], rows, "actions updates",
                         (7, 38, 16, 39)))
        # On paper the table of all actions carries these updates: said once, not twice.
        out.append(f'<p class="print-only">The latest update on each of these '
                   f"{count(len(with_update), 'action')} is in the table of all actions, "
                   "at the end.</p>")
    if without:
        ids = ", ".join(ref(a, many) for a in without)
        out.append(f'<p class="noupdate"><strong>No update recorded</strong> for '
                   f"{count(len(without), 'open action')}: {ids}.</p>")
    if not items:
        out.append("<p>No action is open.</p>")
    out.append("</section>")
    return "".join(out)


def changes(report: JSONDict, many: bool) -> str:
    ch = report["changes"]
    if ch is None:
        return ""
    out = [f'<section id="changes"><h2>Changes since {esc(ch["since"])}</h2>']
    counts = ", ".join(f"{len(ch.get(k) or [])} {t.lower()}" for k, t in CHANGE_TITLES.items())
    where = (f" (compared with commit {esc(ch['commit'])} of {esc(show_date(ch['commit_date']))})"
             if ch.get("commit") else "")
    out.append(f'<p class="note">{esc(counts)}{where}.</p>')
    for kind, title in CHANGE_TITLES.items():
        items = ch.get(kind) or []
        out.append(f"<h3>{title} <span class=\"count\">{len(items)}</span></h3>")
        if not items:
            out.append('<p class="muted">None.</p>')
            continue
        rows = [tr([ref(i, many), esc(i["text"]), leads(i), esc(change_detail(kind, i, "\u2192"))],
                   num={0}) for i in items]
        out.append(table([">ID", "Action", "Lead", "Detail"], rows, "actions", (7, 50, 19, 24)))
    out.append("</section>")
    return "".join(out)


def signoff(report: JSONDict, many: bool) -> str:
    """Completed (since the last meeting) but not yet signed off: only where required."""
    section = report.get("signoff")
    if section is None:
        return ""
    n = report["summary"].get("awaiting_signoff", 0)
    out = [f'<section id="signoff"><h2>{esc(signoff_title(section))}</h2>'
           f'<p class="note">{count(n, "completed action")} awaiting sign-off in all.</p>']
    if not section["awaiting"]:
        out.append('<p class="muted">None: every completed action is signed off.</p>')
    else:
        rows = [tr([ref(a, many), esc(cited(a["text"], a)), leads(a)], num={0})
                for a in section["awaiting"]]
        out.append(table([">ID", "Action", "Lead"], rows, "actions", (7, 70, 23)))
    out.append("</section>")
    return "".join(out)


def timeline(report: JSONDict) -> str:
    points = report["timeline"]
    chart = timeline_chart(points or [])
    if not chart:
        return ""
    return (f'<section id="timeline"><h2>Progress over time</h2>'
            f'<p class="note">Open, completed and overdue actions at each change to the plan '
            f"recorded in git, from {esc(show_date(points[0]['date']))} to "
            f"{esc(show_date(points[-1]['date']))}.</p>"
            f"{scroller('Chart of actions over time', chart)}</section>")


def findings(report: JSONDict) -> str:
    if not report["findings"]:
        return ""
    out = ['<section id="findings"><h2>The inspection\'s findings</h2>']
    for f in report["findings"]:
        scale = list(f["scale"])
        out.append(f'<p class="note">Grades, best first: {esc(", ".join(scale))}.</p>'
                   '<div class="areas">')
        for area in f["areas"]:
            rows = []
            for j in area["judgements"]:
                rank = scale.index(j["grade"]) if j["grade"] in scale else -1
                grade_cls = f"g{rank}" if rank >= 0 else ""
                rows.append(tr([esc(j["name"]),
                                f'<span class="grade {grade_cls}">{esc(j["grade"])}</span>']))
            out.append(f'<div class="area"><h3>{esc(area["area"])}</h3>'
                       + table(["Judgement", "Grade"], rows, "grades", (76, 24)) + "</div>")
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def _action_widths(actions: list[JSONDict], rated: bool, many: bool) -> tuple[int, ...]:
    """Column widths (per cent) of the table of all actions: the room left by the short
    columns is shared between the action and its latest update by how much text each
    holds, so that neither runs to many narrow lines beside a half-empty column (rows are
    never split on paper: a tall row leaves a tall gap)."""
    id_w = 11 if many else 6  # "plan-id:3.1" (several plans) breaks only at its hyphens
    fixed = [13, 12, 11, *([8] if rated else [])]  # lead, due, status, council RAG
    room = 100 - id_w - sum(fixed)
    said = sum(len(a["text"]) for a in actions)
    updates = sum(len(u["text"]) + 30 if (u := a["latest_update"]) else 13 for a in actions)
    action_w = round(room * said / max(said + updates, 1))
    action_w = min(max(action_w, round(room * 0.4)), round(room * 0.8))
    return (id_w, action_w, *fixed, room - action_w)


def action_table(report: JSONDict, many: bool) -> str:
    """Every action in one table, the paper's annex: a reader looking for one action finds
    it here whatever its status. The council's rating column only when the plan rates its
    actions (as in the Word paper), so papers of other plans keep the room."""
    actions = report["actions"]
    if not actions:
        return ""
    rated = any(a.get("rag") for a in actions)
    rows = []
    for a in actions:
        status = badge(a["status"])
        if awaiting(a):
            status += '<br><span class="muted">awaiting sign-off</span>'
        if a["status"] == "overdue":
            status += f'<br><span class="muted lateby">{count(a["days_overdue"], "day")} late</span>'
        u = a["latest_update"]
        latest = ((f'<span class="date">{esc(show_date(u["date"]))}</span>'
                   + (f' <span class="muted">({esc(u["by"])})</span>' if u["by"] else "")
                   + f": {esc(u['text'])}") if u else '<span class="muted">none recorded</span>')
        rating = [f'<span class="rag r-{esc(a["rag"])}">{esc(a["rag"])}</span>'
                  if a.get("rag") else ""] if rated else []
        rows.append(tr([ref(a, many), esc(cited(a["text"], a)), leads(a), esc(due_cell(a)), status,
                        *rating, latest], keep={3}))
    header = ["ID", "Action", "Lead", "Due", "Status (planctl)",
              *(["Council RAG"] if rated else []), "Latest update"]
    widths = _action_widths(actions, rated, many)
    # The heading and its note in one block kept with the table: Chromium keeps no
    # `break-after: avoid` between a paragraph and a table.
    return (f'<section id="actions"><div class="keep-next"><h2>All actions</h2><p class="note">'
            f"{count(len(actions), 'action')}: each one's status as at "
            f"{esc(show_date(report['as_at']))}, computed by planctl from its dates"
            + (", beside the council's own rating" if rated else "")
            + ", and its latest update.</p></div>"
            + table(header, rows, "actions all", widths) + "</section>")


def render(report: JSONDict) -> str:
    many = len(report["plans"]) > 1
    mark = report["classification"]
    title = report["plans"][0]["title"] if len(report["plans"]) == 1 else "Action plans"
    style = (STYLE + PAPER_AND_PHONE).replace("MARKING", css_string(mark) if mark else '""')
    style += ROLLUP_STYLE if report.get("rollup") else ""
    # The marking sits in the page's banner and contentinfo landmarks, so that everything on
    # the page is in a landmark (axe's `region` rule) and screen readers find it there.
    marking = f'<div class="marking" role="note">{esc(mark)}</div>' if mark else ""
    top = f'<header class="page-marking">{marking}</header>' if mark else ""
    bottom = f'<footer class="page-marking">{marking}</footer>' if mark else ""
    files = ", ".join(esc(p["file"]) for p in report["plans"])
    body = "".join([
        header(report), summary(report), rollup(report), recommendations(report, many), themes(report),
        timeline(report), trends_section(report.get("trends"), many),
        overdue(report, many), upcoming(report, many), latest_updates(report, many),
        positions(report, many), changes(report, many), signoff(report, many), findings(report),
        rollup_plans(report), action_table(report, many),
    ])
    as_at: date = report["as_at"]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="planctl">'
        f"<title>{esc(title)} - progress as at {esc(show_date(as_at))}</title>"
        f"<style>{style}</style></head>\n<body>{top}<main>{body}"
        f"<footer>Produced by planctl from {files}, as at {esc(show_date(as_at))}. Statuses are "
        "computed from each action's timescale and progress on that date.</footer>"
        f"</main>{bottom}</body></html>\n"
    )
