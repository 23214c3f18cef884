"""A table's rows -> the plan's data -> plan YAML that passes `planctl check`.

The rows are mapped and grouped by core/importing; here each action gets its fields
(timescale kept as written or marked to be confirmed, start, status, leads), the plan
its leads and themes, and format/plan_yaml writes and verifies the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ...core.importing import ImportProblem
from ...core.importing.cells import one_line
from ...core.importing.columns import map_header
from ...core.importing.formulas import check_formulas
from ...core.importing.leads import Lead, lead_group, merge_leads, slug, unique_key
from ...core.importing.rows import DraftAction, DraftRec, group_rows
from ...core.importing.statuses import status_fields
from ...core.timescale import TimescaleError, date_or_none, parse_timescale
from ...format.plan_yaml import (
    ActionData,
    LeadData,
    PlanData,
    PlanHead,
    RecData,
    preamble,
    reads_as_string,
    render_yaml,
    verify,
)
from ...format.reader import parse_start


@dataclass
class Imported:
    text: str  # the plan YAML
    notes: list[str] = field(default_factory=list)  # what the user must know, one line each
    recommendations: int = 0
    actions: int = 0
    leads: int = 0
    warnings: list[str] = field(default_factory=list)  # what `check` says about the result


def build_plan(
    rows: list[list[str]],
    *,
    source: str,
    today: date,
    mappings: Sequence[str] = (),
    title: str | None = None,
    authority: str | None = None,
    published: date | None = None,
    plan_id: str | None = None,
) -> Imported:
    """Plan YAML from a table's rows; raises ImportProblem when no plan can be made."""
    header = map_header(rows, mappings, source)
    notes = header.notes
    check_formulas(rows, header, title_rows=title is None, notes=notes)
    title_lines = [one_line(c) for r in rows[:header.at] for c in r if c.strip()]
    recs = group_rows(rows, header, source, notes)
    actions = sum(len(r.actions) for r in recs)
    if not actions:
        raise ImportProblem(f"{source}: no actions under the header on row {header.row_number}")
    head = _plan_head(title, authority, published, title_lines, source)
    data, lead_count = _plan_data(recs, head, _Context(today, published, notes))
    text = render_yaml(data, preamble(source, header.row_number, today))
    warnings = verify(text, plan_id, data)
    return Imported(text, notes, len(recs), actions, lead_count, warnings)


@dataclass
class _Context:
    today: date
    published: date | None
    notes: list[str]
    canonical: dict[str, str] = field(default_factory=dict)  # a lead as written -> its name


def _plan_head(title: str | None, authority: str | None, published: date | None,
               title_lines: list[str], source: str) -> PlanHead:
    """The title (given, else the rows above the table that are not dates), the council and
    the date of the inspection report."""
    head: PlanHead = {"title": title or (" - ".join(
        t for t in title_lines[:4] if date_or_none(t) is None) or f"Action plan imported from {source}")}
    if authority:
        head["authority"] = authority
    if published:
        head["inspection"] = {"published": published.isoformat()}
    return head


def _plan_data(recs: list[DraftRec], head: PlanHead, ctx: _Context) -> tuple[PlanData, int]:
    names = (n for r in recs for a in r.actions for n in a.leads)
    ctx.canonical, leads = merge_leads(names, ctx.notes, reads_as_string)
    copied = [a.row for r in recs for a in r.actions if a.lead_from_above]
    if copied:
        ctx.notes.append(f"{len(copied)} action(s) had an empty lead cell and took the lead of the "
                         f"action above (merged cells): row(s) {', '.join(map(str, sorted(set(copied))))}")
    data: PlanData = {"plan": head, "recommendations": []}
    if leads:
        data["leads"] = {lead.key: _lead_data(lead) for lead in leads}
    theme_keys: dict[str, str] = {}  # lead_group(title) -> key: "Front door", "front door" one theme
    used_rec_ids: set[str] = set()
    for pos, rec in enumerate(recs, 1):
        rec_id = _rec_id(rec, pos, used_rec_ids, ctx.notes)
        fallback = rec.actions[0].text if rec.actions else f"Recommendation {rec_id}"
        out: RecData = {"id": rec_id, "text": rec.text or fallback}
        if rec.theme:
            out["theme"] = _theme_key(rec.theme, theme_keys, data)
        actions = [_action_data(act, f"{rec_id}.{apos}", ctx) for apos, act in enumerate(rec.actions, 1)]
        if actions:  # none: check warns that the recommendation has no actions
            out["actions"] = actions
        data["recommendations"].append(out)
    _unique_action_ids(data, ctx.notes)
    return data, len(leads)


def _lead_data(lead: Lead) -> str | LeadData:
    return {"name": lead.name, "aliases": lead.aliases} if lead.aliases else lead.name


