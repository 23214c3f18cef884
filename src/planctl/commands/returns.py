"""returns: a lead's actions as a spreadsheet to fill in (make) and read back (apply).

The workbook's layout is core/returns.py; docs/returns.md has the quarterly cycle.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def returns() -> None:
    """Quarterly returns: a spreadsheet per lead, filled in and read back.

    \b
    Examples:
      planctl returns make -o returns/ --by 2026-01-16
      planctl returns make --lead "HoS Ops"
    """


@returns.command("make")
def make() -> None:
    """Write one xlsx return per lead with that lead's open actions."""
    raise NotImplementedError
