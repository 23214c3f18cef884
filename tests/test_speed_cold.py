"""The cold load's shortcuts give exactly what the general rules give (issue 17).

Each shortcut is checked against the path it stands in for, on many generated
inputs: YAML 1.1's own tags (PyYAML's SafeLoader resolver), prescan's own
depth count, and the general timescale rules.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planctl.core import timescale
from planctl.core.errors import WARNING, Problem
from planctl.core.validations import BASIC_VALIDATIONS, STRICT_VALIDATIONS, Check, validate
from planctl.format import yamlsafe
from planctl.format.nodes import NodeReader, TooManyProblems
from planctl.format.reader import _read_plan

# -- tags: only null, merge and value change what the reader does ---------------------

# Plain scalars YAML 1.1 types (numbers, dates, booleans, nulls, merge, value) and words.
_ATOMS = [
    "", "~", "null", "Null", "NULL", "nULL", "<<", "=", "==", "yes", "No", "on", "OFF", "y", "n",
    "true", "False", "3", "3.10", "-1", "+12", "0x1F", "0o17", "1_000", ".5", ".inf", "-.Inf",
    ".NaN", "1:20", "190:20:30", "2012-10-27", "2012-10-27 10:00:00", "2012-1-2T1:2:3Z",
    "27.10.12", "By 27.10.12", "Immediate", "TBC", "NO", "x", "1e3", "6.8523015e+5",
]
_PLAIN_ATOMS = st.sampled_from(_ATOMS)
_PLAIN = st.one_of(_PLAIN_ATOMS, st.lists(_PLAIN_ATOMS, min_size=1, max_size=3).map(" ".join),
                   st.from_regex(r"[A-Za-z0-9.+\-_:~<=]{1,8}", fullmatch=True))


def _reader_view(node) -> tuple:
    """What NodeReader makes of one value node: its results and any problems."""
    r = NodeReader("p.yaml")
    try:
        out = (r.is_null(node), r.check_tag(node), r.scalar(node, "v"), r.text(node, "v"),
               r.items(node, "v") == [node])
    except TooManyProblems:  # pragma: no cover - two problems at most
        out = ()
    return out, [(p.code, p.message) for p in r.problems]


_HOW = ["", "'", '"', "! ", "!!str ", "!!int "]


def test_every_typed_atom_reads_as_with_yaml_1_1_tags():
    """Each atom YAML 1.1 types, written each way, as one document."""
    _same_as_full_resolver([(atom, how) for atom in _ATOMS for how in _HOW])


@pytest.mark.slow
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_PLAIN, st.sampled_from(_HOW)), min_size=1, max_size=6))
def test_the_composer_tags_read_as_yaml_1_1_tags(values):
    _same_as_full_resolver(values)


def _same_as_full_resolver(values):
    """Every value, plain, quoted or tagged, reads as it does with YAML's full resolver."""
    lines = []
    for i, (value, how) in enumerate(values):
        if how in ("'", '"'):
            value = how + value.replace("\\", "\\\\").replace(how, how * 2 if how == "'" else "\\\"") + how
        elif how:
            value = how + value
        lines.append(f"k{i}: {value}")
    text = "\n".join(lines) + "\n"
    try:
        reference = yaml.compose(text, Loader=yaml.CSafeLoader)  # libyaml, every resolver
    except yaml.YAMLError:
        return  # not YAML (e.g. "k: :"): the shortcut is never asked
    root, problems = yamlsafe.compose(text, "p.yaml")
    assert not problems
    for (_, ours), (_, theirs) in zip(root.value, reference.value, strict=True):
        assert ours.value == theirs.value
        assert _reader_view(ours) == _reader_view(theirs)


@given(_PLAIN.filter(lambda k: k.strip() == k and k and "#" not in k))
def test_merge_keys_are_refused_as_before(key):
    """`<<` as a key is still the merge key (E003); any other plain key is a key."""
    text = f"{key}: 1\n"
    try:
        yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return
    root, problems = yamlsafe.compose(text, "p.yaml")
    assert not problems
    r = NodeReader("p.yaml")
    r.mapping(root, "plan", {root.value[0][0].value})
    assert [p.code for p in r.problems] == (["E003"] if key == "<<" else [])


