"""The bundled plan is the seed's Appendix 3, transcribed completely and faithfully."""

import re
from datetime import date

import pytest

from conftest import BUNDLED, ROOT
from planctl.store.files import load_paths

SEED = ROOT.parent / "shared" / "seed" / "ofsted-slac-2012-committee-report.txt"


@pytest.fixture(scope="module")
def plan():
    result = load_paths([BUNDLED])
    assert result.errors == []
    return result.plans[0]


@pytest.fixture(scope="module")
def appendix3() -> str:
    if not SEED.exists():
        pytest.skip(f"the seed report is not beside the project ({SEED})")
    text = SEED.read_text(encoding="utf-8")
    text = text[text.index("Action Plan to Implement Recommendations"):]
    return " ".join(re.sub(r"</?p>|\*\*", " ", text).split())


def test_nineteen_recommendations_and_sixty_two_actions(plan):
    assert [r.id for r in plan.recommendations] == [str(i) for i in range(1, 20)]
    assert len(list(plan.actions)) == 62
    assert [len(r.actions) for r in plan.recommendations] == [
        4, 2, 2, 3, 4, 3, 4, 6, 3, 3, 4, 4, 3, 2, 3, 3, 4, 2, 3]


def test_every_text_and_timescale_is_verbatim_from_the_seed(plan, appendix3):
    for rec in plan.recommendations:
        assert f"{rec.id}. {rec.text}" in appendix3, rec.id
        for action in rec.actions:
            assert action.text in appendix3, action.id
            assert action.timescale.text in appendix3, action.id


def test_every_lead_resolves_to_a_canonical_lead(plan):
    assert all(key is not None for a in plan.actions for key in a.lead_keys)
    by_id = {a.id: a.leads for a in plan.actions}
    # One lead written several ways in the seed is one lead here.
    assert by_id["8.1"] == by_id["8.6"] == ("Service Manager Through Care",)
    assert by_id["7.2"] == by_id["5.3"] == by_id["5.1"] == ("Service Manager Workforce Development",)
    assert by_id["6.2"] == by_id["5.2"] == ("Head of Care and Targeted Outcomes",)
    assert by_id["18.1"] == by_id["12.1"] == ("Service Manager Placements",)


def test_completed_marks_belong_to_the_first_action_of_their_row(plan):
    done = [a.id for a in plan.actions if a.progress == "completed"]
    assert done == ["1.1", "2.1", "9.1", "10.1", "15.1", "17.1"]


def test_metadata_and_immediate(plan):
    assert plan.inspection.published == date(2012, 7, 27)
    assert (plan.version, plan.updated) == ("1.1", date(2012, 8, 20))
    immediate = [a for a in plan.actions if a.timescale.text == "Immediate"]
    assert [a.id for a in immediate] == ["15.1", "16.1", "17.1"]
    assert all(a.timescale.first_due == date(2012, 7, 27) for a in immediate)


def test_bodies_have_full_names(plan):
    names = {b.key: b.name for b in plan.bodies}
    assert names["LSCB"] == "Local Safeguarding Children Board"
    assert names["CPC"] == "Corporate Parenting Committee"
    used = {b for a in plan.actions for b in a.report_to}
    assert used <= set(names)


def test_findings_are_appendix_one(plan, appendix3):
    judgements = [(j.name, j.grade) for area in plan.findings.areas for j in area.judgements]
    assert len(judgements) == 22
    seed = SEED.read_text(encoding="utf-8")
    for name, grade in judgements:
        assert re.search(re.escape(name) + r"\s+" + grade, seed), name


def test_the_only_warning_is_the_date_before_publication(plan):
    result = load_paths([BUNDLED])
    warnings = [(p.code, p.line) for p in result.problems if p.severity == "warning"]
    assert len(warnings) == 1 and warnings[0][0] == "W103"
    assert "due: By 27.3.12" in BUNDLED.read_text().splitlines()[warnings[0][1] - 1]
