"""compare and comparison files: the committee report's claims, reproduced from the data."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from planctl.format.comparisons import load_comparison_text, similar_names

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_COMPARISON = ROOT / "plans" / "comparisons" / "ofsted-slac-2012.yaml"
EFFECTIVENESS = ("--judgement", "safeguarding", "--judgement", "looked-after")


@pytest.fixture
def comparison(tmp_path) -> Path:
    """A copy of the bundled comparison file in tmp_path/plans/comparisons, safe to edit."""
    target = tmp_path / "plans" / "comparisons" / BUNDLED_COMPARISON.name
    target.parent.mkdir(parents=True)
    shutil.copy(BUNDLED_COMPARISON, target)
    return target


def compare_json(run, *args):
    result = run("compare", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def only_group(data):
    assert len(data["groups"]) == 1
    return data["groups"][0]


def set_grades(path: Path, authority: str, grades: str) -> None:
    """Rewrite one authority's grades everywhere it is listed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for line in lines:
        key = line.strip().split(":")[0]
        if key == authority and "[" in line:
            line = line[: line.index("[")] + grades + "\n"
        out.append(line)
    path.write_text("".join(out), encoding="utf-8")


# -- the report's sentences -----------------------------------------------------------


def test_statistical_neighbours_good_or_better_on_both_effectiveness_judgements(run, comparison):
    # "Compared to our statistical neighbour councils, Thurrock is one of only 4 to be
    # judged as good or better for both": 4 of the neighbours, and Thurrock beside them.
    group = only_group(compare_json(run, "--group", "Statistical Neighbours", *EFFECTIVENESS))
    others = [n for n in group["good_or_better_all"] if n != "Thurrock"]
    assert "Thurrock" in group["good_or_better_all"]
    assert len(others) == 4
    assert group["listed"] == 10
    # The same four are good or better on all four judgements too.
    everything = only_group(compare_json(run, "--group", "statistical neighbours"))
    assert everything["good_or_better_all"] == group["good_or_better_all"]


def test_statistical_neighbours_claim_follows_the_data(run, comparison):
    set_grades(comparison, "Dudley", "[Good, Good, Good, Good]")
    group = only_group(compare_json(run, "--group", "Statistical Neighbours", *EFFECTIVENESS))
    assert "Dudley" in group["good_or_better_all"]
    assert len([n for n in group["good_or_better_all"] if n != "Thurrock"]) == 5


def test_southend_and_thurrock_are_the_only_good_ones_in_the_eastern_region(run, comparison):
    group = only_group(compare_json(run, "--group", "Eastern Region", *EFFECTIVENESS))
    assert sorted(group["good_or_better_all"]) == ["Southend", "Thurrock"]
    # Thurrock is not listed in the Eastern Region group; it joins the comparison.
    compared = [a for a in group["authorities"] if a["compared"]]
    assert [a["name"] for a in compared] == ["Thurrock"]
    assert group["size"] == group["listed"] + 1


def test_eastern_region_claim_follows_the_data(run, comparison):
    set_grades(comparison, "Central Beds", "[Good, Good, Good, Good]")
    group = only_group(compare_json(run, "--group", "Eastern Region", *EFFECTIVENESS))
    assert "Central Beds" in group["good_or_better_all"]


def test_national_shares_good_or_better(run, comparison):
    # "of 125 inspections, only 38% councils scored good or better on safeguarding
    # with 52% scoring good or better on looked after children"
    data = compare_json(run, *EFFECTIVENESS)
    national = {row["judgement"]: row for row in data["national"]}
    safeguarding, looked_after = national["safeguarding"], national["looked-after"]
    assert safeguarding["total"] == 125
    assert round(safeguarding["good_or_better_pct"]) == 38
    assert round(looked_after["good_or_better_pct"]) == 52
    for row in national.values():
        assert sum(row["counts"].values()) == row["total"]
        assert row["good_or_better"] == row["counts"]["Outstanding"] + row["counts"]["Good"]
        assert row["good_or_better_pct"] == pytest.approx(
            100 * row["good_or_better"] / row["total"], abs=0.05)


