"""Rows -> Views (and JSON dicts): what each read command shows, independent of format."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..core.evaluate import Row, Summary, by_theme, id_sort_key, lead_groups, summarise
from ..core.jsondoc import JSONDict
from ..core.model import Plan
from ..core.names import authority_key, lead_authority
from ..core.words import count
from . import Column, Section, View


def show_date(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


TO_BE_CONFIRMED = "to be confirmed"


def cited(text: str, item: JSONDict) -> str:
    """The text with where it comes from beside it, "(ref: para 4.2)": the item's own `ref:`,
    else its recommendation's. Unchanged when the plan gives neither."""
    ref = item.get("ref") or item.get("recommendation_ref")
    return f"{text} (ref: {ref})" if ref else text


def due_text(row: Row) -> str:
    """The due date as people read it: an open action whose timescale gives no date yet
    (TBC, or a form planctl could not read: W123, W125) says so rather than showing blank."""
    timescale = row.action.timescale
    if row.due is None and row.status == "no-date" and timescale is not None and timescale.tbc:
        return TO_BE_CONFIRMED
    return show_date(row.due)


def due_cell(a: JSONDict) -> str:
    """due_text for an action object of the report (render/json.action_dict)."""
    return TO_BE_CONFIRMED if a.get("due_to_be_confirmed") else show_date(a["due"])


def awaiting(a: JSONDict) -> bool:
    """An action object (render/json.action_dict) that is completed, awaiting sign-off."""
    return (a.get("signoff") or {}).get("state") == "awaiting"


def shown_words(a: JSONDict, word: str) -> str:
    """A renderer's word for the action's status, with ", awaiting sign-off" where it is."""
    return f"{word}, awaiting sign-off" if awaiting(a) else word


def signoff_text(a: JSONDict) -> str:
    """The sign-off in words: "", "awaiting sign-off", or who signed it off, when, on what."""
    s = a.get("signoff")
    if not s:
        return ""
    if s["state"] == "awaiting":
        return "awaiting sign-off"
    on = s["on"]
    on = date.fromisoformat(on) if isinstance(on, str) else on
    evidence = f" (evidence: {s['evidence']})" if s.get("evidence") else ""
    return f"signed off by {s['by']} on {show_date(on)}{evidence}"


def summary_line(summary: Summary, today: date) -> str:
    awaiting = (f", {summary.awaiting_signoff} of them awaiting sign-off"
                if summary.awaiting_signoff else "")
    parts = [f"{summary.completed} completed ({summary.percent_complete}%{awaiting})",
             f"{summary.overdue} overdue", f"{summary.due_soon} due soon",
             f"{summary.on_track} on track"]
    # Rare statuses only when present, so the line stays short enough to read.
    parts += [f"{n} {word}" for n, word in ((summary.no_date, "no date"),
                                             (summary.dropped, "dropped")) if n]
    return f"{count(summary.total, 'action')}: {', '.join(parts)} - as at {show_date(today)}"


def rated(rows: Sequence[Row]) -> bool:
    """Whether any action carries the council's own rating: only then is there a RAG column."""
    return any(r.action.rag for r in rows)


def action_columns(many_plans: bool, show_lead: bool = True, rag: bool = False) -> list[Column]:
    cols = [Column("Plan")] if many_plans else []
    cols += [Column("ID"), Column("Action", wrap=4)]
    cols += [Column("Lead", wrap=2)] if show_lead else []
    return cols + [
        Column("Timescale", wrap=2),
        Column("Due"),
        Column("Status", status=True),
        Column("Late", justify="right"),
    ] + ([Column("RAG")] if rag else [])


def action_cells(row: Row, many_plans: bool, show_lead: bool = True, rag: bool = False) -> list[str]:
    a = row.action
    cells = [row.plan.id] if many_plans else []
    cells += [a.id, a.text] + (["; ".join(a.leads)] if show_lead else [])
    late = f"{row.days_overdue}d" if row.status == "overdue" else ""
    return cells + [a.timescale_text, due_text(row), row.shown_status, late] + (
        [a.rag or ""] if rag else [])


