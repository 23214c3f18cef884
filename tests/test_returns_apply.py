"""`planctl returns apply`: returns made by `returns make`, filled as a lead fills them,
applied in a real git repository (issue 22, section 1)."""

from __future__ import annotations

import datetime as dt
import email.message
import email.policy
import email.utils
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from returns_helpers import (
    RET,
    TODAY,
    apply,
    cell_of,
    commit_all,
    commit_count,
    fill,
    head_message,
    make,
    setup_plan,
)
from returns_helpers import eml as _eml


@pytest.fixture
def plan(tmp_path, git_repo):
    return setup_plan(tmp_path, git_repo)


def by_hand(run, tmp_path: Path, commands: list[list[str]], base: bytes) -> bytes:
    """The plan's bytes after running the edit commands by hand on a copy of `base`."""
    copy = tmp_path / "by-hand"
    copy.mkdir()
    (copy / "p.yaml").write_bytes(base)
    for cmd in commands:
        r = run(*cmd, "--plans", str(copy), "--today", TODAY)
        assert r.exit_code == 0, (cmd, r.stderr)
    return (copy / "p.yaml").read_bytes()


# -- the round trip --------------------------------------------------------------------------


def test_each_cell_is_the_edit_commands_change_committed_as_the_lead(run, plan, tmp_path, git_repo):
    make(run)
    fill(Path(RET), {
        "1.1": {"Progress update": "Audit fieldwork done; report drafted", "Rating": "amber"},
        "1.2": {"New due date": "30.11.26", "Reason for new date": "Trainer off sick"},
        "1.3": {"Completed on": dt.date(2026, 10, 2), "Evidence": "Board minutes, 2 Oct"},
    })
    base = plan.read_bytes()
    r = apply(run, RET, "--commit")
    assert r.exit_code == 0, r.stderr
    assert "note" in r.stdout and "reschedule" in r.stdout and "apply" in r.stdout
    expected = by_hand(run, tmp_path, [
        ["note", "1.1", "Audit fieldwork done; report drafted", "--on", "2026-10-14",
         "--by", "Head of Operations"],
        ["rate", "1.1", "amber"],
        ["reschedule", "1.2", "30.11.26", "--reason", "Trainer off sick", "--on", "2026-10-14",
         "--by", "Head of Operations"],
        ["done", "1.3", "--on", "2026-10-02", "--evidence", "Board minutes, 2 Oct"],
    ], base)
    assert plan.read_bytes() == expected
    author, email_, committer, message = head_message(tmp_path)
    assert (author, email_, committer) == ("Head of Operations", "ops@council.example", "Test Author")
    assert message.splitlines()[0] == "Return from Head of Operations: 4 updates to 3 actions"
    assert "Reason: Trainer off sick\n" in message
    assert "Evidence: Board minutes, 2 Oct\n" in message
    assert "Return: hos-ops, made 2026-10-01 from " in message
    # history and slippage attribute the change to the lead, with the reason
    slip = json.loads(run("slippage", "--format", "json").stdout)
    moved = [x for x in json.dumps(slip).split('"reason"') if "Trainer off sick" in x]
    assert moved
    assert "Head of Operations" in run("history", "1.2").stdout


def test_dry_run_prints_the_table_and_writes_nothing(run, plan, tmp_path):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Started"}})
    before = plan.read_bytes()
    r = apply(run, RET, "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert "1.1" in r.stdout and "Started" in r.stdout and "apply" in r.stdout
    assert "nothing written: --dry-run" in r.stdout
    assert plan.read_bytes() == before


def test_a_note_is_dated_the_day_the_workbook_was_saved(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Saved on the 20th"}},
         saved="2026-10-20T16:00:00Z")
    assert apply(run, RET).exit_code == 0
    assert "date: 2026-10-20" in plan.read_text() and "Saved on the 20th" in plan.read_text()


def test_applying_twice_changes_nothing_the_second_time(run, plan, tmp_path):
    make(run)
    fill(Path(RET), {
        "1.1": {"Progress update": "Once only", "Rating": "green"},
        "1.2": {"New due date": "30.11.26", "Reason for new date": "Later"},
        "1.3": {"Completed on": "2/10/2026"},
    })
    assert apply(run, RET, "--commit").exit_code == 0
    after, count = plan.read_bytes(), commit_count(tmp_path)
    r = apply(run, RET, "--commit")
    assert r.exit_code == 0, r.stderr
    assert plan.read_bytes() == after
    assert commit_count(tmp_path) == count
    assert r.stdout.count("already in the plan") == 4 + 1  # four rows and the summary


def test_a_directory_applies_every_return_in_it(run, plan, tmp_path):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "From the folder"}})
    fill(Path("out/sian-sian-jones.xlsx"), {"1.5": {"Progress update": "Sian's news"}})
    r = apply(run, "out")
    assert r.exit_code == 0, r.stderr
    text = plan.read_text()
    assert "From the folder" in text and "Sian's news" in text


