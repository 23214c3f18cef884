"""YAML -> model, with every problem located at file:line:col.

We compose YAML to nodes (safe: nothing is constructed, no tag runs code) and
read each scalar's characters ourselves, so YAML's implicit typing never changes
what a person typed: `id: 3.10` stays "3.10" and `lead: NO` stays "NO".
"""

from __future__ import annotations

import errno
import gc
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar

import yaml

from ..core.errors import ERROR, STRICT, WARNING, Problem
from ..core.model import (
    PROGRESS_VALUES,
    REPEAT_MONTHS,
    Action,
    Body,
    FindingArea,
    Findings,
    Inspection,
    Judgement,
    Lead,
    Milestone,
    Plan,
    Recommendation,
    Update,
)
from ..core.timescale import Deadline, Timescale, TimescaleError, parse_date, parse_timescale

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_STR = _YAML + "str"
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}

PROGRESS_SYNONYMS = {
    "not-started": "not-started", "notstarted": "not-started", "open": "not-started",
    "todo": "not-started", "to-do": "not-started", "new": "not-started", "pending": "not-started",
    "in-progress": "in-progress", "inprogress": "in-progress", "started": "in-progress",
    "underway": "in-progress", "under-way": "in-progress", "progressing": "in-progress",
    "completed": "completed", "complete": "completed", "done": "completed",
    "finished": "completed", "closed": "completed",
    "dropped": "dropped", "cancelled": "dropped", "canceled": "dropped",
    "withdrawn": "dropped", "abandoned": "dropped",
}

PLAN_KEYS = {"id", "title", "authority", "inspection", "version", "updated", "owner",
             "classification", "due_soon_days"}
INSPECTION_KEYS = {"by", "kind", "published", "report"}
TOP_KEYS = {"plan", "leads", "bodies", "recommendations", "findings"}
REC_KEYS = {"id", "text", "actions"}
ACTION_KEYS = {"id", "text", "due", "lead", "report_to", "status", "completed", "evidence",
               "updates", "repeat", "reported", "milestones"}
LEAD_KEYS = {"name", "aliases", "email"}
UPDATE_KEYS = {"date", "text", "by"}
MILESTONE_KEYS = {"due", "text", "done"}
FINDINGS_KEYS = {"scale", "areas"}
AREA_KEYS = {"area", "judgements"}
JUDGEMENT_KEYS = {"name", "grade"}


@dataclass(frozen=True)
class LoadResult:
    plans: tuple[Plan, ...] = ()
    problems: tuple[Problem, ...] = ()
    comparison_files: tuple[str, ...] = ()  # files with a top-level `comparison:` (see compare)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def normalise_progress(value: str) -> str | None:
    key = "-".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    return PROGRESS_SYNONYMS.get(key) or PROGRESS_SYNONYMS.get(key.replace("-", ""))


def close_matches(word: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    import difflib  # only when something is misspelt

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)


def nearest(word: str, choices: Iterable[str]) -> str | None:
    found = close_matches(word, choices)
    return found[0] if found else None


class _TooManyProblems(Exception):
    """Stops reading a file that is mostly problems (the reader has said so)."""


