"""The fast ways an edit takes (issue 17) give exactly what the general ways give.

- The locator composes only the edited action's lines (format/splices.Doc.of_item): the node it
  finds must be the node a compose of the whole file finds, and an edit must write the
  same bytes either way, on many plans; where the lines cannot be told apart it declines.
- The read-back is compared without copying the plans (_same_but_lines): it must agree
  with comparing the copies with their lines zeroed, on many pairs of plans.
- The file and the result are read through the parse cache: the next command finds the
  edited file's entry, and --no-cache keeps the edit away from the cache too.
"""

from __future__ import annotations

import textwrap
from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planctl.core.errors import PlanctlError
from planctl.core.model import Update, evolve
from planctl.format.edit_nodes import find_action
from planctl.format.reader import load_text
from planctl.format.splices import Doc
from planctl.store import cache, rewrite
from planctl.store.edits import Edit, apply_file
from planctl.store.rewrite import Addition, add_bytes, edit_bytes
from test_edit_props import edits, plan_source

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tree(node) -> tuple:
    """Everything of a node the writer uses: kind, value, style and offsets, recursively. A
    block collection's end is never read (the writer takes the end of its last item, as
    content_end does): composed alone it ends at the item's last line, in the whole file
    after the comments that follow it."""
    scalar = isinstance(node, yaml.ScalarNode)
    kids = ([tree(x) for pair in node.value for x in pair] if isinstance(node, yaml.MappingNode)
            else [tree(x) for x in node.value] if isinstance(node, yaml.SequenceNode) else node.value)
    end = node.end_mark.index if scalar or node.flow_style else None
    return (type(node).__name__, node.style if scalar else node.flow_style,
            node.start_mark.index, end, kids)


def whole_file_node(text: str, action_id: str):
    doc = Doc(text)
    node = find_action(doc.root, action_id)
    if not doc.marks_agree(node):
        doc = Doc(text, fast=False)
        node = find_action(doc.root, action_id)
    return node


def plan_of(data: bytes):
    plan, problems, _ = load_text(data, "plans/p.yaml")
    assert plan is not None and not [p for p in problems if p.severity == "error"], problems
    return plan


def slow_edit(data: bytes, action_id: str, edit: Edit):
    """The edit as it is made when the action's lines cannot be composed alone."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Doc, "of_item", classmethod(lambda cls, text, line, column=None: None))
        return edit_bytes(data, "plans/p.yaml", action_id, edit)


@pytest.mark.slow
@SETTINGS
@given(source=plan_source())
def test_an_action_composed_alone_is_the_node_the_whole_file_gives(source):
    data = source[0]
    text = data.decode("utf-8-sig")
    for action in plan_of(data).actions:
        found = Doc.of_item(text, action.line, action.column)
        if found is None:  # only a flow list of actions has no dash of its own
            continue
        doc, node = found
        assert doc.text == text and doc.splices == []
        assert tree(node) == tree(whole_file_node(text, action.id))


@pytest.mark.slow
@SETTINGS
@given(source=plan_source(), edit=edits(), data=st.data())
def test_an_edit_writes_the_same_bytes_as_when_the_whole_file_is_composed(source, edit, data):
    old, spans, _ = source
    action_id = data.draw(st.sampled_from(sorted(spans)))
    try:
        fast = edit_bytes(old, "plans/p.yaml", action_id, edit)
    except PlanctlError as exc:
        with pytest.raises(type(exc)) as slow:
            slow_edit(old, action_id, edit)
        assert str(slow.value) == str(exc)
        return
    slow = slow_edit(old, action_id, edit)
    assert (fast.new, fast.subject, fast.warnings) == (slow.new, slow.subject, slow.warnings)


def slow_add(data: bytes, add: Addition):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(Doc, "of_item", classmethod(lambda cls, text, line, column=None: None))
        return add_bytes(data, "plans/p.yaml", add)


@pytest.mark.slow
@SETTINGS
@given(source=plan_source(), rec=st.sampled_from(["1", "2", "3"]), where=st.integers(0, 4),
       due=st.sampled_from([None, "By 31.3.13"]), lead=st.sampled_from([None, "sm-qa", "Someone"]))
def test_an_addition_writes_the_same_bytes_as_when_the_whole_file_is_composed(source, rec, where, due,
                                                                                lead):
    old = source[0]
    ids = sorted(aid for aid in source[1] if aid.startswith(rec + "."))
    anchor = ids[where] if where < len(ids) else None
    add = Addition("Re-audit the sample", rec=rec, due=due, lead=lead,
                        after=anchor if where % 2 else None, before=None if where % 2 else anchor)
    try:
        fast = add_bytes(old, "plans/p.yaml", add)
    except PlanctlError as exc:
        with pytest.raises(type(exc)) as slow:
            slow_add(old, add)
        assert str(slow.value) == str(exc)
        return
    slow = slow_add(old, add)
    assert (fast.new, fast.action_id, fast.warnings) == (slow.new, slow.action_id, slow.warnings)
    assert Doc.of_item(old.decode("utf-8-sig"), next(
        r for r in plan_of(old).recommendations if r.id == rec).line) is not None


PLAN = """\
plan:
  title: Tricky layouts