# -- refusals: nothing of the return is applied ------------------------------------------------


@pytest.mark.parametrize(("column", "value", "message"), [
    ("Completed on", "31.13.26", "'31.13.26' is not a date: there is no month 13"),
    ("Completed on", "October 2026", "'October 2026' is not one day"),
    ("Rating", "purple", "'purple' is not a rating"),
    ("New due date", 45000, "'45000' is a number, not a date"),
])
def test_a_cell_that_cannot_be_read_refuses_the_whole_return(run, plan, column, value, message):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Would be lost?"}, "1.2": {column: value}})
    before = plan.read_bytes()
    r = apply(run, RET)
    assert r.exit_code == 2
    where = cell_of(Path(RET), "1.2", column)
    assert f"planctl: error: {RET}: {where}: {message}" in r.stderr
    assert plan.read_bytes() == before


def test_a_date_cell_showing_only_a_month_is_refused(run, plan):
    make(run)
    fill(Path(RET), {"1.2": {"New due date": dt.datetime(2027, 3, 1)}},
         formats={"New due date": "mmm-yy"})
    r = apply(run, RET)
    assert r.exit_code == 2
    assert "a spreadsheet turns 'March 2027' into 1 March 2027" in r.stderr


def test_a_formula_without_a_saved_value_is_refused(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "=A1&\"x\""}})
    r = apply(run, RET)
    assert r.exit_code == 2
    assert f"{cell_of(Path(RET), '1.1', 'Progress update')}: a formula with no saved value" in r.stderr


def test_a_workbook_that_is_not_a_return_is_refused(run, plan, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["ID", "Progress update"])
    wb.save(tmp_path / "mine.xlsx")
    r = apply(run, "mine.xlsx")
    assert r.exit_code == 2
    assert "mine.xlsx: not a planctl return: it has no hidden 'planctl' sheet" in r.stderr


@pytest.mark.parametrize(("field", "value", "message"), [
    ("plan", "../outside.yaml", "is not a path inside the plans folder"),
    ("plan", "/etc/passwd", "is not a path inside the plans folder"),
    ("plan", "C:/plans/p.yaml", "is not a path inside the plans folder"),
    ("plan", "sub\\..\\p.yaml", "is not a path inside the plans folder"),
    ("commit", "HEAD~1", "is not a commit id (40 hex digits)"),
    ("commit", "1" * 40, "is not in this repository"),
    ("text", "Something else entirely", "is not the one this return was made with"),
])
def test_an_altered_hidden_sheet_is_refused(run, plan, field, value, message):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "News"}})
    wb = openpyxl.load_workbook(RET)
    ws = wb["planctl"]
    if field == "commit":
        ws["B2"] = value
    else:
        heads = [c.value for c in ws[7]]
        ws.cell(8, heads.index(field) + 1, value)
    wb.save(RET)
    before = plan.read_bytes()
    r = apply(run, RET)
    assert r.exit_code == 2, r.stderr
    assert message in r.stderr
    assert plan.read_bytes() == before


def test_a_symlink_out_of_the_plans_folder_is_refused(run, plan, tmp_path):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "News"}})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "plans" / "link").symlink_to(tmp_path / "elsewhere")
    wb = openpyxl.load_workbook(RET)
    wb["planctl"].cell(8, 2, "link/p.yaml")
    wb.save(RET)
    r = apply(run, RET)
    assert r.exit_code == 2
    assert "leads outside the plans folder" in r.stderr


def test_a_missing_heading_is_refused_but_case_and_spaces_are_not(run, plan):
    make(run)
    wb = openpyxl.load_workbook(RET)
    ws = wb["Actions"]
    heads = {c.value: c for c in ws[1]}
    heads["Progress update"].value = "  PROGRESS   update "
    ws.cell(2, heads["Progress update"].column, "Read despite the heading")
    wb.save(RET)
    assert apply(run, RET).exit_code == 0
    assert "Read despite the heading" in plan.read_text()
    wb = openpyxl.load_workbook(RET)
    next(c for c in wb["Actions"][1] if c.value == "Rating").value = "RAG"
    wb.save(RET)
    r = apply(run, RET)
    assert r.exit_code == 2
    assert "no column headed 'Rating'" in r.stderr


