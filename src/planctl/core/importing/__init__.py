"""Spreadsheet rows -> the data of a plan, pure (no files, no YAML).

Councils keep action plans as Word or Excel tables: a few title rows, then a
header (No / Recommendation / Action / Timescale / Lead Person / Progress / RAG),
then one row per action where the number and recommendation cells are filled
only on the first row of each recommendation (merged cells). `columns` finds the
header and what each column holds, `rows` groups the rows into recommendations
and actions, `statuses` and `leads` turn cells into fields; store/importer reads
the files and format/plan_yaml writes the YAML.

Decisions (documented in docs/import.md):
- every timescale is kept as written; one that planctl cannot read becomes
  `due: "To be confirmed (as written: ...)"`, so it is still shown, `check`
  warns about it (W104) and the plan has no error;
- a progress word (Completed, In progress, Done, ...) or a Blue RAG becomes a
  status; other progress text becomes `progress:` (the latest position) and a
  Red/Amber/Green/Blue rating becomes `rag:`, beside the status planctl computes
  from dates; what fits neither is kept as an update dated the import date;
- a cell with one line per action of a split row gives each action its line;
- a lead cell left empty under a lead in the same recommendation takes that
  lead (a merged cell); a timescale is never copied down, since a wrong date
  is worse than a missing one.
"""

from __future__ import annotations

from ..errors import PlanctlError


class ImportProblem(PlanctlError):
    """The rows cannot become a plan (no header, an unknown --map field ...)."""
