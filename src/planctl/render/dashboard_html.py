"""The dashboard as one self-contained HTML page (render.dashboard gives its data).

The page works without its script: the summary and every row of the table are written
here. The script (templates/dashboard.js) adds the filters, search, sorting, the view in
the address and the action's detail, reading the data from a JSON block.

Safety, as in the report (render/report_html.py, whose `esc` every text goes through):
- a Content-Security-Policy allows nothing but this page's own style and script, named
  by their sha256 hashes: no request of any kind, no other script, no eval;
- no `style=` attribute and no inline handler anywhere (a hash covers elements only);
- the data block escapes `<`, `>` and `&` as \\u escapes, so no text can end it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from ..core.errors import safe_text
from ..core.jsondoc import JSONDict
from ..core.words import agree, count
from . import short_text
from .charts import measure_chart, not_plotted, rating_strip, status_chart
from .dashboard import STATUS_ORDER, STATUS_WORDS
from .report_html import esc, long_date, timeline_chart
from .views import show_date

# The columns: (key the script sorts by, heading).
COLUMNS = (("id", "ID"), ("text", "Action"), ("leads", "Lead"), ("recommendation", "Rec."),
           ("theme", "Theme"), ("due", "Due"), ("status", "Status"), ("rating", "Rating"),
           ("update", "Latest update"))
SUMMARY_KEYS = {"overdue": "overdue", "due-soon": "due_soon", "on-track": "on_track",
                "no-date": "no_date", "completed": "completed", "dropped": "dropped"}
# What each filter is called, in the order the form shows them: (name in the address, label).
FILTERS = (("lead", "Lead"), ("rec", "Recommendation"), ("theme", "Theme"),
           ("status", "Status"), ("rating", "Council rating"), ("plan", "Plan"))
RATING_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue",
                "none": "Not rated"}
UPDATE_CHARS = 280  # the table shows the start of a long update; the detail shows it all


@cache
def asset(name: str) -> str:
    """A file of templates/ (the page's style and script), as text."""
    return resources.files("planctl").joinpath("templates", name).read_text(encoding="utf-8")


def sha256(text: str) -> str:
    """The CSP source naming an inline element by its content."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def csp(style: str, script: str) -> str:
    return (f"default-src 'none'; script-src {sha256(script)}; style-src {sha256(style)}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def page_data(data: JSONDict) -> JSONDict:
    """The data as the page embeds it: `dashboard --format json` less each action's `text`,
    which the page holds once, in the action's row (the script reads it there); every
    string with its control and bidirectional characters shown as the table shows them
    (safe_text), so the detail the script fills in cannot be reordered by plan text."""
    shown: JSONDict = visible({**data, "actions": [{k: v for k, v in a.items() if k != "text"}
                                                   for a in data["actions"]]})
    return shown


def visible(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {k: visible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [visible(v) for v in value]
    return value


def data_block(data: JSONDict) -> str:
    """The data as JSON that no text can end early: `<` `>` `&` and the JavaScript line
    separators written as \\u escapes (still the same JSON); ASCII only, so bytes that are
    not UTF-8 (lone surrogates from file names) cannot fail the write."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def ref(a: JSONDict, many: bool) -> str:
    return f"{a['plan']}:{a['id']}" if many else a["id"]


def _due(a: JSONDict) -> str:
    """The next deadline; for a completed or dropped action its own, muted; empty: none
    (the style sheet says so)."""
    if a["due"]:
        return esc(show_date(date.fromisoformat(a["due"])))
    if a["target"]:
        return f'<span class="muted">{esc(show_date(date.fromisoformat(a["target"])))}</span>'
    return ""


def status_badge(status: str) -> str:
    return f'<span class="status s-{esc(status)}">{esc(STATUS_WORDS.get(status, status))}</span>'


def rating_badge(rag: str | None) -> str:
    if rag is None:
        return '<span class="muted">not rated</span>'
    return f'<span class="rag r-{esc(rag)}">{esc(RATING_WORDS.get(rag, rag))}</span>'


def _update(a: JSONDict) -> str:
    """The latest update's start (empty: the style sheet says "none")."""
    u = a["latest_update"]
    if not u:
        return ""
    text = u["text"] if len(u["text"]) <= UPDATE_CHARS else u["text"][:UPDATE_CHARS].rstrip() + "…"
    when = esc(show_date(date.fromisoformat(u["date"]))) if u["date"] else ""
    return f'<span class="when">{when}</span> {esc(text)}'


def shown_columns(data: JSONDict) -> tuple[tuple[str, str], ...]:
    """The columns of this page: theme and rating only when some action has one."""
    have = {key for key, field in (("theme", "theme"), ("rating", "rag"))
            if any(a.get(field) for a in data["actions"])}
    return tuple((key, head) for key, head in COLUMNS
                 if key not in ("theme", "rating") or key in have)


def style_for(columns: tuple[tuple[str, str], ...]) -> str:
    """The style sheet with each `td:col(NAME)` made the column's position on this page
    (a column left out matches nothing): cells carry no class, which keeps a 20,000-action
    page small."""
    where = {key: n for n, (key, _) in enumerate(columns, 1)}
    return re.sub(r"td:col\((\w+)\)", lambda m: f"td:nth-child({where.get(m.group(1), 99)})",
                  asset("dashboard.css"))


def row(i: int, a: JSONDict, many: bool, keys: frozenset[str]) -> str:
    """One action's row (the script finds it by its id, r0, r1 ...)."""
    leads = esc("; ".join(a["leads"])) or '<span class="muted">no lead</span>'
    cells = [
        # Not in a form: no type needed. Enabled by the script, which opens the dialog.
        # PLAN:ID may break after the colon, never inside the plan's name.
        f'<button aria-haspopup="dialog" disabled>{esc(ref(a, many)).replace(":", ":<wbr>", 1)}'
        '</button>',
        esc(a["text"]), leads, esc(a["recommendation"]),
        esc(a.get("theme_title") or a.get("theme") or "") if "theme" in keys else None,
        _due(a), status_badge(a["status"]),
        rating_badge(a.get("rag")) if "rating" in keys else None, _update(a),
    ]
    tds = "".join(f'<td role="cell">{cell}</td>' for cell in cells if cell is not None)
    return f'<tr role="row" id="r{i}">{tds}</tr>'


def table(data: JSONDict, columns: tuple[tuple[str, str], ...]) -> str:
    many = len(data["plans"]) > 1
    heads = "".join(
        f'<th role="columnheader" scope="col" class="c-{key}" data-key="{key}">'
        f'<button type="button" class="sort" data-key="{key}" disabled>{head}'
        f'<span class="arrow" aria-hidden="true"></span></button>'
        # Paper: a heading with a button in it is not repeated on each page (Chromium).
        f'<span class="print-head" aria-hidden="true">{head}</span></th>'
        for key, head in columns)
    keys = frozenset(key for key, _ in columns)
    rows = "".join(row(i, a, many, keys) for i, a in enumerate(data["actions"]))
    return (f'<table id="actions-table" role="table" aria-describedby="counts">'
            '<caption class="visually-hidden">Every action of the plan: select an action\'s id '
            'for everything about it; select a column heading to sort.</caption>'
            f'<thead role="rowgroup"><tr role="row">{heads}</tr></thead>'
            f'<tbody role="rowgroup">{rows}</tbody></table>')


def _options(values: list[tuple[str, str]]) -> str:
    return '<option value="">All</option>' + "".join(
        f'<option value="{esc(v)}">{esc(t)}</option>' for v, t in values)


def filters(data: JSONDict) -> str:
    f = data["filters"]
    many = len(data["plans"]) > 1
    choices = {
        "lead": [(x, x) for x in f["leads"]],
        "rec": [(r["value"], f"{r['value']}: {short_text(r['text'])}" if r["text"] else r["value"])
                for r in f["recommendations"]],
        "theme": [(t["value"], t["text"]) for t in f["themes"]],
        "status": [(s, STATUS_WORDS.get(s, s)) for s in f["statuses"]],
        "rating": [(r, RATING_WORDS.get(r, r)) for r in f["ratings"]],
        "plan": [(p["value"], p["text"]) for p in f["plans"]] if many else [],
    }
    fields = "".join(
        f'<div class="field"><label for="f-{name}">{label}</label>'
        f'<select id="f-{name}" name="{name}">{_options(choices[name])}</select></div>'
        for name, label in FILTERS if choices[name])
    return ('<form id="filters" class="filters" role="search" aria-label="Filter the actions" '
            'hidden><div class="field search"><label for="f-q">Search</label>'
            '<input type="search" id="f-q" name="q" autocomplete="off" '
            'placeholder="Words in the action, lead or update"></div>'
            f'{fields}<div class="field buttons"><button type="reset" id="clear">Clear filters'
            '</button></div></form>')


def summary(data: JSONDict) -> str:
    s = data["summary"]
    pct = s["percent_complete"]
    tiles = "".join(
        f'<li class="tile t-{status}"><span class="n">{s[SUMMARY_KEYS[status]]}</span> '
        f'{esc(STATUS_WORDS[status])}</li>'
        for status in STATUS_ORDER if s[SUMMARY_KEYS[status]] or status not in ("no-date", "dropped"))
    headline = (f'<p class="headline"><strong>{pct}% complete.</strong> Of '
                f'{count(s["total"], "action")}, {s["completed"]} '
                f'{agree(s["completed"], "is", "are")} completed and {s["open"]} '
                f'{agree(s["open"], "is", "are")} still open; <strong>{s["overdue"]} '
                f'{agree(s["overdue"], "is", "are")} overdue</strong>.</p>')
    bar = (f'<svg class="meter" viewBox="0 0 100 4" preserveAspectRatio="none" role="img" '
           f'aria-label="{pct}% complete"><rect width="100" height="4" fill="#e3e6ea"/>'
           f'<rect width="{pct}" height="4" fill="#1d5fa8"/></svg>')
    return (f'<section id="summary" aria-labelledby="summary-title"><h2 id="summary-title">'
            f'Summary</h2>{headline}{bar}<ul class="tiles">{tiles}</ul>'
            f'{rollup(data)}{trends(data)}</section>')


def rollup(data: JSONDict) -> str:
    """One row per plan (core.rollup, as the report's "Plans at a glance"), when the page
    shows more than one plan; nothing otherwise."""
    from . import report_rollup as r

    rows = data.get("rollup") or []
    if len(data["plans"]) < 2 or not rows:
        return ""
    heads = "".join(f'<th scope="col" class="num">{esc(h)}</th>' if i in r.NUMBERS
                    else f'<th scope="col">{esc(h)}</th>' for i, h in enumerate(r.HEADERS))
    body = []
    for row in rows:
        dated = {**row, **{k: date.fromisoformat(row[k]) if row[k] else None
                           for k in ("published", "last_update")}}
        cells = [f'<td class="num">{esc(c)}</td>' if i in r.NUMBERS else f"<td>{esc(c)}</td>"
                 for i, c in enumerate(r.cells(dated))]
        # The plan's name opens the dashboard's view of that plan alone.
        cells[1] = (f'<td><a href="#view?plan={esc(quote(row["plan"], safe=""))}">'
                    f'{esc(row["plan"])}</a></td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    # Nine columns: on a phone the table scrolls inside its own named region, never the page.
    return (f'<div class="rollup"><h3 id="rollup-title">{esc(r.TITLE)}</h3>'
            f'<p class="note">{esc(r.note(rows))}</p>'
            '<div class="scroll" tabindex="0" role="region" aria-labelledby="rollup-title">'
            f'<table class="plain"><thead><tr>{heads}</tr></thead><tbody>{"".join(body)}</tbody>'
            "</table></div></div>")


def trends(data: JSONDict) -> str:
    """The actions by status at each meeting (or commit date) from git, as the report's
    trends draw it; without trends, the counts at each change (the report's timeline)."""
    found = data.get("trends")
    if found and len(found["points"]) > 1:
        basis = ("each committee meeting (its git tag)" if found["basis"] == "meetings"
                 else "each date the plans changed in git (no meeting tags)")
        return (f'<figure class="trend"><figcaption>Actions by status at {basis}, and now'
                f"</figcaption>{status_chart(found, 'summary-status')}</figure>")
    points = (data.get("history") or {}).get("timeline") or []
    if len(points) < 2:
        return ""
    chart = timeline_chart([{**p, "date": date.fromisoformat(p["date"])} for p in points])
    return (f'<figure class="trend"><figcaption>Open, completed and overdue actions at each '
            f'change to the plans in git, to {esc(long_date(date.fromisoformat(data["as_of"])))}'
            f'</figcaption>{chart}</figure>')


def action_trends(data: JSONDict) -> str:
    """Each action's rating strip and measure charts from the trends, as <template>s the
    script copies into the action's detail (drawn and escaped here: the script never turns
    text into HTML)."""
    found = data.get("trends")
    if not found:
        return ""
    points = found["points"]
    index = {(a["plan"], a["id"]): i for i, a in enumerate(data["actions"])}
    parts: dict[int, list[str]] = {}
    for s in found["ratings"]:
        i = index.get((s["plan"], s["id"]))
        if i is not None and any(s["ratings"]):
            parts.setdefault(i, []).append(
                '<p class="chart-title">Council rating at each point (R red, A amber, G green, '
                'B blue, \u2013 none)</p>' + rating_strip(s, points, f"strip-{i}", s["id"]))
    for n, m in enumerate(found["measures"]):
        i = index.get((m["plan"], m["action"]))
        if i is None:
            continue
        left_out = "".join(f"<li>{esc(t)}</li>" for t in not_plotted(m, points))
        parts.setdefault(i, []).append(
            f'<p class="chart-title">{esc(m["measure"])}</p>{measure_chart(m, points, f"measure-{n}")}'
            + (f'<p class="muted">Not plotted:</p><ul>{left_out}</ul>' if left_out else ""))
    return "".join(f'<template id="trend-{i}">{"".join(p)}</template>' for i, p in parts.items())


def header(data: JSONDict) -> str:
    plans = data["plans"]
    as_of = long_date(date.fromisoformat(data["as_of"]))
    if len(plans) == 1:
        p = plans[0]
        title = p["title"] or p["id"]
        ins = p["inspection"]
        facts = [x for x in (p["authority"], ": ".join(y for y in (ins["by"], ins["kind"]) if y),
                             f"plan version {p['version']}" if p["version"] else "") if x]
    else:
        authorities = {p["authority"] or p["id"] for p in plans}
        title = "Action plans"
        facts = [f"{count(len(plans), 'plan')} of {count(len(authorities), 'authority', 'authorities')}"]
    fact_line = " · ".join(esc(f) for f in facts)
    return (f'<p class="kicker">Action plan dashboard · progress as at {esc(as_of)}</p>'
            f"<h1>{esc(title)}</h1>" + (f'<p class="facts">{fact_line}</p>' if facts else ""))


# Below the table when more rows match than are listed (the script fills it in).
MORE = ('<p id="more" class="more" hidden><span id="more-note"></span>'
        '<button type="button" id="more-rows">Show more</button> '
        '<button type="button" id="all-rows">Show all</button></p>')
DIALOG = ('<dialog id="detail" aria-labelledby="detail-title">'
          '<div class="dialog-head"><h2 id="detail-title">Action</h2>'
          '<button type="button" id="detail-close">Close</button></div>'
          '<div id="detail-body"></div></dialog>')


def render(data: JSONDict) -> str:
    columns = shown_columns(data)
    style, script = style_for(columns), asset("dashboard.js")
    mark = data["classification"]
    marking = f'<p class="marking">{esc(mark)}</p>' if mark else ""
    total = len(data["actions"])
    title = (data["plans"][0]["title"] or data["plans"][0]["id"]) if len(data["plans"]) == 1 \
        else "Action plans"
    files = ", ".join(esc(p["file"]) for p in data["plans"])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp(style, script)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer"><meta name="generator" content="planctl">'
        f"<title>{esc(title)} - dashboard as at {esc(show_date(date.fromisoformat(data['as_of'])))}"
        f"</title><style>{style}</style></head>\n"
        f'<body><a class="skip" href="#actions">Skip to the actions</a>'
        f'<header class="top">{marking}{header(data)}</header>\n<main>{summary(data)}\n'
        '<section id="actions" aria-labelledby="actions-title">'
        '<h2 id="actions-title">Actions</h2>'
        f"{filters(data)}"
        f'<p id="counts" class="counts" role="status">{count(total, "action")}</p>'
        '<p id="applied" class="applied">All actions (no filters).</p>'
        f"{table(data, columns)}{MORE}</section>\n</main>{DIALOG}{action_trends(data)}"
        f'<footer class="bottom"><p>Made by planctl from {files}, as at '
        f"{esc(show_date(date.fromisoformat(data['as_of'])))}. Statuses are computed from each "
        "action's timescale and progress on that date. This page makes no network request.</p>"
        f"{marking}</footer>\n"
        f'<script type="application/json" id="data">{data_block(page_data(data))}</script>\n'
        f"<script>{script}</script></body></html>\n"
    )
