"""Where an edit goes in a plan's text: the nodes of its actions and recommendations.

The locator gives nodes the ids the reader gives the model (a written `id:`, else
the position), so an edit finds exactly the action the reader read. `ActionText`,
`ActionsText` and `RecommendationsText` are what store/edits.py works with: a
change of the model in (old Action -> new Action, or the fields of a new item),
the file's new text out, made of a few exact splices (format/splices.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import yaml

from ..core.errors import InternalError, PlanctlError, UsageError
from ..core.model import Action, Milestone, Plan, Recommendation, Update
from ..core.timescale import TimescaleError
from .plan_dates import parse_timescale_in
from .splices import Doc, MapEdit, is_null, item_lines
from .writer import Value, flow, move_date

T = TypeVar("T")
Fields = dict[str, Value]  # the keys and values of a new item, in the order they are written

# -- the locator: nodes with the ids the reader gives them ---------------------------------


def _value(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v  # type: ignore[no-any-return]  # the stubs leave a node's value untyped
    return None


def written_id(node: yaml.Node) -> str | None:
    """The item's own `id:`, as the reader takes it (stripped; a null or blank one is none)."""
    v = _value(node, "id") if isinstance(node, yaml.MappingNode) else None
    if isinstance(v, yaml.ScalarNode) and not is_null(v) and v.value.strip():
        return str(v.value.strip())
    return None


def recommendation_nodes(root: yaml.Node | None) -> list[tuple[str, yaml.MappingNode]]:
    """(id, mapping node) of each recommendation, ids as the reader gives them."""
    recs = _value(root, "recommendations") if isinstance(root, yaml.MappingNode) else None
    found = []
    for pos, rec in enumerate(recs.value if isinstance(recs, yaml.SequenceNode) else [], 1):
        if isinstance(rec, yaml.MappingNode):
            found.append((written_id(rec) or str(pos), rec))
    return found


def action_nodes(rec_node: yaml.MappingNode, rec_id: str) -> list[tuple[str, yaml.MappingNode]]:
    """(id, mapping node) of each action of a recommendation, ids as the reader gives them."""
    actions = _value(rec_node, "actions")
    return [(written_id(node) or f"{rec_id}.{pos}", node)
            for pos, node in enumerate(actions.value if isinstance(actions, yaml.SequenceNode) else [], 1)
            if isinstance(node, yaml.MappingNode)]


def find_action(root: yaml.Node | None, action_id: str) -> yaml.MappingNode:
    """The mapping node of the action with this id."""
    found = [node for rec_id, rec in recommendation_nodes(root)
             for aid, node in action_nodes(rec, rec_id) if aid == action_id]
    if len(found) != 1:
        raise PlanctlError(f"cannot find action {action_id!r} in the file's YAML; nothing was changed")
    return found[0]


def composed(text: str, node_of: Callable[[yaml.Node | None], yaml.Node]) -> tuple[Doc, yaml.Node]:
    """The composed text and the node to edit, with marks the text agrees with."""
    doc = Doc(text)
    node = node_of(doc.root)
    if doc.fast and not doc.marks_agree(node):
        doc = Doc(text, fast=False)
        node = node_of(doc.root)
    return doc, node


def _root(root: yaml.Node | None) -> yaml.Node:
    if root is None:
        raise PlanctlError("the file has no YAML to edit; nothing was changed")
    return root


@dataclass(frozen=True)
class Written:
    """What the model does not keep of an action as written: which keys it has, and the
    `due:` text of each explicit milestone (in the model's order, earliest first)."""

    keys: frozenset[str]
    milestone_dues: tuple[str, ...] = ()


def _milestone_maps(doc: Doc, amap: MapEdit, plan: Plan) -> list[MapEdit]:
    """The `milestones:` entries as maps, in due order (the order the reader gives them)."""
    node = amap.get("milestones")
    maps = [MapEdit(doc, n) for n in (node.value if isinstance(node, yaml.SequenceNode) else [])
            if isinstance(n, yaml.MappingNode)]
    return sorted(maps, key=lambda m: _milestone_due(_text(m.get("due")), plan))


