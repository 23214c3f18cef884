"""render.json.dumps: the same JSON values as the json module, laid out one object per line."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from planctl.render.json import dumps

leaves = st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@given(values)
def test_dumps_gives_the_same_value_as_the_json_module(value):
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))


def test_status_json_has_one_action_per_line(run, bundled):
    out = run("status", "--format", "json", "--today", "2012-10-09").stdout
    data = json.loads(out)
    action_lines = [line for line in out.splitlines() if line.lstrip().startswith('{"plan": ')]
    assert len(action_lines) == len(data["actions"]) == 62
    assert [json.loads(line.strip().rstrip(",")) for line in action_lines] == data["actions"]
    assert out.startswith('{\n  "as_of": "2012-10-09",\n  "actions": [\n')


# Text with what the encoders might write differently: controls, bidi marks, astral
# characters and lone surrogates (the bytes of a file name that is not UTF-8).
# (Joined from lists: st.text leaves lone surrogates out.)
texts = st.lists(st.characters() | st.sampled_from(
    "\x00\x1f\x7f\"\\\u061c\u200f\u202e\u2028\u2029\ufeff\U0001f600\U0010ffff\udc80\ud800"),
    max_size=12).map("".join)
# Floats of every form (1e+16, 1e-05, nan, inf): json writes them differently from msgspec.
exact_leaves = (st.none() | st.booleans() | st.integers() | texts | st.floats()
                | st.integers(min_value=-(2**70), max_value=2**70))
exact_values = st.recursive(
    exact_leaves,
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                   | st.dictionaries(texts, inner, max_size=4)
                   | st.dictionaries(st.integers() | st.floats(allow_nan=False), inner, max_size=2)),
    max_leaves=30,
)


def _spread(value):
    """An object holding objects, or a list holding containers: laid out over lines."""
    if isinstance(value, dict):
        return any(_spread(v) if isinstance(v, dict) else
                   isinstance(v, list | tuple) and any(isinstance(x, dict | list | tuple) for x in v)
                   for v in value.values())
    return isinstance(value, list | tuple) and any(isinstance(x, dict | list | tuple) for x in value)


def _reference(value, pad=""):
    """The layout of docs/json.md written with the json module alone: the bytes to match."""
    if not _spread(value):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    inner = pad + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_reference(v, inner)}"
                 for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return "[\n" + ",\n".join(inner + _reference(v, inner) for v in value) + "\n" + pad + "]"


@given(exact_values)
def test_dumps_writes_exactly_the_json_modules_text(value):
    # msgspec writes most of it; what it writes differently (floats, keys that are not
    # strings, lone surrogates) must still come out as the json module writes it.
    assert dumps(value) == _reference(value)
