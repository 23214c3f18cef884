"""A plan file -> model, with every shape problem located at file:line:col.

format/yamlsafe.py composes YAML to nodes (safe: nothing is constructed, no tag
runs code); format/nodes.py's NodeReader reads each scalar's characters itself,
so YAML's implicit typing never changes what a person typed: `id: 3.10` stays
"3.10" and `lead: NO` stays "NO". This walks a plan's keys. The warnings (W1xx)
and strict checks (S2xx) over the model are core/validations.py's, run by
load_text on what this builds.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import Problem, name_text, safe_text
from ..core.model import (
    PROGRESS_VALUES,
    RAG_VALUES,
    Action,
    Anchors,
    Body,
    Inspection,
    Lead,
    Measure,
    Milestone,
    Plan,
    Progress,
    Rag,
    RagMeaning,
    Recommendation,
    Theme,
    Update,
)

# Re-exported: callers outside the core have always found these here.
from ..core.names import (  # noqa: F401
    PROGRESS_SYNONYMS,
    close_matches,
    nearest,
    nearest_progress,
    normalise_name,
    normalise_progress,
)
from ..core.timescale import (
    CALENDARS,
    REPEATS,
    YEAR_STARTS,
    Deadline,
    Timescale,
    TimescaleError,
    normalise_repeat,
)
from ..core.validations import dated_validations, validate
from .findings import AREA_KEYS as AREA_KEYS  # re-exported: schema.py lists every key set here
from .findings import FINDINGS_KEYS as FINDINGS_KEYS
from .findings import JUDGEMENT_KEYS as JUDGEMENT_KEYS
from .findings import read_findings
from .loaded import MAX_FILE_BYTES, too_big
from .loaded import LoadResult as LoadResult  # re-exported: store/gitstore.py imports it from here
from .loaded import finish as finish  # re-exported, likewise
from .nodes import MAX_WARNINGS, Entry, NodeReader, TooManyProblems, kind
from .plan_dates import parse_start as parse_start  # re-exported: the importer reads starts
from .plan_dates import parse_timescale_in, read_named_dates, unreadable
from .signoff import SIGNOFF_CHOICES, read_signed_off
from .yamlsafe import compose, decode, quoted

PLAN_KEYS = {"id", "title", "authority", "inspection", "version", "updated", "owner",
             "classification", "due_soon_days", "calendar", "year_starts", "rag_key", "dates", "signoff"}
INSPECTION_KEYS = {"by", "kind", "published", "report"}
TOP_KEYS = {"plan", "leads", "bodies", "recommendations", "findings", "themes"}
REC_KEYS = {"id", "text", "actions", "theme", "ref"}
ACTION_KEYS = {"id", "text", "due", "lead", "report_to", "status", "completed", "evidence",
               "updates", "repeat", "reported", "milestones", "start", "progress", "rag", "ref",
               "measures", "signed_off"}
LEAD_KEYS = {"name", "aliases", "email", "organisation"}
MEASURE_KEYS = {"text", "baseline", "target", "actual"}
# The council's own rating: the colour, or its initial as spreadsheets write it (R/A/G/B).
RAG_WORDS: dict[str, Rag] = {**{c: c for c in RAG_VALUES}, **{c[0]: c for c in RAG_VALUES}}
UPDATE_KEYS = {"date", "text", "by"}
MILESTONE_KEYS = {"due", "text", "done"}


# -- one file ------------------------------------------------------------------


def is_comparison(root: yaml.Node) -> bool:
    return isinstance(root, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == "comparison" for k, _ in root.value
    )


def load_text(data: bytes | str, path: str, plan_id: str | None = None,
              today: date | None = None) -> tuple[Plan | None, list[Problem], bool]:
    """(Plan or None, problems, is_comparison_file) for one file's contents.

    today: also run the checks that need the day the plans are judged at (`check` does,
    on a file that has a fact dated after it; never cached)."""
    if len(data) > MAX_FILE_BYTES:
        return None, [too_big(path, len(data))], False
    if isinstance(data, bytes):
        text, problems = decode(data, path)
        if text is None:
            return None, problems, False
    else:
        text = data
    root, problems = compose(text, path)
    if problems:
        return None, problems, False
    if root is None:
        msg = "the file is empty; a plan needs at least 'plan:' with a title and 'recommendations:'"
        return None, [Problem(path, 1, 1, "E011", msg)], False
    if is_comparison(root):
        return None, [], True
    reader = NodeReader(path)
    try:
        plan = _read_plan(reader, root, default_plan_id(path, plan_id))
    except TooManyProblems:
        return None, reader.problems, False
    if plan is None:
        return None, reader.problems, False
    return checked(plan, reader, today)


def default_plan_id(path: str, plan_id: str | None) -> str:
    # A name that is not UTF-8 gives an id of valid text (`caf\xe9`): ids reach JSON.
    return plan_id or name_text(Path(path).stem)


def checked(plan: Plan, reader: NodeReader,
            today: date | None = None) -> tuple[Plan | None, list[Problem], bool]:
    """load_text's result for a plan read by `reader`: its problems and the checks over the
    model (today: load_text's)."""
    path = reader.path
    problems = reader.problems + validate(plan, reader.located)
    if today is not None:
        problems += validate(plan, reader.located, dated_validations(today))
    if len(problems) > MAX_WARNINGS:  # as the reader caps its own: memory stays bounded
        last = problems[MAX_WARNINGS]
        problems = problems[:MAX_WARNINGS] + [Problem(
            path, last.line, last.column, "E009",
            f"more than {MAX_WARNINGS} problems in this file; stopped reading it here")]
    # A plan without a title is checked (above) but not loaded.
    return (plan if plan.title else None), problems, False


@dataclass
class Head:
    """What a plan's recommendations are read in: everything of the file but them."""

    top: dict[str, Entry]
    meta: dict[str, Any]  # Plan's keyword arguments, as read (of many types)
    plan_id: str
    leads: tuple[Lead, ...]
    bodies: tuple[Body, ...]
    themes: tuple[Theme, ...]
    context: _Context


def read_head(r: NodeReader, root: yaml.Node, default_id: str) -> Head | None:
    top = r.mapping(root, "the top level of a plan", TOP_KEYS, ("plan", "recommendations"))
    if top is None:
        return None
    meta: dict[str, Any] = {}
    published = _read_meta(r, top["plan"][1], meta) if "plan" in top else None
    plan_id = meta.pop("id", None) or default_id
    leads = _read_leads(r, top["leads"][1]) if "leads" in top else ()
    bodies = _read_bodies(r, top["bodies"][1]) if "bodies" in top else ()
    themes = _read_themes(r, top["themes"][1]) if "themes" in top else ()
    context = _Context(plan_id, published, leads, {b.key for b in bodies},
                       calendar=meta.get("calendar", "england-and-wales"),
                       year_starts=meta.get("year_starts"), themes=themes,
                       anchors=Anchors(tuple((d.name, d.date) for d in meta.get("dates", ()))))
    return Head(top, meta, plan_id, leads, bodies, themes, context)


def plan_of(r: NodeReader, head: Head, recs: tuple[Recommendation, ...]) -> Plan:
    """The plan of `head` with these recommendations (its findings read here, after them)."""
    top = head.top
    findings = read_findings(r, top["findings"][1]) if "findings" in top else None
    meta = dict(head.meta)
    meta["title"] = meta.get("title") or ""  # "": no title, an error already reported
    return Plan(id=head.plan_id, path=r.path, leads=head.leads, bodies=head.bodies,
                recommendations=recs, findings=findings, themes=head.themes, **meta)


def _read_plan(r: NodeReader, root: yaml.Node, default_id: str) -> Plan | None:
    head = read_head(r, root, default_id)
    if head is None:
        return None
    top = head.top
    recs = (_read_recommendations(r, top["recommendations"][1], head.context)
            if "recommendations" in top else ())
    return plan_of(r, head, recs)


def _read_meta(r: NodeReader, node: yaml.Node, meta: dict[str, Any]) -> date | None:
    """`plan:`'s keys into meta; the inspection's publication date (what timescales count from)."""
    m = r.mapping(node, "plan", PLAN_KEYS, ("title",)) or {}
    for key in ("id", "title", "authority", "version", "owner", "classification"):
        if key in m:
            meta[key] = r.text(m[key][1], f"plan.{key}")
    if "updated" in m:
        meta["updated"] = r.date(m["updated"][1], "plan.updated")
    if "due_soon_days" in m:
        days = r.integer(m["due_soon_days"][1], "plan.due_soon_days")
        if days is not None:
            meta["due_soon_days"] = days
    for key, choices in (("calendar", CALENDARS), ("year_starts", YEAR_STARTS),
                         ("signoff", SIGNOFF_CHOICES)):
        if key in m and (value := _read_choice(r, m[key][1], f"plan.{key}", choices)) is not None:
            meta[key] = value
    if "rag_key" in m:
        meta["rag_key"] = _read_rag_key(r, m["rag_key"][1])
    if "dates" in m:
        meta["dates"] = read_named_dates(r, m["dates"][1])
    if "inspection" not in m:
        return None
    i = r.mapping(m["inspection"][1], "plan.inspection", INSPECTION_KEYS) or {}
    published = r.date(i["published"][1], "plan.inspection.published") if "published" in i else None
    meta["inspection"] = Inspection(
        by=r.text(i["by"][1], "plan.inspection.by") if "by" in i else None,
        kind=r.text(i["kind"][1], "plan.inspection.kind") if "kind" in i else None,
        published=published,
    )
    return published


def _read_choice(r: NodeReader, node: yaml.Node, what: str, choices: Collection[str]) -> str | None:
    """One of `choices`, written in any case, with spaces or underscores for its hyphens."""
    written = r.scalar(node, what)
    if written is None:
        return None
    value = "-".join(written.strip().lower().replace("_", " ").split())
    if value in choices:
        return value
    r.report(node, "E024", f"{what} {quoted(written)} is not one of {', '.join(choices)}")
    return None


def _read_recommendations(r: NodeReader, node: yaml.Node, context: _Context) -> tuple[Recommendation, ...]:
    recs = []
    seen_recs: dict[str, int] = {}
    for pos, rec_node in enumerate(r.sequence(node, "recommendations"), 1):
        rec = _read_recommendation(r, rec_node, pos, context)
        if rec is None:
            continue
        if rec.id in seen_recs:
            r.report(rec_node, "E031", f"duplicate recommendation id {rec.id!r} "
                     f"(first on line {seen_recs[rec.id]})")
        seen_recs.setdefault(rec.id, rec.line)
        recs.append(rec)
    return tuple(recs)


@dataclass
class _Context:
    plan_id: str
    published: date | None
    leads: tuple[Lead, ...]
    body_keys: set[str]
    action_lines: dict[str, int] = field(default_factory=dict)
    lead_index: dict[str, Lead] = field(default_factory=dict)
    calendar: str = "england-and-wales"  # plan.calendar and plan.year_starts: how timescales read
    year_starts: str | None = None
    themes: tuple[Theme, ...] = ()
    anchors: Anchors = Anchors()  # plan.dates: what timescales count from

    def __post_init__(self) -> None:
        for lead in self.leads:
            for name in (lead.key, lead.name, *lead.aliases):
                self.lead_index.setdefault(normalise_name(name), lead)

    def timescale(self, written: str) -> Timescale:
        """`written` read as every timescale of this plan is read (raises TimescaleError)."""
        return parse_timescale_in(written, self.published, self.calendar, self.year_starts,
                                  self.anchors)


def _read_leads(r: NodeReader, node: yaml.Node) -> tuple[Lead, ...]:
    if not isinstance(node, yaml.MappingNode):
        r.report(node, "E010", f"leads must be a mapping of key: name, found {kind(node)}")
        return ()
    leads: list[Lead] = []
    seen: dict[str, str] = {}
    for key, key_node, value_node in r.entries(node, "leads"):
        if isinstance(value_node, yaml.MappingNode):
            lm = r.mapping(value_node, f"leads.{key}", LEAD_KEYS, ("name",)) or {}
            name = r.text(lm["name"][1], f"leads.{key}.name") if "name" in lm else None
            aliases = r.texts(lm["aliases"][1], f"leads.{key}.aliases") if "aliases" in lm else ()
            email = _read_email(r, lm["email"][1], key) if "email" in lm else None
            organisation = (r.text(lm["organisation"][1], f"leads.{key}.organisation")
                            if "organisation" in lm else None)
        else:
            name = r.text(value_node, f"leads.{key}")
            aliases, email, organisation = (), None, None
        if name is None:
            continue
        lead = Lead(key, name, aliases, key_node.start_mark.line + 1, email, organisation)
        for written in {normalise_name(n) for n in (key, name, *aliases)}:
            if written in seen and seen[written] != key:
                r.report(key_node, "E033", f"lead {key!r} and lead {seen[written]!r} are both "
                         f"called {written!r}; a name or alias must name one lead")
            seen[written] = key
        leads.append(lead)
    return tuple(leads)


def _read_email(r: NodeReader, node: yaml.Node, key: str) -> str | None:
    """A lead's `email:`: one address, with no control, bidi or line-breaking character (a
    CR or LF in it would add a header to every email `remind` and `returns` send)."""
    email = r.text(node, f"leads.{key}.email")
    if email is not None and safe_text(email, one_line=True) != email:
        r.report(node, "E034", f"leads.{key}.email '{safe_text(email, one_line=True)}' holds a "
                 "control character (a line break, tab, escape or bidi control); write one "
                 "address on one line, as 'name@council.gov.uk'")
        return None
    return email


def _read_bodies(r: NodeReader, node: yaml.Node) -> tuple[Body, ...]:
    if not isinstance(node, yaml.MappingNode):
        r.report(node, "E010", f"bodies must be a mapping of key: full name, found {kind(node)}")
        return ()
    bodies = []
    for key, key_node, value_node in r.entries(node, "bodies"):
        if isinstance(value_node, yaml.MappingNode):
            bm = r.mapping(value_node, f"bodies.{key}", {"name"}, ("name",)) or {}
            name = r.text(bm["name"][1], f"bodies.{key}.name") if "name" in bm else None
        else:
            name = r.text(value_node, f"bodies.{key}")
        bodies.append(Body(key, name or key, key_node.start_mark.line + 1))
    return tuple(bodies)


def _read_recommendation(r: NodeReader, node: yaml.Node, pos: int, ctx: _Context) -> Recommendation | None:
    m = r.mapping(node, f"recommendation {pos}", REC_KEYS, ("text",))
    if m is None:
        return None
    rec_id = (r.text(m["id"][1], "recommendation id") if "id" in m else None) or str(pos)
    text = r.text(m["text"][1], f"recommendation {rec_id} text") if "text" in m else ""
    actions = []
    if "actions" in m:
        for apos, anode in enumerate(r.sequence(m["actions"][1], f"recommendation {rec_id} actions"), 1):
            action = _read_action(r, anode, rec_id, apos, ctx)
            if action is not None:
                actions.append(action)
    theme = _read_theme(r, m["theme"][1], rec_id, ctx) if "theme" in m else None
    cites = _read_cites(r, m["ref"][1], f"recommendation {rec_id}") if "ref" in m else None
    rec = Recommendation(rec_id, text or "", tuple(actions), node.start_mark.line + 1, theme, cites)
    r.located.add(rec, {"self": r.at(node), **({"actions": r.at(m["actions"][1])} if "actions" in m else {})})
    return rec


def _read_action(r: NodeReader, node: yaml.Node, rec_id: str, pos: int, ctx: _Context) -> Action | None:
    default_id = f"{rec_id}.{pos}"
    m = r.mapping(node, f"action {default_id}", ACTION_KEYS, ("text",))
    if m is None:
        return None
    written_id = r.text(m["id"][1], "action id") if "id" in m else None
    action_id = written_id or default_id
    where = f"action {action_id}"
    line = node.start_mark.line + 1
    # Where the values core/validations.py points at were written (only those: it is per action).
    located: dict[str, tuple[int, int]] = {k: r.at(m[k][1]) for k in ("due", "milestones", "report_to")
                                           if k in m}
    if action_id in ctx.action_lines:
        r.report(m["id"][1] if "id" in m else node, "E030",
                 f"duplicate action id {action_id!r} (first on line {ctx.action_lines[action_id]}); "
                 "give one of them its own id")
    ctx.action_lines.setdefault(action_id, line)
    text = r.text(m["text"][1], f"{where} text") if "text" in m else None
    timescale, unread = _read_due(r, m["due"][1], where, ctx, located) if "due" in m else (None, False)
    leads, lead_keys = (_resolve_leads(r, m["lead"][1], where, ctx, located) if "lead" in m
                        else ((), ()))
    report_to = r.texts(m["report_to"][1], f"{where} report_to") if "report_to" in m else ()
    progress = _read_status(r, m["status"][1], where) if "status" in m else "not-started"
    completed = r.date(m["completed"][1], f"{where} completed") if "completed" in m else None
    if completed is not None:  # W144 points at it (check --today)
        located["completed"] = r.at(m["completed"][1])
    evidence = r.texts(m["evidence"][1], f"{where} evidence") if "evidence" in m else ()
    updates = _read_updates(r, m["updates"][1], where) if "updates" in m else ()
    repeat = _read_repeat(r, m["repeat"][1], where, timescale, unread) if "repeat" in m else None
    if repeat is None and timescale is not None and timescale.repeat is not None:
        repeat = timescale.repeat  # "Quarterly report to CPC": as if `repeat:` were written
    reported = _read_reported(r, m["reported"][1], where, located) if "reported" in m else ()
    timescale, milestones = _read_dates(r, m, where, ctx, timescale, repeat, reported)
    start = timescale.start if timescale is not None else None
    if "start" in m:
        start = _read_start(r, m["start"][1], where, ctx, timescale) or start
    progress_note = r.text(m["progress"][1], f"{where} progress") if "progress" in m else None
    rag = _read_rag(r, m["rag"][1], where) if "rag" in m else None
    measures = _read_measures(r, m["measures"][1], where) if "measures" in m else ()
    cites = _read_cites(r, m["ref"][1], where) if "ref" in m else None
    signed_off = read_signed_off(r, m["signed_off"][1], where) if "signed_off" in m else None
    if signed_off is not None:
        located["signed_off"] = r.at(m["signed_off"][1])

    if text is None:
        return None
    action = Action(
        plan=ctx.plan_id, recommendation=rec_id, id=action_id, text=text, timescale=timescale,
        start=start,
        leads=leads, lead_keys=lead_keys, report_to=report_to, progress=progress,
        completed=completed, evidence=evidence, updates=updates, repeat=repeat, reported=reported,
        milestones=milestones, progress_note=progress_note, rag=rag, measures=measures, cites=cites,
        signed_off=signed_off, line=line, column=node.start_mark.column + 1, id_written=bool(written_id),
    )
    r.located.add(action, located)
    return action


def _read_due(r: NodeReader, node: yaml.Node, where: str, ctx: _Context,
              located: dict[str, tuple[int, int]]) -> tuple[Timescale | None, bool]:
    """(the timescale, whether it could not be read). One planctl cannot read is an unknown
    deadline, as "TBC" is (W123 says why; not W104 as well: this is not a TBC written)."""
    written = r.scalar(node, f"{where} due")
    if written is None:
        return None, False
    try:
        timescale = ctx.timescale(written)
    except TimescaleError as exc:
        unreadable(r, node, f"{where} due", exc, "its deadline is to be confirmed (as 'TBC' is)")
        return Timescale(" ".join(written.split()), tbc=True), True
    for warning in timescale.warnings:  # how an ambiguous form was read: the parser says
        r.warn(node, warning.code, f"{where} due: {warning.message}")
    located["timescale"] = r.at(node)
    return timescale, False


def _read_status(r: NodeReader, node: yaml.Node, where: str) -> Progress:
    written = r.scalar(node, f"{where} status")
    if written is None:
        return "not-started"
    found = normalise_progress(written)
    if found is None:
        hint = nearest_progress(written)
        r.report(node, "E021", f"{where} status {written!r} is not one of "
                 f"{', '.join(PROGRESS_VALUES)} (or complete, done, started, cancelled)"
                 + (f"; did you mean {hint!r}?" if hint else ""))
        return "not-started"
    return found


def _read_repeat(r: NodeReader, node: yaml.Node, where: str, timescale: Timescale | None,
                 unread: bool = False) -> str | None:
    """unread: the due could not be read (W123 said so): its first date is unknown, not
    missing, so the repeat waits for it."""
    written = r.scalar(node, f"{where} repeat")
    if written is None:
        return None
    repeat = normalise_repeat(written)
    if repeat is None:
        r.report(node, "E022", f"{where} repeat {written!r} is not one of "
                 f"{', '.join(REPEATS)}, every N weeks, every N months")
    elif unread:
        pass
    elif timescale is None or timescale.first_due is None:
        r.report(node, "E022", f"{where} repeats but its due has no first date "
                 "to repeat from; write e.g. 'First report by 31.12.12'")
    elif timescale.repeat is not None and timescale.repeat != repeat:
        r.report(node, "E022", f"{where} repeat {written!r} disagrees with its "
                 f"due {timescale.text!r} ({timescale.repeat}); write one of them")
    return repeat


def _read_dates(r: NodeReader, m: dict[str, Entry], where: str, ctx: _Context, timescale: Timescale | None,
                repeat: str | None, reported: tuple[date, ...]
                ) -> tuple[Timescale | None, tuple[Milestone, ...]]:
    """(timescale, milestones): explicit milestones give the timescale when there is no `due:`;
    else a one-off timescale's deadlines are the milestones, done as reported."""
    if "milestones" in m:
        milestones, unread = _read_milestones(r, m["milestones"][1], where, ctx)
        if unread:  # one milestone's date unknown: which deadline is next is unknown too
            return Timescale(timescale.text if timescale is not None else unread, tbc=True), ()
        if timescale is None and milestones:
            timescale = Timescale(
                "; ".join(f"{ms.text + ' ' if ms.text else ''}{ms.due:%d.%m.%y}" for ms in milestones),
                tuple(Deadline(ms.due, ms.text) for ms in milestones),
            )
        return timescale, milestones
    if timescale is not None and repeat is None:
        return timescale, tuple(
            Milestone(d.due, d.label, i < len(reported), reported[i] if i < len(reported) else None)
            for i, d in enumerate(timescale.deadlines)
        )
    return timescale, ()


def _read_start(r: NodeReader, node: yaml.Node, where: str, ctx: _Context,
                timescale: Timescale | None) -> date | None:
    written = r.scalar(node, f"{where} start")
    if written is None:
        return None
    try:
        start = parse_start(written, ctx.published, ctx.calendar, ctx.year_starts, ctx.anchors)
    except TimescaleError as exc:
        # A start only holds an action back (never due before it): unknown, the action is
        # judged by its deadline alone, and W123 says so.
        unreadable(r, node, where, exc, "its start is unknown and it is judged by its "
                   "deadline alone", sep=" ")
        return None
    if timescale is not None and timescale.start is not None and timescale.start != start:
        r.report(node, "E025", f"{where} start {quoted(written)} ({start:%d %B %Y}) disagrees "
                 f"with the start in its due {quoted(timescale.text)} "
                 f"({timescale.start:%d %B %Y}); write the start in one of them")
        return None
    return start


MAX_REF = 200  # a paragraph number, a regulation, a work-package code: never a page of text


def _read_cites(r: NodeReader, node: yaml.Node, where: str) -> str | None:
    """`ref:`, where the recommendation or action comes from, as written: one line, short,
    since it stands beside the text in every report's rows."""
    written = r.text(node, f"{where} ref")
    if written is None:
        return None
    if any(ch in written for ch in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"):
        r.report(node, "E028", f"{where} ref must be one line (where it comes from: "
                 "'para 4.2', 'Reg 13'); write the detail in text or progress")
        return None
    if len(written) > MAX_REF:
        r.report(node, "E028", f"{where} ref is {len(written)} characters, over {MAX_REF}: "
                 "give where it comes from ('para 4.2'), not the passage itself")
        return None
    return written


def _read_rag(r: NodeReader, node: yaml.Node, where: str) -> Rag | None:
    written = r.scalar(node, f"{where} rag")
    if written is None:
        return None
    rag = RAG_WORDS.get(written.strip().casefold())
    if rag is None:
        r.report(node, "E026", f"{where} rag {quoted(written)} is not one of "
                 f"{', '.join(RAG_VALUES)} (or R, A, G, B)")
    return rag


def _read_rag_key(r: NodeReader, node: yaml.Node) -> tuple[RagMeaning, ...]:
    if not isinstance(node, yaml.MappingNode):
        r.report(node, "E010", f"plan.rag_key must be a mapping of colour: meaning, found {kind(node)}")
        return ()
    out: list[RagMeaning] = []
    for key, key_node, value_node in r.entries(node, "plan.rag_key"):
        colour = RAG_WORDS.get(key.strip().casefold())
        if colour is None:
            r.report(key_node, "E026", f"plan.rag_key {quoted(key)} is not one of "
                     f"{', '.join(RAG_VALUES)}")
            continue
        if any(m.colour == colour for m in out):
            r.report(key_node, "E013", f"plan.rag_key gives {colour} twice")
            continue
        meaning = r.text(value_node, f"plan.rag_key.{key}")
        if meaning is not None:
            out.append(RagMeaning(colour, meaning))
    return tuple(out)


def _read_measures(r: NodeReader, node: yaml.Node, where: str) -> tuple[Measure, ...]:
    measures = []
    for n in r.sequence(node, f"{where} measures"):
        m = r.mapping(n, f"a measure of {where}", MEASURE_KEYS, ("text",))
        if not m or "text" not in m:
            continue
        text = r.text(m["text"][1], f"{where} measure text")
        values = {k: r.text(m[k][1], f"{where} measure {k}") if k in m else None
                  for k in ("baseline", "target", "actual")}
        if text is not None:
            measures.append(Measure(text, **values))
    return tuple(measures)


def _read_themes(r: NodeReader, node: yaml.Node) -> tuple[Theme, ...]:
    if not isinstance(node, yaml.MappingNode):
        r.report(node, "E010", f"themes must be a mapping of key: title, found {kind(node)}")
        return ()
    themes = []
    for key, _, value_node in r.entries(node, "themes"):
        title = r.text(value_node, f"themes.{key}")
        themes.append(Theme(key, title or key))
    return tuple(themes)


def _read_theme(r: NodeReader, node: yaml.Node, rec_id: str, ctx: _Context) -> str | None:
    theme = r.text(node, f"recommendation {rec_id} theme")
    if theme is None:
        return None
    keys = [t.key for t in ctx.themes]
    if theme not in keys:
        hint = nearest(theme, keys)
        r.report(node, "E027", f"recommendation {rec_id} theme {quoted(theme)} is not a key of "
                 "themes:" + (f"; did you mean {hint!r}?" if hint else
                              (f" ({', '.join(keys)})" if keys else "; add it there")))
        return None
    return theme


def _resolve_leads(r: NodeReader, node: yaml.Node, where: str, ctx: _Context,
                   located: dict[str, tuple[int, int]]) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    names: list[str] = []
    keys: list[str | None] = []
    for n in r.items(node, f"{where} lead"):
        written = r.text(n, f"{where} lead")
        if written is None:
            continue
        located[f"lead.{len(names)}"] = r.at(n)
        lead = ctx.lead_index.get(normalise_name(written))
        if lead is None:
            names.append(written)
            keys.append(None)
        else:
            names.append(lead.name)
            keys.append(lead.key)
    return tuple(names), tuple(keys)


def _read_reported(r: NodeReader, node: yaml.Node, where: str,
                   located: dict[str, tuple[int, int]]) -> tuple[date, ...]:
    """`reported:` dates, each placed for W147 (a report dated after today)."""
    days: list[date] = []
    for n in r.items(node, f"{where} reported"):
        d = r.date(n, f"{where} reported")
        if d is not None:
            located[f"reported.{len(days)}"] = r.at(n)
            days.append(d)
    return tuple(days)


def _read_updates(r: NodeReader, node: yaml.Node, where: str) -> tuple[Update, ...]:
    updates = []
    for n in r.sequence(node, f"{where} updates"):
        m = r.mapping(n, f"an update of {where}", UPDATE_KEYS, ("date", "text"))
        if not m or "date" not in m or "text" not in m:
            continue
        when = r.date(m["date"][1], f"{where} update date")
        text = r.text(m["text"][1], f"{where} update text")
        by = r.text(m["by"][1], f"{where} update by") if "by" in m else None
        if when is not None and text is not None:
            updates.append(Update(when, text, by))
            r.located.add(updates[-1], {"self": r.at(n), "date": r.at(m["date"][1])})
    return tuple(updates)


def _read_milestones(r: NodeReader, node: yaml.Node, where: str, ctx: _Context
                     ) -> tuple[tuple[Milestone, ...], str]:
    """(the milestones, "" or, when planctl cannot read a milestone's `due:` as one date,
    every milestone as written: the action's deadline is then to be confirmed)."""
    milestones = []
    written_all: list[str] = []  # "Draft 30.4.26; Final soonish", for the timescale shown
    unread = False
    for n in r.sequence(node, f"{where} milestones"):
        m = r.mapping(n, f"a milestone of {where}", MILESTONE_KEYS, ("due",))
        if not m or "due" not in m:
            continue
        written = r.scalar(m["due"][1], f"{where} milestone due")
        if written is None:
            continue
        label = r.scalar(m["text"][1], f"{where} milestone text") if "text" in m else None
        written_all.append(" ".join(f"{label or ''} {written}".split()))
        try:
            ts = ctx.timescale(written)
            if len(ts.deadlines) != 1 or ts.repeat is not None:
                raise TimescaleError(f"{quoted(' '.join(written.split()))} is not one date; "
                                     "a milestone needs exactly one date")
        except TimescaleError as exc:
            unreadable(r, m["due"][1], f"{where} milestone due", exc, "the action's deadline "
                        "is to be confirmed (as 'TBC' is)")
            unread = True
            continue
        for warning in ts.warnings:
            r.warn(m["due"][1], warning.code, f"{where} milestone due: {warning.message}")
        label = ts.deadlines[0].label
        text = r.text(m["text"][1], f"{where} milestone text") if "text" in m else label
        done, done_on = (r.boolean_or_date(m["done"][1], f"{where} milestone done")
                         if "done" in m else (False, None))
        milestones.append(Milestone(ts.deadlines[0].due, text or "", done, done_on))
        if done_on is not None:  # W146 points at it (check --today)
            r.located.add(milestones[-1], {"done": r.at(m["done"][1])})
    milestones.sort(key=lambda ms: ms.due)
    return tuple(milestones), "; ".join(written_all) if unread else ""