def _milestone_due(written: str, plan: Plan) -> date:
    """A milestone's date as the reader reads it (with the plan's named dates). One it cannot
    read as one date (W123: the reader keeps no milestones for the action then) sorts last."""
    try:
        ts = parse_timescale_in(written, plan.inspection.published, plan.calendar,
                                plan.year_starts, plan.anchors)
    except TimescaleError:
        return date.max
    return ts.deadlines[0].due if len(ts.deadlines) == 1 else date.max


def _text(node: yaml.Node | None) -> str:
    """A scalar's characters (a milestone's `due:`, which the reader has read as one)."""
    assert isinstance(node, yaml.ScalarNode)
    return str(node.value)


# -- a model change as splices ----------------------------------------------------------------


def update_item(update: Update) -> Fields:
    item: Fields = {"date": update.date, "text": update.text}
    if update.by:
        item["by"] = update.by
    return item


def _appended(old: tuple[T, ...], new: tuple[T, ...], what: str) -> list[T]:
    if new[:len(old)] != old:
        raise InternalError(f"internal error: planctl only adds to {what}; nothing was changed")
    return list(new[len(old):])


def _pair_milestones(old: tuple[Milestone, ...], new: tuple[Milestone, ...]) -> list[tuple[int, Milestone]]:
    """(index in old, new milestone) for each milestone that changed, matched by due date,
    then text, then order: edits change milestones, never add or remove them."""
    if len(old) != len(new):
        raise InternalError("internal error: planctl does not add or remove milestones; nothing was changed")
    gone = [i for i, ms in enumerate(old) if ms not in new or old.count(ms) > new.count(ms)]
    came = [ms for ms in new if ms not in old or new.count(ms) > old.count(ms)]
    pairs = []
    sames: list[Callable[[Milestone, Milestone], bool]] = [
        lambda a, b: a.due == b.due, lambda a, b: a.text == b.text, lambda a, b: True]
    for same in sames:
        for ms in list(came):
            i = next((i for i in gone if same(old[i], ms)), None)
            if i is not None:
                pairs.append((i, ms))
                gone.remove(i)
                came.remove(ms)
    return pairs


def _lead_value(action: Action, spelled: dict[str, str]) -> Value:
    """The lead as written: as typed (`spelled`), else each lead's key or name; one is a scalar."""
    names: str | list[str] = spelled.get("lead") or [
        k or n for n, k in zip(action.leads, action.lead_keys, strict=True)]
    return names[0] if isinstance(names, list) and len(names) == 1 else names


def _splice_values(amap: MapEdit, old: Action, new: Action, spelled: dict[str, str]) -> None:
    """The fields an edit replaces (the other carried fields: start, progress, measures,
    are never edited)."""
    if new.text != old.text:
        amap.set("text", new.text)
    if new.progress != old.progress:
        amap.set("status", new.progress)
    if new.completed != old.completed:
        if new.completed is None:
            amap.remove("completed")
        else:
            amap.set("completed", new.completed)
    if (new.leads, new.lead_keys) != (old.leads, old.lead_keys):
        amap.set("lead", _lead_value(new, spelled))
    if new.report_to != old.report_to:
        amap.set("report_to", list(new.report_to))
    if new.rag != old.rag and new.rag is not None:  # edits rate, never take a rating away
        amap.set("rag", new.rag)
    if new.signed_off != old.signed_off:
        _splice_signed_off(amap, new)
    if new.timescale != old.timescale and ("due" in amap.entries or "milestones" not in amap.entries):
        amap.set("due", new.timescale.text if new.timescale else "TBC")


def _splice_signed_off(amap: MapEdit, new: Action) -> None:
    """`signed_off:` written as a block mapping (by, on, evidence), or removed."""
    s = new.signed_off
    if s is None:
        amap.remove("signed_off")
        return
    value: Fields = {"by": s.by, "on": s.on}
    if s.evidence is not None:
        value["evidence"] = s.evidence
    amap.set("signed_off", value)


