"""What `init --inspectorate` fills into the template: each body's own wording.

Each profile names the inspection as the body does, the boards a council reports
to today (the safeguarding partnerships replaced LSCBs in 2019; integrated care
boards replaced CCGs in 2022), what the report calls its recommendations, and the
judgement scale and areas as a commented `findings:` block (grades are the
report's facts: the user writes them, the template never guesses one).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    by: str
    kind: str
    owner: str
    bodies: tuple[tuple[str, str], ...]  # (key, name): the first two are used by the examples
    recommendation: str  # what the report calls a recommendation
    rec_text: str  # the first recommendation's placeholder
    scale: tuple[str, ...] = ()  # best first; () for no findings block
    areas: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (area, judgements)
    notes: tuple[str, ...] = ()  # comment lines above the findings block
    themes: tuple[tuple[str, str], ...] = ()  # (key, title)


_CHILDREN_BOARDS = (
    ("SCP", "Safeguarding Children Partnership"),  # the safeguarding partners since 2019
    ("DMT", "Directorate Management Team"),
)

DEFAULT = Profile(
    by="Ofsted", kind="Inspection of services for children",
    owner="Director of Children's Services", bodies=_CHILDREN_BOARDS,
    recommendation="recommendation of the inspection report",
    rec_text="Replace this with the first recommendation of the report, as written.")

PROFILES: dict[str, Profile] = {
    "ofsted-ilacs": Profile(
        by="Ofsted", kind="Inspection of local authority children's services (ILACS)",
        owner="Director of Children's Services",
        bodies=(("SCP", "Safeguarding Children Partnership"),
                ("CPB", "Corporate Parenting Board"),
                ("OSC", "Children's Services Overview and Scrutiny Committee"),
                ("DMT", "Children's Services Leadership Team")),
        recommendation="point under \"What needs to improve?\" in the report",
        rec_text="Replace this with the first point under \"What needs to improve?\" in the "
                 "report, as written.",
        scale=("Outstanding", "Good", "Requires improvement to be good", "Inadequate"),
        areas=(("Judgements", (
            "Overall effectiveness",
            "The impact of leaders on social work practice with children and families",
            "The experiences and progress of children who need help and protection",
            "The experiences and progress of children in care",
            "The experiences and progress of care leavers")),),
        notes=("Reports before January 2023 judge children in care and care leavers together:",
               "write the judgements as your report lists them.")),
    "send-area": Profile(
        by="Ofsted and CQC", kind="Area SEND inspection of the local area partnership",
        owner="Director of Children's Services, with the integrated care board",
        bodies=(("SENDPB", "SEND Partnership Board"),
                ("ICB", "Integrated Care Board"),
                ("HWB", "Health and Wellbeing Board"),
                ("OSC", "Overview and Scrutiny Committee")),
        recommendation="area for improvement (or for priority action) in the report",
        rec_text="Replace this with the first area for improvement (or area for priority "
                 "action) in the report, as written.",
        scale=("Positive experiences and outcomes", "Inconsistent experiences and outcomes",
               "Widespread and/or systemic failings"),
        areas=(("Inspection outcome", ("The local area partnership's SEND arrangements",)),),
        notes=("The report gives one of three outcomes, in these words (shortened here):",
               "typically positive, inconsistent, or widespread and/or systemic failings.")),
    "cqc-local-authority": Profile(
        by="CQC", kind="Local authority assessment (Care Act 2014 duties)",
        owner="Director of Adult Social Services",
        bodies=(("SAB", "Safeguarding Adults Board"),
                ("HWB", "Health and Wellbeing Board"),
                ("ICB", "Integrated Care Board"),
                ("OSC", "Adult Social Care Overview and Scrutiny Committee")),
        recommendation="area for improvement in the assessment report",
        rec_text="Replace this with the first area for improvement the assessment report "
                 "identifies, as written.",
        scale=("Outstanding", "Good", "Requires improvement", "Inadequate"),
        areas=(("Overall", ("Overall rating",)),),
        notes=("The quality statements are scored 1 to 4 under four themes (themes: above);",
               "a recommendation's theme: files it under one."),
        themes=(("working-with-people", "Working with people"),
                ("providing-support", "Providing support"),
                ("ensuring-safety", "How the local authority ensures safety within the system"),
                ("leadership", "Leadership"))),
    "hmi-probation": Profile(
        by="HM Inspectorate of Probation", kind="Inspection of youth justice services",
        owner="Head of Youth Justice Service",
        bodies=(("YJMB", "Youth Justice Management Board"),
                ("SCP", "Safeguarding Children Partnership"),
                ("CSP", "Community Safety Partnership"),
                ("OSC", "Overview and Scrutiny Committee")),
        recommendation="recommendation of the report (to the service or its board)",
        rec_text="Replace this with the first recommendation of the report, as written "
                 "(\"The youth justice service should ...\").",
        scale=("Outstanding", "Good", "Requires improvement", "Inadequate"),
        areas=(("Overall", ("Overall rating",)),
               ("Organisational delivery", ("Governance and leadership", "Staff",
                                            "Partnerships and services",
                                            "Information and facilities")),
               ("Court disposals", ("Assessment", "Planning", "Implementation and delivery",
                                    "Reviewing")),
               ("Out-of-court disposals", ("Assessment", "Planning",
                                           "Implementation and delivery",
                                           "Out-of-court disposal policy and provision")),
               ("Resettlement", ("Resettlement policy and provision",))),
        notes=("Rated standards as the report's domains list them; remove any your report",
               "does not rate.")),
}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def findings_block(profile: Profile) -> str:
    """The judgement scale and areas, commented out: the grades are for the user to write."""
    if not profile.scale:
        return ""
    lines = ["# The inspection's judgements (planctl findings): remove the \"# \" from the",
             "# lines below and write each grade from the report in place of GRADE.",
             *(f"# {note}" for note in profile.notes),
             "# findings:",
             f"#   scale: [{', '.join(_q(g) for g in profile.scale)}]   # best first",
             "#   areas:"]
    for area, judgements in profile.areas:
        lines += [f"#     - area: {_q(area)}", "#       judgements:"]
        lines += [f"#         - {{name: {_q(j)}, grade: GRADE}}" for j in judgements]
    return "\n".join(lines) + "\n"


def extra_block(profile: Profile) -> str:
    """Top-level keys after bodies: the body's themes, then the findings block."""
    out = ""
    if profile.themes:
        out += "\n# Themes the recommendations fall under (a recommendation's theme: KEY).\nthemes:\n"
        out += "".join(f"  {key}: {_q(title)}\n" for key, title in profile.themes)
    block = findings_block(profile)
    return out + ("\n" + block if block else "")