# -- refusals of one change: the rest applies ------------------------------------------------


def test_a_new_due_date_without_a_reason_is_refused(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Kept"}, "1.2": {"New due date": "15.11.26"}})
    r = apply(run, RET)
    assert r.exit_code == 1
    assert "a new due date needs its reason" in r.stdout
    text = plan.read_text()
    assert "Kept" in text and "15.11.26" not in text


def test_a_completion_in_the_future_is_refused(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Completed on": "2027-01-05"}})
    before = plan.read_bytes()
    r = apply(run, RET)
    assert r.exit_code == 1
    assert "is after today (2026-12-07); a completion cannot be in the future" in r.stdout
    assert plan.read_bytes() == before


def test_an_edit_of_a_column_planctl_owns_is_a_warning_and_ignored(run, plan):
    make(run)
    wb = openpyxl.load_workbook(RET)
    ws = wb["Actions"]
    heads = {c.value: c.column for c in ws[1]}
    ws.cell(2, heads["Action"], "Audit everything, twice")
    ws.cell(2, heads["Timescale"], "By 31.3.27")
    ws.cell(2, heads["Progress update"], "Done the first half")
    wb.save(RET)
    before = plan.read_text()
    r = apply(run, RET)
    assert r.exit_code == 0, r.stderr
    where = cell_of(Path(RET), "1.1", "Action")
    assert f"{RET}: {where}: the Action column is planctl's; the change made there is ignored" in r.stderr
    where = cell_of(Path(RET), "1.1", "Timescale")
    assert f"{RET}: {where}: the Timescale column is planctl's" in r.stderr
    assert r.stderr.count("column is planctl's") == 2  # the untouched cells are not named
    after = plan.read_text()
    assert "twice" not in after and "31.3.27" not in after and "Done the first half" in after
    kept = "Audit referrals to the front door"
    assert before.count(kept) == after.count(kept)


# -- the plan moved on since the return was made -------------------------------------------


def test_an_action_changed_since_is_a_conflict_unless_forced(run, plan, tmp_path, git_repo):
    make(run)
    r = run("reschedule", "1.1", "15.10.26", "--reason", "Moved by the officer", "--today", TODAY,
            "--commit")
    assert r.exit_code == 0, r.stderr
    fill(Path(RET), {"1.1": {"Rating": "green", "Progress update": "A note still applies"},
                     "1.2": {"Rating": "amber"}})
    r = apply(run, RET)
    assert r.exit_code == 1
    assert "due: By 30.9.26 when the return was made, By 15.10.26 now" in r.stdout
    text = plan.read_text()
    assert "A note still applies" in text and "rag: amber" in text and "rag: green" not in text
    r = apply(run, RET, "--force")
    assert r.exit_code == 0, r.stderr
    assert "rag: green" in plan.read_text()


def test_an_action_no_longer_in_the_plan_is_reported_not_guessed(run, plan, tmp_path, git_repo):
    make(run)
    text = plan.read_text()
    plan.write_text(text.replace("""      - text: Train the duty team on thresholds
        due: By 31.10.26
        lead: hos-ops
""", ""))
    commit_all(git_repo, "Train dropped from the plan")
    fill(Path(RET), {"1.2": {"Progress update": "Trained half the team"},
                     "1.1": {"Progress update": "Audit under way"}})
    r = apply(run, RET)
    assert r.exit_code == 1
    assert "not in the plan" in r.stdout
    after = plan.read_text()
    assert "Trained half the team" not in after and "Audit under way" in after


def test_a_renumbered_action_is_followed_to_its_new_id(run, plan, tmp_path, git_repo):
    make(run)
    text = plan.read_text()
    plan.write_text(text.replace("    actions:\n", """    actions:
      - text: A new first action
        due: By 31.12.26
        lead: qa
""", 1))
    commit_all(git_repo, "A new action first: the others shift")
    fill(Path(RET), {"1.2": {"Progress update": "Training booked"}})
    r = apply(run, RET)
    assert r.exit_code == 0, r.stderr
    assert "p:1.3" in r.stdout
    r = run("show", "1.3", "--today", TODAY)
    assert "Training booked" in r.stdout and "Train the duty team" in r.stdout


def test_an_action_of_two_leads_takes_both_notes_and_a_rating_since_is_a_conflict(run, plan):
    make(run)
    qa = Path("out/qa-qa-manager.xlsx")
    fill(Path(RET), {"1.4": {"Progress update": "Ops view", "Rating": "amber"}})
    fill(qa, {"1.4": {"Progress update": "QA view", "Rating": "red"}})
    r = apply(run, RET, str(qa))
    assert r.exit_code == 1
    text = plan.read_text()
    assert "Ops view" in text and "QA view" in text
    assert "rag: amber" in text
    assert "rating: none when the return was made, amber now" in r.stdout


def test_completed_on_a_recurring_action_reports_it(run, plan, tmp_path):
    make(run)
    fill(Path(RET), {"1.3": {"Completed on": dt.date(2026, 9, 29)}}, epoch1904=True)
    base = plan.read_bytes()
    assert apply(run, RET).exit_code == 0
    expected = by_hand(run, tmp_path, [["done", "1.3", "--on", "2026-09-29"]], base)
    assert plan.read_bytes() == expected


# -- commits ----------------------------------------------------------------------------------


def test_a_lead_without_an_email_is_applied_but_not_committed(run, plan, tmp_path):
    make(run)
    fill(Path("out/sian-sian-jones.xlsx"), {"1.5": {"Progress update": "Draft written"}})
    count = commit_count(tmp_path)
    r = apply(run, "out/sian-sian-jones.xlsx", "--commit")
    assert r.exit_code == 1
    assert "not committed: Sian Jones has no email in leads:" in r.stderr
    assert "Draft written" in plan.read_text()
    assert commit_count(tmp_path) == count


def test_a_return_by_email_is_dated_by_the_email_and_names_the_sender(run, plan, tmp_path):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "By email"}})
    eml = _eml(tmp_path, Path(RET), "Pat <pat@council.example>", "Thu, 15 Oct 2026 23:30:00 +0100",
               "reply.eml")
    r = apply(run, str(eml), "--commit")
    assert r.exit_code == 0, r.stderr
    assert "date: 2026-10-15" in plan.read_text()
    assert "sent by pat@council.example, not from Head of Operations's address" in r.stderr
    _, _, _, message = head_message(tmp_path)
    assert "Returned-by: pat@council.example\n" in message


