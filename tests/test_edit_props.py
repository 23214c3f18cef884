"""Property: for random edits on random hand-written plans, the edited file loads to exactly the
expected model, and every line outside the edited action is byte-for-byte the same.

The plans vary what people vary by hand: block or flow actions, key order, quoting, folded
text, comments at line ends and between actions, blank lines, 2- or 4-space nesting,
indentless lists, empty and missing lists, CRLF line endings and a UTF-8 BOM.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planctl.core.errors import PlanctlError, UsageError
from planctl.core.model import Update, evolve
from planctl.core.timescale import parse_date
from planctl.format.reader import load_text
from planctl.store.edits import Edit
from planctl.store.rewrite import edit_bytes

WORDS = ["Audit", "report", "to", "DMT", "and", "LSCB", "training", "of", "staff", "plan", "SMART", "CPC"]
LEADS = ["sm-qa", "Service Manager QA", "SM QA", "sm-fst", "Service Manager FST", "Nobody Known"]
DUES = ["By 14.9.12", "2012-10-27", "27.10.12", "Report to SMT 27.10.12", "Immediate", "TBC",
        "ongoing", "Initial report by 27.10.12, with follow up by 27.3.13",
        "Report by 31.10.12, then 31.1.13 and 30.4.13"]
REFUSALS = ("already completed", "already dropped", "is completed", "every milestone",
            "already reported", "backwards", "cannot move")

HEADER = [
    "# Generated plan",
    "plan:",
    "  title: Property plan   # a comment",
    "  inspection:",
    "    published: 2012-07-27",
    "leads:",
    "  sm-qa:",
    "    name: Service Manager QA",
    "    aliases: [SM QA]",
    "  sm-fst: Service Manager FST",
    "",
    "recommendations:",
]


def words(draw, n=(1, 4)) -> str:
    return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=n[0], max_size=n[1])))


def styled(draw, value: str, flow: bool) -> str:
    style = draw(st.sampled_from(["plain", "single", "double"]))
    if style == "single":
        return f"'{value}'"
    if style == "double" or (flow and any(c in value for c in ",[]{}:#")):
        return f'"{value}"'
    return value


Entries = list[tuple[str, "list[str] | str"]]  # key, inline value or block lines


def _dates(draw, flow_action: bool, step: int, entries: Entries) -> bool:
    """Explicit milestones, or a due (perhaps repeating or reported); whether explicit."""
    explicit = not flow_action and draw(st.integers(0, 5)) == 0
    if explicit:
        pad = " " * step
        ms = [f"{pad}- due: 27.10.12", f"{pad}  text: Initial",
              f"{pad}- {{due: 27.3.13, text: Follow up}}"]
        if draw(st.booleans()):
            ms.insert(2, f"{pad}  done: false")
        entries.append(("milestones", ms))
        return explicit
    due = draw(st.sampled_from([*DUES, None]))
    if due is not None:
        entries.append(("due", styled(draw, due, flow_action)))
        if due in ("By 14.9.12", "27.10.12") and draw(st.booleans()):
            entries.append(("repeat", "quarterly"))
        if "," in due and draw(st.booleans()):
            entries.append(("reported", "[2012-10-20]"))
    return explicit


def _lead_and_status(draw, flow_action: bool, entries: Entries) -> None:
    lead = draw(st.sampled_from([*LEADS, None, "[sm-qa, sm-fst]"]))
    if lead is not None:
        entries.append(("lead", lead if lead.startswith("[") else styled(draw, lead, flow_action)))
    status = draw(st.sampled_from([None, "not-started", "In progress", "started", "dropped", "completed"]))
    if status is not None:
        entries.append(("status", status))
        if status == "completed" and draw(st.booleans()):
            entries.append(("completed", "2012-09-01"))


def _updates(draw, flow_action: bool, step: int, entries: Entries) -> None:
    updates = draw(st.sampled_from(["none", "empty", "flow-empty", "flow", "block", "indentless"]))
    if flow_action and updates in ("block", "indentless", "empty"):
        updates = "flow"
    one = "{date: 2012-09-01, text: First}"
    if updates == "empty":
        entries.append(("updates", ""))
    elif updates == "flow-empty":
        entries.append(("updates", "[]"))
    elif updates == "flow":
        entries.append(("updates", f"[{one}]"))
    elif updates in ("block", "indentless"):
        pad = " " * (step if updates == "block" else 0)
        entries.append(("updates", [f"{pad}- date: 2012-09-01", f"{pad}  text: {words(draw)}"]))


def _carried(draw, flow_action: bool, step: int, entries: Entries) -> None:
    """The fields real plans carry: edits that do not change them keep them byte for byte."""
    if draw(st.booleans()):
        entries.append(("progress", styled(draw, words(draw), flow_action)))
    rag = draw(st.sampled_from([None, "Green", "amber", "R", "blue"]))
    if rag is not None:
        entries.append(("rag", rag))
    start = draw(st.sampled_from([None, "June 2012", "1.8.12", "From 1.9.12"]))
    if start is not None:
        entries.append(("start", styled(draw, start, flow_action)))
    measures = draw(st.sampled_from(["none", "flow", "block"]))
    if flow_action and measures == "block":
        measures = "flow"
    if measures == "flow":
        entries.append(("measures", '[{text: Audits good, baseline: "62%", target: "85%"}]'))
    elif measures == "block":
        pad = " " * step
        entries.append(("measures", [f"{pad}- text: {words(draw)}", f"{pad}  actual: 70%"]))
    evidence = draw(st.sampled_from(["none", "scalar", "list"]))
    if evidence == "scalar":
        entries.append(("evidence", styled(draw, words(draw), flow_action)))
    elif evidence == "list":
        entries.append(("evidence", "[Minutes, Audit]"))


def _block_lines(draw, entries: Entries, base: int, step: int) -> list[str]:
    lead_pad = " " * base
    lines = []
    for i, (key, value) in enumerate(entries):
        prefix = lead_pad + ("- " if i == 0 else "  ")
        if isinstance(value, list):
            lines.append(f"{prefix}{key}:")
            lines += [lead_pad + "  " + v for v in value]
        elif key == "text" and draw(st.integers(0, 3)) == 0:
            lines.append(f"{prefix}{key}: >-")
            lines += [lead_pad + "  " + " " * step + w for w in words(draw, (2, 4)).split(" ", 1)]
        else:
            comment = draw(st.sampled_from(["", "  # note", "    # aligned"])) if value else ""
            lines.append(f"{prefix}{key}: {value}".rstrip() + comment)
    return lines


@st.composite
def action_source(draw, base: int):
    """(lines of one action at indentation `base`, uses explicit milestones)."""
    flow_action = draw(st.booleans())
    step = draw(st.sampled_from([2, 4]))
    entries: Entries = [("text", styled(draw, words(draw), flow_action))]
    explicit = _dates(draw, flow_action, step, entries)
    _lead_and_status(draw, flow_action, entries)
    _updates(draw, flow_action, step, entries)
    _carried(draw, flow_action, step, entries)
    order = draw(st.permutations(range(len(entries))))
    entries = [entries[i] for i in order]
    if flow_action:
        body = ", ".join(f"{k}: {v}" if v != "" else f"{k}: []" for k, v in entries)
        comment = draw(st.sampled_from(["", "   # flow"]))
        return [f"{' ' * base}- {{{body}}}{comment}"], explicit
    return _block_lines(draw, entries, base, step), explicit


@st.composite
def plan_source(draw):
    """(file bytes, {action id: (first line, last line) 0-based}, {action id: explicit milestones})."""
    lines = list(HEADER)
    spans, explicit = {}, {}
    for r in range(1, draw(st.integers(1, 3)) + 1):
        lines += [f'  - id: "{r}"', f"    text: {words(draw)}", "    actions:"]
        for a in range(1, draw(st.integers(1, 3)) + 1):
            if draw(st.booleans()):
                lines.append(draw(st.sampled_from(["", "      # between actions", ""])))
            action_lines, uses = draw(action_source(6))
            spans[f"{r}.{a}"] = (len(lines), len(lines) + len(action_lines) - 1)
            explicit[f"{r}.{a}"] = uses
            lines += action_lines
        lines.append("")
    lines.append("# the end")
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    text = nl.join(lines) + (nl if draw(st.booleans()) else "")
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + text.encode(), spans, explicit


texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda t: t.strip())
days = st.dates(date(2012, 8, 1), date(2014, 12, 31))


@st.composite
def edits(draw):
    kind = draw(st.sampled_from(["done", "start", "drop", "note", "reschedule", "assign", "rate"]))
    on = draw(days)
    by = draw(st.one_of(st.none(), texts))
    if kind == "done":
        return Edit(kind, on, evidence=tuple(draw(st.lists(texts, max_size=2))))
    if kind == "drop":
        return Edit(kind, on, text=draw(texts), by=by)
    if kind == "note":
        return Edit(kind, on, text=draw(texts), by=by)
    if kind == "reschedule":
        new = draw(st.dates(date(2012, 8, 1), date(2013, 12, 31)))
        return Edit(kind, on, text=draw(texts), value=draw(st.sampled_from(
            [new.isoformat(), f"{new.day}.{new.month}.{new.year % 100}"])))
    if kind == "assign":
        return Edit(kind, on, value=draw(st.sampled_from(LEADS)))
    if kind == "rate":
        return Edit(kind, on, value=draw(st.sampled_from(["red", "Amber", "G", "blue"])),
                    text=draw(st.one_of(st.none(), texts)), by=by)
    return Edit(kind, on)


def load(data: bytes):
    plan, problems, _ = load_text(data, "plans/p.yaml")
    assert plan is not None and not [p for p in problems if p.severity == "error"], problems
    return plan


def no_lines(a):
    return evolve(a, line=0, column=0)


def expected_change(old, new, edit: Edit, explicit: bool) -> None:
    """The edited action differs from the old one by exactly the intended change."""
    by = edit.by.strip() if edit.by else None
    same = {}
    if edit.kind == "note":
        same["updates"] = old.updates + (Update(edit.on, edit.text.strip(), by),)
    elif edit.kind == "start":
        same["progress"] = "in-progress"
    elif edit.kind == "drop":
        same["progress"] = "dropped"
        same["updates"] = old.updates + (Update(edit.on, f"Dropped: {edit.text.strip()}", by),)
    elif edit.kind == "rate":
        colour = {"g": "green"}.get(edit.value.lower(), edit.value.lower())
        same["rag"] = colour
        if edit.text is not None and old.rag != colour:
            was = f" (was {old.rag})" if old.rag else ""
            same["updates"] = old.updates + (
                Update(edit.on, f"Rated {colour}{was}: {edit.text.strip()}", by),)
    elif edit.kind == "assign":
        assert len(new.leads) == 1 and new.lead_keys[0] in ("sm-qa", "sm-fst", None)
        same["leads"], same["lead_keys"] = new.leads, new.lead_keys
    elif edit.kind == "done":
        same["evidence"] = old.evidence + tuple(t.strip() for t in edit.evidence)
        if old.repeat:
            same["reported"] = old.reported + (edit.on,)
        elif explicit:
            ms = list(old.milestones)
            i = next(i for i, m in enumerate(ms) if not m.done)
            ms[i] = evolve(ms[i], done=True, done_on=edit.on)
            same["milestones"] = tuple(ms)
        elif old.timescale and len(old.timescale.deadlines) > 1:
            same["reported"] = old.reported + (edit.on,)
            assert new.milestones[len(old.reported)].done
            same["milestones"] = new.milestones
        else:
            same["progress"], same["completed"] = "completed", edit.on
    elif edit.kind == "reschedule":
        wanted = edit.value
        assert new.updates[:-1] == old.updates
        assert new.updates[-1].text.startswith("Rescheduled ")
        assert new.updates[-1].text.endswith(": " + edit.text.strip())
        moved = [m.due for m in new.milestones] if explicit else [d.due for d in new.timescale.deadlines]
        assert parse_date(wanted) in moved
        same.update(updates=new.updates, milestones=new.milestones, timescale=new.timescale)
    assert no_lines(new) == no_lines(evolve(old, **same))


@pytest.mark.slow  # the heavy run: 300 random plans and edits
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=plan_source(), edit=edits(), data=st.data())
def test_random_edits_on_random_plans(source, edit, data):
    check_random_edit(source, edit, data)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=plan_source(), edit=edits(), data=st.data())
def test_a_few_random_edits_on_random_plans(source, edit, data):
    """The quick run's share of the property above."""
    check_random_edit(source, edit, data)


