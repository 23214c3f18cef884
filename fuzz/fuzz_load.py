"""Coverage-guided fuzzing of the plan loader and the timescale parser with atheris.

Not run in CI (it runs until stopped). Install and run:

    .venv/bin/pip install atheris
    .venv/bin/python fuzz/fuzz_load.py -max_total_time=300 -rss_limit_mb=500 fuzz/corpus

Seeds: pass tests/corpus/bad and tests/corpus/good as extra corpus folders. A
finding is any exception other than planctl's own errors, a problem without a
line and column >= 1, or a crash/timeout/memory blow-up reported by libFuzzer.
"""

from __future__ import annotations

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from planctl.core.timescale import TimescaleError, parse_date, parse_timescale
    from planctl.format.reader import load_text

from datetime import date  # noqa: E402

PUBLISHED = date(2012, 7, 27)


def test_one_input(data: bytes) -> None:
    plan, problems, _ = load_text(data, "fuzz.yaml")
    for p in problems:
        if p.line < 1 or p.column < 1:
            raise AssertionError(f"problem without a location: {p}")
    if plan is None and not problems and b"comparison" not in data:
        raise AssertionError("refused without saying why")
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(80)
    for parse in (parse_date, lambda t: parse_timescale(t, PUBLISHED), parse_timescale):
        with contextlib.suppress(TimescaleError):
            parse(text)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
