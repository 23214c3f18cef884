"""Comparison files: other authorities' grades by group, and national counts per grade.

A comparison file is a YAML file under the plans folder whose top level is
`comparison:` (docs/findings.md describes the format). It is read node by node
with format/reader.py's NodeReader, so every problem carries file:line:col and YAML's
implicit typing never changes a grade or a name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core.comparison import Authority, Comparison, Group, NationalCounts
from ..core.errors import ERROR, WARNING, Problem
from ..core.names import nearest
from ..core.words import count
from .loaded import MAX_FILE_BYTES, too_big
from .nodes import Entry, NodeReader, TooManyProblems, kind
from .yamlsafe import compose, decode, quoted

COMPARISON_KEYS = {"title", "source", "authority", "scale", "good_or_better", "judgements",
                   "authority_grades", "groups", "national"}
GROUP_KEYS = {"name", "authorities"}
NATIONAL_KEYS = {"title", "period", "judgements"}
TOTAL = "total"
# "4", "-" (none: how the seed prints a zero), or "4 (3%)" as printed, with its percentage.
_COUNT = re.compile(r"^\s*(?:(?P<none>-)|(?P<n>\d+)\s*(?:\(\s*(?P<pct>\d+(?:\.\d+)?)\s*%\s*\))?)\s*$")
NEAR_DUPLICATE_RATIO = 0.85


def load_comparison_text(data: bytes | str, path: str) -> tuple[Comparison | None, list[Problem]]:
    """(Comparison or None, problems) for one file's contents."""
    if len(data) > MAX_FILE_BYTES:
        return None, [too_big(path, len(data))]
    if isinstance(data, bytes):
        text, problems = decode(data, path)
        if text is None:
            return None, problems
    else:
        text = data
    root, problems = compose(text, path)
    if problems:
        return None, problems
    r = NodeReader(path)
    top = r.mapping(root, "the top level of a comparison file", {"comparison"}, ("comparison",))
    try:
        comparison = _read(r, top["comparison"][1], path) if top and "comparison" in top else None
    except TooManyProblems:  # the reader has said where it stopped
        comparison = None
    if any(p.severity == ERROR for p in r.problems):
        comparison = None
    return comparison, r.problems


# -- reading -------------------------------------------------------------------


@dataclass
class _Scale:
    grades: tuple[str, ...]

    def grade(self, r: NodeReader, node: yaml.Node, what: str) -> str | None:
        """The grade as declared on the scale (any case), or None with an error."""
        written = r.text(node, what)
        if written is None:
            return None
        for grade in self.grades:
            if grade.casefold() == written.casefold():
                return grade
        hint = nearest(written, self.grades)
        r.report(node, "E061", f"{what}: {quoted(written)} is not on the scale ({', '.join(self.grades)})"
                 + (f"; did you mean {hint!r}?" if hint else ""))
        return None


def _read(r: NodeReader, node: yaml.Node, path: str) -> Comparison | None:
    m = r.mapping(node, "comparison", COMPARISON_KEYS,
                  ("authority", "scale", "judgements", "authority_grades"))
    if m is None:
        return None
    title = r.text(m["title"][1], "comparison.title") if "title" in m else None
    source = r.text(m["source"][1], "comparison.source") if "source" in m else None
    authority = r.text(m["authority"][1], "comparison.authority") if "authority" in m else None
    scale = _Scale(_read_scale(r, m["scale"][1]) if "scale" in m else ())
    good = _read_good_or_better(r, m.get("good_or_better"), scale, node)
    judgements = _read_judgements(r, m["judgements"][1]) if "judgements" in m else {}
    own = (_read_grades(r, m["authority_grades"][1], "comparison.authority_grades", scale,
                        judgements) if "authority_grades" in m else None)
    groups = _read_groups(r, m["groups"][1], scale, judgements) if "groups" in m else ()
    national: tuple[NationalCounts, ...] = ()
    national_title = period = None
    if "national" in m:
        national, national_title, period = _read_national(r, m["national"][1], scale, judgements)
    if authority is None or not scale.grades or not judgements or own is None:
        return None
    _check_names(r, authority, own, groups)
    return Comparison(path=path, title=title or Path(path).stem, source=source,
                      authority=authority, scale=scale.grades, good_or_better=good,
                      judgements=judgements, authority_grades=own, groups=groups,
                      national=national, national_title=national_title, national_period=period)


