"""The plan YAML `planctl import` writes: a new file, laid out block by block.

Every scalar goes through writer.scalar (one set of quoting rules for import, init
and the edits); long text is folded (`>-`) at WIDTH. `verify` reads the text back:
it must be the data written and pass check.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from typing import NotRequired, TypedDict

import yaml

from ..core.errors import ERROR, InternalError
from ..core.importing import ImportProblem
from . import writer
from .reader import load_text

WIDTH = 88

# An action's fields in the order written; "#" is a comment line, lists are block lists
# (of scalars, or of mappings for measures and updates).
ActionValue = str | list[str] | list[dict[str, str]]
ActionData = dict[str, ActionValue]


class Inspection(TypedDict):
    published: str


class PlanHead(TypedDict):
    title: str
    authority: NotRequired[str]
    inspection: NotRequired[Inspection]


class LeadData(TypedDict):
    name: str
    aliases: list[str]


class RecData(TypedDict):
    id: str
    text: str
    theme: NotRequired[str]
    actions: NotRequired[list[ActionData]]


class PlanData(TypedDict):
    plan: PlanHead
    leads: NotRequired[dict[str, str | LeadData]]
    themes: NotRequired[dict[str, str]]
    recommendations: list[RecData]


_RESOLVER = yaml.resolver.Resolver()


def reads_as_string(key: str) -> bool:
    """A key written bare reads back as this string (not a number, boolean or date)."""
    # types-PyYAML leaves Resolver.resolve unannotated
    tag = _RESOLVER.resolve(yaml.ScalarNode, key, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def scalar_lines(key: str, value: str, indent: int) -> list[str]:
    """`key: value`, quoted where YAML would type it or misread it, folded when long."""
    pad = " " * indent
    head = f"{pad}{key}: " if key else f"{pad}- "
    if (len(head) + len(value) > WIDTH and all(writer.printable(ch) for ch in value)
            and value == _one_line(value)):
        return [f"{head}>-", *_folded(value, " " * (indent + 2))]
    return [head + writer.scalar(value)]


def _folded(value: str, pad: str) -> list[str]:
    """The words of `value` in lines at most WIDTH wide (a longer word on a line of its own)."""
    lines, line = [], ""
    for word in value.split(" "):
        if line and len(pad) + len(line) + 1 + len(word) > WIDTH:
            lines.append(pad + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(pad + line)
    return lines


def _comment(text: str) -> str:
    return "".join(ch if writer.printable(ch) else "?" for ch in _one_line(text))


def preamble(source: str, header_row: int, today: date) -> list[str]:
    """The comment at the top of an imported plan: where it came from and how to read it."""
    return [
        f"Imported by `planctl import` from {source} (header on row {header_row}) on "
        f"{today.day} {calendar.month_name[today.month]} {today.year}.",
        "Timescales are as written in the source. Progress notes are kept as progress:",
        "and RAG ratings as rag:; what could not be placed is kept as updates dated",
        f"{today.isoformat()}. Check it with `planctl check`; planctl computes overdue,",
        "due-soon and on-track from the dates, beside the plan's own rating.",
        "",
    ]


def render_yaml(data: PlanData, comment: Sequence[str]) -> str:
    out = [f"# {_comment(line)}" if line else "#" for line in comment]
    out += _head_lines(data["plan"])
    out += _lead_lines(data.get("leads", {}))
    themes = data.get("themes", {})
    if themes:
        out += ["", "themes:"]
        for key, title in themes.items():
            out += scalar_lines(key, title, 2)
    out += ["", "recommendations:"]
    for rec in data["recommendations"]:
        out += _rec_lines(rec)
    return "\n".join(out).rstrip("\n") + "\n"


def _head_lines(plan: PlanHead) -> list[str]:
    out = ["plan:", *scalar_lines("title", plan["title"], 2)]
    if "authority" in plan:
        out += scalar_lines("authority", plan["authority"], 2)
    if "inspection" in plan:
        out += ["  inspection:", *scalar_lines("published", plan["inspection"]["published"], 4)]
    return out


def _lead_lines(leads: dict[str, str | LeadData]) -> list[str]:
    if not leads:
        return []
    out = ["", "leads:"]
    for key, lead in leads.items():
        if isinstance(lead, str):
            out += scalar_lines(key, lead, 2)
        else:
            out += [f"  {key}:", *scalar_lines("name", lead["name"], 4), "    aliases:"]
            for alias in lead["aliases"]:
                out += scalar_lines("", alias, 6)
    return out


def _rec_lines(rec: RecData) -> list[str]:
    first = scalar_lines("id", rec["id"], 4)
    out = ["  - " + first[0].lstrip(), *first[1:], *scalar_lines("text", rec["text"], 4)]
    if "theme" in rec:
        out += scalar_lines("theme", rec["theme"], 4)
    actions = rec.get("actions", [])
    if actions:
        out.append("    actions:")
    for act in actions:
        lines = _action_lines(act)
        out += ["      - " + lines[0].lstrip(), *lines[1:]]
    out.append("")
    return out


def _action_lines(act: ActionData) -> list[str]:
    lines: list[str] = []
    for key, value in act.items():
        if isinstance(value, str):
            lines += [f"        # {_comment(value)}"] if key == "#" else scalar_lines(key, value, 8)
        else:
            lines.append(f"        {key}:")
            for item in value:
                lines += _item_lines(item)
    if lines[0].lstrip().startswith("#"):  # a comment cannot open the list item
        lines.append(lines.pop(0))
    return lines


def _item_lines(item: str | dict[str, str]) -> list[str]:
    """An item of a block list under an action: a scalar (a lead), or a mapping (a measure,
    an update) whose first key shares the dash's line."""
    if isinstance(item, str):
        return scalar_lines("", item, 10)
    lines = [line for k, v in item.items() for line in scalar_lines(k, v, 12)]
    return ["          - " + lines[0].lstrip(), *lines[1:]]


def _without_comments(data: PlanData) -> dict[str, object]:
    """The data as YAML reads the text back: comments are not values."""
    recs: list[dict[str, object]] = []
    for rec in data["recommendations"]:
        copy: dict[str, object] = dict(rec)
        if "actions" in rec:
            copy["actions"] = [{k: v for k, v in a.items() if k != "#"} for a in rec["actions"]]
        recs.append(copy)
    return {**data, "recommendations": recs}


def verify(text: str, plan_id: str | None, data: PlanData) -> list[str]:
    """The text must read back as the data and pass check; returns check's warnings."""
    reread = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if reread != _without_comments(data):
        raise InternalError("internal error: the imported YAML does not read back as written; "
                            "please report it with the source file")
    name = f"{plan_id or 'imported'}.yaml"
    plan, problems, _ = load_text(text, name, plan_id)
    errors = [p for p in problems if p.severity == ERROR]
    if errors and all(p.code in ("E006", "E009") for p in errors):  # too big or too many
        raise ImportProblem(f"the imported plan is more than planctl check reads in one file "
                            f"({errors[0].message}); import the table in parts (fewer rows per file)")
    if plan is None or errors:
        first = errors[0].for_check() if errors else "no plan"
        raise InternalError(f"internal error: the imported plan does not pass check ({first}); "
                            "please report it with the source file")
    return [p.for_check().split(": ", 1)[1] for p in problems if p.severity != ERROR
            and p.severity != "strict"]