def test_the_latest_version_in_a_mailbox_wins(run, plan, tmp_path):
    import mailbox

    make(run)
    first = fill(Path(RET), {"1.1": {"Progress update": "First go"}}, tmp_path / "v1.xlsx")
    second = fill(Path(RET), {"1.1": {"Progress update": "Second go"}}, tmp_path / "v2.xlsx")
    box = mailbox.mbox(tmp_path / "in.mbox")
    for path, date in ((second, "Fri, 16 Oct 2026 09:00:00 +0100"),
                       (first, "Thu, 15 Oct 2026 09:00:00 +0100")):
        box.add(_eml(tmp_path, path, "ops@council.example", date, "m.eml").read_bytes())
    box.flush()
    r = apply(run, str(tmp_path / "in.mbox"))
    assert r.exit_code == 0, r.stderr
    text = plan.read_text()
    assert "Second go" in text and "First go" not in text
    assert "in.mbox#2: v1.xlsx skipped" in r.stderr


def test_uncommitted_changes_refuse_commit_before_anything_is_written(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "News"}})
    plan.write_text(plan.read_text() + "# local edit\n")
    before = plan.read_bytes()
    r = apply(run, RET, "--commit")
    assert r.exit_code == 4
    assert "has changes that are not committed" in r.stderr
    assert plan.read_bytes() == before


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_return_resaved_by_libreoffice_still_applies(run, plan, tmp_path):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Through LibreOffice", "Rating": "amber"},
                     "1.3": {"Completed on": dt.date(2026, 10, 2)}})
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), RET], check=True,
                   capture_output=True, timeout=180)
    resaved = out / Path(RET).name
    base = plan.read_bytes()
    r = apply(run, str(resaved))
    assert r.exit_code == 0, r.stderr
    assert "warning" not in r.stderr  # no owned cell reads as edited after the re-save
    expected = by_hand(run, tmp_path, [
        ["note", "1.1", "Through LibreOffice", "--on", r.stdout.split("notes dated ")[1][:10],
         "--by", "Head of Operations"],
        ["rate", "1.1", "amber"], ["done", "1.3", "--on", "2026-10-02"]], base)
    assert plan.read_bytes() == expected