def _read_scale(r: NodeReader, node: yaml.Node) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        r.report(node, "E010", f"comparison.scale must be a list of grades, best first, "
                 f"found {kind(node)}")
        return ()
    grades: list[str] = []
    for n in r.sequence(node, "comparison.scale"):
        grade = r.text(n, "a grade of comparison.scale")
        if grade is None:
            continue
        if grade.casefold() in (g.casefold() for g in grades):
            r.report(n, "E062", f"grade {grade!r} is on the scale twice")
            continue
        grades.append(grade)
    if len(grades) == 1:
        r.report(node, "E062", "a scale needs at least two grades, best first")
    return tuple(grades)


def _read_good_or_better(r: NodeReader, entry: Entry | None, scale: _Scale,
                         where: yaml.Node) -> tuple[str, ...]:
    """A list of grades, or one grade meaning 'this grade and every better one'.
    Default: down to 'Good' when the scale has it."""
    if not scale.grades:
        return ()
    if entry is None:
        for i, grade in enumerate(scale.grades):
            if grade.casefold() == "good":
                return scale.grades[: i + 1]
        r.report(where, "E063", "the scale has no 'Good'; say which grades count with "
                 "'good_or_better: GRADE' (that grade and every better one) or a list")
        return ()
    key_node, node = entry
    if isinstance(node, yaml.SequenceNode):
        picked = {g for n in r.sequence(node, "comparison.good_or_better")
                  if (g := scale.grade(r, n, "comparison.good_or_better")) is not None}
        return tuple(g for g in scale.grades if g in picked)
    one = scale.grade(r, node, "comparison.good_or_better")
    return scale.grades[: scale.grades.index(one) + 1] if one else ()


def _read_judgements(r: NodeReader, node: yaml.Node) -> dict[str, str]:
    """key: name, in order; the key is what grades, options and JSON use."""
    if not isinstance(node, yaml.MappingNode):
        r.report(node, "E010", "comparison.judgements must be a mapping of key: name "
                 f"(e.g. safeguarding: \"Safeguarding: overall effectiveness\"), found {kind(node)}")
        return {}
    out: dict[str, str] = {}
    names: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = r.text(key_node, "a judgement key")
        if key is None:
            continue
        if key in out:
            r.report(key_node, "E013", f"duplicate key {key!r} in comparison.judgements")
            continue
        name = r.text(value_node, f"comparison.judgements.{key}") or key
        if name.casefold() in names:
            r.report(value_node, "E064", f"judgements {key!r} and {names[name.casefold()]!r} "
                     f"are both called {name!r}")
        names.setdefault(name.casefold(), key)
        out[key] = name
    return out


def _read_grades(r: NodeReader, node: yaml.Node, what: str, scale: _Scale,
                 judgements: dict[str, str]) -> dict[str, str] | None:
    """Grades per judgement: a list in the order of `judgements`, or a mapping key: grade.
    Every judgement needs a grade."""
    grades: dict[str, str] = {}
    complete = True
    if isinstance(node, yaml.SequenceNode):
        items = r.sequence(node, what)
        if judgements and len(items) != len(judgements):
            r.report(node, "E065", f"{what} has {count(len(items), 'grade')} for "
                     f"{count(len(judgements), 'judgement')} ({', '.join(judgements)}); "
                     "give one per judgement, in that order")
            return None
        for key, n in zip(judgements, items, strict=False):
            grade = scale.grade(r, n, f"{what} ({key})")
            if grade is None:
                complete = False
            else:
                grades[key] = grade
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, key_node, value_node in r.entries(node, what):
            seen.add(key)
            if key not in judgements:
                hint = nearest(key, judgements)
                r.report(key_node, "E066", f"{what}: unknown judgement {key!r}"
                         + (f"; did you mean {hint!r}?" if hint
                            else f"; declared: {', '.join(judgements)}"))
                complete = False
                continue
            grade = scale.grade(r, value_node, f"{what}.{key}")
            if grade is None:
                complete = False
            else:
                grades[key] = grade
        missing = [k for k in judgements if k not in seen]
        if missing:
            r.report(node, "E065", f"{what} has no grade for {', '.join(missing)}")
            complete = False
    else:
        r.report(node, "E010", f"{what} must be a list of grades (one per judgement, in order) "
                 f"or a mapping judgement: grade, found {kind(node)}")
        return None
    return grades if complete else None


