"""render.json.dumps is byte-for-byte json.dumps(indent=2, ensure_ascii=False), only faster."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from planctl.render.json import dumps

leaves = st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=True)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    | st.tuples(inner, inner),
    max_leaves=30,
)


@given(values)
def test_dumps_matches_the_json_module(value):
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_dumps_of_non_text_keys_matches_the_json_module():
    value = {"a": {1: "x", None: [True]}, "b": 2.5}
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_status_json_output_is_what_the_json_module_writes(run, bundled):
    out = run("status", "--format", "json", "--today", "2012-10-09").stdout
    assert out == json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n"
