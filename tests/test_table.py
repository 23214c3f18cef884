"""The terminal table: word wrap (the standard library's result, at a fraction of the cost) and
layout at any width and with any cell content."""

import io
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planctl.core.errors import safe_text
from planctl.render import Column, Section
from planctl.render.table import STATUS_STYLES, _render_section, _wrap_words
from planctl.render.terminal import Terminal, cell_len

words = st.sampled_from(["a", "bb", "ccc", "coaching/support", "IRT/DCT/AT", "x" * 30, "27.10.12"])


@given(st.lists(words, max_size=25), st.integers(min_value=1, max_value=60))
def test_wrap_matches_textwrap(chosen, width):
    text = " ".join(chosen)
    expected = [line.rstrip() for line in textwrap.wrap(text, width, break_on_hyphens=False)] or [""]
    assert _wrap_words(text, width) == expected
    assert all(len(line) <= width for line in _wrap_words(text, width))


@given(st.lists(st.sampled_from(["漢字", "日本語テキスト", "é", "a", "naïve"]), max_size=20),
       st.integers(min_value=2, max_value=30))
def test_wide_characters_wrap_by_terminal_columns(chosen, width):
    lines = _wrap_words(" ".join(chosen), width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == "".join(chosen)


def test_colour_rules(monkeypatch):
    from planctl.render.terminal import terminal

    master, slave = os.openpty()
    tty = os.fdopen(slave, "w")
    try:
        monkeypatch.setenv("TERM", "xterm-256color")
        assert terminal(None, tty).styled  # a terminal
        monkeypatch.setenv("TERM", "dumb")
        assert not terminal(None, tty).styled  # a terminal that cannot style
        assert terminal(True, tty).styled  # unless asked
    finally:
        tty.close()
        os.close(master)
    pipe = io.StringIO()
    assert not terminal(None, pipe).styled
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert terminal(None, pipe).styled and not terminal(False, pipe).styled
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal(None, pipe).no_color and not terminal(True, pipe).no_color
    monkeypatch.setenv("COLUMNS", "132")
    assert terminal(None, pipe).width == 132


# --- Layout at any width: issue 12 item 1 ----------------------------------------------------


# Letters, spaces, wide (CJK, emoji), combining marks, tabs, newlines and control characters.
pieces = st.sampled_from(["a", "Zz", " ", "漢", "字", "😀", "e\u0301", "\u0301", "\t", "\n", "\x1b[31m",
                          "-", "/", "2012-10-09", "Service Manager FST"])
long_words = st.builds(lambda ch, n: ch * n, st.sampled_from(["x", "漢", "e\u0301"]),
                       st.integers(min_value=0, max_value=800))
cell_text = st.lists(st.one_of(pieces, long_words), max_size=12).map("".join)
columns = st.lists(st.builds(Column, header=cell_text, wrap=st.sampled_from([0, 0, 1, 2, 3]),
                             justify=st.sampled_from(["left", "right"])), min_size=1, max_size=7)


def _ink(text: str) -> Counter:
    """The visible characters of a text, whatever the line breaks and padding."""
    return Counter(ch for ch in text if not ch.isspace())


def _check_layout(cols, rows, width):
    """Any table at any width: finishes, loses no text, splits no id, status word or other
    word of a fixed column, and overflows the width only with one such unbreakable word (or
    one wide character on a one-column screen)."""
    section = Section(None, cols)
    for row in rows:
        section.add(row, row[-1] if row and row[-1] in STATUS_STYLES else None)
    term = Terminal(io.StringIO(), False, False, width, True)
    lines = _render_section(section, width, term, "─")  # finishing at all is the first assertion
    cells = [[safe_text(c).replace("\t", " ") for c in row] for row in rows]
    body = "\n".join(line for line in lines if not line or set(line) != {"─"})  # not the rule
    cell_ink = _ink("".join("".join(row) for row in cells))
    assert not cell_ink - _ink(body), width  # no text lost
    tokens = Counter(body.split())
    fixed = [i for i, col in enumerate(cols) if not col.wrap]
    whole = {w for row in cells for i in fixed for w in row[i].split()}
    for word in whole:
        assert any(word in t for t in tokens), (word, width)  # never cut
    whole |= {w for i in fixed for w in cols[i].header.split()}  # nor a label's words
    whole |= {w + ":" for i in fixed for w in cols[i].header.split()[-1:]}
    for line in lines:
        if cell_len(line) > width:
            assert len(line.split()) == 1, (line, width)
            assert line.strip() in whole or cell_len(line.strip()) <= 2, (line, width)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.builds(Column, header=st.sampled_from(["ID", "Action", "Lead", "Completed",
                                                          "Due soon", "x" * 30]),
                          wrap=st.sampled_from([0, 0, 1, 2, 4]),
                          justify=st.sampled_from(["left", "right"])), min_size=1, max_size=7),
       st.data(), st.integers(min_value=1, max_value=300))
