"""The type of the JSON documents planctl builds and prints (docs/json.md, docs/report.md).

A document's values are of every JSON type, nested, and each command's document
has its own keys (documented, and pinned by tests/golden): Any is what they are.
"""

from __future__ import annotations

from typing import Any

JSONDict = dict[str, Any]  # one JSON object, as json.dumps takes it