# -- depth: counted after composing, as prescan counts it ------------------------------


@st.composite
def _nested(draw):
    """A document `depth` collections deep, each level a block or flow list or mapping."""
    depth = draw(st.integers(min_value=1, max_value=yamlsafe.MAX_DEPTH + 3))
    kinds = draw(st.lists(st.sampled_from(["[", "{", "-", "k"]), min_size=depth, max_size=depth))
    # Flow inside flow only: a block collection cannot sit inside a flow one.
    text, close, indent, flow = "", "", 0, False
    for kind in kinds:
        if kind == "[" or (flow and kind == "-"):
            text, close, flow = text + "[", "]" + close, True
        elif kind == "{" or (flow and kind == "k"):
            text, close, flow = text + "{k: ", "}" + close, True
        elif kind == "-":
            text += "\n" + " " * indent + "- "
            indent += 2
        else:
            text += "\n" + " " * indent + "k: "
            indent += 2
    return depth, text.lstrip("\n") + "x" + close + "\n"


@pytest.mark.slow
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_nested())
def test_depth_is_refused_exactly_where_prescan_refuses_it(case):
    depth, text = case
    root, problems = yamlsafe.compose(text, "p.yaml")
    expected = yamlsafe.prescan(text, "p.yaml")
    assert problems == expected
    assert (root is None) == (depth > yamlsafe.MAX_DEPTH)
    if depth > yamlsafe.MAX_DEPTH:
        assert [p.code for p in problems] == ["E006"]


# -- the length rule: a short text cannot hold MAX_NODES nodes -------------------------


def _count(node) -> int:
    seen, stack, n = set(), [node], 0
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        n += 1
        if isinstance(x, yaml.MappingNode):
            stack += [c for pair in x.value for c in pair]
        elif isinstance(x, yaml.SequenceNode):
            stack += x.value
    return n


@pytest.mark.slow
@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="?:-,[]{} \na", max_size=40))
def test_no_text_makes_more_nodes_than_the_length_rule_allows(text):
    """compose() skips counting nodes in texts under MAX_NODES // 3 characters because
    YAML makes at most 1.5 nodes a character without aliases; the densest forms
    (explicit keys, empty entries, single-pair mappings) are what this alphabet writes."""
    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return
    if root is not None:
        assert _count(root) <= 1.5 * len(text) + 2


# -- timescales: the one-pattern reading of "By 27.10.12" is the general rules' ------------

# Any digits, and the days, months and years dates are made of (two-digit years and the
# four-digit ones at and past the limits), so that most texts are dates.
_DIGITS = st.one_of(st.from_regex(r"[0-9]{1,5}", fullmatch=True),
                    st.integers(0, 32).map(str), st.integers(0, 32).map("{:02d}".format),
                    st.sampled_from(["2012", "2013", "1990", "2100", "1989", "2101", "0012"]))
_SEP = st.sampled_from([".", "/", "-", " ", ".."])


@st.composite
def _simple_looking(draw):
    """Text in and around the shortcut's form: "By" or not, a numeric date of any digits
    and separators, "ongoing" or not."""
    prefix = draw(st.sampled_from(["", "By ", "by ", "BY ", "bY ", "By", "Bye ", "Due by ",
                                   "By  ", " by "]))
    parts = draw(st.lists(_DIGITS, min_size=2, max_size=4))
    if draw(st.booleans()):  # day, month, year
        parts = [draw(st.integers(0, 32).map(str)), draw(st.integers(0, 13).map(str)),
                 draw(st.sampled_from(["12", "13", "2012", "2013", "99", "00", "1990", "2101"]))]
    seps = draw(st.lists(_SEP, min_size=len(parts) - 1, max_size=len(parts) - 1))
    if draw(st.booleans()):  # mostly one separator, as dates are written
        seps = [seps[0]] * len(seps)
    body = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True))
    if draw(st.booleans()):  # a month by name, perhaps with its day: "27 Oct 2012", "June 2013"
        month = draw(st.sampled_from(["June", "june", "JUNE", "Jun", "Sept", "Sep", "May", "may",
                                      "February", "Feb.", "Ju", "Junes", "Octob"]))
        day = draw(st.sampled_from(["", "1 ", "27 ", "29 ", "30 ", "31 ", "0 ", "27th ", "127 "]))
        year = draw(st.sampled_from(["2012", "2013", "1990", "2100", "1989", "2101", "12", "0012"]))
        body = day + month + draw(st.sampled_from([" ", " ", " ", "-", " '"])) + year
    suffix = draw(st.sampled_from(["", "", "", " ongoing", " ongoing", " Ongoing", " ongoing.",
                                   "ongoing", " (ongoing)", " TBC", " quarterly", "\t", " 2013"]))
    return prefix + body + suffix