def _splice_milestones(doc: Doc, amap: MapEdit, old: Action, new: Action, plan: Plan,
                       spelled: dict[str, str]) -> None:
    maps = _milestone_maps(doc, amap, plan)
    if len(maps) != len(old.milestones):
        raise PlanctlError("cannot edit the milestones: some are not written as '- due: ...'; "
                           "edit them by hand")
    for i, ms in _pair_milestones(old.milestones, new.milestones):
        mmap, was = maps[i], old.milestones[i]
        if ms.due != was.due:
            # As the edit chose it (and read it back); else in the old one's style.
            mmap.set("due", spelled.get("milestone_due") or move_date(_text(mmap.get("due")), 0, ms.due)
                     or ms.due.isoformat())
        if (ms.done, ms.done_on) != (was.done, was.done_on):
            mmap.set("done", ms.done_on if ms.done and ms.done_on else ms.done)
        if ms.text != was.text:
            mmap.set("text", ms.text)


def _splice_lists(amap: MapEdit, old: Action, new: Action) -> None:
    """The lists an edit adds to: reported dates, evidence, updates."""
    if new.reported != old.reported:
        amap.extend("reported", _appended(old.reported, new.reported, "reported:"))
    if new.evidence != old.evidence:
        added = _appended(old.evidence, new.evidence, "evidence:")
        if amap.get("evidence") is None and len(added) == 1:
            amap.set("evidence", added[0])
        else:
            amap.extend("evidence", added)
    if new.updates != old.updates:
        amap.extend("updates", [update_item(u) for u in _appended(old.updates, new.updates, "updates:")])


def splice_action(doc: Doc, node: yaml.MappingNode, old: Action, new: Action, plan: Plan,
                  spelled: dict[str, str] | None = None) -> None:
    """Splices that make the action's node read as `new` where it read as `old`.

    `spelled` gives the words to write where the model keeps a normalised value (a lead
    as typed rather than its canonical name). Fields the reader derives (milestones
    from a timescale, a timescale from milestones) are written only where the file has
    them.
    """
    amap = MapEdit(doc, node)
    _splice_values(amap, old, new, spelled or {})
    if "milestones" in amap.entries and new.milestones != old.milestones:
        _splice_milestones(doc, amap, old, new, plan, spelled or {})
    _splice_lists(amap, old, new)


def action_fields(action: Action, spelled: dict[str, str] | None = None) -> Fields:
    """The keys and values of a new action, in the order a person writes them."""
    spelled = spelled or {}
    fields: Fields = {}
    if spelled.get("id"):
        fields["id"] = spelled["id"]
    fields["text"] = action.text
    if action.timescale is not None:
        fields["due"] = action.timescale.text
    lead = _lead_value(action, spelled)
    if lead:
        fields["lead"] = lead
    if action.report_to:
        fields["report_to"] = list(action.report_to)
    if action.progress != "not-started":
        fields["status"] = action.progress
    return fields


# -- what store/edits.py works with ---------------------------------------------------------


class ActionText:
    """One action's node in a plan's text, to be spliced."""

    def __init__(self, doc: Doc, node: yaml.MappingNode):
        self._doc, self._node = doc, node

    @classmethod
    def find(cls, text: str, action: Action) -> ActionText:
        """From the action's own lines where they can be told apart (the plan read without
        errors, so its id is unique and its line is where the reader found it), else from
        the whole text."""
        found = Doc.of_item(text, action.line, action.column)
        if found is not None:
            return cls(*found)
        doc, node = composed(text, lambda root: find_action(root, action.id))
        assert isinstance(node, yaml.MappingNode)
        return cls(doc, node)

    def written(self, plan: Plan) -> Written:
        amap = MapEdit(self._doc, self._node)
        dues = tuple(" ".join(_text(m.get("due")).split())
                     for m in _milestone_maps(self._doc, amap, plan))
        return Written(frozenset(amap.entries), dues)

    def splice(self, old: Action, new: Action, plan: Plan, spelled: dict[str, str]) -> str:
        """The text with the action reading as `new` (see splice_action)."""
        doc, node = self._doc, self._node
        splice_action(doc, node, old, new, plan, spelled)
        # Every splice must sit inside the action's own lines.
        first, last = doc.line_start(node.start_mark.index), doc.line_end(doc.content_end(node))[0]
        if any(s < first or e > last for s, e, _, _ in doc.splices):
            raise PlanctlError(f"cannot edit {old.id}: its YAML reaches outside its own lines "
                               "(anchors or aliases?); edit it by hand")
        return doc.result()


