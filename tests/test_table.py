"""The terminal table's word wrap: the standard library's result, at a fraction of the cost."""

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from planctl.render.table import _wrap_words

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
    from planctl.render.terminal import cell_len

    lines = _wrap_words(" ".join(chosen), width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == "".join(chosen)


def test_colour_rules(monkeypatch):
    import os

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
    import io

    pipe = io.StringIO()
    assert not terminal(None, pipe).styled
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert terminal(None, pipe).styled and not terminal(False, pipe).styled
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal(None, pipe).no_color and not terminal(True, pipe).no_color
    monkeypatch.setenv("COLUMNS", "132")
    assert terminal(None, pipe).width == 132