@dataclass
class _Reader:
    """Walks one file's node tree; collects problems instead of stopping at the first."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    errors: int = 0

    def report(self, node, code: str, message: str, severity: str = ERROR) -> None:
        mark = node.start_mark if node is not None else None
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if len(message) > 1000:  # a hostile value quoted in a message stays readable
            message = message[:1000] + "..."
        # Errors are capped so a broken file is not listed line by line forever; warnings
        # have a far higher cap, so a large valid plan with many warnings still loads.
        if severity == ERROR:
            self.errors += 1
        if self.errors > MAX_PROBLEMS or len(self.problems) >= MAX_WARNINGS:
            self.problems.append(Problem(self.path, line, col, "E009", f"more than {MAX_PROBLEMS} "
                                         "errors in this file; stopped reading it here"
                                         if self.errors > MAX_PROBLEMS else
                                         f"more than {MAX_WARNINGS} problems in this file; "
                                         "stopped reading it here"))
            raise _TooManyProblems
        self.problems.append(Problem(self.path, line, col, code, message, severity))

    def warn(self, node, code: str, message: str) -> None:
        self.report(node, code, message, WARNING)

    # -- shapes -------------------------------------------------------------
    def check_tag(self, node) -> bool:
        if node.tag in _ALLOWED_TAGS or node.tag in ("!", "?"):
            return True
        if node.tag == _YAML + "merge":
            self.report(node, "E003", "merge keys (<<) are not supported; write the keys out")
            return False
        self.report(node, "E002", f"the tag {_short(node.tag)} is not allowed in a plan; remove it")
        return False

    def is_null(self, node) -> bool:
        return (
            isinstance(node, yaml.ScalarNode)
            and not node.style
            and node.value in _NULLS
            and node.tag != _YAML + "str"
        )

    def mapping(self, node, what: str, allowed: set[str], required: Sequence[str] = ()):
        """{key: (key_node, value_node)} or None when the node is not a mapping."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, "E010", f"{what} must be a mapping of keys, found {kind(node)}")
            return None
        if not self.check_tag(node):
            return None
        result: dict[str, tuple] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, "E010", f"a key in {what} must be text, found {kind(key_node)}")
                continue
            key = key_node.value
            if key_node.tag == _YAML + "merge":
                self.report(key_node, "E003", "merge keys (<<) are not supported; write the keys out")
                continue
            if key in result:
                first = result[key][0].start_mark.line + 1
                self.report(key_node, "E013",
                            f"duplicate key {_short(key)} in {what} (first on line {first})")
                continue
            if key.startswith("x-"):
                continue
            if key not in allowed:
                hint = nearest(key, allowed)
                more = f"; did you mean {hint!r}?" if hint else f"; allowed: {', '.join(sorted(allowed))}"
                self.report(key_node, "E012", f"unknown key {_short(key)} in {what}{more}")
                continue
            result[key] = (key_node, value_node)
        for key in required:
            if key not in result:
                self.report(node, "E011", f"{what} needs a {key!r} key")
        return result

    def scalar(self, node, what: str) -> str | None:
        if type(node) is yaml.ScalarNode and node.tag == _STR:  # most values: text, never null
            return node.value
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, "E010", f"{what} must be text, found {kind(node)}")
            return None
        if not self.check_tag(node) or self.is_null(node):
            return None
        return node.value

    def text(self, node, what: str) -> str | None:
        if type(node) is yaml.ScalarNode and node.tag == _STR and node.value.strip():
            return node.value.strip()  # the common case, as the checks below would find it
        if self.is_null(node):
            self.report(node, "E014", f"{what} is empty")
            return None
        value = self.scalar(node, what)
        if value is not None and not value.strip():
            self.report(node, "E014", f"{what} is empty")
            return None
        return value.strip() if value is not None else None

    def items(self, node, what: str) -> list:
        """A list, or a single value standing for a list of one."""
        if self.is_null(node):
            return []
        if isinstance(node, yaml.SequenceNode):
            return list(node.value) if self.check_tag(node) else []
        return [node]

    def sequence(self, node, what: str) -> list:
        if self.is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, "E010", f"{what} must be a list, found {kind(node)}")
            return []
        return list(node.value) if self.check_tag(node) else []

    def entries(self, node, what: str):
        """(key, key_node, value_node) of a mapping whose keys people choose (leads, bodies ...),
        each key once: a repeated key is reported and skipped."""
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = self.scalar(key_node, f"a key in {what}")
            if key is None:
                continue
            if key in seen:
                self.report(key_node, "E013", f"duplicate key {_short(key)} in {what}")
                continue
            seen.add(key)
            yield key, key_node, value_node

    def texts(self, node, what: str) -> tuple[str, ...]:
        return tuple(t for n in self.items(node, what) if (t := self.text(n, what)) is not None)

    def date(self, node, what: str) -> date | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        try:
            return parse_date(value)
        except TimescaleError as exc:
            self.report(node, "E020", f"{what}: {exc}")
            return None

    def integer(self, node, what: str) -> int | None:
        value = self.scalar(node, what)
        if value is None:
            return None
        if not (value.strip().isascii() and value.strip().isdigit()) or len(value.strip()) > 6:
            self.report(node, "E023", f"{what} must be a whole number of days, found {_short(value)}")
            return None
        return int(value)

    def boolean_or_date(self, node, what: str) -> tuple[bool, date | None]:
        value = self.scalar(node, what)
        if value is None:
            return False, None
        if value.strip().lower() in _TRUE:
            return True, None
        if value.strip().lower() in _FALSE:
            return False, None
        done_on = self.date(node, what + " (true, false or the date it was done)")
        return done_on is not None, done_on