def test_a_return_sent_by_remind_over_smtp_comes_back_and_applies(run, plan, tmp_path):
    """The whole cycle on real SMTP: remind --attach-returns to aiosmtpd on 127.0.0.1, the
    message saved as .eml, the attachment filled, a reply saved, applied with --commit."""
    pytest.importorskip("aiosmtpd")
    import socket

    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        r = run("remind", "--today", "2026-10-01", "--smtp", f"127.0.0.1:{port}",
                "--from", "plans@council.example", "--attach-returns", "--by", "2026-10-30")
    finally:
        controller.stop()
    # Sian Jones has no email in leads: she is listed as not reminded (exit 1); the others are
    assert r.exit_code == 1 and "1 lead(s) with a return were not reminded" in r.stderr
    sent = [email.message_from_bytes(m, policy=email.policy.default) for m in received]
    (to_ops,) = [m for m in sent if m["To"].addresses[0].addr_spec == "ops@council.example"]
    (tmp_path / "sent.eml").write_bytes(bytes(to_ops))
    (part,) = list(to_ops.iter_attachments())
    blank = tmp_path / part.get_filename()
    blank.write_bytes(part.get_content())
    (tmp_path / "filled").mkdir()
    filled = fill(blank, {"1.1": {"Progress update": "Replied by email", "Rating": "green"}},
                  tmp_path / "filled" / part.get_filename())
    reply = _eml(tmp_path, filled, "Head of Operations <ops@council.example>",
                 "Mon, 12 Oct 2026 08:15:00 +0100", "reply.eml")
    r = apply(run, str(reply), "--commit")
    assert r.exit_code == 0, r.stderr
    assert "warning" not in r.stderr
    text = plan.read_text()
    assert "date: 2026-10-12\n            text: Replied by email" in text and "rag: green" in text
    author, email_, _, message = head_message(tmp_path)
    assert (author, email_) == ("Head of Operations", "ops@council.example")
    assert "Returned-by: ops@council.example\n" in message


def test_a_winmail_dat_attachment_is_refused_saying_what_to_do(run, plan, tmp_path):
    msg = email.message.EmailMessage()
    msg["From"] = "ops@council.example"
    msg["Date"] = "Mon, 12 Oct 2026 08:15:00 +0100"
    msg.set_content("See attached")
    msg.add_attachment(b"\x78\x9f\x3e\x22junk", maintype="application", subtype="ms-tnef",
                       filename="winmail.dat")
    (tmp_path / "outlook.eml").write_bytes(bytes(msg))
    before = plan.read_bytes()
    r = apply(run, "outlook.eml")
    assert r.exit_code == 2
    assert "winmail.dat" in r.stderr
    assert plan.read_bytes() == before


def test_a_row_added_by_the_lead_is_refused(run, plan):
    make(run)
    wb = openpyxl.load_workbook(RET)
    ws = wb["Actions"]
    heads = {c.value: c.column for c in ws[1]}
    n = ws.max_row + 1
    ws.cell(n, heads["ID"], "1.9")
    ws.cell(n, heads["Progress update"], "An action of my own")
    wb.save(RET)
    before = plan.read_bytes()
    r = apply(run, RET)
    assert r.exit_code == 2
    assert f"Actions!A{n}: ID '1.9' is not one this return was made with" in r.stderr
    assert plan.read_bytes() == before


def test_json_lists_each_change_with_its_cell(run, plan):
    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "In JSON"}, "1.2": {"New due date": "15.11.26"}})
    r = apply(run, RET, "--dry-run", "--format", "json")
    assert r.exit_code == 1  # the new date without a reason is left out
    (ret,) = json.loads(r.stdout)["returns"]
    assert (ret["lead"], ret["lead_name"], ret["saved"]) == ("hos-ops", "Head of Operations",
                                                              "2026-10-14")
    changes = {(c["id"], c["change"]): c for c in ret["changes"]}
    assert changes[("1.1", "note")]["status"] == "apply"
    assert changes[("1.2", "reschedule")]["status"] == "refused"
    assert changes[("1.2", "reschedule")]["cell"] == cell_of(Path(RET), "1.2", "New due date")


def test_a_cell_over_the_size_limit_refuses_the_return(run, plan):
    from planctl.core.returns import MAX_CELL_CHARS

    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "x" * (MAX_CELL_CHARS + 1)}})
    r = apply(run, RET)
    assert r.exit_code == 2
    where = cell_of(Path(RET), "1.1", "Progress update")
    assert f"{where}: longer than {MAX_CELL_CHARS:,} characters" in r.stderr


