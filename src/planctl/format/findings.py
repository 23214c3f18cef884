"""A plan's `findings:`: the inspection's judgements by area, on the inspectorate's scale
(read by format/reader.py; apart from it to keep each module short)."""

from __future__ import annotations

import yaml

from ..core.model import FindingArea, Findings, Judgement
from .nodes import NodeReader

FINDINGS_KEYS = {"scale", "areas"}
AREA_KEYS = {"area", "judgements"}
JUDGEMENT_KEYS = {"name", "grade"}


def read_findings(r: NodeReader, node: yaml.Node) -> Findings | None:
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
