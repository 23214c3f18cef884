"""Write examples/councils/: invented councils' inspection action plans, for trying planctl
on many plans at once (the roll-up, leads scoped by authority, the dashboard).

Every council, officer and action is invented. The output is deterministic (a fixed seed,
no clock): running it again rewrites the same bytes, and tests/test_authorities.py checks
that the files in the repository are what this script writes.

    python examples/make_councils.py            # rewrite examples/councils/*.yaml
    python examples/make_councils.py --check    # exit 1 if the files differ from it
"""

from __future__ import annotations

import json
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "councils"
AS_AT = date(2026, 3, 1)  # the date the README's commands judge the plans at
SEED = 23

# (council, inspectorate key, number of actions, how far along: 0 behind .. 1 finished)
COUNCILS = [
    ("Northmoor Borough Council", "ilacs", 18, 0.35),
    ("Southmere City Council", "ilacs", 12, 0.6),
    ("Ashdown Vale Council", "cqc", 9, 0.5),
    ("Brackenfield County Council", "send", 22, 0.3),
    ("Caldbeck Metropolitan Borough Council", "yjs", 7, 0.8),
    ("Dunmere Council", "ilacs", 25, 0.2),
    ("Eastholme City Council", "cqc", 14, 0.45),
    ("Fernleigh Borough Council", "yjs", 5, 1.0),
    ("Glenwater County Council", "send", 16, 0.55),
    ("Harrowdale Council", "ilacs", 10, 0.7),
    ("Ivydene Borough Council", "cqc", 20, 0.25),
    ("Kestrel Bay Council", "yjs", 8, 0.4),
    ("Larkspur County Council", "ilacs", 24, 0.5),
    ("Marshwick Metropolitan Borough Council", "send", 11, 0.65),
    ("Nethercombe Council", "cqc", 6, 1.0),
    ("Oakhollow Borough Council", "ilacs", 15, 0.15),
    ("Pebblecombe City Council", "yjs", 13, 0.55),
    ("Quillmoor Council", "send", 19, 0.4),
    ("Rookhaven County Council", "cqc", 17, 0.6),
    ("Sallowfield Borough Council", "ilacs", 9, 0.85),
    ("Thistlecombe Council", "yjs", 21, 0.3),
    ("Wendlemoor City Council", "send", 7, 0.5),
    ("Westfold Borough Council", "cqc", 12, 0.7),
    ("Yarrowby Council", "ilacs", 23, 0.45),
]
# Councils with a second plan file (another inspection): one authority, two files, whose
# leads are shared (Northmoor's "Head of Service" is one person across both).
SECOND_PLANS = [("Northmoor Borough Council", "yjs", 8, 0.5),
                ("Larkspur County Council", "cqc", 10, 0.4)]

INSPECTIONS = {
    "ilacs": ("Ofsted", "Inspection of local authority children's services (ILACS)"),
    "send": ("Ofsted and CQC", "Area SEND inspection"),
    "cqc": ("CQC", "Local authority assessment: adult social care"),
    "yjs": ("HMI Probation", "Inspection of youth justice services"),
}

# Role names councils share: "Head of Service" in many councils is many people.
LEADS = {
    "ilacs": [("hos", "Head of Service"), ("dcs", "Director of Children's Services"),
              ("psw", "Principal Social Worker"), ("sm-qa", "Service Manager Quality Assurance"),
              ("sm-cla", "Service Manager Children Looked After")],
    "send": [("hos", "Head of Service"), ("send-lead", "Head of SEND"),
             ("dco", "Designated Clinical Officer"), ("sm-ehc", "EHC Plan Service Manager")],
    "cqc": [("hos", "Head of Service"), ("dass", "Director of Adult Social Services"),
            ("psw", "Principal Social Worker"), ("commissioning", "Head of Commissioning")],
    "yjs": [("hos", "Head of Service"), ("yjs-manager", "Youth Justice Service Manager"),
            ("board-chair", "Chair of the Youth Justice Partnership Board")],
}

RECOMMENDATIONS = {
    "ilacs": ["Improve the quality and consistency of management oversight and supervision",
              "Strengthen the response to children at risk of exploitation",
              "Ensure that plans for children in care are timely and reviewed",
              "Improve the sufficiency of local placements",
              "Strengthen the voice of children in assessments and plans"],
    "send": ["Improve the timeliness and quality of EHC plans",
             "Strengthen joint commissioning across education, health and care",
             "Improve communication with parents and carers",
             "Ensure the local offer is accurate and easy to use"],
    "cqc": ["Reduce waiting times for Care Act assessments",
            "Improve the experience of unpaid carers",
            "Strengthen safeguarding enquiries and their oversight",
            "Improve market shaping and the sufficiency of home care"],
    "yjs": ["Strengthen the governance of the youth justice partnership",
            "Improve the quality of assessment and planning for safety",
            "Improve education, training and employment outcomes",
            "Ensure that victims' views inform interventions"],
}

