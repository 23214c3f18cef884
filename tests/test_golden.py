"""Every read command and report format, byte for byte, as pinned in tests/golden/out.

These runs guard refactors: a change that alters any output fails here. After an
intended change, rewrite the files with `python tests/golden/cases.py --update`
and review their diff like code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
import cases  # noqa: E402

# The quick run pins a sample (a read, a report, git history, a bad plan); the rest are slow:
# each case is a real planctl process.
QUICK = {"bundled/status.table", "bundled/report.html", "git/diff.json", "corpus/bad/alias-bomb"}


@pytest.mark.parametrize(("name", "kind", "argv"), [
    pytest.param(*case, id=case[0], marks=() if case[0] in QUICK else pytest.mark.slow)
    for case in cases.cases()])
def test_output_is_as_pinned(tmp_path, name, kind, argv):
    expected = cases.golden_path(name)
    assert expected.exists(), f"no golden file for {name}: run python tests/golden/cases.py --update"
    folder = tmp_path / "case"
    cases.setup(folder, kind)
    assert cases.run_case(folder, argv) == expected.read_bytes().decode("utf-8")