leads:
  sm-qa: Service Manager QA
recommendations:
  - text: One
    actions:
      - text: Plain
        due: By 14.9.12
      - text: &t Anchored
        due: By 14.9.12
        lead: sm-qa   # a comment
# a comment at the margin, inside the action
        status: not-started
      - {text: Flow on a line, due: 27.10.12}
      - {text: "A flow mapping",
  due: 27.10.12}
      - text: "a quoted text that
  goes on at the margin"
        due: 27.10.12
      - text: |
          A block text

      -
        text: Dash on its own line
  - text: Two
    actions: [{text: In a flow list, due: 27.10.12}]
    # a comment after a flow list
  - text: Three
    actions:
    - text: Indentless
      due: By 14.9.12
    - text: Last, at the very end
      due: By 14.9.12"""


@pytest.mark.parametrize("nl", ["\n", "\r\n"])
@pytest.mark.parametrize("kind", ["done", "note", "start", "rate"])
def test_tricky_layouts_edit_the_same_either_way(kind, nl):
    data = PLAN.replace("\n", nl).encode()
    text = data.decode()
    plan = plan_of(data)
    edit = Edit(kind, date(2012, 10, 1), text="Checked", value="amber")
    located = 0
    for action in plan.actions:
        found = Doc.of_item(text, action.line, action.column)
        if found is not None:
            located += 1
            assert tree(found[1]) == tree(whole_file_node(text, action.id))
        fast = edit_bytes(data, "plans/p.yaml", action.id, edit)
        assert fast.new == slow_edit(data, action.id, edit).new
        assert plan_of(fast.new)  # and it loads
    for rec in plan.recommendations:
        add = Addition("Added", rec=rec.id)
        assert add_bytes(data, "plans/p.yaml", add).new == slow_add(data, add).new
    # The plain, anchored, one-line flow, block-text, indentless and last actions are found
    # alone; a flow mapping or quoted text that runs on at the margin, a dash on its own
    # line and a flow list of actions are not.
    assert located == 6


@pytest.mark.parametrize("odd", ["\t", "\u2028", "%YAML 1.1\n---\n"])
def test_text_whose_lines_yaml_and_editors_count_differently_is_composed_whole(odd):
    text = "plan:\n  title: T\nrecommendations:\n  - text: R\n    actions:\n      - text: A\n"
    if odd == "\t":
        text += "        \tdue: 27.10.12\n"
    elif odd.startswith("%"):
        text = odd + text
    else:
        text = text.replace("title: T", f"title: T{odd}x")
    assert Doc.of_item(text, text.count("\n") - (1 if odd == "\t" else 0), 9) is None


# -- the read-back comparison ----------------------------------------------------------


def shifted(plan, by: int):
    return evolve(plan, recommendations=tuple(
        evolve(r, line=r.line + by, actions=tuple(
            evolve(a, line=a.line + by, column=a.column + 1) for a in r.actions))
        for r in plan.recommendations), leads=tuple(
        evolve(lead, line=lead.line + by) for lead in plan.leads))


def changed(plan, which: int, what: str):
    actions = list(plan.actions)
    a = actions[which % len(actions)]
    new = {"text": evolve(a, text=a.text + "!"),
           "update": evolve(a, updates=a.updates + (Update(date(2012, 1, 1), "x"),)),
           "id": evolve(a, id=a.id + "x")}[what]
    return evolve(plan, recommendations=tuple(
        evolve(r, actions=tuple(new if x is a else x for x in r.actions))
        for r in plan.recommendations))


@pytest.mark.slow
@SETTINGS
@given(source=plan_source(), by=st.integers(-3, 3), which=st.integers(0, 20),
       what=st.sampled_from(["none", "text", "update", "id", "title", "lead", "dropped"]))
def test_the_quick_comparison_agrees_with_comparing_copies_without_lines(source, by, which, what):
    a = plan_of(source[0])
    b = shifted(a, by)
    if what == "title":
        b = evolve(b, title=b.title + "!")
    elif what == "lead":
        b = evolve(b, leads=b.leads[:-1])
    elif what == "dropped":
        b = evolve(b, recommendations=b.recommendations[:-1])
    elif what != "none":
        b = changed(b, which, what)
    expected = rewrite._without_lines(a) == rewrite._without_lines(b)
    assert rewrite._same_but_lines(a, b) is expected
    assert rewrite._same_but_lines(b, a) is expected
    if what == "none":
        assert expected


def test_a_plan_that_has_cached_a_lookup_still_compares_as_its_fields():
    """A Plan keeps some lookups it computes (theme_of) in its instance; they are not fields."""
    a = plan_of(textwrap.dedent("""\
        plan:
          title: T
        themes:
          q: Quality
        recommendations:
          - text: R
            theme: q
            actions:
              - text: A
    """).encode())
    b = shifted(a, 2)
    assert a.theme_of(next(a.actions)) == "q"  # a now holds its lookup, b does not
    assert rewrite._same_but_lines(a, b) and rewrite._same_but_lines(b, a)


# -- the parse cache ---------------------------------------------------------------------

SMALL = """\
plan:
  title: Cache plan