def _read_groups(r: NodeReader, node: yaml.Node, scale: _Scale,
                 judgements: dict[str, str]) -> tuple[Group, ...]:
    groups: list[Group] = []
    seen: dict[str, int] = {}
    for gn in r.sequence(node, "comparison.groups"):
        gm = r.mapping(gn, "a group", GROUP_KEYS, ("name", "authorities"))
        if not gm or "name" not in gm:
            continue
        name = r.text(gm["name"][1], "group name")
        if name is None:
            continue
        line = gn.start_mark.line + 1
        if name.casefold() in seen:
            r.report(gm["name"][1], "E067", f"group {name!r} is listed twice "
                     f"(first on line {seen[name.casefold()]})")
            continue
        seen[name.casefold()] = line
        members: list[Authority] = []
        an = gm["authorities"][1] if "authorities" in gm else None
        if an is not None and not isinstance(an, yaml.MappingNode):
            r.report(an, "E010", f"authorities of group {name!r} must be a mapping of "
                     f"name: grades, found {kind(an)}")
        elif an is not None:
            names: dict[str, int] = {}
            for key_node, value_node in an.value:
                who = r.text(key_node, f"an authority in group {name!r}")
                if who is None:
                    continue
                if who.casefold() in names:
                    r.report(key_node, "E013", f"{who!r} is listed twice in group {name!r} "
                             f"(first on line {names[who.casefold()]})")
                    continue
                names[who.casefold()] = key_node.start_mark.line + 1
                grades = _read_grades(r, value_node, f"{name} / {who}", scale, judgements)
                if grades is not None:
                    members.append(Authority(who, grades, key_node.start_mark.line + 1,
                                             key_node.start_mark.column + 1))
        groups.append(Group(name, tuple(members), line))
    return tuple(groups)


def _read_national(r: NodeReader, node: yaml.Node, scale: _Scale, judgements: dict[str, str]
                   ) -> tuple[tuple[NationalCounts, ...], str | None, str | None]:
    m = r.mapping(node, "comparison.national", NATIONAL_KEYS, ("judgements",))
    if m is None:
        return (), None, None
    title = r.text(m["title"][1], "national.title") if "title" in m else None
    period = r.text(m["period"][1], "national.period") if "period" in m else None
    rows: list[NationalCounts] = []
    jn = m.get("judgements", (None, None))[1]
    if jn is None:
        return (), title, period
    if not isinstance(jn, yaml.MappingNode):
        r.report(jn, "E010", f"national.judgements must be a mapping of judgement: counts, "
                 f"found {kind(jn)}")
        return (), title, period
    for key, key_node, value_node in r.entries(jn, "national.judgements"):
        if key not in judgements:
            hint = nearest(key, judgements)
            r.report(key_node, "E066", f"national.judgements: unknown judgement {key!r}"
                     + (f"; did you mean {hint!r}?" if hint else f"; declared: {', '.join(judgements)}"))
            continue
        row = _read_counts(r, value_node, f"national.judgements.{key}", key, scale)
        if row is not None:
            rows.append(row)
    return tuple(rows), title, period


def _read_counts(r: NodeReader, node: yaml.Node, what: str, key: str, scale: _Scale) -> NationalCounts | None:
    if not isinstance(node, yaml.MappingNode):
        r.report(node, "E010", f"{what} must be a mapping of grade: count and total, "
                 f"found {kind(node)}")
        return None
    counts: dict[str, int] = {}
    printed: dict[str, float] = {}
    total = None
    total_node: yaml.Node | None = None
    ok = True
    for key_node, value_node in node.value:
        word = r.text(key_node, f"a grade in {what}")
        if word is None:
            continue
        if word.casefold() == TOTAL:
            total_node = value_node
            total = _count(r, value_node, f"{what}.total", allow_pct=False)
            ok = ok and total is not None
            continue
        grade = scale.grade(r, key_node, what)
        if grade is None:
            ok = False
            continue
        if grade in counts:
            r.report(key_node, "E013", f"duplicate grade {grade!r} in {what}")
            continue
        found = _count(r, value_node, f"{what}.{grade}")
        if found is None:
            ok = False
            continue
        counts[grade], pct = found
        if pct is not None:
            printed[grade] = pct
    missing = [g for g in scale.grades if g not in counts]
    if missing:
        r.report(node, "E068", f"{what} has no count for {', '.join(missing)} "
                 "(write 0, or '-' as the source prints it)")
        ok = False
    if total_node is None:
        r.report(node, "E068", f"{what} needs a 'total' (the number of inspections)")
        ok = False
    if not ok or total is None or total_node is None:
        return None
    return _checked_counts(r, node, total_node, what, key, scale, counts, total[0], printed)


