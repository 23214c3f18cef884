"""findings: the inspection's own judgements (Appendix 1), by area, with counts per grade."""

from __future__ import annotations

import json

AREAS = ("Safeguarding services", "Services for looked after children")


def findings_json(run):
    result = run("findings", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["plans"]) == 1
    return data["plans"][0]


def judgements(plan):
    return [(area["area"], j["name"], j["grade"]) for area in plan["areas"]
            for j in area["judgements"]]


def test_overall_judgements_are_good(run, bundled):
    # Report 3.1: "Thurrock scored 'Good' for safeguarding, looked after children and
    # capacity to improve."
    plan = findings_json(run)
    by_area = {area["area"]: area["judgements"] for area in plan["areas"]}
    for area in AREAS:
        assert {j["name"]: j["grade"] for j in by_area[area]} == {
            "Overall effectiveness": "Good", "Capacity for improvement": "Good"}


def test_the_adequate_judgements_are_the_four_the_report_names(run, bundled):
    # Report 3.2: quality of provision and quality assurance in safeguarding, and health
    # provision in safeguarding and for looked after children, were adequate.
    plan = findings_json(run)
    adequate = [(area, name) for area, name, grade in judgements(plan) if grade == "Adequate"]
    assert len(adequate) == 4
    names = " | ".join(name for _, name in adequate).lower()
    assert "quality of provision" in names and "quality assurance" in names
    assert "health" in names and "being healthy" in names
    assert plan["counts"]["Adequate"] == 4


def test_counts_per_grade_follow_the_judgements(run, bundled):
    plan = findings_json(run)
    grades = [grade for _, _, grade in judgements(plan)]
    assert plan["counts"] == {g: grades.count(g) for g in plan["scale"]}
    assert plan["total"] == len(grades) == sum(plan["counts"].values())
    assert plan["good_or_better"] == plan["counts"]["Outstanding"] + plan["counts"]["Good"]
    # Each judgement is an object with name and grade.
    for area in plan["areas"]:
        for j in area["judgements"]:
            assert set(j) == {"name", "grade"}


def test_changing_a_grade_changes_the_counts(run, bundled):
    before = findings_json(run)["counts"]
    text = bundled.read_text(encoding="utf-8")
    text = text.replace("{name: Being healthy, grade: Adequate}",
                        "{name: Being healthy, grade: Inadequate}")
    bundled.write_text(text, encoding="utf-8")
    after = findings_json(run)["counts"]
    assert after["Adequate"] == before["Adequate"] - 1
    assert after["Inadequate"] == before["Inadequate"] + 1


def test_table_shows_every_grade_word_with_or_without_colour(run, bundled):
    plain = run("findings", "--no-color")
    assert plain.exit_code == 0
    assert "\x1b[" not in plain.stdout
    for area in AREAS:
        assert area in plain.stdout
    assert "Adequate" in plain.stdout and "Good" in plain.stdout
    assert "4 Adequate" in plain.stdout
    coloured = run("findings", "--color")
    assert "\x1b[" in coloured.stdout
    assert "Adequate" in coloured.stdout


def test_markdown_has_one_table_per_area(run, bundled):
    result = run("findings", "--format", "markdown")
    areas = findings_json(run)["areas"]
    assert result.stdout.count("## ") == len(areas)
    assert "| Being healthy | Adequate |" in result.stdout


def test_a_plan_without_findings(run, write_plan):
    write_plan("""\
        plan: {title: T}
        recommendations:
          - text: R
            actions: [{text: A, due: 1.1.13}]
    """)
    result = run("findings")
    assert result.exit_code == 0
    assert "No plan has findings" in result.stdout
    assert json.loads(run("findings", "--format", "json").stdout) == {"plans": []}


def test_a_grade_off_the_plan_scale_is_an_error(run, write_plan):
    write_plan("""\
        plan: {title: T}
        recommendations:
          - text: R
            actions: [{text: A, due: 1.1.13}]
        findings:
          scale: [Outstanding, Good, Requires improvement, Inadequate]
          areas:
            - area: Overall
              judgements:
                - {name: Overall effectiveness, grade: Adequate}
    """)
    result = run("findings")
    assert result.exit_code == 3
    assert "p.yaml:10:" in result.stderr and "'Adequate' is not on the scale" in result.stderr


def test_another_scale_counts_its_own_grades(run, write_plan):
    write_plan("""\
        plan: {title: T, authority: Anytown}
        recommendations:
          - text: R
            actions: [{text: A, due: 1.1.13}]
        findings:
          scale: [Outstanding, Good, Requires improvement, Inadequate]
          areas:
            - area: Overall
              judgements:
                - {name: Overall effectiveness, grade: requires improvement}
                - {name: Leadership, grade: Good}
    """)
    plan = findings_json(run)
    assert plan["counts"] == {"Outstanding": 0, "Good": 1, "Requires improvement": 1,
                              "Inadequate": 0}
    assert plan["good_or_better"] == 1