def test_thurrock_is_in_the_top_half_nationally(run, comparison):
    # "Thurrock's inspection results places us clearly in the top half of councils"
    data = compare_json(run, *EFFECTIVENESS)
    for row in data["national"]:
        assert row["authority_grade"] == "Good"
        assert row["authority_rank"] == row["counts"]["Outstanding"] + 1
        assert row["authority_rank"] <= row["total"] / 2


def test_national_share_follows_the_data(run, comparison):
    text = comparison.read_text(encoding="utf-8")
    # Ten more Good and ten fewer Adequate on safeguarding: the total still adds up.
    text = text.replace("Good: 44 (35%)", "Good: 54").replace("Adequate: 57 (46%)", "Adequate: 47")
    comparison.write_text(text, encoding="utf-8")
    data = compare_json(run, "--judgement", "safeguarding")
    assert round(data["national"][0]["good_or_better_pct"]) == 46


# -- the JSON shape and the rules ----------------------------------------------------------


def test_json_shape(run, comparison):
    data = compare_json(run)
    assert data["authority"] == "Thurrock"
    assert data["scale"] == ["Outstanding", "Good", "Adequate", "Inadequate"]
    keys = [j["key"] for j in data["judgements"]]
    assert len(keys) == 4
    assert [g["name"] for g in data["groups"]] == [
        "Statistical Neighbours", "Eastern Region", "Local Neighbours", "NE London Boroughs"]
    for group in data["groups"]:
        assert set(group) >= {"name", "authorities", "good_or_better", "good_or_better_all"}
        assert set(group["good_or_better"]) == set(keys)
        for a in group["authorities"]:
            assert set(a["grades"]) == set(keys)
            assert all(g in data["scale"] for g in a["grades"].values())
    for row in data["national"]:
        assert set(row) >= {"judgement", "counts", "total", "good_or_better_pct"}


def test_an_authority_in_several_groups_stays_in_each(run, comparison):
    data = compare_json(run)
    havering = [g["name"] for g in data["groups"]
                if any(a["name"] == "Havering" for a in g["authorities"])]
    assert havering == ["Statistical Neighbours", "Local Neighbours", "NE London Boroughs"]


def test_rank_is_competition_ranking_with_ties(run, comparison):
    group = only_group(compare_json(run, "--group", "Statistical Neighbours"))
    for key, rank in group["authority_rank"].items():
        mine = group["authorities"][0]["grades"][key]
        scale = ["Outstanding", "Good", "Adequate", "Inadequate"]
        better = [a for a in group["authorities"]
                  if scale.index(a["grades"][key]) < scale.index(mine)]
        assert rank == 1 + len(better)
    # Swindon alone is Outstanding for safeguarding capacity: Thurrock shares second place.
    assert group["authority_rank"]["safeguarding-capacity"] == 2
    set_grades(comparison, "Swindon", "[Good, Good, Good, Good]")
    group = only_group(compare_json(run, "--group", "Statistical Neighbours"))
    assert group["authority_rank"]["safeguarding-capacity"] == 1


def test_judgement_by_name_and_unknown_names(run, comparison):
    data = compare_json(run, "--judgement", "Safeguarding: overall effectiveness")
    assert [j["key"] for j in data["judgements"]] == ["safeguarding"]
    result = run("compare", "--judgement", "safeguardng")
    assert result.exit_code == 2
    assert "did you mean 'safeguarding'" in result.stderr
    result = run("compare", "--group", "Eastern Regoin")
    assert result.exit_code == 2
    assert "did you mean 'Eastern Region'" in result.stderr


def test_table_shows_grade_words_and_the_claims(run, comparison):
    result = run("compare", "--group", "Eastern Region", *EFFECTIVENESS, "--no-color")
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert "Peterborough" in result.stdout and "Inadequate" in result.stdout
    assert "Good or better on every judgement shown: Thurrock, Southend" in result.stdout
    assert "38.4%" in result.stdout and "52.1%" in result.stdout
    coloured = run("compare", "--group", "Eastern Region", "--color")
    assert "\x1b[" in coloured.stdout and "Inadequate" in coloured.stdout


def test_no_comparison_file_is_a_usage_error(run, bundled):
    result = run("compare")
    assert result.exit_code == 2
    assert "no comparison file" in result.stderr