def check_random_edit(source, edit, data) -> None:
    old_bytes, spans, explicit = source
    before = load(old_bytes)
    action_id = data.draw(st.sampled_from(sorted(spans)))
    try:
        result = edit_bytes(old_bytes, "plans/p.yaml", action_id, edit)
    except UsageError as exc:
        assert any(r in str(exc) for r in REFUSALS), exc
        return
    except PlanctlError as exc:  # a refusal the user could not act on is a bug
        raise AssertionError(f"unexpected refusal: {exc}") from exc
    after = load(result.new)

    # Every other action, and the plan around them, is unchanged.
    old_actions = {a.id: a for a in before.actions}
    new_actions = {a.id: a for a in after.actions}
    assert old_actions.keys() == new_actions.keys()
    for aid in old_actions:
        if aid != action_id:
            assert no_lines(new_actions[aid]) == no_lines(old_actions[aid])
    assert (after.title, after.leads, after.inspection) == (before.title, before.leads, before.inspection)
    expected_change(old_actions[action_id], new_actions[action_id], edit, explicit[action_id])

    # Untouched lines are byte-identical (line endings and BOM included).
    first, last = spans[action_id]
    old_lines = old_bytes.splitlines(keepends=True)
    new_lines = result.new.splitlines(keepends=True)
    assert new_lines[:first] == old_lines[:first]
    tail = len(old_lines) - last - 1
    assert new_lines[len(new_lines) - tail:] == old_lines[last + 1:]