def actions_section(title: str | None, rows: Sequence[Row], many_plans: bool,
                    show_lead: bool = True, rag: bool = False) -> Section:
    section = Section(title, action_columns(many_plans, show_lead, rag))
    for row in rows:
        section.add(action_cells(row, many_plans, show_lead, rag), row.status)
    return section


def many(plans: Sequence[Plan]) -> bool:
    return len(plans) > 1


def several_authorities(plans: Sequence[Plan]) -> bool:
    """Plans of more than one authority: only then does a lead's name need its authority."""
    return len({authority_key(p) for p in plans}) > 1


def lead_title(lead: str, authority: str, scoped: bool) -> str:
    """A lead as a heading: "Head of Service - Northmoor Borough Council" where leads of
    several authorities are shown together, else the name alone."""
    return f"{lead} - {authority}" if scoped else lead


def actions_view(rows: Sequence[Row], plans: Sequence[Plan], today: date, empty: str) -> View:
    return View([actions_section(None, rows, many(plans), rag=rated(rows))],
                summary=summary_line(summarise(rows), today), empty=empty)


def actions_json(rows: Sequence[Row], today: date, **extra: object) -> JSONDict:
    from .json import action_line, iso  # only JSON output needs it

    return {"as_of": iso(today), **extra,
            "actions": [action_line(r, today) for r in rows],
            "summary": summarise(rows).as_dict()}


def by_lead_view(rows: Sequence[Row], plans: Sequence[Plan], today: date) -> View:
    # The section title names the lead, so the rows need no lead column.
    scoped, rag = several_authorities(plans), rated(rows)  # once, not once per lead
    sections = [actions_section(f"{lead_title(g.lead, g.authority, scoped)} ({len(g.rows)})",
                                g.rows, many(plans), show_lead=False, rag=rag)
                for g in lead_groups(rows)]
    return View(sections, summary=f"{count(len(rows), 'overdue action')} as at {show_date(today)}",
                empty=f"Nothing overdue as at {show_date(today)}.", group_header="lead")


def by_lead_json(rows: Sequence[Row], today: date) -> JSONDict:
    from .json import action_line, iso

    return {"as_of": iso(today),
            "leads": [{"lead": g.lead, "authority": g.authority, "count": len(g.rows),
                       "actions": [action_line(r, today) for r in g.rows]}
                      for g in lead_groups(rows)]}


def by_theme_view(rows: Sequence[Row], plans: Sequence[Plan], today: date) -> View:
    sections = [actions_section(f"{title} ({len(group)})", group, many(plans), rag=rated(rows))
                for _, title, group in by_theme(rows)]
    return View(sections, summary=summary_line(summarise(rows), today),
                empty="No actions match.", group_header="theme")


def by_theme_json(rows: Sequence[Row], today: date) -> JSONDict:
    from .json import action_line, iso

    return {"as_of": iso(today),
            "themes": [{"theme": key, "title": title, "count": len(group),
                        "actions": [action_line(r, today) for r in group]}
                       for key, title, group in by_theme(rows)],
            "summary": summarise(rows).as_dict()}


def recommendation_rollup(rows: Sequence[Row]) -> list[JSONDict]:
    """Per recommendation: counts by status and % complete, in plan order."""
    out: dict[tuple[str, str], JSONDict] = {}
    for row in rows:
        key = (row.plan.id, row.action.recommendation)
        if key not in out:
            rec = next(r for r in row.plan.recommendations if r.id == row.action.recommendation)
            out[key] = {"plan": row.plan.id, "id": rec.id, "text": rec.text, "rows": [],
                        **({"ref": rec.cites} if rec.cites is not None else {})}
        out[key]["rows"].append(row)
    result = []
    for item in out.values():
        s = summarise(item.pop("rows"))
        result.append({**item, **s.as_dict(), "percent_complete": s.percent_complete})
    return sorted(result, key=lambda r: (r["plan"], id_sort_key(r["id"])))


