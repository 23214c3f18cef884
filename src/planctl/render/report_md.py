"""The report as Markdown: headings, pipe tables and text bars that pandoc turns into Word.

Every piece of plan text goes through md_escape (Markdown/HTML characters
escaped, control characters made visible), so the output is safe on a
terminal and in a converted document.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from ..core.jsondoc import JSONDict
from ..core.words import count
from .markdown import md_escape
from .report import CHANGE_TITLES, lead_label, signoff_title
from .views import cited, show_date

BAR_CELLS = 10
DONE, LATE, REST = "\u2588", "\u2592", "\u2591"  # full block, medium shade, light shade
STATUS_LABELS = {"completed": "Completed", "overdue": "Overdue", "due_soon": "Due soon",
                 "on_track": "On track", "no_date": "No date", "dropped": "Dropped"}


def text_bar(done: int, late: int, total: int, cells: int = BAR_CELLS) -> str:
    """`done` then `late` then the rest of `total`, in `cells` characters."""
    if total <= 0:
        return REST * cells
    a = round(cells * done / total)
    b = round(cells * (done + late) / total) - a
    if late and not b and a + b < cells:  # an overdue action never vanishes from the bar
        b = 1
    return DONE * a + LATE * b + REST * (cells - a - b)


def action_ref(item: JSONDict, many: bool) -> str:
    return f"{item['plan']}:{item['id']}" if many else item["id"]


def _table(header: list[str], rows: list[list[str]], right: AbstractSet[int] = frozenset()) -> list[str]:
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(cells) + " |" for cells in rows]
    return out + [""]


def _leads(item: JSONDict) -> str:
    return md_escape("; ".join(item["leads"])) or "(no lead)"


def header(report: JSONDict) -> list[str]:
    if report.get("rollup"):  # several plans: one heading; each plan's facts at the end
        from .report_rollup import headline

        title, line = headline(report)
        return [f"# {md_escape(title)}", "", md_escape(line), ""]
    out: list[str] = []
    for plan in report["plans"]:
        out.append(f"# {md_escape(plan['title'])}")
        out.append("")
        if plan["authority"]:
            out.append(f"**{md_escape(plan['authority'])}**: progress report as at "
                       f"{show_date(report['as_at'])}")
        else:
            out.append(f"Progress report as at {show_date(report['as_at'])}")
        out.append("")
        ins = plan["inspection"]
        inspection = ": ".join(md_escape(x) for x in (ins["by"], ins["kind"]) if x)
        if ins["published"]:
            inspection += f" (published {show_date(ins['published'])})"
        version = md_escape(plan["version"] or "")
        if plan["updated"]:
            version += f" (updated {show_date(plan['updated'])})"
        rows = [["Inspection", inspection.strip()], ["Plan version", version.strip()],
                ["Plan owner", md_escape(plan["owner"] or "")],
                ["Status as at", show_date(report["as_at"])],
                ["Plan file", md_escape(f"{plan['file']} ({plan['id']})")]]
        out += _table(["Item", "Detail"], [r for r in rows if r[1]])
    return out


def summary(report: JSONDict) -> list[str]:
    s = report["summary"]
    out = ["## Summary", "",
           f"{count(s['total'], 'action')}: {s['completed']} completed ({s['percent_complete']}% complete), "
           f"{s['overdue']} overdue, {s['open']} still open.", ""]
    rows = [[label, str(s[key])] for key, label in STATUS_LABELS.items()]
    if "awaiting_signoff" in s:  # of the completed, counted apart
        rows.insert(1, ["of which awaiting sign-off", str(s["awaiting_signoff"])])
    rows.append(["**Total**", f"**{s['total']}**"])
    return out + _table(["Status", "Actions"], rows, right={1})


def recommendations(report: JSONDict, many: bool) -> list[str]:
    out = ["## Progress by recommendation", "",
           f"Bar: {DONE} completed, {LATE} overdue, {REST} other open or dropped.", ""]
    rows = []
    for r in report["recommendations"]:
        ref = f"{r['plan']}:{r['id']}" if many else r["id"]
        rows.append([md_escape(ref), md_escape(cited(r["text"], r)), f"{r['completed']} of {r['total']}",
                     str(r["overdue"]), f"{text_bar(r['completed'], r['overdue'], r['total'])} "
                     f"{r['percent_complete']}%"])
    return out + _table(["Rec", "Recommendation", "Completed", "Overdue", "Progress"], rows,
                        right={3})


def rollup_plans(report: JSONDict) -> list[str]:
    """The plans' own facts (version, owner, file) in a report of several plans."""
    from . import report_rollup as r

    if not report.get("rollup"):
        return []
    return ([f"## {r.PLANS_TITLE}", ""]
            + _table(r.PLAN_HEADERS, [[md_escape(c) for c in r.plan_cells(p)]
                                      for p in report["plans"]]))


