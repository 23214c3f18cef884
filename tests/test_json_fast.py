"""render.json.dumps: the same JSON values as the json module, laid out one object per line."""

from __future__ import annotations

import io
import json
import re
import sys

from hypothesis import given
from hypothesis import strategies as st
from msgspec import UNSET

from planctl.render.json import ActionLine, as_dict, dumps, encode, json_out

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


# What json_out wrote before it wrote bytes: dumps' text, then bidi controls and line
# separators as \u escapes and lone surrogates as the text `\xNN` (docs/json.md).
_OLD_INVISIBLE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def _old_escape(m):
    code = ord(m.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"\\\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\\\u{code:04x}"
    return f"\\u{code:04x}"


def _old_json_out(value):
    return (_OLD_INVISIBLE.sub(_old_escape, _reference(_plain(value))) + "\n").encode("utf-8")


def _plain(value):
    """The value with each ActionLine as the dict it stands for (what json.dumps takes)."""
    if isinstance(value, ActionLine):
        return _plain(as_dict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _written(value, stream):
    old, sys.stdout = sys.stdout, stream
    try:
        json_out(value)
    finally:
        sys.stdout = old


def _bytes_out(value):
    """What json_out writes to standard output (UTF-8, written as bytes)."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    stream.write("before ")  # text written earlier stays earlier
    _written(value, stream)
    stream.flush()
    return raw.getvalue()


def _text_out(value):
    """What json_out writes to a text-only stream (`-o FILE` captures into a StringIO)."""
    stream = io.StringIO()
    _written(value, stream)
    return stream.getvalue().encode("utf-8")


def _unset_or(strategy):
    return st.just(UNSET) | strategy


awkward = st.lists(st.characters() | st.sampled_from(
    "\x00\x08\n\r\x0c\x1f\x7f\x85\"\\/\u061c\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029"
    "\ufeff\U0001f600\U0001f469\u200d\U0001f4bb\U0010ffff\udc80\udcff\ud800"),
    max_size=10).map("".join)
dates = st.sampled_from(["2013-01-31", "2012-10-09"]) | st.none()
updates = st.none() | st.fixed_dictionaries({"date": st.just("2013-02-01"), "text": awkward,
                                             "by": awkward | st.none()})
lines = st.builds(
    ActionLine, awkward, awkward, awkward, awkward, st.lists(awkward, max_size=3), dates, dates,
    awkward | st.none(), st.sampled_from(["overdue", "no-date"]), st.integers(0, 5000), awkward,
    st.lists(awkward, max_size=2), updates,
    start=_unset_or(dates), due_to_be_confirmed=_unset_or(st.just(True)),
    theme=_unset_or(awkward), rag=_unset_or(st.just("red")), ref=_unset_or(awkward),
    recommendation_ref=_unset_or(awkward), progress_note=_unset_or(awkward),
    signoff=_unset_or(st.none() | st.fixed_dictionaries(
        {"state": st.just("signed-off"), "by": awkward, "on": dates, "evidence": awkward})),
    measures=_unset_or(st.lists(st.fixed_dictionaries(
        {"text": awkward, "baseline": awkward | st.none(), "target": st.none(),
         "actual": awkward}), min_size=1, max_size=2)),
)
documents = st.fixed_dictionaries({
    "as_of": st.just("2014-01-01"), "actions": st.lists(lines, max_size=4),
    "summary": st.fixed_dictionaries({"total": st.integers(0, 9), "overdue": st.integers(0, 9)}),
}) | st.fixed_dictionaries({  # overdue --by-lead: actions two levels down
    "as_of": st.just("2014-01-01"),
    "leads": st.lists(st.fixed_dictionaries({"lead": awkward, "count": st.integers(0, 9),
                                             "actions": st.lists(lines, max_size=3)}), max_size=2),
})


@given(documents)
def test_json_out_writes_the_bytes_the_json_module_path_wrote(document):
    # NUL and other controls, lone surrogates (a file name that is not UTF-8), U+2028,
    # bidi marks, emoji: the bytes msgspec writes are the bytes json.dumps and the
    # escaping after it wrote, to a UTF-8 stdout and to a text-only stream alike.
    expected = _old_json_out(document)
    assert _bytes_out(document) == b"before " + expected
    assert _text_out(document) == expected
    assert encode(document) + b"\n" == expected


@given(exact_values)
def test_json_out_of_any_value_is_the_json_module_path(value):
    assert _bytes_out(value) == b"before " + _old_json_out(value)


def test_action_line_keys_are_the_documented_order():
    # The keys of an action object are a contract (docs/json.md): these, in this order,
    # the optional ones only when given.
    line = ActionLine("P", "1", "1.1", "t", [], None, None, None, "no-date", 0, "not-started",
                      [], None, theme="safety")
    assert list(as_dict(line)) == ["plan", "recommendation", "id", "text", "leads", "due",
                                   "target", "timescale", "status", "days_overdue", "progress",
                                   "report_to", "latest_update", "theme"]
    assert encode(line).startswith(b'{"plan": "P", "recommendation": "1", "id": "1.1", ')


def test_json_of_plans_without_floats_does_not_load_the_json_module(bundled, tmp_path):
    # msgspec writes every action, key and summary of plain plans: the json module (2 ms of
    # a short command's start-up) is loaded only for what msgspec writes differently.
    import os
    import subprocess

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    code = ("import sys; from planctl.cli import cli\n"
            "cli.main(['overdue', '--format', 'json', '--today', '2013-06-01'], "
            "standalone_mode=False)\n"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    for _ in range(2):  # the second served by the cache
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, cwd=tmp_path, check=True)
    assert json.loads(proc.stdout)["actions"]
    modules = set(proc.stderr.split())
    assert "planctl.render.json" in modules and "json" not in modules


def test_thousands_of_actions_are_written_as_the_json_module_path_wrote():
    # Written a few thousand at a time: across the boundary, with a lone surrogate (written
    # one by one by the json module) in one batch and a bidi mark in another.
    def line(n):
        text = "file \udce9" if n == 10 else "\u202eevil" if n == 4500 else f"action {n}"
        return ActionLine("P", "1", f"1.{n}", text, ["Siân"], "2013-01-31", None, None,
                          "overdue", n, "not-started", [], None)

    document = {"as_of": "2014-01-01", "actions": [line(n) for n in range(8200)],
                "summary": {"total": 8200}}
    expected = _old_json_out(document)
    assert _bytes_out(document) == b"before " + expected
    assert b"file \\\\xe9" in expected and b"\\u202eevil" in expected


def test_json_on_a_terminal_is_shown_at_once():
    # A terminal's stdout is line-buffered: what json_out writes (as bytes, under the text
    # stream) reaches it before anything said after it, as text written there would.
    raw = io.BytesIO()
    stream = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", line_buffering=True)
    _written({"as_of": "2014-01-01", "actions": []}, stream)
    assert raw.getvalue() == b'{"as_of": "2014-01-01", "actions": []}\n'
