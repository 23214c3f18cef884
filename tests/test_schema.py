"""docs/plan.schema.json: generated from the loader, up to date, and true to the plans."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml

from conftest import BUNDLED, ROOT
from planctl.format.schema import schema_text

jsonschema = pytest.importorskip("jsonschema")
SCHEMA_FILE = ROOT / "docs" / "plan.schema.json"


def as_editor_sees(value):
    """YAML 1.1 (PyYAML) types 2012-07-27 as a date; editors' YAML 1.2 keeps it as text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    return value


def errors(data) -> list[str]:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    return [e.message for e in validator.iter_errors(as_editor_sees(data))]


def test_committed_schema_is_up_to_date():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate it: python -m planctl.format.schema > docs/plan.schema.json")
    jsonschema.Draft7Validator.check_schema(json.loads(schema_text()))


@pytest.mark.parametrize("path", sorted((ROOT / "plans").rglob("*.yaml")), ids=lambda p: p.name)
def test_bundled_plans_validate(path):
    assert errors(yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_init_template_and_imported_plans_validate(run, tmp_path):
    assert run("init", "--no-git", "--today", "2012-10-09").exit_code == 0
    template = yaml.safe_load((tmp_path / "plans" / "action-plan.yaml").read_text(encoding="utf-8"))
    assert errors(template) == []
    source = tmp_path / "plan.csv"
    source.write_text("No,Recommendation,Action,Timescale,Lead,Progress,RAG\n"
                      "1,Improve,Audit files,Spring 2013,HoS,Done,\n"
                      ",,Report: yes,By 27.10.12 and 27.3.13,hos,Training booked,A\n",
                      encoding="utf-8")
    assert run("import", str(source), "-o", "plans/imported.yaml", "--today", "9.10.12").exit_code == 0
    imported = yaml.safe_load((tmp_path / "plans" / "imported.yaml").read_text(encoding="utf-8"))
    assert errors(imported) == []


def test_schema_rejects_what_check_rejects(run, write_plan):
    bundled = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    action = bundled["recommendations"][0]["actions"][0]
    action["staus"] = "done"  # a typo: check says E012 unknown key
    assert any("staus" in e for e in errors(bundled))
    del action["staus"]
    action["status"] = "finished-ish"
    assert errors(bundled) != []
    for written in ("In progress", "COMPLETED", "in_progress", "Done", "cancelled"):
        action["status"] = written
        assert errors(bundled) == [], written
    action["x-rag"] = "Amber"  # x- keys are the user's
    action["id"] = 3.10  # what YAML 1.1 makes of an unquoted id
    assert errors(bundled) == []


def test_plan_dates_validate_as_check_reads_them(run, write_plan):
    plan = {"plan": {"title": "T", "dates": {"letter": "2026-03-02", "plan accepted": "10.4.26"}},
            "recommendations": []}
    assert errors(plan) == []
    write_plan(yaml.safe_dump(plan))
    assert run("check").exit_code == 0
    for bad in (["letter", "2026-03-02"], {"letter": {"on": "2026-03-02"}}, "2026-03-02"):
        plan["plan"]["dates"] = bad
        assert errors(plan) != [], bad
        write_plan(yaml.safe_dump(plan))
        assert run("check").exit_code == 1, bad