def rollup(report: JSONDict) -> list[str]:
    """The roll-up, one row per plan: only in a report of several plans."""
    from . import report_rollup as r

    rows = report.get("rollup")
    if not rows:
        return []
    return ([f"## {r.TITLE}", "", md_escape(r.note(rows)), ""]
            + _table(r.HEADERS, [[md_escape(c) for c in r.cells(row)] for row in rows],
                     right=r.NUMBERS))


def themes(report: JSONDict) -> list[str]:
    if not report.get("themes"):  # only plans with themes: have this section
        return []
    rows = [[md_escape(t["title"]), f"{t['completed']} of {t['total']}", str(t["overdue"]),
             f"{text_bar(t['completed'], t['overdue'], t['total'])} {t['percent_complete']}%"]
            for t in report["themes"]]
    return ["## Progress by theme", ""] + _table(["Theme", "Completed", "Overdue", "Progress"],
                                                 rows, right={2})


def overdue(report: JSONDict, many: bool) -> list[str]:
    out = ["## Overdue actions by lead", ""]
    if not report["overdue_by_lead"]:
        return out + [f"Nothing is overdue as at {show_date(report['as_at'])}.", ""]
    for group in report["overdue_by_lead"]:
        out += [f"### {md_escape(lead_label(report, group))} ({group['count']} overdue)", ""]
        rows = [[md_escape(action_ref(a, many)), md_escape(cited(a["text"], a)),
                 md_escape(a["timescale"] or ""), show_date(a["due"]), str(a["days_overdue"])]
                for a in group["actions"]]
        out += _table(["ID", "Action", "Timescale", "Due", "Days late"], rows, right={4})
    return out


def upcoming(report: JSONDict, many: bool) -> list[str]:
    up = report["upcoming"]
    out = [f"## Due in the next {count(up['days'], 'day')}", "",
           f"Open actions due from {show_date(up['from'])} to {show_date(up['until'])}.", ""]
    if not up["actions"]:
        return out + ["Nothing falls due in this period.", ""]
    rows = [[md_escape(action_ref(a, many)), md_escape(cited(a["text"], a)), _leads(a), show_date(a["due"]),
             a["status"]] for a in up["actions"]]
    return out + _table(["ID", "Action", "Lead", "Due", "Status"], rows)


def latest_updates(report: JSONDict, many: bool) -> list[str]:
    out = ["## Latest update on each open action", ""]
    with_update = [a for a in report["latest_updates"] if a["latest_update"]]
    without = [a for a in report["latest_updates"] if not a["latest_update"]]
    if with_update:
        rows = []
        for a in with_update:
            u = a["latest_update"]
            by = f" ({md_escape(u['by'])})" if u["by"] else ""
            rows.append([md_escape(action_ref(a, many)), md_escape(cited(a["text"], a)), a["status"],
                         f"{show_date(u['date'])}{by}: {md_escape(u['text'])}"])
        out += _table(["ID", "Action", "Status", "Latest update"], rows)
    if without:
        ids = ", ".join(md_escape(action_ref(a, many)) for a in without)
        out += [f"No update recorded for {count(len(without), 'open action')}: {ids}.", ""]
    if not report["latest_updates"]:
        out += ["No action is open.", ""]
    return out