def test_a_broken_comparison_file_stops_compare_with_its_location(run, comparison):
    comparison.write_text(comparison.read_text().replace(
        "Kent:             [Inadequate", "Kent:             [Inadequte"), encoding="utf-8")
    result = run("compare")
    assert result.exit_code == 3
    assert "ofsted-slac-2012.yaml:" in result.stderr and "'Inadequte'" in result.stderr


# -- check ----------------------------------------------------------------------------


def write_comparison(tmp_path, body: str) -> Path:
    path = tmp_path / "plans" / "cmp.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


HEAD = """\
comparison:
  authority: Thurrock
  scale: [Outstanding, Good, Adequate, Inadequate]
  judgements:
    safeguarding: "Safeguarding: overall effectiveness"
    looked-after: "Children looked after: overall effectiveness"
  authority_grades: [Good, Good]
"""


def check_lines(run):
    result = run("check")
    return result, [line for line in result.stdout.splitlines() if "cmp.yaml" in line]


def test_check_passes_the_bundled_comparison_file(run, bundled, comparison):
    result = run("check", "--format", "json")
    data = json.loads(result.stdout)
    assert data["comparisons"] == 1
    assert not [p for p in data["problems"] if "comparisons" in p["file"]]


def test_check_grade_off_the_scale(run, tmp_path):
    write_comparison(tmp_path, HEAD + """\
  groups:
    - name: Neighbours
      authorities:
        Bolton: [Good, Adequat]
""")
    result, lines = check_lines(run)
    assert result.exit_code == 1
    assert "cmp.yaml:11:24:" in lines[0]
    assert "'Adequat' is not on the scale" in lines[0] and "did you mean 'Adequate'" in lines[0]


def test_check_counts_must_add_up_to_the_total(run, tmp_path):
    write_comparison(tmp_path, HEAD + """\
  national:
    judgements:
      safeguarding: {Outstanding: 4, Good: 44, Adequate: 57, Inadequate: 20, total: 126}
      looked-after: {Outstanding: "-", Good: 63, Adequate: 55, Inadequate: 3, total: 121}
""")
    result, lines = check_lines(run)
    assert result.exit_code == 1
    assert len(lines) == 1
    assert "4 + 44 + 57 + 20 = 125, not the total 126" in lines[0]


def test_check_printed_percentage_that_does_not_match_is_a_warning(run, tmp_path):
    write_comparison(tmp_path, HEAD + """\
  national:
    judgements:
      safeguarding: {Outstanding: 4 (3%), Good: 44 (53%), Adequate: 57, Inadequate: 20, total: 125}
""")
    result, lines = check_lines(run)
    assert result.exit_code == 0
    assert len(lines) == 1 and "W161" in lines[0] and "35.2%" in lines[0]
    assert run("check", "--strict").exit_code == 1


def test_check_near_duplicate_names_across_groups(run, tmp_path):
    write_comparison(tmp_path, HEAD + """\
  groups:
    - name: Local Neighbours
      authorities:
        Barking & Dag.: [Good, Adequate]
        Havering: [Adequate, Adequate]
    - name: NE London Boroughs
      authorities:
        Barking and Dagenham: [Good, Adequate]
        Havering: [Adequate, Adequate]
""")
    result, lines = check_lines(run)
    assert result.exit_code == 0  # a warning, not an error
    assert len(lines) == 1  # Havering twice, written the same way, is fine
    assert "W160" in lines[0] and "'Barking and Dagenham'" in lines[0]
    assert "'Barking & Dag.'" in lines[0] and "cmp.yaml:15:" in lines[0]


def test_check_same_authority_with_other_grades_in_another_group(run, tmp_path):
    write_comparison(tmp_path, HEAD + """\
  groups:
    - name: A
      authorities:
        Essex: [Adequate, Adequate]
    - name: B
      authorities:
        Essex: [Adequate, Good]
""")
    result, lines = check_lines(run)
    assert len(lines) == 1 and "W162" in lines[0] and "'A'" in lines[0]