def rollup_view(rows: Sequence[Row], plans: Sequence[Plan], today: date) -> View:
    cols = ([Column("Plan")] if many(plans) else []) + [
        Column("Rec"), Column("Recommendation", wrap=1), Column("Actions", justify="right"),
        Column("Done", justify="right"), Column("Overdue", justify="right"),
        Column("Due soon", justify="right"), Column("Complete", justify="right"),
        Column("Status", status=True),
    ]
    section = Section(None, cols)
    for r in recommendation_rollup(rows):
        worst = ("overdue" if r["overdue"] else "due-soon" if r["due_soon"]
                 else "completed" if r["completed"] + r["dropped"] == r["total"] else "on-track")
        cells = ([r["plan"]] if many(plans) else []) + [
            r["id"], r["text"], str(r["total"]), str(r["completed"]), str(r["overdue"]),
            str(r["due_soon"]), f"{r['percent_complete']}%", worst]
        section.add(cells, worst)
    return View([section], summary=summary_line(summarise(rows), today))


def leads_table(rows: Sequence[Row], plans: Sequence[Plan]) -> list[JSONDict]:
    """Each lead of each authority (declared or only written on actions) with counts;
    busiest overdue first."""
    counts: dict[tuple[str, str], JSONDict] = {}
    names: dict[str, str] = {}  # authority key -> as the first plan of it writes it
    for plan in [*plans, *(r.plan for r in rows)]:
        names.setdefault(authority_key(plan), lead_authority(plan))
    for plan in plans:
        scope = authority_key(plan)
        for lead in plan.leads:
            entry = counts.setdefault((scope, lead.name), {
                "lead": lead.name, "key": lead.key, "authority": names[scope]})
            if lead.organisation:  # only when the plan gives one (docs/json.md)
                entry["organisation"] = lead.organisation
    for g in lead_groups(rows):
        scope = authority_key(g.rows[0].plan)
        entry = counts.setdefault((scope, g.lead),
                                  {"lead": g.lead, "key": None, "authority": names[scope]})
        s = summarise(g.rows)
        entry.update(total=s.total, open=s.overdue + s.due_soon + s.on_track + s.no_date,
                     overdue=s.overdue, due_soon=s.due_soon, completed=s.completed)
        if s.awaiting_signoff is not None:  # of the completed, where a plan requires sign-off
            entry["awaiting_signoff"] = s.awaiting_signoff
    required = any(p.signoff_required for p in plans)
    for entry in counts.values():
        for k in ("total", "open", "overdue", "due_soon", "completed"):
            entry.setdefault(k, 0)
        if required:  # only then (docs/json.md)
            entry.setdefault("awaiting_signoff", 0)
    return sorted(counts.values(), key=lambda e: (-e["overdue"], -e["open"], e["lead"].casefold(),
                                                  e["authority"].casefold()))


def leads_view(entries: list[JSONDict], today: date) -> View:
    # The authority only where leads of several are listed (the same name may be two leads).
    scoped = len({e["authority"].casefold() for e in entries}) > 1
    section = Section(None, ([Column("Authority", wrap=1)] if scoped else []) + [
        Column("Lead", wrap=1), Column("Open", justify="right"),
        Column("Overdue", justify="right"), Column("Due soon", justify="right"),
        Column("Completed", justify="right"), Column("Total", justify="right")])
    signoff = any("awaiting_signoff" in e for e in entries)
    if signoff:
        section.columns.insert(len(section.columns) - 1, Column("Awaiting sign-off", justify="right"))
    for e in entries:
        status = "overdue" if e["overdue"] else "due-soon" if e["due_soon"] else None
        section.add(([e["authority"]] if scoped else []) + [
            e["lead"], str(e["open"]), str(e["overdue"]), str(e["due_soon"]),
            str(e["completed"]), *([str(e["awaiting_signoff"])] if signoff else []),
            str(e["total"])], status)
    overdue_col = 3 if scoped else 2
    section.columns[overdue_col] = Column("Overdue", justify="right", status=True)
    return View([section], summary=f"{count(len(entries), 'lead')} - as at {show_date(today)}",
                empty="No leads.")
