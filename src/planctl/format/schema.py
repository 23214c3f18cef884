"""A JSON Schema of the plan format, built from the loader's own key sets.

Editors (VS Code's YAML extension and others using yaml-language-server) use it
to complete keys and flag mistakes as people type; `planctl check` stays the
authority (it also checks dates, leads and ids, which a schema cannot).

    python -m planctl.format.schema > docs/plan.schema.json

The schema accepts what planctl accepts: any scalar where planctl reads text
(so `id: 3.10` or `lead: NO` typed by a YAML 1.1 parser still validate), and
status and repeat words in any case with spaces, hyphens or underscores.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from ..core.model import PROGRESS_VALUES
from ..core.names import PROGRESS_SYNONYMS
from ..core.timescale import CALENDARS, REPEATS, YEAR_STARTS
from . import reader as load
from .signoff import MAX_SIGNER, SIGNED_OFF_KEYS, SIGNOFF_CHOICES

Json = dict[str, Any]  # a JSON Schema object: JSON, of any shape

DRAFT = "http://json-schema.org/draft-07/schema#"
REPEAT_SYNONYMS = ("bi-annually", "half-yearly", "annually", "annual")
RAG_WORDS = ("red", "amber", "green", "blue", "r", "a", "g", "b")
# "every 6 weeks", "every-2-months", "every three months": as timescale.normalise_repeat reads them
EVERY_PATTERN = (r"^\s*[eE][vV][eE][rR][yY][-_ ]+([0-9]{1,2}|[a-zA-Z]+)[-_ ]+"
                 r"([wW][eE][eE][kK]|[mM][oO][nN][tT][hH])[sS]?\s*$")

# What each key means, shown by editors on hover. Every key the loader accepts
# must be here: build() fails otherwise, so the schema cannot fall behind.
DESCRIPTIONS = {
    "top": {
        "plan": "What the plan is: title, authority, the inspection and its publication date.",
        "leads": "Canonical leads: key: name, or key: {name, aliases}. Actions name them by key, "
                 "name or alias.",
        "bodies": "Boards and committees actions report to: KEY: full name.",
        "recommendations": "The inspection's recommendations, each with its actions.",
        "findings": "The inspection's judgements: a scale (best first) and graded areas.",
        "themes": "Themes, workstreams or priority areas: key: title. Recommendations name "
                  "them with theme:.",
    },
    "plan": {
        "id": "The plan id (default: the file name without .yaml); unique across plans.",
        "title": "The plan's title.",
        "authority": "The council or organisation inspected.",
        "inspection": "Who inspected, what, and when the report was published.",
        "version": "The plan's version as written, e.g. \"1.1\" (quote it).",
        "updated": "The date of this version of the plan.",
        "owner": "Who owns the plan.",
        "classification": "Printed on every export, e.g. public.",
        "due_soon_days": "How many days ahead an open action counts as due-soon (default 14).",
        "calendar": "Whose bank holidays 'within 40 working days' skips: england-and-wales "
                    "(default), scotland or northern-ireland.",
        "year_starts": "How a bare '2013/14' reads: april (financial year, default) or september "
                       "(academic year).",
        "rag_key": "What each of the council's own ratings means: red, amber, green, blue: "
                   "meaning.",
        "dates": "Named dates timescales count from: event: date, e.g. {letter: 2026-03-02, "
                 "plan accepted: 2026-04-10} for 'within 6 months of the letter'. Names are read "
                 "in any case, without a leading 'the'.",
        "signoff": "required: a completed action is 'completed, awaiting sign-off' until its "
                   "signed_off: is given; optional (the default): a sign-off is recorded if given.",
    },
    "inspection": {
        "by": "The inspectorate, e.g. Ofsted.",
        "kind": "The kind of inspection.",
        "published": "When the report was published: anchors 'Immediate', 'within 3 months', "
                     "'by 30 November' and 'Quarterly'.",
        "report": "Where the report is (a title, reference or link).",
    },
    "recommendation": {
        "id": "The recommendation's number as written (default: its position).",
        "text": "The recommendation as written in the report.",
        "actions": "What will be done about it.",
        "theme": "A key of the top-level themes: (a workstream or priority area).",
        "ref": "Where it comes from, as written, one line: the report paragraph, regulation "
               "or work package ('para 4.2', 'Reg 13').",
    },
    "action": {
        "id": "The action's id (default: <recommendation>.<position>, e.g. 3.1).",
        "text": "The action as written.",
        "due": "The timescale as written: 27.10.12, 'By 27.10.12', 'Report to SMT 27.10.12', "
               "'Initial report by 27.10.12, with follow up by 27.3.13', 'April - June 2013', "
               "'From June 2013', 'Q3 2013/14', 'Spring term 2014', Immediate, 'within 3 months', "
               "'within 40 working days', Quarterly, Ongoing, TBC. Dates are day-first.",
        "lead": "Who leads: a key, name or alias of leads, or a list of them.",
        "report_to": "Keys of bodies the action reports to.",
        "status": "not-started (default), in-progress, completed or dropped.",
        "completed": "The date it was completed.",
        "evidence": "What proves completion (text or a list).",
        "updates": "Dated progress notes, newest last.",
        "repeat": "monthly, quarterly, six-monthly, yearly, weekly, fortnightly, termly or "
                  "'every N weeks/months', from the first due date.",
        "reported": "The dates each recurring report was made.",
        "milestones": "Explicit milestones: [{due, text, done}].",
        "start": "When work begins: a date or a month (1.6.13, June 2013, From June 2013). "
                 "Before it the action is never due or overdue.",
        "progress": "The latest narrative position, undated (dated notes go in updates).",
        "rag": "The council's own rating: red, amber, green or blue (or R, A, G, B), shown beside "
               "the computed status.",
        "measures": "Success measures: [{text, baseline, target, actual}], values as written.",
        "ref": "Where it comes from, as written, one line: the report paragraph, regulation "
               "or work package ('para 4.2', 'Reg 13').",
        "signed_off": "Who assured the completed work, when, and on what: {by: NAME, on: DATE, "
                      "evidence: TEXT}; by and on required (planctl signoff writes it).",
    },
    "signed_off": {
        "by": "Who signed it off: a lead, a QA officer or a board (one line).",
        "on": "The date it was signed off.",
        "evidence": "What the sign-off rests on (a report, minutes, a link).",
    },
    "measure": {
        "text": "What is measured.",
        "baseline": "Where it started, as written (\"62%\").",
        "target": "What success is, as written (\"85%\").",
        "actual": "The latest figure, as written.",
    },
    "lead": {
        "name": "The lead's full name, as shown in reports.",
        "aliases": "Other ways the plan writes this lead.",
        "email": "An email address for the lead.",
        "organisation": "The lead's organisation or agency (multi-agency plans).",
    },
    "update": {
        "date": "When the note was written.",
        "text": "The progress note.",
        "by": "Who wrote it.",
    },
    "milestone": {
        "due": "The milestone's date (one date).",
        "text": "What is due then.",
        "done": "true, false, or the date it was done.",
    },
    "findings": {
        "scale": "The grades, best first, e.g. [Outstanding, Good, Adequate, Inadequate].",
        "areas": "Graded areas, each with judgements.",
    },
    "area": {
        "area": "The area inspected.",
        "judgements": "[{name, grade}] with grades on the scale.",
    },
    "judgement": {"name": "What was judged.", "grade": "A grade on the scale."},
}

KEY_SETS = {
    "top": load.TOP_KEYS, "plan": load.PLAN_KEYS, "inspection": load.INSPECTION_KEYS,
    "recommendation": load.REC_KEYS, "action": load.ACTION_KEYS, "lead": load.LEAD_KEYS,
    "update": load.UPDATE_KEYS, "milestone": load.MILESTONE_KEYS, "findings": load.FINDINGS_KEYS,
    "area": load.AREA_KEYS, "judgement": load.JUDGEMENT_KEYS, "measure": load.MEASURE_KEYS,
    "signed_off": SIGNED_OFF_KEYS,
}


def _ref(name: str) -> Json:
    return {"$ref": f"#/definitions/{name}"}


def _one_or_many(item: Json) -> Json:
    return {"anyOf": [item, {"type": "array", "items": item}]}


def _words_pattern(words: Iterable[str]) -> str:
    """A regex matching any of the words in any case, separators optional (as the loader reads)."""
    def one(word: str) -> str:
        out = []
        for ch in word:
            if ch.isalpha():
                out.append(f"[{ch.lower()}{ch.upper()}]")
            elif ch in "-_ ":
                out.append("[-_ ]*")
            else:
                out.append(re.escape(ch))
        return "".join(out)

    return r"^\s*(" + "|".join(one(w) for w in sorted(words)) + r")\s*$"


def _object(kind: str, types: dict[str, Json], required: Sequence[str] = ()) -> Json:
    keys = KEY_SETS[kind]
    missing = keys - DESCRIPTIONS[kind].keys() | keys - types.keys()
    if missing:
        raise KeyError(f"schema.py has no description or type for {kind} keys: {sorted(missing)}")
    properties = {k: {**types[k], "description": DESCRIPTIONS[kind][k]} for k in sorted(keys)}
    out: Json = {"type": "object", "properties": properties,
           "patternProperties": {"^x-": {"description": "Left for you: planctl ignores x- keys."}},
           "additionalProperties": False}
    if required:
        out["required"] = list(required)
    return out


def build() -> Json:
    text, date, id_ = _ref("text"), _ref("date"), _ref("id")
    texts = _one_or_many(text)
    # `ref:` as the reader takes it: one line, at most MAX_REF characters.
    cites = {"type": ["string", "number"], "maxLength": load.MAX_REF,
             "pattern": "^[^\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]*$"}
    definitions = {
        "text": {"type": ["string", "number", "boolean"],
                 "description": "Text; planctl reads the characters as written."},
        "id": {"type": ["string", "number"], "description": "An id as written, e.g. \"3.10\"."},
        "date": {"type": "string", "description": "A date, day-first: 2012-10-27, 27.10.12, "
                 "27/10/2012, 27 October 2012."},
        "plan": _object("plan", {
            "id": text, "title": text, "authority": text, "version": text, "updated": date,
            "owner": text, "classification": text,
            "calendar": {"anyOf": [{"enum": list(CALENDARS)},
                                   {"type": "string", "pattern": _words_pattern(CALENDARS)}]},
            "year_starts": {"anyOf": [{"enum": list(YEAR_STARTS)},
                                      {"type": "string", "pattern": _words_pattern(YEAR_STARTS)}]},
            "due_soon_days": {"anyOf": [{"type": "integer", "minimum": 0},
                                        {"type": "string", "pattern": r"^\s*\d+\s*$"}]},
            "inspection": _object("inspection", {"by": text, "kind": text, "published": date,
                                                 "report": text}),
            "rag_key": {"type": "object",
                        "propertyNames": {"pattern": _words_pattern(RAG_WORDS)},
                        "additionalProperties": text},
            "dates": {"type": "object", "propertyNames": {"pattern": r"\S"},
                      "additionalProperties": date},
            "signoff": {"anyOf": [{"enum": list(SIGNOFF_CHOICES)},
                                  {"type": "string", "pattern": _words_pattern(SIGNOFF_CHOICES)}]},
        }, ("title",)),
        "lead": {"anyOf": [text, _object("lead", {"name": text, "aliases": texts, "email": text,
                                                  "organisation": text}, ("name",))]},
        "body": {"anyOf": [text, {"type": "object", "properties": {"name": text},
                                  "required": ["name"], "additionalProperties": False}]},
        "update": _object("update", {"date": date, "text": text, "by": text}, ("date", "text")),
        "milestone": _object("milestone", {
            "due": {"type": "string"}, "text": text,
            "done": {"anyOf": [{"type": "boolean"}, date]}}, ("due",)),
        "action": _object("action", {
            "id": id_, "text": text, "due": {"type": ["string", "number"]}, "lead": texts,
            "report_to": texts, "evidence": texts, "completed": date,
            "status": {"anyOf": [{"enum": list(PROGRESS_VALUES)},
                                 {"type": "string",
                                  "pattern": _words_pattern(PROGRESS_SYNONYMS)}]},
            "updates": {"type": "array", "items": _ref("update")},
            "repeat": {"anyOf": [{"enum": list(REPEATS)},
                                 {"type": "string",
                                  "pattern": _words_pattern([*REPEATS, *REPEAT_SYNONYMS])},
                                 {"type": "string", "pattern": EVERY_PATTERN}]},
            "reported": _one_or_many(date),
            "milestones": {"type": "array", "items": _ref("milestone")},
            "start": {"type": ["string", "number"]}, "progress": text,
            "rag": {"type": "string", "pattern": _words_pattern(RAG_WORDS)},
            "measures": {"type": "array", "items": _object("measure", {
                "text": text, "baseline": text, "target": text, "actual": text}, ("text",))},
            "ref": cites,
            "signed_off": _object("signed_off", {
                "by": {"type": ["string", "number"], "maxLength": MAX_SIGNER}, "on": date, "evidence": text},
                ("by", "on")),
        }, ("text",)),
        "recommendation": _object("recommendation", {
            "id": id_, "text": text, "actions": {"type": "array", "items": _ref("action")},
            "theme": text, "ref": cites},
            ("text",)),
        "findings": _object("findings", {
            "scale": {"type": "array", "items": text},
            "areas": {"type": "array", "items": _object("area", {
                "area": text,
                "judgements": {"type": "array", "items": _object(
                    "judgement", {"name": text, "grade": text}, ("name", "grade"))},
            }, ("area",))},
        }, ("scale",)),
    }
    plan_file = _object("top", {
        "plan": _ref("plan"),
        "leads": {"type": "object", "additionalProperties": _ref("lead")},
        "bodies": {"type": "object", "additionalProperties": _ref("body")},
        "recommendations": {"type": "array", "items": _ref("recommendation")},
        "findings": _ref("findings"),
        "themes": {"type": "object", "additionalProperties": text},
    }, ("plan", "recommendations"))
    definitions["plan_file"] = plan_file
    return {
        "$schema": DRAFT,
        "title": "planctl plan",
        "description": "An inspection improvement action plan kept by planctl (format version 1). "
                       "Generated by `python -m planctl.format.schema`; do not edit by hand.",
        # Comparison files (a top-level `comparison:` key) share the plans folder.
        "if": {"type": "object", "required": ["comparison"]},
        "then": {"type": "object"},
        "else": _ref("plan_file"),
        "definitions": definitions,
    }


def schema_text() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    sys.stdout.write(schema_text())


if __name__ == "__main__":
    main()
