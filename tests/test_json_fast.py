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