def _checked_counts(r: NodeReader, node: yaml.Node, total_node: yaml.Node, what: str, key: str,
                    scale: _Scale, counts: dict[str, int], total: int,
                    printed: dict[str, float]) -> NationalCounts | None:
    """The counts, once they add up to the total; printed percentages checked against it."""
    if sum(counts.values()) != total:
        written = " + ".join(str(counts[g]) for g in scale.grades)
        r.report(total_node, "E069", f"{what}: the counts add up to {written} = "
                 f"{sum(counts.values())}, not the total {total}")
        return None
    for grade, pct in printed.items():
        exact = 100 * counts[grade] / total if total else 0.0
        if abs(exact - pct) >= 1:
            r.warn(node, "W161", f"{what}.{grade}: {counts[grade]} of {total} is {exact:.1f}%, "
                   f"but {pct:g}% is printed; is a count or the total wrong?")
    return NationalCounts(key, counts, total, printed)


def _count(r: NodeReader, node: yaml.Node, what: str,
           allow_pct: bool = True) -> tuple[int, float | None] | None:
    """(count, printed percentage or None), or None with an error."""
    written = r.scalar(node, what)
    if written is None:
        r.report(node, "E068", f"{what} is empty; write 0 (or '-') for none")
        return None
    match = _COUNT.match(written)
    if match is None or (match["pct"] is not None and not allow_pct):
        form = "a whole number" + (", '-' for none, or '4 (3%)' as printed" if allow_pct else "")
        r.report(node, "E068", f"{what}: {quoted(written)} is not {form}")
        return None
    if match["none"]:
        return 0, None
    pct = float(match["pct"]) if match["pct"] else None
    if pct is not None and pct > 100:
        r.report(node, "E068", f"{what}: {pct:g}% is more than 100%")
        return None
    return int(match["n"]), pct


# -- names across groups -----------------------------------------------------------


def _plain(name: str) -> str:
    """Case, '&' for 'and', punctuation and spacing do not make a different authority."""
    text = name.casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _abbreviates(short: str, long: str) -> bool:
    """'barking and dag' abbreviates 'barking and dagenham': word by word, each a prefix."""
    a, b = short.split(), long.split()
    return (len(a) == len(b) and a != b
            and all(y.startswith(x) and (x == y or len(x) >= 3) for x, y in zip(a, b, strict=True)))


def similar_names(a: str, b: str) -> bool:
    """Two different spellings that probably mean one authority."""
    if a == b:
        return False
    pa, pb = _plain(a), _plain(b)
    if pa == pb or _abbreviates(pa, pb) or _abbreviates(pb, pa):
        return True
    return difflib.SequenceMatcher(None, pa, pb).ratio() >= NEAR_DUPLICATE_RATIO


def _check_names(r: NodeReader, authority: str, own: dict[str, str], groups: Sequence[Group]) -> None:
    """Warn where one authority seems written two ways, or listed twice with other grades."""
    first: dict[str, tuple[Authority, str]] = {}
    for group in groups:
        for a in group.authorities:
            if a.name == authority and a.grades != own:
                _warn_at(r, a, "W162", f"{a.name!r} in {group.name!r} has other grades than "
                         "comparison.authority_grades")
            earlier = first.get(a.name)
            if earlier is None:
                first[a.name] = (a, group.name)
            elif earlier[0].grades != a.grades:
                _warn_at(r, a, "W162", f"{a.name!r} in {group.name!r} has other grades than "
                         f"in {earlier[1]!r} (line {earlier[0].line}); one of them is mistyped")
    names = [authority, *first]
    reported: set[frozenset[str]] = set()
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            if similar_names(x, y) and frozenset((x, y)) not in reported:
                reported.add(frozenset((x, y)))
                where = first[y][0] if y in first else None
                in_group = first[y][1] if y in first else "comparison.authority"
                other = (f"{first[x][1]!r} (line {first[x][0].line})" if x in first
                         else "comparison.authority")
                _warn_at(r, where, "W160", f"{y!r} in {in_group!r} looks like {x!r} in {other}; "
                         "write one authority's name the same way everywhere")


def _warn_at(r: NodeReader, at: Authority | None, code: str, message: str) -> None:
    line, column = (at.line, at.column) if at else (1, 1)
    if len(message) > 1000:  # as the reader does: a hostile name stays readable
        message = message[:1000] + "..."
    r.problems.append(Problem(r.path, line, column, code, message, WARNING))