ACTIONS = [
    "Audit a sample of {n} case files and report the findings to the improvement board",
    "Revise the practice standards and brief every team",
    "Deliver training to all managers on {topic}",
    "Introduce a monthly performance report on {topic}",
    "Agree a joint protocol with partners on {topic}",
    "Recruit to the vacant posts in the service",
    "Review the quality assurance framework and publish the revised version",
    "Set up a task and finish group on {topic}",
    "Consult children, young people and families on {topic} and publish what changed",
    "Report progress to the scrutiny committee",
]
TOPICS = ["supervision", "exploitation", "permanence planning", "placement sufficiency",
          "transitions to adulthood", "waiting lists", "the local offer", "safeguarding",
          "carers' assessments", "education outcomes", "risk management", "case recording"]
UPDATES = ["Work started; project lead named", "Half of the sample audited",
           "Draft shared with the improvement board", "Training dates booked for all teams",
           "Delayed by vacancies; recovery plan agreed", "On track; first report produced"]


def slug(council: str) -> str:
    words = re.sub(r"\b(Borough|City|County|Metropolitan|District|Council)\b", "", council)
    return "-".join(words.lower().split())


def q(text: str) -> str:
    """A YAML scalar that reads back as written (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def plan_yaml(council: str, kind: str, size: int, along: float, rng: random.Random,
              plan_id: str) -> str:
    by, what = INSPECTIONS[kind]
    published = date(2025, 1, 15) + timedelta(days=rng.randrange(0, 240))
    leads = LEADS[kind]
    recs = RECOMMENDATIONS[kind][: max(2, min(len(RECOMMENDATIONS[kind]), size // 4))]
    out = [f"# {council}: action plan after the {what} ({by}).",
           "# Invented for planctl's worked example (examples/make_councils.py): not a real",
           "# council, officer or inspection.",
           "plan:",
           f"  id: {plan_id}",
           f"  title: {q(f'{council}: {what} - action plan')}",
           f"  authority: {q(council)}",
           "  inspection:",
           f"    by: {q(by)}",
           f"    kind: {q(what)}",
           f"    published: {published.isoformat()}",
           f"  owner: {q(leads[1][1])}",
           "",
           "leads:"]
    out += [f"  {key}: {q(name)}" for key, name in leads]
    out += ["", "recommendations:"]
    per_rec = [size // len(recs) + (1 if i < size % len(recs) else 0) for i in range(len(recs))]
    for rec_text, count in zip(recs, per_rec, strict=True):
        out += [f"  - text: {q(rec_text)}", "    actions:"]
        for _ in range(count):
            out += action_yaml(rng, published, along, leads)
    return "\n".join(out) + "\n"


def action_yaml(rng: random.Random, published: date, along: float,
                leads: list[tuple[str, str]]) -> list[str]:
    text = rng.choice(ACTIONS).format(n=rng.choice([20, 30, 50]), topic=rng.choice(TOPICS))
    due = published + timedelta(days=rng.randrange(60, 560))
    lead = leads[0][0] if rng.random() < 0.4 else rng.choice(leads)[0]
    lines = [f"      - text: {q(text)}", f"        due: {due.isoformat()}",
             f"        lead: {lead}"]
    done_by = min(due, AS_AT) - timedelta(days=rng.randrange(0, 40))
    if rng.random() < along and done_by > published:
        lines += ["        status: completed", f"        completed: {done_by.isoformat()}"]
    elif rng.random() < 0.6:
        when = published + timedelta(days=rng.randrange(20, max(21, (AS_AT - published).days)))
        lines += ["        status: in-progress", "        updates:",
                  f"          - date: {when.isoformat()}", f"            text: {q(rng.choice(UPDATES))}"]
    return lines


def plans() -> dict[str, str]:
    """File name -> text, for every plan of the example."""
    rng = random.Random(SEED)
    out: dict[str, str] = {}
    for council, kind, size, along in COUNCILS:
        out[f"{slug(council)}.yaml"] = plan_yaml(council, kind, size, along, rng, slug(council))
    for council, kind, size, along in SECOND_PLANS:
        plan_id = f"{slug(council)}-{kind}"
        out[f"{plan_id}.yaml"] = plan_yaml(council, kind, size, along, rng, plan_id)
    return out


def main(argv: list[str]) -> int:
    wanted = plans()
    if "--check" in argv:
        differ = [n for n, text in wanted.items()
                  if not (OUT / n).is_file() or (OUT / n).read_text(encoding="utf-8") != text]
        extra = sorted(p.name for p in OUT.glob("*.yaml") if p.name not in wanted)
        for name in differ + extra:
            print(f"examples/councils/{name}: not as make_councils.py writes it", file=sys.stderr)
        return 1 if differ or extra else 0
    OUT.mkdir(exist_ok=True)
    for name, text in wanted.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} plans to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