@pytest.mark.slow
@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(_simple_looking(), st.sampled_from([None, date(2012, 10, 1), date(2014, 6, 30)]),
       st.sampled_from([None, "april", "september"]))
def test_the_simple_form_reads_as_the_general_rules_read_it(text, published, year_starts):
    stripped = " ".join(text.split())
    try:
        general = timescale._general(stripped, published, "england-and-wales", year_starts)
    except timescale.TimescaleError as exc:
        general = str(exc)
    fast = timescale._simple(stripped)
    if fast is not None:
        assert fast == general
    try:
        whole = timescale.parse_timescale.__wrapped__(text, published, year_starts=year_starts)
    except timescale.TimescaleError as exc:
        whole = str(exc)
    assert whole == general


def test_the_common_forms_take_the_shortcut():
    """The shortcut is taken where plans need it most (else it guards nothing)."""
    for text in ("By 27.10.12", "by 1.2.2013", "2012-10-27", "27/10/2012", "By 27-10-2012 ongoing",
                 "June 2013", "By 27 Oct 2012", "by 1 sept 2013"):
        assert timescale._simple(text) is not None, text


# -- validations: one registry, one walk, each check's problems in the registry's order -------------------

_LEADS = ["sm-qa", "SM QA", "Service Manager QA", "PSW MASH", "Nobody Here", "SM  qa"]
_BODIES = ["DMT", "LSCB", "CPC", "dmt", "Cabinet"]
_DUES = ["By 27.10.12", "By 27.10.11", "TBC", "ongoing", "Quarterly report to CPC", None,
         "milestones"]


@st.composite
def _plan_text(draw):
    published = draw(st.sampled_from(["", "    published: 2012-06-01\n"]))
    leads = draw(st.sampled_from(["", "leads:\n  sm-qa:\n    name: Service Manager QA\n"
                                      "    aliases: [SM QA]\n  psw: PSW MASH\n"]))
    bodies = draw(st.sampled_from(["", "bodies:\n  DMT: Directorate Management Team\n"
                                       "  LSCB: Local Safeguarding Children Board\n"]))
    out = [f"plan:\n  title: T\n  inspection:\n    by: Ofsted\n{published}{leads}{bodies}"
           "recommendations:\n"]
    for r in range(draw(st.integers(1, 3))):
        out.append(f"  - id: '{r + 1}'\n    text: R\n")
        actions = draw(st.integers(0, 4))
        if actions == 0 and draw(st.booleans()):
            continue  # no actions: key at all (W105)
        out.append("    actions:\n" if actions else "    actions: []\n")
        for _ in range(actions):
            out.append("      - text: A\n")
            for lead in draw(st.lists(st.sampled_from(_LEADS), max_size=2)):
                out.append(f"        lead: {lead}\n")
                break
            if draw(st.booleans()):
                names = draw(st.lists(st.sampled_from(_BODIES), min_size=1, max_size=3))
                out.append(f"        report_to: [{', '.join(names)}]\n")
            due = draw(st.sampled_from(_DUES))
            if due == "milestones":
                out.append("        milestones:\n          - due: 1.1.13\n")
            elif due is not None:
                out.append(f"        due: {due}\n")
            out.append(f"        status: {draw(st.sampled_from(['open', 'started', 'done', 'dropped']))}\n")
            days = draw(st.lists(st.integers(1, 28), max_size=3))
            if days:
                out.append("        updates:\n" + "".join(
                    f"          - date: 2013-01-{d:02d}\n            text: U\n" for d in days))
    return "".join(out)


def _read(text):
    root, problems = yamlsafe.compose(text, "p.yaml")
    assert not problems
    r = NodeReader("p.yaml")
    plan = _read_plan(r, root, "p")
    assert plan is not None, r.problems
    return plan, r.located