def test_any_table_at_any_width_keeps_every_word_whole_that_it_can(cols, data, width):
    small = st.lists(st.sampled_from(["a", "bb", "overdue", "on-track", "13.2", "27 Oct 2012",
                                      "coaching/support", "漢字", "naïve", "x" * 40, " ", "\n"]),
                     max_size=8).map(" ".join)
    rows = data.draw(st.lists(st.lists(small, min_size=len(cols), max_size=len(cols)), max_size=4))
    _check_layout(cols, rows, width)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(columns, st.data(), st.integers(min_value=1, max_value=300))
def test_any_table_fits_any_width_without_losing_text(cols, data, width):
    rows = data.draw(st.lists(st.lists(cell_text, min_size=len(cols), max_size=len(cols)), max_size=5))
    _check_layout(cols, rows, width)


def test_a_column_wider_than_the_terminal_wraps_instead_of_looping():
    section = Section(None, [Column("Action"), Column("Author"), Column("Text", wrap=1)])
    section.add(["1.1", "Alexandra Montgomery-Smithson-Featherstonehaugh", "Audit of plans " * 5])
    term = Terminal(io.StringIO(), False, False, 40, True)
    lines = _render_section(section, 40, term, "─")
    assert all(cell_len(line) <= 40 for line in lines)
    # Author (a fixed column) cannot fit beside a readable Text column: one block per row.
    assert lines == ["1.1", "  Author: Alexandra", "  Montgomery-Smithson-Featherstonehaugh",
                     "  Audit of plans Audit of plans Audit of", "  plans Audit of plans Audit of plans"]


def test_a_long_word_wraps_in_pieces_of_the_width():
    word = "x" * 100_003 + "漢" * 1001
    lines = _wrap_words("see " + word, 9)
    assert "".join(lines) == "see " + word  # the word starts on the line it would begin
    assert all(cell_len(line) <= 9 for line in lines)
    assert lines[1] == "x" * 9 and lines[-1] == "漢" * (1001 % 4)  # four wide ones fill 8 of 9


@pytest.mark.slow
def test_slippage_with_a_long_author_name_finishes_at_any_width(tmp_path):
    root = Path(__file__).resolve().parents[1]
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "plan.yaml"
    plan.write_text((root / "plans" / "thurrock-2012-slac.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    env = dict(os.environ, HOME=str(tmp_path), GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Alexandra Montgomery-Smithson", GIT_AUTHOR_EMAIL="a@example.invalid",
               GIT_COMMITTER_NAME="Alexandra Montgomery-Smithson",
               GIT_COMMITTER_EMAIL="a@example.invalid", XDG_CACHE_HOME=str(tmp_path / "cache"))
    for args in (["init", "-q", "-b", "main"], ["add", "plans"], ["commit", "-qm", "Agreed"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    plan.write_text(plan.read_text(encoding="utf-8").replace("By 31.12.12", "By 31.3.13"),
                    encoding="utf-8")
    subprocess.run(["git", "commit", "-qam", "Moved"], cwd=tmp_path, env=env, check=True,
                   capture_output=True)
    exe = Path(sys.executable).parent / "planctl"
    for columns in ("20", "40", "80"):
        proc = subprocess.run([str(exe), "slippage", "--today", "2012-10-09"], cwd=tmp_path,
                              env=dict(env, COLUMNS=columns), capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert "Alexandra" in proc.stdout or columns != "80"  # not clipped where there is room


# --- Narrow terminals: issue 21 item 6 ---------------------------------------------------------


@pytest.mark.parametrize("args", [["status"], ["overdue", "--by-lead"], ["upcoming", "--days", "60"],
                                  ["leads"], ["status", "--by-rec"], ["show", "3"]])
@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
def test_the_bundled_plan_splits_no_word_at_common_widths(run, bundled, args, width):
    """Every word the wide table shows appears whole at this width (labels aside), and each
    line fits: a table where one can be read, else one block per action."""
    wide = run(*args, "--today", "2012-10-09", env={"COLUMNS": "1000"}).stdout
    out = run(*args, "--today", "2012-10-09", env={"COLUMNS": str(width)}).stdout
    known = set(wide.split())
    pieces = [t for t in out.split() if t not in known and not t.endswith(":") and set(t) != {"─"}]
    assert not pieces, (width, pieces[:10])
    assert all(len(line) <= width for line in out.splitlines())
    assert Counter(t for t in out.split() if t in STATUS_STYLES) == Counter(
        t for t in wide.split() if t in STATUS_STYLES)


def test_a_narrow_terminal_shows_one_block_per_action(run, bundled):
    out = run("status", "--today", "2012-10-09", env={"COLUMNS": "40"}).stdout
    assert "ID" not in out.split() and "─" not in out  # no header row, no rule
    block = next(b for b in out.split("\n\n") if b.startswith("5.2 "))
    assert block.splitlines() == [  # id, status and dates on one line, the text under them
        "5.2  overdue  Due: 14 Sep 2012",
        "  Late: 25d",
        "  All casework supervisors will explore",
        "  in one to one the development needs of",
        "  supervisees in relation to",
        "  chronologies and put in place",
        "  coaching/support",
        "  Lead: Head of Care and Targeted",
        "  Outcomes",
        "  Timescale: By 14.9.12"]
