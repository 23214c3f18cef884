"""`planctl import`'s reading side: a CSV or XLSX file -> rows -> plan YAML.

text (encodings), csv and xlsx read the files, zipguard refuses workbook bombs,
plan assembles the plan from core/importing's grouping and writes it with
format/plan_yaml.
"""

from __future__ import annotations

from .plan import Imported, build_plan, summarise_warnings
from .read import read_rows

__all__ = ["Imported", "build_plan", "read_rows", "summarise_warnings"]