def kind(node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node is None:
        return "nothing"
    return _short(node.value)


# -- one file ------------------------------------------------------------------


# Bounds for hostile files. A real plan is tens of KB, a handful of levels deep
# and uses no aliases; these leave ample room (docs/security.md).
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 500_000  # counted as if every alias were written out (billion laughs)
MAX_PROBLEMS = 200  # errors per file; a broken file is not listed line by line forever
MAX_WARNINGS = 20_000  # all problems per file: bounds memory on hostile input


def prescan(text: str, path: str) -> list[Problem]:
    """Refuse what the composer must never see: deep nesting, alias bombs, foreign tags.

    Walks libyaml's event stream (iterative, holds nothing), so it is cheap and
    cannot itself recurse or blow up; composing (C, recursive) comes after.
    """
    problems: list[Problem] = []
    depth = 0
    nodes = 0
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, node count at its start)
    anchor_size: dict[str, int] = {}

    def at(event, code: str, message: str) -> Problem:
        return Problem(path, event.start_mark.line + 1, event.start_mark.column + 1, code, message)

    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent):
            nodes += anchor_size.get(event.anchor, 1)
        elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            nodes += 1
            tag = event.tag
            if tag and tag not in _ALLOWED_TAGS and tag != "!" and len(problems) < MAX_PROBLEMS:
                shown = "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag
                problems.append(at(event, "E002", f"the tag {_short(shown)} is not allowed in a "
                                   "plan (planctl never runs or builds tagged objects); remove it"))
            if isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    anchor_size[event.anchor] = 1
            else:
                depth += 1
                if depth > MAX_DEPTH:
                    return [at(event, "E006", f"the YAML is nested more than {MAX_DEPTH} levels "
                               "deep; a plan needs fewer than 10")]
                open_nodes.append((event.anchor, nodes))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            anchor, start = open_nodes.pop()
            if anchor:
                anchor_size[anchor] = nodes - start + 1
        if nodes > MAX_NODES:
            return [at(event, "E006", f"the YAML has more than {MAX_NODES:,} values "
                       "(counting each alias as a copy of its anchor: an alias bomb?); "
                       "planctl refuses it")]
    return problems


def _too_big(path: str, size: int) -> Problem:
    return Problem(path, 1, 1, "E006", f"the file is {size / 1024 / 1024:.1f} MB; planctl reads "
                   f"plan files up to {MAX_FILE_BYTES // 1024 // 1024} MB (a plan is usually "
                   "under 100 KB)")