def _measure_text(m: JSONDict) -> str:
    values = [f"{k} {m[k]}" for k in ("baseline", "target", "actual") if m.get(k) is not None]
    text: str = m["text"]
    return text + (f" ({', '.join(values)})" if values else "")


def positions(report: JSONDict, many: bool) -> list[str]:
    """The council's own rating, position and measures of each open action that has them;
    no section at all for plans without them."""
    items = [a for a in report["latest_updates"]
             if a.get("rag") or a.get("progress_note") or a.get("measures")]
    if not items:
        return []
    rows = [[md_escape(action_ref(a, many)), md_escape(cited(a["text"], a)), a["status"], a.get("rag") or "",
             md_escape(a.get("progress_note") or ""),
             md_escape("; ".join(_measure_text(m) for m in a.get("measures", ())))]
            for a in items]
    return (["## The council's rating and position", "",
             "Beside the status planctl computes from the dates.", ""]
            + _table(["ID", "Action", "Status (planctl)", "Council RAG", "Position", "Measures"], rows))


def changes(report: JSONDict, many: bool) -> list[str]:
    ch = report["changes"]
    if ch is None:
        return []
    out = [f"## Changes since {md_escape(str(ch['since']))}", ""]
    if ch.get("commit"):
        out += [f"Compared with commit {md_escape(ch['commit'])} of "
                f"{show_date(ch['commit_date'])}.", ""]
    for kind, title in CHANGE_TITLES.items():
        items = ch.get(kind) or []
        out += [f"### {title} ({len(items)})", ""]
        if not items:
            out += ["None.", ""]
            continue
        for i in items:
            extra = ""
            if kind == "slipped":
                extra = f" (from {show_date(i['was'])} to {show_date(i['now'])}, {count(i['days'], 'day')})"
                if i.get("reason"):
                    extra += f"; reason: {md_escape(i['reason'])}"
            elif kind == "dropped" and i.get("removed"):
                extra = " (removed from the plan)"
            out.append(f"- {md_escape(action_ref(i, many))}: {md_escape(i['text'])}{extra}")
        out.append("")
    return out


def signoff(report: JSONDict, many: bool) -> list[str]:
    """Completed (since the last meeting) but not yet signed off: only where required."""
    section = report.get("signoff")
    if section is None:
        return []
    out = [f"## {md_escape(signoff_title(section))}", ""]
    if not section["awaiting"]:
        return out + ["None: every completed action is signed off.", ""]
    rows = [[md_escape(action_ref(a, many)), md_escape(cited(a["text"], a)), _leads(a)]
            for a in section["awaiting"]]
    return out + _table(["ID", "Action", "Lead"], rows)


def findings(report: JSONDict) -> list[str]:
    if not report["findings"]:
        return []
    out = ["## The inspection's findings", ""]
    for f in report["findings"]:
        out += [f"Grades, best first: {md_escape(', '.join(f['scale']))}.", ""]
        for area in f["areas"]:
            out += [f"### {md_escape(area['area'])}", ""]
            out += _table(["Judgement", "Grade"],
                          [[md_escape(j["name"]), md_escape(j["grade"])] for j in area["judgements"]])
    return out


def render(report: JSONDict) -> str:
    many = len(report["plans"]) > 1
    mark = report["classification"]
    banner = [f"**{md_escape(mark)}**", ""] if mark else []
    parts = (banner + header(report) + summary(report) + rollup(report) + recommendations(report, many)
             + themes(report) + overdue(report, many) + upcoming(report, many) + latest_updates(report, many)
             + positions(report, many)
             + changes(report, many) + signoff(report, many) + findings(report) + rollup_plans(report)
             + banner)
    return "\n".join(parts).rstrip("\n") + "\n"