def test_check_unknown_judgement_keys_and_duplicates(run, tmp_path):
    write_comparison(tmp_path, HEAD + """\
  groups:
    - name: Neighbours
      authorities:
        Bolton: {safeguardin: Good, looked-after: Good}
        Wigan: [Good, Good]
        Wigan: [Good, Good]
  national:
    judgements:
      lookedafter: {Outstanding: 0, Good: 1, Adequate: 0, Inadequate: 0, total: 1}
""")
    result, lines = check_lines(run)
    assert result.exit_code == 1
    text = "\n".join(lines)
    assert "unknown judgement 'safeguardin'; did you mean 'safeguarding'?" in text
    assert "unknown judgement 'lookedafter'; did you mean 'looked-after'?" in text
    assert "'Wigan' is listed twice in group 'Neighbours' (first on line 12)" in text


def test_check_wrong_number_of_grades(run, tmp_path):
    write_comparison(tmp_path, HEAD + """\
  groups:
    - name: Neighbours
      authorities:
        Bolton: [Good, Good, Good]
""")
    result, lines = check_lines(run)
    assert result.exit_code == 1
    assert "3 grades for 2 judgements" in lines[0]


# -- other scales ----------------------------------------------------------------------


def test_another_scale_works_by_declaring_it(run, tmp_path):
    write_comparison(tmp_path, """\
comparison:
  authority: Anytown
  scale: [Outstanding, Good, Requires improvement, Inadequate]
  judgements:
    overall: Overall effectiveness
  authority_grades: [Requires improvement]
  groups:
    - name: Region
      authorities:
        Othertown: [Good]
        Elsewhere: [requires improvement]
        Nowhere: [Inadequate]
  national:
    judgements:
      overall: {Outstanding: 1, Good: 3, Requires improvement: 4, Inadequate: 2, total: 10}
""")
    assert run("check").exit_code == 0
    data = compare_json(run)
    group = only_group(data)
    assert group["good_or_better_all"] == ["Othertown"]
    assert group["authority_rank"]["overall"] == 2
    assert data["national"][0]["good_or_better_pct"] == 40.0


def test_a_scale_without_good_needs_good_or_better(run, tmp_path):
    body = """\
comparison:
  authority: Anytown
  scale: [A, B, C, D]
  judgements: {overall: Overall}
  authority_grades: [B]
"""
    write_comparison(tmp_path, body)
    result, lines = check_lines(run)
    assert result.exit_code == 1 and "good_or_better" in lines[0]
    write_comparison(tmp_path, body + "  good_or_better: B\n")
    data = compare_json(run)
    assert data["good_or_better_grades"] == ["A", "B"]


def test_a_file_of_nothing_but_problems_is_cut_short(run, tmp_path):
    rows = "".join(f"        Town {i}: [Bad, Worse]\n" for i in range(300))
    write_comparison(tmp_path, HEAD + "  groups:\n    - name: G\n      authorities:\n" + rows)
    result, lines = check_lines(run)
    assert result.exit_code == 1
    assert "E009" in lines[-1] and len(lines) < 300


def test_yaml_typing_never_changes_a_name_or_grade():
    comparison, problems = load_comparison_text(HEAD.replace("Thurrock", "NO") + """\
  groups:
    - name: "1.10"
      authorities:
        Yes: [Good, Good]
""", "cmp.yaml")
    assert problems == []
    assert comparison.authority == "NO"
    assert comparison.groups[0].name == "1.10"
    assert comparison.groups[0].authorities[0].name == "Yes"


@pytest.mark.parametrize(("a", "b", "similar"), [
    ("Barking & Dag.", "Barking and Dagenham", True),
    ("Telford & Wrekin", "Telford and Wrekin", True),
    ("Northampton", "Northamptonshire", True),
    ("Havering", "Havering", False),
    ("Bolton", "Luton", False),
    ("Norfolk", "Suffolk", False),
    ("Essex", "Sussex", False),
    ("Bolton", "Boston", False),
])
def test_similar_names(a, b, similar):
    assert similar_names(a, b) is similar


@pytest.mark.parametrize("columns", ["0", "1", "20", "-3"])
def test_compare_table_is_drawn_at_any_width(run, comparison, columns):
    result = run("compare", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    assert "Thurrock" in result.stdout or columns == "1"
    assert result.stdout.count("\n") > 10
    if int(columns) <= 0:  # no width given: the usual 80 columns, as for tables
        assert result.stdout == run("compare", env={"COLUMNS": "80"}).stdout