def _line_col(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _short(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut short: messages never carry a whole hostile value."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


# An anchor, alias or tag starts with one of &*! and a non-blank: text without
# any ("DMT & LSCB" has none) has nothing for prescan's alias and tag checks.
_MAYBE_ANCHOR_ALIAS_TAG = re.compile(r"[&*!][^\s,\[\]{}]")


class _OverLimits(Exception):
    """The composer passed MAX_DEPTH or MAX_NODES: prescan says where, exactly."""


class _BoundedLoader(Loader):  # type: ignore[misc, valid-type]
    """The composer, counting depth and nodes as it goes, with implicit tags memoised.

    Used when the text has no anchors, aliases or tags, so that composing is the
    only pass over a plan file; past a limit, compose() falls back to prescan.
    """

    _tags: ClassVar[dict] = {}

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def descend_resolver(self, current_node, current_index):
        self._nodes += 1
        self._depth += 1
        if self._depth > MAX_DEPTH or self._nodes > MAX_NODES:
            raise _OverLimits

    def ascend_resolver(self):
        self._depth -= 1

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and len(value) < 32:  # keys and short values repeat
            memo = (value, implicit[0])
            tag = self._tags.get(memo)
            if tag is None:
                if len(self._tags) > 100_000:
                    self._tags.clear()
                tag = self._tags[memo] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)


def compose(text: str, path: str) -> tuple[object | None, list[Problem]]:
    try:
        if not _MAYBE_ANCHOR_ALIAS_TAG.search(text) and hasattr(Loader, "descend_resolver"):
            try:
                return yaml.compose(text, Loader=_BoundedLoader), []
            except _OverLimits:
                pass
        problems = prescan(text, path)
        if problems:
            return None, problems
        return yaml.compose(text, Loader=Loader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(filter(None, [exc.context, exc.problem]))
        if "maximum nesting depth" in what:  # libyaml's own limit (1000) on [[[[...
            return None, [Problem(path, line, col, "E006", f"the YAML is nested more than "
                                  f"{MAX_DEPTH} levels deep; a plan needs fewer than 10")]
        if mark and text[mark.index:mark.index + 1] == "\t":
            what += " (a tab: YAML indents with spaces only)"
        return None, [Problem(path, line, col, "E001", f"YAML syntax: {what}")]
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (NUL, most control characters).
        line, col = _line_col(text, exc.position)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [Problem(path, line, col, "E004", f"the character {char!r} is not allowed "
                              "in a YAML file; remove it")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, 1, 1, "E001", f"YAML syntax: {exc}")]
    except UnicodeEncodeError as exc:  # text given as str with lone surrogates
        line, col = _line_col(text, exc.start)
        return None, [Problem(path, line, col, "E004", "the text is not valid Unicode; "
                              "save it as UTF-8")]
    except RecursionError:
        return None, [Problem(path, 1, 1, "E001", "YAML nesting is too deep to be a plan")]


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        msg = f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        return None, [Problem(path, line, col, "E004", msg)]


def is_comparison(root) -> bool:
    return isinstance(root, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == "comparison" for k, _ in root.value
    )


def load_text(data: bytes | str, path: str, plan_id: str | None = None):
    """(Plan or None, problems, is_comparison_file) for one file's contents."""
    if len(data) > MAX_FILE_BYTES:
        return None, [_too_big(path, len(data))], False
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
    reader = _Reader(path)
    try:
        plan = _read_plan(reader, root, plan_id or Path(path).stem)
    except _TooManyProblems:
        plan = None
    return plan, reader.problems, False


def _read_plan(r: _Reader, root, default_id: str) -> Plan | None:
    top = r.mapping(root, "the top level of a plan", TOP_KEYS, ("plan", "recommendations"))
    if top is None:
        return None
    meta: dict = {}
    published = None
    plan_node = top.get("plan", (None, root))[1]
    if "plan" in top:
        m = r.mapping(plan_node, "plan", PLAN_KEYS, ("title",)) or {}
        for key in ("id", "title", "authority", "version", "owner", "classification"):
            if key in m:
                meta[key] = r.text(m[key][1], f"plan.{key}")
        if "updated" in m:
            meta["updated"] = r.date(m["updated"][1], "plan.updated")
        if "due_soon_days" in m:
            days = r.integer(m["due_soon_days"][1], "plan.due_soon_days")
            if days is not None:
                meta["due_soon_days"] = days
        if "inspection" in m:
            i = r.mapping(m["inspection"][1], "plan.inspection", INSPECTION_KEYS) or {}
            if "published" in i:
                published = r.date(i["published"][1], "plan.inspection.published")
            meta["inspection"] = Inspection(
                by=r.text(i["by"][1], "plan.inspection.by") if "by" in i else None,
                kind=r.text(i["kind"][1], "plan.inspection.kind") if "kind" in i else None,
                published=published,
            )
    plan_id = meta.pop("id", None) or default_id
    leads = _read_leads(r, top["leads"][1]) if "leads" in top else ()
    bodies = _read_bodies(r, top["bodies"][1]) if "bodies" in top else ()
    context = _Context(plan_id, published, leads, {b.key for b in bodies})
    recs = []
    if "recommendations" in top:
        seen_recs: dict[str, int] = {}
        for pos, node in enumerate(r.sequence(top["recommendations"][1], "recommendations"), 1):
            rec = _read_recommendation(r, node, pos, context)
            if rec is None:
                continue
            if rec.id in seen_recs:
                r.report(node, "E031", f"duplicate recommendation id {rec.id!r} "
                         f"(first on line {seen_recs[rec.id]})")
            seen_recs.setdefault(rec.id, rec.line)
            recs.append(rec)
    findings = _read_findings(r, top["findings"][1]) if "findings" in top else None
    if meta.get("title") is None:
        return None
    return Plan(id=plan_id, path=r.path, leads=leads, bodies=bodies,
                recommendations=tuple(recs), findings=findings, **meta)


@dataclass
class _Context:
    plan_id: str
    published: date | None
    leads: tuple[Lead, ...]
    body_keys: set[str]
    action_lines: dict[str, int] = field(default_factory=dict)
    lead_index: dict[str, Lead] = field(default_factory=dict)

    def __post_init__(self):
        for lead in self.leads:
            for name in (lead.key, lead.name, *lead.aliases):
                self.lead_index.setdefault(normalise_name(name), lead)


def _read_leads(r: _Reader, node) -> tuple[Lead, ...]:
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
        else:
            name = r.text(value_node, f"leads.{key}")
            aliases = ()
        if name is None:
            continue
        lead = Lead(key, name, aliases, key_node.start_mark.line + 1)
        for written in {normalise_name(n) for n in (key, name, *aliases)}:
            if written in seen and seen[written] != key:
                r.report(key_node, "E033", f"lead {key!r} and lead {seen[written]!r} are both "
                         f"called {written!r}; a name or alias must name one lead")
            seen[written] = key
        leads.append(lead)
    return tuple(leads)


def _read_bodies(r: _Reader, node) -> tuple[Body, ...]:
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


def _read_recommendation(r: _Reader, node, pos: int, ctx: _Context) -> Recommendation | None:
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
    else:
        r.warn(node, "W105", f"recommendation {rec_id} has no actions")
    return Recommendation(rec_id, text or "", tuple(actions), node.start_mark.line + 1)


def _read_action(r: _Reader, node, rec_id: str, pos: int, ctx: _Context) -> Action | None:
    default_id = f"{rec_id}.{pos}"
    m = r.mapping(node, f"action {default_id}", ACTION_KEYS, ("text",))
    if m is None:
        return None
    written_id = r.text(m["id"][1], "action id") if "id" in m else None
    action_id = written_id or default_id
    where = f"action {action_id}"
    line = node.start_mark.line + 1
    if action_id in ctx.action_lines:
        r.report(m["id"][1] if "id" in m else node, "E030",
                 f"duplicate action id {action_id!r} (first on line {ctx.action_lines[action_id]}); "
                 "give one of them its own id")
    ctx.action_lines.setdefault(action_id, line)
    text = r.text(m["text"][1], f"{where} text") if "text" in m else None

    timescale = None
    if "due" in m:
        due_node = m["due"][1]
        written = r.scalar(due_node, f"{where} due")
        if written is not None:
            try:
                timescale = parse_timescale(written, ctx.published)
            except TimescaleError as exc:
                r.report(due_node, "E020", f"{where} due: {exc}")
            else:
                if timescale.tbc:
                    r.warn(due_node, "W104", f"{where} has no date yet ({timescale.text!r}); "
                           "committees cannot see slippage until it has one")
                _warn_before_publication(r, due_node, where, timescale, ctx.published)

    leads, lead_keys = _resolve_leads(r, m["lead"][1], where, ctx) if "lead" in m else ((), ())
    if not leads and progress_is_open(m, r):
        r.warn(node, "W107", f"{where} has no lead; who must act?")

    report_to = r.texts(m["report_to"][1], f"{where} report_to") if "report_to" in m else ()
    for body in report_to:
        if ctx.body_keys and body not in ctx.body_keys:
            hint = nearest(body, ctx.body_keys)
            r.warn(m["report_to"][1], "W102", f"{where} reports to unknown body {body!r}"
                   + (f"; did you mean {hint!r}?" if hint else "; add it under bodies:"))

    progress = "not-started"
    if "status" in m:
        written = r.scalar(m["status"][1], f"{where} status")
        if written is not None:
            found = normalise_progress(written)
            if found is None:
                r.report(m["status"][1], "E021", f"{where} status {written!r} is not one of "
                         f"{', '.join(PROGRESS_VALUES)} (or complete, done, started, cancelled)")
            else:
                progress = found

    completed = r.date(m["completed"][1], f"{where} completed") if "completed" in m else None
    if progress == "completed" and completed is None:
        r.report(node, "S201", f"{where} is completed but has no 'completed:' date", STRICT)
    evidence = r.texts(m["evidence"][1], f"{where} evidence") if "evidence" in m else ()
    updates = _read_updates(r, m["updates"][1], where) if "updates" in m else ()

    repeat = None
    if "repeat" in m:
        written = r.scalar(m["repeat"][1], f"{where} repeat")
        if written is not None:
            repeat = written.strip().lower().replace(" ", "-").replace("_", "-")
            repeat = {"bi-annually": "six-monthly", "half-yearly": "six-monthly",
                      "annually": "yearly", "annual": "yearly"}.get(repeat, repeat)
            if repeat not in REPEAT_MONTHS:
                r.report(m["repeat"][1], "E022", f"{where} repeat {written!r} is not one of "
                         f"{', '.join(REPEAT_MONTHS)}")
                repeat = None
            elif timescale is None or timescale.first_due is None:
                r.report(m["repeat"][1], "E022", f"{where} repeats but its due has no first date "
                         "to repeat from; write e.g. 'First report by 31.12.12'")
    reported = tuple(d for n in r.items(m["reported"][1], f"{where} reported")
                     if (d := r.date(n, f"{where} reported")) is not None) if "reported" in m else ()

    if "milestones" in m:
        milestones = _read_milestones(r, m["milestones"][1], where, ctx)
        if timescale is None and milestones:
            timescale = Timescale(
                "; ".join(f"{ms.text + ' ' if ms.text else ''}{ms.due:%d.%m.%y}" for ms in milestones),
                tuple(Deadline(ms.due, ms.text) for ms in milestones),
            )
    elif timescale is not None and repeat is None:
        milestones = tuple(
            Milestone(d.due, d.label, i < len(reported), reported[i] if i < len(reported) else None)
            for i, d in enumerate(timescale.deadlines)
        )
    else:
        milestones = ()
    if "due" not in m and "milestones" not in m and progress not in ("completed", "dropped"):
        r.warn(node, "W106", f"{where} has no 'due:'; write a date, 'ongoing' or 'TBC'")

    if text is None:
        return None
    return Action(
        plan=ctx.plan_id, recommendation=rec_id, id=action_id, text=text, timescale=timescale,
        leads=leads, lead_keys=lead_keys, report_to=report_to, progress=progress,
        completed=completed, evidence=evidence, updates=updates, repeat=repeat, reported=reported,
        milestones=milestones, line=line, column=node.start_mark.column + 1,
        id_written=bool(written_id),
    )


def _warn_before_publication(r, node, where, timescale: Timescale, published):
    if published is None:
        return
    for d in timescale.deadlines:
        if d.due < published:
            r.warn(node, "W103", f"{where} is due {d.due:%d %B %Y}, before the inspection "
                   f"report was published ({published:%d %B %Y}); is the year right?")
            return


def progress_is_open(m: dict, r: _Reader) -> bool:
    if "status" not in m or not isinstance(m["status"][1], yaml.ScalarNode):
        return True
    return normalise_progress(m["status"][1].value) not in ("completed", "dropped")


def _resolve_leads(r: _Reader, node, where: str, ctx: _Context):
    names, keys = [], []
    for n in r.items(node, f"{where} lead"):
        written = r.text(n, f"{where} lead")
        if written is None:
            continue
        lead = ctx.lead_index.get(normalise_name(written))
        if lead is None:
            if ctx.leads:
                choices = [x for lead in ctx.leads for x in (lead.name, *lead.aliases)]
                hint = nearest(written, choices)
                r.warn(n, "W101", f"{where} lead {written!r} is not in leads:"
                       + (f"; did you mean {hint!r}?" if hint else "; add it there"))
            names.append(written)
            keys.append(None)
        else:
            names.append(lead.name)
            keys.append(lead.key)
    return tuple(names), tuple(keys)


def _read_updates(r: _Reader, node, where: str) -> tuple[Update, ...]:
    updates = []
    for n in r.sequence(node, f"{where} updates"):
        m = r.mapping(n, f"an update of {where}", UPDATE_KEYS, ("date", "text"))
        if not m or "date" not in m or "text" not in m:
            continue
        when = r.date(m["date"][1], f"{where} update date")
        text = r.text(m["text"][1], f"{where} update text")
        by = r.text(m["by"][1], f"{where} update by") if "by" in m else None
        if when is not None and text is not None:
            if updates and when < updates[-1].date:
                r.warn(n, "W108", f"{where} updates are not in date order; newest goes last")
            updates.append(Update(when, text, by))
    return tuple(updates)


def _read_milestones(r: _Reader, node, where: str, ctx: _Context) -> tuple[Milestone, ...]:
    milestones = []
    for n in r.sequence(node, f"{where} milestones"):
        m = r.mapping(n, f"a milestone of {where}", MILESTONE_KEYS, ("due",))
        if not m or "due" not in m:
            continue
        written = r.scalar(m["due"][1], f"{where} milestone due")
        if written is None:
            continue
        try:
            ts = parse_timescale(written, ctx.published)
        except TimescaleError as exc:
            r.report(m["due"][1], "E020", f"{where} milestone due: {exc}")
            continue
        if len(ts.deadlines) != 1:
            r.report(m["due"][1], "E020", f"{where} milestone due needs exactly one date")
            continue
        label = ts.deadlines[0].label
        text = r.text(m["text"][1], f"{where} milestone text") if "text" in m else label
        done, done_on = (r.boolean_or_date(m["done"][1], f"{where} milestone done")
                         if "done" in m else (False, None))
        milestones.append(Milestone(ts.deadlines[0].due, text or "", done, done_on))
    milestones.sort(key=lambda ms: ms.due)
    return tuple(milestones)


def _read_findings(r: _Reader, node) -> Findings | None:
    m = r.mapping(node, "findings", FINDINGS_KEYS, ("scale",))
    if not m or "scale" not in m:
        return None
    scale = r.texts(m["scale"][1], "findings.scale")
    by_name = {s.casefold(): s for s in scale}
    areas = []
    for an in r.sequence(m["areas"][1], "findings.areas") if "areas" in m else ():
        am = r.mapping(an, "a findings area", AREA_KEYS, ("area",))
        if not am or "area" not in am:
            continue
        judgements = []
        for jn in r.sequence(am["judgements"][1], "judgements") if "judgements" in am else ():
            jm = r.mapping(jn, "a judgement", JUDGEMENT_KEYS, ("name", "grade"))
            if not jm or "name" not in jm or "grade" not in jm:
                continue
            name = r.text(jm["name"][1], "judgement name")
            grade = r.text(jm["grade"][1], "judgement grade")
            if grade is not None and grade.casefold() not in by_name:
                r.report(jm["grade"][1], "E040", f"grade {grade!r} is not on the scale "
                         f"({', '.join(scale)})")
                continue
            if name and grade:
                judgements.append(Judgement(name, by_name[grade.casefold()], jn.start_mark.line + 1))
        areas.append(FindingArea(r.text(am["area"][1], "area") or "", tuple(judgements)))
    return Findings(scale, tuple(areas))


# -- files and folders ---------------------------------------------------------


def _not_a_plan_file(path: Path) -> Problem | None:
    """Why a found name cannot be read as a plan (broken link, loop, pipe, huge), or None.

    Checked before reading: a FIFO would block the read and /dev/zero never end it."""
    try:
        info = path.stat()
    except OSError as exc:
        if path.is_symlink():
            why = ("it is a symbolic link loop" if exc.errno == errno.ELOOP
                   else "it is a broken symbolic link (its target does not exist)")
        else:
            why = exc.strerror or str(exc)
        return Problem(str(path), 1, 1, "E005", f"cannot read the file: {why}")
    if not stat.S_ISREG(info.st_mode):
        return Problem(str(path), 1, 1, "E005", "cannot read the file: it is not a regular file "
                       "(a pipe, socket or device); plans are plain files")
    if info.st_size > MAX_FILE_BYTES:
        return _too_big(str(path), info.st_size)
    return None


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """Plan files under the given files and folders, sorted, each once."""
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    def unreadable_folder(exc: OSError) -> None:
        problems.append(Problem(str(exc.filename), 1, 1, "E005",
                                f"cannot read the folder: {exc.strerror or exc}"))

    for base in paths:
        if base.is_dir():
            candidates = []
            # followlinks=False: a symlink loop in the plans folder cannot trap us.
            for root, dirs, names in os.walk(base, onerror=unreadable_folder):
                dirs.sort()
                candidates += [Path(root, n) for n in sorted(names)
                               if n.endswith((".yaml", ".yml")) and not n.startswith(".")]
        elif os.path.lexists(base):
            candidates = [base]
        else:
            problems.append(Problem(str(base), 1, 1, "E005", "no such file or folder; "
                                    "give plan files or folders with --plans or PLANCTL_PLANS"))
            continue
        for c in candidates:
            refused = _not_a_plan_file(c)
            if refused is not None:
                problems.append(refused)
                continue
            key = c.resolve()
            if c != base and not key.is_relative_to(base.resolve()):
                # A link committed into a plans folder must not make planctl read (and quote
                # in its messages) a file elsewhere: ~/.ssh/..., a CI runner's secrets.
                problems.append(Problem(str(c), 1, 1, "E005", "cannot read the file: it is a "
                                        "symbolic link to a file outside the plans folder; "
                                        "name that file with --plans to read it"))
                continue
            if key not in seen:
                seen.add(key)
                files.append(c)
    return files, problems


def read_file(path: Path) -> tuple[bytes | None, list[Problem]]:
    try:
        return path.read_bytes(), []
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [Problem(str(path), 1, 1, "E005", f"cannot read the file: {reason}")]


def load_paths(paths: Sequence[Path], use_cache: bool | None = None) -> LoadResult:
    """Every plan under `paths`; each file is parsed once per content (see cache.py).

    use_cache: None follows --no-cache / PLANCTL_NO_CACHE.
    """
    from ..store.cache import load_cached

    files, problems = discover(paths)
    plans: list[Plan] = []
    comparisons: list[str] = []
    # The loaded model is large, long-lived and free of cycles: collecting while
    # it is built only rescans it again and again (2x slower at 20,000 actions).
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        for f in files:
            data, read_problems = read_file(f)
            problems += read_problems
            if data is None:
                continue
            plan, file_problems, is_comp = load_cached(data, str(f), use=use_cache)
            problems += file_problems
            if is_comp:
                comparisons.append(str(f))
            elif plan is not None:
                plans.append(plan)
    finally:
        if gc_was_on:
            # Thousands of actions: keep them out of every later collection too
            # (a short-lived command's objects; small loads, as in tests, are left alone).
            if sum(len(r.actions) for p in plans for r in p.recommendations) > 2000:
                gc.freeze()
            gc.enable()
    return finish(plans, problems, comparisons)


def finish(plans: list[Plan], problems: list[Problem], comparisons: Sequence[str] = ()) -> LoadResult:
    """Checks across files (unique plan ids), then the result."""
    seen: dict[str, str] = {}
    for plan in plans:
        if plan.id in seen:
            problems.append(Problem(plan.path, 1, 1, "E032", f"plan id {plan.id!r} is also the id "
                                    f"of {seen[plan.id]}; set plan.id to tell them apart"))
        seen.setdefault(plan.id, plan.path)
    return LoadResult(tuple(plans), tuple(problems), tuple(comparisons))
