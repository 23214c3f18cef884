"""An action's `signed_off:` and the plan's `signoff:` option, read with located problems.

`signed_off: {by: NAME, on: DATE, evidence: TEXT}`: `by` and `on` are required (a sign-off
without a name or a date says nothing a committee can rely on); `evidence` is optional.
"""

from __future__ import annotations

import yaml

from ..core.model import SignOff
from .nodes import NodeReader

SIGNED_OFF_KEYS = {"by", "on", "evidence"}
SIGNOFF_CHOICES = ("required", "optional")
MAX_SIGNER = 200  # a name, a role or a board: never a page of text
_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def read_signed_off(r: NodeReader, node: yaml.Node, where: str) -> SignOff | None:
    if r.is_null(node):
        return None  # `signed_off:` left empty: not signed off
    m = r.mapping(node, f"{where} signed_off", SIGNED_OFF_KEYS, ("by", "on"))
    if not m or "by" not in m or "on" not in m:
        return None
    by = r.text(m["by"][1], f"{where} signed_off by")
    if by is not None and (any(ch in by for ch in _BREAKS) or len(by) > MAX_SIGNER):
        r.report(m["by"][1], "E029", f"{where} signed_off by must be one line of at most "
                 f"{MAX_SIGNER} characters: who signed it off (a name, a role or a board)")
        by = None
    on = r.date(m["on"][1], f"{where} signed_off on")
    if on is None and r.is_null(m["on"][1]):
        r.report(m["on"][1], "E011", f"{where} signed_off needs the date it was signed off ('on:')")
    evidence = r.text(m["evidence"][1], f"{where} signed_off evidence") if "evidence" in m else None
    if by is None or on is None:
        return None
    signed = SignOff(by, on, evidence)
    r.located.add(signed, {"on": r.at(m["on"][1])})  # W145 points at the date (check --today)
    return signed