def _rec_id(rec: DraftRec, pos: int, used: set[str], notes: list[str]) -> str:
    """The recommendation's number as written, else its position; a number written twice
    is numbered by position the second time."""
    rec_id = rec.id or str(pos)
    if rec_id in used:
        notes.append(f"row {rec.row}: recommendation number {rec_id!r} appears again; "
                     f"numbered {pos} instead")
        rec_id = str(pos)
        n = 2
        while rec_id in used:
            rec_id, n = f"{pos}-{n}", n + 1
    used.add(rec_id)
    return rec_id


def _theme_key(title: str, keys: dict[str, str], data: PlanData) -> str:
    group = lead_group(title)
    if group not in keys:
        key = unique_key(slug(title) or "theme", "theme", keys.values(), reads_as_string)
        data.setdefault("themes", {})[key] = title
        keys[group] = key
    return keys[group]


def _action_data(act: DraftAction, default_id: str, ctx: _Context) -> ActionData:
    out: ActionData = {}
    if act.explicit_id and act.explicit_id != default_id:
        out["id"] = act.explicit_id
    out["text"] = act.text
    due, comment = _timescale(act, ctx.published, ctx.notes)
    if comment:
        out["#"] = comment
    if due:
        out["due"] = due
    leads = list(dict.fromkeys(ctx.canonical[n] for n in dict.fromkeys(act.leads)))
    if leads:
        out["lead"] = leads[0] if len(leads) == 1 else leads
    start = _start(act, due, ctx.published, ctx.notes)
    if start:
        out["start"] = start
    status, updates = status_fields(act, ctx.today, ctx.notes)
    out.update(status)
    if act.measures:
        out["measures"] = act.measures
    if act.evidence:
        out["evidence"] = act.evidence
    if updates:  # one update each: a progress note and a rating are not run together
        out["updates"] = [{"date": ctx.today.isoformat(), "text": u} for u in updates]
    return out


def _timescale(act: DraftAction, published: date | None,
               notes: list[str]) -> tuple[str | None, str | None]:
    """(due as written or a TBC standing for it, a comment for the YAML) for one action."""
    if not act.due:
        return None, None
    try:
        parse_timescale(act.due, published)
    except TimescaleError as exc:
        reason = str(exc).split("; accepted forms")[0]
        if "relative to publication" in reason:
            reason = reason.replace("the plan has no plan.inspection.published date",
                                    "no --published date was given")
        notes.append(f"row {act.row}: cannot read the timescale {act.due!r} ({reason}); "
                     "kept as 'To be confirmed (as written: ...)': write a date there")
        return f"To be confirmed (as written: {act.due})", f"timescale as written could not be read: {reason}"
    return act.due, None


def _start(act: DraftAction, due: str | None, published: date | None, notes: list[str]) -> str | None:
    """The start as written when planctl reads it as one start date agreeing with the due."""
    if not act.start:
        return None
    try:
        start = parse_start(act.start, published)
    except TimescaleError as exc:
        notes.append(f"row {act.row}: the start {act.start!r} was not imported ({exc})")
        return None
    try:
        in_due = parse_timescale(due, published).start if due else None
    except TimescaleError:
        in_due = None
    if in_due is not None and in_due != start:
        notes.append(f"row {act.row}: the start {act.start!r} disagrees with the start in the "
                     f"timescale {due!r}; the timescale's was kept")
        return None
    return act.start


def _unique_action_ids(data: PlanData, notes: list[str]) -> None:
    """An action number written twice in the plan is renumbered; a written number that is
    the action's position is left out."""
    seen: set[str] = set()
    for rec in data["recommendations"]:
        for pos, act in enumerate(rec.get("actions", ()), 1):
            default = f"{rec['id']}.{pos}"
            current = act.get("id")
            written = current if isinstance(current, str) else default
            if written in seen:
                fresh, n = default, 2
                while fresh in seen:
                    fresh, n = f"{default}-{n}", n + 1
                notes.append(f"action number {written!r} appears twice; the second is {fresh!r}")
                act["id"] = fresh
                written = fresh
            seen.add(written)
            if act.get("id") == default:
                del act["id"]


def summarise_warnings(warnings: Iterable[str]) -> list[str]:
    """'W106 ...' messages counted per code, for one line each on stderr."""
    by_code = Counter(w.split(" ", 1)[0] for w in warnings)
    meaning = {"W104": "have a timescale to be confirmed", "W106": "have no timescale",
               "W107": "have no lead", "W103": "are due before the inspection was published",
               "W105": "recommendation(s) have no actions"}
    return [f"{n} {'action(s) ' if code != 'W105' else ''}{meaning.get(code, 'warning(s) ' + code)}"
            for code, n in sorted(by_code.items())]