@pytest.mark.slow
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_plan_text())
def test_one_walk_gives_every_check_alone_in_order(text):
    """validate() gives, in the registry's order, what each check gives run alone over the
    plan; each problem carries the code its check is registered with."""
    plan, located = _read(text)
    alone = [validate(plan, located, (check,)) for check in BASIC_VALIDATIONS]
    for check, problems in zip(BASIC_VALIDATIONS, alone, strict=True):
        assert {p.code for p in problems} <= {check.code}
    assert validate(plan, located) == [p for problems in alone for p in problems]


_EVERY_KIND = (
    "plan:\n  title: T\n  inspection:\n    published: 2012-06-01\n"
    "leads:\n  sm: Service Manager\nbodies:\n  DMT: Directorate Management Team\n"
    "recommendations:\n  - id: '1'\n    text: R\n"
    "  - id: '2'\n    text: R\n    actions:\n"
    "      - text: A\n        lead: Nobody\n        report_to: [LSCB]\n        due: By 1.1.12\n"
    "        status: done\n        updates:\n          - date: 2013-01-02\n            text: U\n"
    "          - date: 2013-01-01\n            text: U\n"
    "        signed_off: {by: Nobody, on: 2013-01-03}\n"
    "      - text: B\n        due: TBC\n        signed_off: {by: DMT, on: 2013-01-03}\n"
    "      - text: C\n"
    "      - text: D\n        lead: sm\n        due: By 1.1.13\n        status: completed\n"
    "        completed: 2013-01-05\n        signed_off: {by: DMT, on: 2013-01-04}\n")


def test_every_registered_check_runs():
    """Each check listed runs (none is skipped by a copy of the list), and a check added to
    a registry runs on every action: the recipe in docs/architecture.md works."""
    plan, located = _read(_EVERY_KIND)
    found = {p.code for p in validate(plan, located, BASIC_VALIDATIONS + STRICT_VALIDATIONS)}
    assert found == {c.code for c in BASIC_VALIDATIONS + STRICT_VALIDATIONS}

    def every_action(ctx):
        for a, _ in ctx.actions:
            yield Problem(ctx.plan.path, a.line, a.column, "W999", f"saw {a.id}", WARNING)

    added = (*BASIC_VALIDATIONS, Check("W999", every_action))
    problems = validate(plan, located, added)
    assert problems[:-4] == validate(plan, located)
    assert [p.message for p in problems[-4:]] == ["saw 2.1", "saw 2.2", "saw 2.3", "saw 2.4"]


# -- shallow texts: what compose() composes without counting cannot nest deep ---------------

_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_LEAD = re.compile(r"[ \t?:-]*")


def _bound(text: str) -> int:
    """The depth yamlsafe._shallow's rule allows: two levels a column of the longest run of
    indentation and indicators at a line's start, and one a bracket."""
    lead = max(_LEAD.match(line.lstrip("\ufeff")).end() for line in _BREAKS.split(text))
    return 2 * (lead + 1) + text.count("[") + text.count("{")


def _depth(text: str) -> int:
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


@pytest.mark.slow
@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["- ", "? ", ": ", "a: ", "a", "[", "]", "{", "}", ", ", "\n",
                                 "\r", "\u2028", "  ", " ", "\t", "-", "?", ":"]), max_size=30))
def test_nesting_is_bounded_by_line_leads_and_brackets(pieces):
    text = "".join(pieces)
    try:
        depth = _depth(text)
    except yaml.YAMLError:
        return
    assert depth <= _bound(text)


def test_deep_texts_are_composed_counting():
    """A text that could nest past the safe depth never meets the uncounted composer."""
    for text in ("- " * 300 + "x\n", "[" * 600 + "]" * 600 + "\n",
                 "".join(f"{'  ' * i}k:\n" for i in range(200)) + " " * 400 + "k: v\n",
                 "a:\r" + " " * 260 + "b: c\n", "\ufeff" + "- " * 130 + "x\n"):
        assert not yamlsafe._shallow(text)
    assert yamlsafe._shallow("plan:\n  title: T\nleads: {a: [b, c]}\n")