def _insert_item(doc: Doc, parent: MapEdit, key: str, index: int, fields: Fields) -> None:
    """Write `fields` as a new item of the list under `key`, before its index-th item (or last)."""
    seq = parent.get(key)
    if not isinstance(seq, yaml.SequenceNode) or not seq.value:
        if seq is not None and not is_null(seq):
            raise UsageError(f"{key!r} is not a list; edit it by hand")
        parent.set(key, [fields])
        return
    items = seq.value
    if seq.flow_style:
        if index < len(items):
            doc.splice(at := items[index].start_mark.index, at, flow(fields) + ", ")
        else:
            doc.splice(at := doc.content_end(items[-1]), at, ", " + flow(fields))
        return
    dash = seq.start_mark.column
    first = next((n for n in items if isinstance(n, yaml.MappingNode) and not n.flow_style and n.value), None)
    inner = first.value[0][0].start_mark.column if first is not None else dash + 2
    lines = item_lines(fields, dash, inner)
    if index >= len(items):
        doc.insert_lines_after(doc.content_end(items[-1]), lines, dash, 0)
        return
    node = items[index]
    start = doc.line_start(node.start_mark.index)
    if doc.text[start:node.start_mark.index].strip() != "-":
        raise PlanctlError("cannot insert there: the item after it is not written as '- key: ...' "
                           "on one line; edit it by hand")
    _, nl = doc.line_end(start)
    doc.splice(start, start, "".join(line + nl for line in lines))


class RecommendationsText:
    """A plan's list of recommendations in its text, to add one."""

    def __init__(self, text: str):
        self._doc, root = composed(text, _root)
        assert isinstance(root, yaml.MappingNode)
        self._root = root

    def ids_written(self) -> bool:
        """Some recommendation has its own `id:`."""
        return any(written_id(node) for _, node in recommendation_nodes(self._root))

    def insert(self, index: int, fields: Fields) -> str:
        _insert_item(self._doc, MapEdit(self._doc, self._root), "recommendations", index, fields)
        return self._doc.result()


class ActionsText:
    """One recommendation's list of actions in its text, to add one."""

    def __init__(self, doc: Doc, rec_node: yaml.MappingNode, rec: Recommendation):
        self._doc, self._rec_node = doc, rec_node
        self._nodes = action_nodes(rec_node, rec.id)
        if [aid for aid, _ in self._nodes] != [a.id for a in rec.actions]:
            raise PlanctlError(f"cannot add to recommendation {rec.id}: its actions are not all "
                               "written as mappings; edit it by hand")

    @classmethod
    def find(cls, text: str, rec: Recommendation) -> ActionsText:
        """From the recommendation's own lines where they can be told apart (its id is unique
        in a plan without errors), else from the whole text."""
        found = Doc.of_item(text, rec.line)
        if found is not None:
            return cls(*found, rec)
        doc, node = composed(text, lambda root: dict(recommendation_nodes(root))[rec.id])
        assert isinstance(node, yaml.MappingNode)
        return cls(doc, node, rec)

    def ids_written(self) -> bool:
        """Some action of the recommendation has its own `id:`."""
        return any(written_id(node) for _, node in self._nodes)

    def insert(self, index: int, fields: Fields) -> tuple[str, Sequence[str]]:
        """(the new text, ids written out): the new action goes in before the index-th
        (or last); the actions after it whose ids are their positions would shift, so
        their ids are written out (`id:`, a new line each)."""
        pinned = []
        for aid, node in self._nodes[index:]:
            if written_id(node) is None:
                MapEdit(self._doc, node).set("id", aid)
                pinned.append(aid)
        _insert_item(self._doc, MapEdit(self._doc, self._rec_node), "actions", index, fields)
        return self._doc.result(), pinned
