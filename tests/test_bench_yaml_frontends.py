"""bench/yaml_frontends.py: its checks catch what disqualifies a YAML front end."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
frontends = pytest.importorskip("yaml_frontends")


def test_characters_names_each_value_a_parser_retypes():
    # PyYAML's constructor types plain scalars (YAML 1.1): exactly what the reader must not do.
    said = frontends.characters(frontends._bare_load)
    assert "id: 3.10 -> 3.1" in said
    assert "lead: NO -> False" in said
    assert "count: 010 -> 8" in said


def test_agreement_is_empty_for_libyaml_and_lists_what_a_lax_parser_accepts():
    assert frontends.agreement(lambda text: yaml.compose(text, Loader=yaml.CSafeLoader)) == []
    lax = frontends.agreement(lambda text: None)
    assert "corpus/bad/syntax-unclosed-quote.yaml (libyaml refuses, it accepts)" in lax
    assert "unclosed flow list (libyaml refuses, it accepts)" in lax
    assert not any("corpus/good/" in case for case in lax)