recommendations:
  - text: One
    actions:
      - text: Audit the files
        due: By 14.9.12
"""


def entries(tmp_path):
    return sorted(p.name for p in (tmp_path / "cache").glob("planctl/v*/*"))


def test_the_edited_file_is_in_the_cache_for_the_next_command(tmp_path, write_plan, run):
    path = write_plan(SMALL)
    result = run("done", "1.1", "--plans", str(path.parent), "--today", "2012-10-01")
    assert result.exit_code == 0, result.output
    new = path.read_bytes()
    assert b"status: completed" in new
    key = cache.entry_key(new, str(path), None, "\0")
    assert cache.entry_path(key).is_file()
    plan, problems, _ = cache.read_entry(cache.entry_path(key), key)
    assert plan == load_text(new, str(path))[0]


def test_no_cache_keeps_the_edit_away_from_the_cache(tmp_path, write_plan, run):
    path = write_plan(SMALL)
    result = run("--no-cache", "done", "1.1", "--plans", str(path.parent), "--today", "2012-10-01")
    assert result.exit_code == 0, result.output
    assert b"status: completed" in path.read_bytes()
    assert entries(tmp_path) == []


def test_a_cached_plan_for_other_bytes_is_never_used(tmp_path, write_plan, run):
    """The entry is found by the bytes read under the lock, not by the path: a file changed
    after the folder was loaded is edited as it now reads."""
    path = write_plan(SMALL)
    run("status", "--plans", str(path.parent), "--today", "2012-10-01")
    assert entries(tmp_path)
    path.write_text(SMALL.replace("Audit the files", "Audit every file")
                    + "  - text: Two\n    actions:\n      - text: Train staff\n", encoding="utf-8")
    result = apply_file(path, "1.1", Edit("done", date(2012, 10, 1)))
    first = next(plan_of(result.new).actions)
    assert (first.text, first.progress) == ("Audit every file", "completed")