def test_completed_on_an_action_with_milestones_completes_the_next_one(run, tmp_path, git_repo):
    text = """\
plan:
  title: Milestones
leads:
  hos-ops: {name: Head of Operations, email: ops@council.example}
recommendations:
  - text: R
    actions:
      - text: Roll out the new form
        lead: hos-ops
        milestones:
          - {due: 2026-10-31, text: pilot}
          - {due: 2027-01-31, text: everyone}
"""
    plan = setup_plan(tmp_path, git_repo, text)
    make(run)
    fill(Path(RET), {"1.1": {"Completed on": "28/10/2026"}})
    base = plan.read_bytes()
    r = apply(run, RET, "--commit")
    assert r.exit_code == 0, r.stderr
    assert plan.read_bytes() == by_hand(run, tmp_path, [["done", "1.1", "--on", "28.10.26"]], base)
    assert "done: 2026-10-28" in plan.read_text() and "everyone" in plan.read_text()


def test_several_reasons_in_one_return_each_name_their_action(run, plan, tmp_path):
    make(run)
    fill(Path(RET), {"1.1": {"New due date": "31.10.26", "Reason for new date": "Audit staff off"},
                     "1.2": {"New due date": "30.11.26", "Reason for new date": "Trainer off"}})
    assert apply(run, RET, "--commit").exit_code == 0
    _, _, _, message = head_message(tmp_path)
    assert "Reason: p:1.1: Audit staff off\nReason: p:1.2: Trainer off\n" in message


def test_a_return_over_two_plan_files_is_one_commit(run, plan, tmp_path, git_repo):
    second = tmp_path / "plans" / "q.yaml"
    second.write_text(plan.read_text().replace("title: Test plan", "title: Second plan"))
    commit_all(git_repo, "A second plan")
    make(run)
    fill(Path(RET), {"p:1.1": {"Progress update": "In the first"},
                     "q:1.2": {"Progress update": "In the second"}})
    count = commit_count(tmp_path)
    r = apply(run, RET, "--commit")
    assert r.exit_code == 0, r.stderr
    assert commit_count(tmp_path) == count + 1
    files = subprocess.run(["git", "show", "--name-only", "--format=", "HEAD"], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.split()
    assert files == ["plans/p.yaml", "plans/q.yaml"]
    assert "In the first" in plan.read_text() and "In the second" in second.read_text()


def test_several_returns_in_one_email_are_each_applied(run, plan, tmp_path):
    make(run)
    ops = fill(Path(RET), {"1.1": {"Progress update": "Ops, attached first"}})
    qa = fill(Path("out/qa-qa-manager.xlsx"), {"1.4": {"Progress update": "QA, attached second"}})
    msg = email.message.EmailMessage()
    msg["From"] = "pa@council.example"
    msg["Date"] = "Tue, 13 Oct 2026 10:00:00 +0100"
    msg.set_content("Both returns attached.")
    for path in (ops, qa):
        msg.add_attachment(path.read_bytes(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           filename=path.name)
    (tmp_path / "both.eml").write_bytes(bytes(msg))
    r = apply(run, "both.eml", "--commit")
    assert r.exit_code == 0, r.stderr
    text = plan.read_text()
    assert "Ops, attached first" in text and "QA, attached second" in text
    log = subprocess.run(["git", "log", "-2", "--format=%an"], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert log[:2] == ["QA Manager", "Head of Operations"]


def test_a_zip_bomb_is_refused_by_imports_guard(run, plan, tmp_path):
    import zipfile

    make(run)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(RET) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/media/padding.bin", b"\0" * (30 * 2**20))
    before = plan.read_bytes()
    r = apply(run, str(bomb))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"planctl: error: {bomb}: ")
    assert "limit" in r.stderr and "Traceback" not in r.stderr
    assert plan.read_bytes() == before


def test_a_workbook_still_stamped_as_made_is_dated_by_the_files_time(run, plan):
    import os

    make(run)
    fill(Path(RET), {"1.1": {"Progress update": "Saved by a tool that keeps the stamp"}},
         saved="2026-10-01T00:00:00Z")  # the stamp `returns make` writes: not a save
    when = dt.datetime(2026, 10, 21, 12, 0).timestamp()
    os.utime(RET, (when, when))
    r = apply(run, RET)
    assert r.exit_code == 0, r.stderr
    assert "notes dated 2026-10-21 (the file's modification time)" in r.stdout
    assert "date: 2026-10-21" in plan.read_text()

