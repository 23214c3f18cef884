"""Generate N actions over M plan files, deterministically, for benchmarks.

The plans look like the real thing: council-style action text, leads written
by key, name or alias, boards to report to, progress, updates, evidence, and
every timescale form of the plan format (day-first dates in each spelling,
dates inside text, several dates, explicit milestones, `repeat` with
`reported`, Immediate, within N months, ongoing, TBC). The same arguments
always give byte-identical files.

    python bench/generate.py --actions 20000 --files 200 --out /tmp/plans
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")

AUTHORITIES = ("Thurrock", "Barnsley", "Rotherham", "Doncaster", "Medway", "Swindon", "Torbay",
               "Slough", "Reading", "Luton", "Peterborough", "Southend-on-Sea", "Halton",
               "Warrington", "Blackpool", "Darlington", "Hartlepool", "Stockton-on-Tees",
               "Redcar and Cleveland", "North Lincolnshire", "York", "Plymouth", "Poole")
KINDS = (("Ofsted", "Safeguarding and looked after children"),
         ("Ofsted", "Children's services"),
         ("CQC", "Children looked after and safeguarding"),
         ("HMIP", "Youth offending services"),
         ("Ofsted", "Local area SEND"))

ROLES = ("Service Manager", "Head of Service", "Team Manager", "Principal Social Worker",
         "Designated Nurse", "Business Manager", "Strategic Lead", "Assistant Director")
AREAS = ("Family Support", "Quality Assurance", "Through Care", "Placements", "Workforce Development",
         "Performance", "Early Help", "Fostering", "Adoption", "Leaving Care", "Safeguarding",
         "Youth Offending", "Disabled Children", "Commissioning", "Education Welfare", "MASH")
ABBREV = {"Service Manager": "SM", "Head of Service": "HoS", "Team Manager": "TM",
          "Principal Social Worker": "PSW", "Designated Nurse": "DN", "Business Manager": "BM",
          "Strategic Lead": "SL", "Assistant Director": "AD"}

BODIES = {"SMT": "Senior Management Team", "DMT": "Directorate Management Team",
          "LSCB": "Local Safeguarding Children Board", "CPC": "Corporate Parenting Committee",
          "SCCN": "Safeguarding Children Clinical Network",
          "CYPP-exec": "Children and Young People's Partnership Executive",
          "DCS": "Director of Children's Services", "HWB": "Health and Wellbeing Board"}

VERBS = ("Audit", "Review", "Report on", "Develop", "Implement", "Monitor", "Embed", "Refresh",
         "Agree", "Publish", "Commission", "Evaluate", "Strengthen", "Deliver training on",
         "Establish", "Revise")
OBJECTS = ("the quality of chronologies", "compliance with the CAF threshold guidance",
           "written responses to referrers", "the SARC pathway across sexual health services",
           "supervision records in the Initial Response Team", "pathway plans for care leavers",
           "the timeliness of initial health assessments", "return home interviews",
           "the multi-agency referral form", "case file audits", "the escalation protocol",
           "placement stability data", "the voice of the child in assessments",
           "the Corporate Parenting strategy", "management oversight on the case record",
           "the sufficiency strategy", "personal education plans", "the LADO procedure",
           "child protection conference minutes", "core group attendance by health partners")
TAILS = ("and report findings", "with partner agencies", "across all teams",
         "so that actions are tracked to completion", "and share learning with practitioners",
         "in line with Working Together", "with a report to the board", "", "", "")
UPDATE_TEXTS = ("Audit tool agreed; first sample of 20 cases complete.",
                "Draft circulated to partners for comment.",
                "Delayed by staff turnover; new date agreed at DMT.",
                "Training delivered to 45 practitioners.",
                "Report presented; further work requested by the board.",
                "Data now reported monthly in the performance pack.")


def date_forms(d: date, rng: random.Random) -> str:
    """One day-first spelling of d, chosen at random (every accepted form occurs)."""
    form = rng.randrange(8)
    if form == 0:
        return f"{d.day}.{d.month}.{d:%y}"
    if form == 1:
        return f"{d.day:02d}.{d.month:02d}.{d:%y}"
    if form == 2:
        return f"{d.day}/{d.month}/{d.year}"
    if form == 3:
        return f"{d.day}-{d.month}-{d.year}"
    if form == 4:
        return d.isoformat()
    if form == 5:
        return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"
    if form == 6:
        suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(d.day, "th")
        return f"{d.day}{suffix} {MONTH_NAMES[d.month - 1][:3]} {d.year}"
    return f"{d.day}.{d.month}.{d.year}"


def quote(text: str) -> str:
    """A YAML double-quoted scalar (always safe, whatever the text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def end_of_month(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def make_leads(rng: random.Random, count: int) -> list[tuple[str, str, list[str]]]:
    """(key, name, aliases) for `count` distinct leads."""
    leads, seen = [], set()
    while len(leads) < count:
        role, area = rng.choice(ROLES), rng.choice(AREAS)
        name = f"{role} {area}"
        if name in seen:
            continue
        seen.add(name)
        key = f"{ABBREV[role].lower()}-{area.lower().replace(' ', '-')}"
        aliases = [f"{ABBREV[role]} {area}"] if rng.random() < 0.7 else []
        if rng.random() < 0.3:
            aliases.append(f"{role}, {area}")
        leads.append((key, name, aliases))
    return leads


def action_text(rng: random.Random) -> str:
    text = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}".strip()
    if rng.random() < 0.25:
        text += f"; {rng.choice(VERBS).lower()} {rng.choice(OBJECTS)}"
    return text + "."


def _by(rng, later, body):
    return [f"due: {quote('By ' + date_forms(later(7, 500), rng))}"], "by"


def _date(rng, later, body):
    return [f"due: {quote(date_forms(later(7, 500), rng))}"], "date"


def _text(rng, later, body):
    d = later(30, 500)
    return [f"due: {quote(f'Report to {body} {d.day}.{d.month}.{d:%y}')}"], "text"


def _month(rng, later, body):
    d = later(60, 600)
    return [f"due: {quote(MONTH_NAMES[d.month - 1] + ' ' + str(d.year))}"], "month"


def _two_dates(rng, later, body):
    first = later(20, 200)
    second = first + timedelta(days=rng.randint(60, 300))
    text = (f"Initial report by {date_forms(first, rng)}, "
            f"with follow up by {date_forms(second, rng)}")
    lines = [f"due: {quote(text)}"]
    if rng.random() < 0.5:
        lines.append(f"reported: [{first.isoformat()}]")
    return lines, "two-dates"


def _milestones(rng, later, body):
    lines = ["milestones:"]
    d = later(10, 100)
    for step in range(rng.randint(2, 4)):
        lines.append(f"  - due: {quote(date_forms(d, rng))}")
        lines.append(f"    text: {quote(f'Stage {step + 1}: ' + rng.choice(OBJECTS))}")
        if rng.random() < 0.4:
            lines.append(f"    done: {rng.choice(['true', (d - timedelta(days=3)).isoformat()])}")
        d += timedelta(days=rng.randint(30, 120))
    return lines, "milestones"


def _repeat(rng, later, body):
    first = later(30, 200)
    period = rng.choice(["monthly", "quarterly", "six-monthly", "yearly"])
    lines = [f"due: {quote('First report by ' + date_forms(first, rng))}", f"repeat: {period}"]
    count = rng.randint(0, 4)
    if count:
        step = {"monthly": 30, "quarterly": 91, "six-monthly": 182, "yearly": 365}[period]
        dates = [(first + timedelta(days=step * i)).isoformat() for i in range(count)]
        lines.append(f"reported: [{', '.join(dates)}]")
    return lines, "repeat"


def _within(rng, later, body):
    n = rng.choice(["3", "6", "one", "twelve"])
    unit = rng.choice(["months", "weeks"]) if n not in ("one",) else rng.choice(["month", "week"])
    return [f"due: {quote(f'within {n} {unit}')}"], "within"


def _by_ongoing(rng, later, body):
    d = later(30, 300)
    return [f"due: {quote(f'By {d.day:02d}.{d.month:02d}.{d:%y} ongoing')}"], "by-ongoing"


# Each kind of timescale with the share of actions below which it is chosen (a cumulative
# table, in order: the order of the random draws is what makes the output deterministic).
TIMESCALE_KINDS = (
    (0.30, _by), (0.42, _date), (0.50, _text), (0.56, _month), (0.64, _two_dates),
    (0.70, _milestones), (0.77, _repeat),
    (0.82, lambda rng, later, body: (["due: Immediate"], "immediate")),
    (0.86, _within),
    (0.91, lambda rng, later, body: (["due: ongoing"], "ongoing")),
    (0.95, _by_ongoing),
)


def timescale_lines(rng: random.Random, published: date, body: str) -> tuple[list[str], str]:
    """(YAML lines of the action's due/milestones/repeat, the kind of timescale)."""
    def later(lo: int, hi: int) -> date:
        return published + timedelta(days=rng.randint(lo, hi))

    pick = rng.random()
    for below, make in TIMESCALE_KINDS:
        if pick < below:
            return make(rng, later, body)
    return [f"due: {rng.choice(['TBC', 'To be confirmed at DMT'])}"], "tbc"


def plan_text(index: int, n_actions: int, rng: random.Random) -> str:
    authority = AUTHORITIES[index % len(AUTHORITIES)]
    by, kind = KINDS[index % len(KINDS)]
    published = date(2011, 1, 3) + timedelta(days=rng.randint(0, 1400))
    leads = make_leads(rng, rng.randint(6, 14))
    bodies = rng.sample(sorted(BODIES), rng.randint(3, len(BODIES)))
    out = [
        f"# {authority} Council: action plan after the {by} inspection ({kind}).",
        "# Generated for planctl's benchmarks (bench/generate.py).",
        "plan:",
        f"  title: {quote(f'{by} inspection of {kind.lower()} - action plan')}",
        f"  authority: {quote(authority + ' Council')}",
        "  inspection:",
        f"    by: {by}",
        f"    kind: {quote(kind)}",
        f"    published: {published.isoformat()}",
        f'  version: "1.{rng.randint(0, 12)}"',
        f"  updated: {(published + timedelta(days=rng.randint(5, 60))).isoformat()}",
        f"  owner: {quote(leads[0][1])}",
        "  classification: public",
        "",
        "leads:",
    ]
    for key, name, aliases in leads:
        if aliases:
            out += [f"  {key}:", f"    name: {quote(name)}",
                    f"    aliases: [{', '.join(quote(a) for a in aliases)}]"]
        else:
            out.append(f"  {key}: {quote(name)}")
    out += ["", "bodies:"] + [f"  {b}: {quote(BODIES[b])}" for b in bodies] + ["", "recommendations:"]

    rec = 0
    remaining = n_actions
    while remaining > 0:
        rec += 1
        count = min(remaining, rng.randint(1, 7))
        remaining -= count
        out += [f'  - id: "{rec}"',
                f"    text: >-\n      {rng.choice(VERBS)} {rng.choice(OBJECTS)} so that children"
                f"\n      are safeguarded {rng.choice(TAILS)}".rstrip(),
                "    actions:"]
        for _ in range(count):
            key, name, aliases = rng.choice(leads)
            written = rng.choice([key, name, *aliases])
            body = rng.choice(bodies)
            lines = [f"text: {quote(action_text(rng))}"]
            ts_lines, ts_kind = timescale_lines(rng, published, body)
            lines += ts_lines
            if rng.random() < 0.15:
                other = rng.choice(leads)[0]
                lines.append(f"lead: [{quote(written)}, {other}]")
            else:
                lines.append(f"lead: {quote(written)}")
            if rng.random() < 0.6:
                lines.append(f"report_to: [{', '.join(rng.sample(bodies, rng.randint(1, 2)))}]")
            roll = rng.random()
            if roll < 0.25 and ts_kind not in ("ongoing",):
                done = published + timedelta(days=rng.randint(5, 400))
                lines += [f"status: {rng.choice(['completed', 'Completed', 'done'])}",
                          f"completed: {done.isoformat()}"]
                if rng.random() < 0.5:
                    lines.append(f"evidence: {quote('Minutes of ' + body + ' ' + done.isoformat())}")
            elif roll < 0.28:
                lines.append("status: dropped")
            elif roll < 0.55:
                lines.append(f"status: {rng.choice(['in-progress', 'In progress', 'started'])}")
            if rng.random() < 0.2:
                lines.append("updates:")
                when = published + timedelta(days=rng.randint(10, 60))
                for _ in range(rng.randint(1, 3)):
                    lines += [f"  - date: {when.isoformat()}",
                              f"    text: {quote(rng.choice(UPDATE_TEXTS))}",
                              f"    by: {quote(rng.choice(leads)[1])}"]
                    when += timedelta(days=rng.randint(14, 90))
            out.append(f"      - {lines[0]}")
            out += [f"        {line}" for line in lines[1:]]
    return "\n".join(out) + "\n"


def generate(out: Path, actions: int, files: int, seed: int = 2012) -> list[Path]:
    """Write `actions` actions spread over `files` plan files in `out`; the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"planctl-bench-{seed}-{actions}-{files}")
    per_file = [actions // files + (1 if i < actions % files else 0) for i in range(files)]
    paths = []
    for i, n in enumerate(per_file):
        path = out / f"plan-{i + 1:04d}.yaml"
        path.write_text(plan_text(i, n, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=20000, help="total actions (default 20000)")
    parser.add_argument("--files", type=int, default=200, help="plan files (default 200)")
    parser.add_argument("--seed", type=int, default=2012, help="change for other (still fixed) plans")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the plans into")
    args = parser.parse_args(argv)
    if args.files < 1 or args.actions < args.files:
        parser.error("need at least one file and at least one action per file")
    paths = generate(args.out, args.actions, args.files, args.seed)
    print(f"wrote {args.actions} actions in {len(paths)} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
