"""returns apply: filled returns read back into the plans, each cell as the edit command's
change, one commit per return authored by the lead.

The steps, each in its own layer: store/returns (the workbook read, or refused naming
the cell; emails), store/gitstore (the plans at the return's commit and every version
since), history/follow (each row's action followed to the plan now by identity),
core/returns_apply (what each cell changes: applied, already held, a conflict, refused),
store/rewrite (the edit commands' own byte-preserving edits, chained in memory), then
the files written under their locks and committed (store/returns/commit.py).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..core.errors import GitError, PlanctlError, UsageError, safe_text
from ..core.returns_apply import (
    APPLY,
    CONFLICT,
    FORCED,
    GONE,
    HELD,
    REFUSED,
    Followed,
    Planned,
    Return,
    plan_return,
    reason_trailers,
)
from ..loading.plans import open_plans
from ..loading.settings import Settings
from .options import output, output_format, pass_settings, shared_options, today

if TYPE_CHECKING:
    from ..core.model import Action, Plan
    from ..render import View
    from ..store.edits import Edit, EditResult

EXIT_LEFT_OUT = 1  # read and applied, but something was not: conflicts, gone, refused cells
EXIT_REFUSED = 2  # a return (or an input file) could not be read: nothing of it was applied
SUFFIXES = (".xlsx", ".eml", ".mbox")
COLUMN_OF = {"note": "Progress update", "rate": "Rating", "done": "Completed on",
             "reschedule": "New due date", "evidence": "Evidence"}


@dataclass(frozen=True)
class Incoming:
    """One workbook to read: from a file, or attached to an email."""

    name: str
    data: bytes
    sent: datetime | None = None
    sender: str | None = None
    mtime: float | None = None


@dataclass
class Applied:
    """One return: what it asks, who it is from, and what became of it."""

    ret: Return
    lead_name: str
    email: str | None
    planned: list[Planned] = field(default_factory=list)
    edits: dict[str, list[tuple[str, Edit, Planned]]] = field(default_factory=dict)  # path -> ops
    results: list[tuple[Planned, EditResult]] = field(default_factory=list)
    error: str | None = None
    committed: str | None = None
    warnings: list[str] = field(default_factory=list)


# -- the inputs ------------------------------------------------------------------------------


def _files(sources: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """The files to read, and a line for each entry of a folder skipped (counted as a file
    not applied: every entry that is not read is named, never passed over silently)."""
    from ..store.returns.source import returns_in

    out: list[Path] = []
    skipped: list[str] = []
    for src in sources:
        if src.is_dir():
            try:
                found, passed = returns_in(src, SUFFIXES)
            except OSError as exc:
                skipped.append(f"{src}: cannot read the folder: {exc.strerror or exc}")
                continue
            out += found
            skipped += passed
        else:
            out.append(src)
    return out, skipped


def _incoming(path: Path) -> list[Incoming]:
    """The workbooks in one file: itself (an xlsx), or every xlsx attached to its email(s)."""
    from ..store.returns.mail import read_mail

    try:
        regular = stat.S_ISREG(path.stat().st_mode)  # follows a symlink to what it names
        if not regular:  # a device or pipe has no size to check: /dev/zero never ends
            raise UsageError(f"{path}: not a file (a device, a pipe or a folder); a return is "
                             "an .xlsx, .eml or mbox file")
        with open(path, "rb") as f:
            head = f.read(5)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    if head.startswith(b"PK") or path.suffix.lower() == ".xlsx":
        from ..core.importing.limits import MAX_XLSX_BYTES

        size = path.stat().st_size
        if size > MAX_XLSX_BYTES:
            raise UsageError(f"{path}: {size:,} bytes, more than a return can be "
                             f"({MAX_XLSX_BYTES:,})")
        return [Incoming(str(path), path.read_bytes(), mtime=path.stat().st_mtime)]
    found = read_mail(path)
    if not found:
        raise UsageError(f"{path}: no xlsx attachment in it (a return comes back attached)")
    return [Incoming(f"{m.source}: {m.name}", m.data, m.sent, m.sender) for m in found]


def _read(sources: Sequence[Path]) -> tuple[list[Return], list[str]]:
    """The returns read, and an error line for each file or return that could not be."""
    from ..store.returns.workbook import read_return

    returns: list[Return] = []
    files, errors = _files(sources)
    for path in files:
        try:
            for inc in _incoming(path):
                try:
                    returns.append(read_return(inc.data, inc.name, sent=inc.sent,
                                               sender=inc.sender, mtime=inc.mtime))
                except PlanctlError as exc:
                    errors.append(str(exc))
        except PlanctlError as exc:
            errors.append(str(exc))
    return returns, errors


def _latest(returns: list[Return]) -> tuple[list[Return], list[str]]:
    """One version of each return (lead, commit, day made): the latest sent (or saved);
    notes naming those skipped."""
    best: dict[tuple[str, str, date], Return] = {}
    notes = []

    def when(r: Return) -> tuple[datetime, date]:
        sent = r.sent.astimezone(UTC).replace(tzinfo=None) if r.sent is not None else datetime.min
        return sent, r.saved

    for r in returns:
        key = (r.state.lead, r.state.commit, r.state.made)
        kept = best.get(key)
        if kept is None:
            best[key] = r
            continue
        newer, older = (r, kept) if when(r) > when(kept) else (kept, r)
        best[key] = newer
        notes.append(f"note: {older.name} skipped: {newer.name} is a later version of the same "
                     f"return ({older.state.lead}, made {older.state.made.isoformat()})")
    order = {id(r): i for i, r in enumerate(returns)}
    return sorted(best.values(), key=lambda r: order[id(r)]), notes


# -- the plans: now, at each return's commit, and the actions followed ------------------


class Plans:
    """The working tree's plan files (their bytes as the returns change them, in memory
    until written) and the repository's history, read once per commit."""

    def __init__(self, s: Settings) -> None:
        from ..store import gitstore

        loaded = open_plans(s, allow_errors=True, dates_from_git=False, judge=False)
        self.paths = loaded.paths
        self.repo, _ = gitstore.open_repo(self.paths)
        self.path_of = {p.id: p.path for p in loaded.plans}
        self.leads = [lead for p in loaded.plans for lead in p.leads]
        self.data: dict[str, bytes] = {}
        self._parsed: dict[str, tuple[bytes, Plan | None]] = {}  # the last bytes read, by path
        self._history: dict[str, tuple[Any, dict[tuple[str, str], Action | None]]] = {}

    def bytes_of(self, path: str) -> bytes:
        if path not in self.data:
            self.data[path] = Path(path).read_bytes()
        return self.data[path]

    def plan(self, plan_id: str) -> Plan | None:
        from ..store.cache import load_cached

        path = self.path_of.get(plan_id)
        if path is None:
            return None
        data = self.bytes_of(path)
        kept = self._parsed.get(path)
        if kept is None or kept[0] is not data:
            kept = self._parsed[path] = (data, load_cached(data, path)[0])
        return kept[1]

    def at(self, commit: str) -> tuple[Any, dict[tuple[str, str], Action | None]]:
        """(the version at the commit, each of its actions -> that action in the working
        tree as it was before any return was applied: followed once per commit)."""
        from ..store import gitstore
        from ..store.returns.commit import has_commit

        if commit not in self._history:
            if not has_commit(self.repo.cwd, commit):
                raise UsageError(f"commit {commit[:12]} is not in this repository (the return was "
                                 "cut from another copy of the plans, or the history was "
                                 "rewritten); make a new return")
            from ..history.follow import follow

            old, new, between, _notes = gitstore.span(self.paths, commit, None)
            versions = (v.plans for v in between) if between is not None else [new.plans]
            wanted = [(p.id, a.id) for p in old.plans for a in p.actions]
            self._history[commit] = (old, follow(old.plans, versions, wanted))
        return self._history[commit]

    def lead(self, key: str) -> tuple[str, list[str]]:
        """The lead's name and the distinct emails `leads:` gives it."""
        found = [x for x in self.leads if x.key == key]
        emails = list(dict.fromkeys(x.email.strip() for x in found if x.email and x.email.strip()))
        return (found[0].name if found else key), emails

    def plan_id_at(self, old: Any, written: str) -> str:
        """The plan id, at the commit, of the file the row names (inside the plans folder)."""
        top = Path(os.path.realpath(self.repo.top))
        for folder in self.paths:
            root = Path(os.path.realpath(folder))
            candidate = Path(os.path.realpath(root / written)) if root.is_dir() else root
            if root.is_dir() and not candidate.is_relative_to(root):
                raise UsageError(f"plan file {written!r} leads outside the plans folder")
            if not root.is_dir() and root.name != written:
                continue
            try:
                rel = candidate.relative_to(top).as_posix()
            except ValueError:
                continue
            for path, _blob, plan_id in old.files:
                if path == rel:
                    return str(plan_id)
        raise UsageError(f"plan file {written!r} is not among the plans at the return's commit")


def _followed(ret: Return, plans: Plans) -> tuple[dict[int, Followed | None], list[str]]:
    """Each row's action at the commit and now, by the row's line; UsageError when the
    return does not match its commit (it was altered)."""
    from ..render.returns_xlsx import cell_text

    old, now = plans.at(ret.state.commit)
    old_plans = {p.id: p for p in old.plans}
    ret_warnings: list[str] = []
    keys: dict[int, tuple[str, str]] = {}
    for row in ret.rows:
        if row.filled.empty:
            continue
        try:
            plan_id = plans.plan_id_at(old, row.plan)
        except UsageError as exc:
            raise UsageError(f"{ret.name}: {row.where}: {exc}") from None
        action = next((a for a in old_plans[plan_id].actions if a.id == row.action), None) \
            if plan_id in old_plans else None
        if action is None or " ".join(cell_text(action.text).split()) != \
                " ".join(row.recorded.get("text", "").split()):
            raise UsageError(f"{ret.name}: {row.where}: action {row.action} of {row.plan} at "
                             f"commit {ret.state.commit[:12]} is not the one this return was made "
                             "with; the return was altered (make a new one)")
        if ret.state.lead not in _lead_idents(action):
            raise UsageError(f"{ret.name}: {row.where}: action {row.action} is not led by "
                             f"{ret.state.lead!r} at commit {ret.state.commit[:12]}; the return "
                             "was altered (make a new one)")
        keys[row.line] = (plan_id, row.action)
        ret_warnings += _owned_edited(ret, row, old_plans[plan_id], action)
    out: dict[int, Followed | None] = {}
    for row in ret.rows:
        key = keys.get(row.line)
        if key is None:
            continue
        at_commit = next(a for a in old_plans[key[0]].actions if a.id == key[1])
        current = now.get(key)
        plan = plans.plan(current.plan) if current is not None else None
        action = next((a for a in plan.actions if a.id == current.id), None) \
            if plan is not None and current is not None else None
        out[row.line] = Followed(at_commit, action, _due_reader(plan) if plan else None)
    return out, ret_warnings


def _lead_idents(action: Action) -> set[str]:
    """The names a return of this action's leads records (a key, else the name as written,
    as `returns make` names them): a return credited to anyone else was altered."""
    return {key or name for name, key in zip(action.leads, action.lead_keys, strict=False)} \
        | set(action.leads)


def _owned_edited(ret: Return, row: Any, plan: Plan, action: Action) -> list[str]:
    """A warning for each of planctl's cells the hidden sheet does not record (Recommendation,
    Timescale) that no longer shows what the plan said at the commit: the edit is ignored."""
    from ..core import returns as layout
    from ..render.returns_xlsx import cell_text

    rec = next((r for r in plan.recommendations if r.id == action.recommendation), None)
    wanted = {layout.RECOMMENDATION: f"{rec.id}. {rec.text}" if rec else action.recommendation,
              layout.TIMESCALE: action.timescale_text}
    out = []
    for heading, (where, shown) in row.owned.items():
        if " ".join(shown.split()) != " ".join(cell_text(wanted.get(heading, shown)).split()):
            out.append(f"{ret.name}: {where}: the {heading} column is planctl's; the change made "
                       "there is ignored (say it in Progress update)")
    return out


def _due_reader(plan: Plan) -> Callable[[str], date]:
    """A New due date read as `reschedule` reads it: its one date."""
    from ..store.changes import read_timescale

    def read(typed: str) -> date:
        reading = read_timescale(typed, plan)
        if not reading.deadlines or reading.repeat is not None:
            raise ValueError(f"{typed!r} gives no one date to move the deadline to; give a date "
                             "(31/05/2027) or a month (May 2027)")
        return reading.deadlines[0].due

    return read


# -- the edits, in memory --------------------------------------------------------------------


def _edit(p: Planned) -> Edit:
    from ..store.edits import Edit

    assert p.kind is not None and p.on is not None
    return Edit(p.kind, p.on, text=p.text, evidence=p.evidence, by=p.by, value=p.value_arg)


def _refused(p: Planned, why: str) -> Planned:
    from dataclasses import replace

    return replace(p, status=REFUSED, detail=why, kind=None)


def _run_edits(a: Applied, plans: Plans) -> None:
    """Each change that runs, as its edit command would, on the plans' bytes in memory; a
    change the edit refuses is marked refused, the rest go on."""
    from ..store.rewrite import edit_bytes

    out: list[Planned] = []
    for p in a.planned:
        if not p.runs:
            out.append(p)
            continue
        path = plans.path_of[p.plan_id]
        edit = _edit(p)
        try:
            result = edit_bytes(plans.bytes_of(path), path, p.action_id, edit)
        except PlanctlError as exc:
            out.append(_refused(p, str(exc)))
            continue
        out.append(p)
        if result.changed:
            plans.data[path] = result.new
            a.edits.setdefault(path, []).append((p.action_id, edit, p))
            a.results.append((p, result))
            a.warnings += [f"{path}: {w}" for w in result.warnings]
    a.planned = out


def _plan_one(ret: Return, plans: Plans, force: bool, day: date) -> Applied:
    name, emails = plans.lead(ret.state.lead)
    late = None
    if ret.saved > day:  # a wrong clock or an altered stamp: no note is dated after today
        late = f"{ret.name}: {ret.saved_from} ({ret.saved.isoformat()}) is after today"
        ret = replace(ret, saved=day, saved_from=f"today, as {ret.saved_from} is after it")
    a = Applied(ret, name, emails[0] if len(emails) == 1 else None)
    if late:
        a.warnings.append(f"{late}; its notes are dated today ({day.isoformat()})")
    if len(emails) > 1:
        a.warnings.append(f"{ret.name}: lead {ret.state.lead!r} has {len(emails)} different "
                          f"emails in leads: ({', '.join(emails)}); whose commit it is is not "
                          "guessed")
    try:
        followed, owned = _followed(ret, plans)
    except PlanctlError as exc:
        a.error = str(exc)
        return a
    planned = plan_return(ret, followed, name, force=force, today=day)
    bad = next((p for p in planned if p.unreadable), None)
    if bad is not None:
        a.error = f"{ret.name}: {bad.detail}"
        return a
    a.planned = planned
    a.warnings += [*ret.warnings, *owned]
    if ret.sender and a.email and ret.sender.casefold() != a.email.casefold():
        a.warnings.append(f"{ret.name}: sent by {ret.sender}, not from {name}'s address in "
                          f"leads: ({a.email}); check it is theirs")
    _run_edits(a, plans)
    return a


# -- writing and committing ------------------------------------------------------------------


def _chain(ops: list[tuple[str, Edit, Planned]]) -> Callable[[bytes, str], EditResult]:
    """The return's edits of one file, run again on the bytes found under the lock."""
    from ..store.rewrite import EditResult, edit_bytes

    def change(data: bytes, shown: str) -> EditResult:
        new = data
        for action_id, edit, _p in ops:
            new = edit_bytes(new, shown, action_id, edit).new
        return EditResult(shown, "return", data, new, "return applied")

    return change


def _message(a: Applied) -> str:
    ret = a.ret
    lines = [f"{p.target}: {r.subject}" for p, r in a.results]
    n = len({p.target for p, _ in a.results})
    subject = (f"Return from {a.lead_name}: {len(lines)} update{'s' if len(lines) != 1 else ''}"
               f" to {n} action{'s' if n != 1 else ''}")
    trailers = reason_trailers([p for p, _ in a.results])
    trailers += [(k, v) for _, r in a.results for k, v in r.trailers if k != "Reason"]
    if ret.sender:
        trailers.append(("Returned-by", ret.sender))
    trailers.append(("Return", f"{ret.state.lead}, made {ret.state.made.isoformat()} from "
                               f"{ret.state.commit[:12]}"))
    body = "\n".join(" ".join(line.split()) for line in lines)
    tail = "\n".join(f"{k}: {' '.join(v.split())}" for k, v in trailers)
    return f"{' '.join(subject.split())}\n\n{body}\n\n{tail}\n"


def _write(a: Applied, commit: bool) -> None:
    from ..store.edits import apply_bytes
    from ..store.returns.commit import commit_files

    for path, ops in a.edits.items():
        apply_bytes(path, _chain(ops))
    if commit and a.edits and a.email:
        a.committed = commit_files(list(a.edits), _message(a), (a.lead_name, a.email))


def _preflight(applied: list[Applied], commit: bool) -> None:
    """With --commit, every file to be committed must hold no other uncommitted change:
    refused before anything is written."""
    if not commit:
        return
    from ..store import gitstore

    for a in applied:
        if a.email:
            for path in a.edits:
                gitstore.check_can_commit(path)


# -- what is shown ------------------------------------------------------------------------


@dataclass
class ApplyResult:
    shape = "view"
    applied: list[Applied]
    skipped: list[str]
    errors: list[str]
    dry_run: bool

    def view(self) -> View:
        from ..render import Column, Section, View, short_text

        sections = []
        for a in self.applied:
            r = a.ret
            title = (f"{r.name}: {a.lead_name}, made {r.state.made.isoformat()} from "
                     f"{r.state.commit[:7]}; notes dated {r.saved.isoformat()} ({r.saved_from})")
            sec = Section(title, [Column("ID"), Column("Action", wrap=2), Column("Change"),
                                  Column("Value", wrap=2), Column("Result", wrap=1)])
            if a.error:
                sec.add(["", "", "", "", f"refused: {a.error}"])
            for p in a.planned:
                result = p.status + (f": {p.detail}" if p.detail else "")
                # the row's ID as the lead saw it; where the action is now, when it moved
                ident = f"{p.row.id} (now {p.target})" if p.followed else p.row.id
                sec.add([ident, short_text(" ".join(p.action_text.split())), p.change, p.value,
                         result])
            sections.append(sec)
        return View(sections, summary=self.summary(), empty="No returns to apply.")

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for a in self.applied:
            for p in a.planned:
                counts[p.status] = counts.get(p.status, 0) + 1
        parts = [f"{n} {s}" for s, n in counts.items()]
        verb = "would be" if self.dry_run else "were"
        return (f"{len(self.applied)} return(s); changes: {', '.join(parts) or 'none'}"
                + (f" ({'nothing written: --dry-run' if self.dry_run else ''})" if self.dry_run
                   else "") + (f"; {len(self.errors)} file(s) refused" if self.errors else "")
                ).replace(" were", f" {verb}")

    def data(self) -> dict[str, object]:
        return {"dry_run": self.dry_run, "errors": self.errors, "skipped": self.skipped,
                "returns": [{
                    "name": a.ret.name, "lead": a.ret.state.lead, "lead_name": a.lead_name,
                    "commit": a.ret.state.commit, "made": a.ret.state.made.isoformat(),
                    "saved": a.ret.saved.isoformat(), "saved_from": a.ret.saved_from,
                    "sender": a.ret.sender, "error": a.error, "committed": a.committed,
                    "warnings": a.warnings,
                    "changes": [{"id": p.row.id, "action": p.target, "text": p.action_text,
                                 "change": p.change,
                                 "value": p.value, "status": p.status, "detail": p.detail,
                                 "cell": p.row.filled.cells.get(COLUMN_OF[p.change], p.row.where)}
                                for p in a.planned]} for a in self.applied]}


def _exit_code(result: ApplyResult, uncommitted: bool) -> int:
    if result.errors or any(a.error for a in result.applied):
        return EXIT_REFUSED
    if uncommitted or any(p.status in (CONFLICT, REFUSED, GONE)
                          for a in result.applied for p in a.planned):
        return EXIT_LEFT_OUT
    return 0


@click.command("apply")
@shared_options
@click.argument("sources", nargs=-1, required=True, metavar="FILE|DIR|EMAIL...",
                type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--commit", is_flag=True,
              help="Commit each return's changes, authored by its lead (name and email from "
                   "leads:).")
@click.option("--force", is_flag=True,
              help="Apply changes to actions that changed in the plan since the return was "
                   "made (conflicts).")
@pass_settings
def apply(s: Settings, sources: tuple[Path, ...], dry_run: bool, commit: bool, force: bool) -> None:
    """Read filled returns back into the plans.

    Each FILE is a return (.xlsx), a saved email with returns attached (.eml)
    or a mailbox (mbox); a DIR means every .xlsx, .eml and .mbox in it. Each
    filled cell becomes the edit command's change: Progress update a note
    (dated the day the return was saved: the email's Date, else the
    workbook's last-saved time, else the file's), Rating `rate`, Completed on
    `done --on`, New due date `reschedule --reason`, Evidence the
    completion's evidence (else a note). The table of changes comes first;
    --dry-run stops there. A cell that cannot be read refuses its whole
    return; an action changed in the plan since the return was made is a
    conflict, left out unless --force; a value the plan already holds is not
    written again. With --commit, one commit per return, authored by the lead.
    Exit codes: 0 all applied; 1 something left out (a conflict, an action
    no longer in the plan, a refused cell, a return whose lead has no email
    left uncommitted); 2 a file or return that cannot be read (nothing of it
    applied); 4 git problems.

    \b
    Examples:
      planctl returns apply returns/back/ --dry-run
      planctl returns apply reply.eml --commit
      planctl returns apply quarter.mbox --commit --force
    """
    fmt = output_format(s, ApplyResult.shape)
    if s.as_of:
        raise UsageError("--as-of reads old versions; returns are applied to the working tree")
    if dry_run and commit:
        raise UsageError("--dry-run writes nothing, so there is nothing to --commit")
    day = today(s)
    returns, errors = _read(sources)
    returns, skipped = _latest(returns)
    plans = Plans(s) if returns else None
    # Returns whose lead can author a commit first: one left uncommitted would block them.
    if commit:
        returns.sort(key=lambda r: plans is not None and len(plans.lead(r.state.lead)[1]) != 1)
    applied = [_plan_one(r, plans, force, day) for r in returns] if plans else []
    result = ApplyResult(applied, skipped, errors, dry_run)
    for line in skipped:
        click.echo(safe_text(line), err=True)
    output(result, fmt, s)
    for a in applied:
        for w in a.warnings:
            click.echo(f"planctl: warning: {safe_text(w, one_line=True)}", err=True)
    for line in errors + [a.error for a in applied if a.error]:
        click.echo(f"planctl: error: {safe_text(line, one_line=True)}", err=True)
    uncommitted = _finish(applied, dry_run, commit)
    code = _exit_code(result, uncommitted)
    if code:
        click.get_current_context().exit(code)


def _finish(applied: list[Applied], dry_run: bool, commit: bool) -> bool:
    """Write (and commit) each return; whether a return was left uncommitted under --commit."""
    if dry_run:
        return False
    _preflight(applied, commit)
    uncommitted = False
    for a in applied:
        if a.error or not a.edits:
            continue
        try:
            _write(a, commit)
        except GitError:
            raise
        what = f"{len(a.results)} change(s) from {a.ret.name} applied"
        if a.committed:
            what += f", committed {a.committed} as {a.lead_name} <{a.email}>"
        elif commit:
            uncommitted = True
            what += (f"; not committed: {a.lead_name} has no email in leads: (or several), so "
                     "the commit cannot be theirs; add it and commit by hand")
        click.echo(safe_text(what, one_line=True), err=True)
    return uncommitted


__all__ = ["APPLY", "FORCED", "HELD", "apply"]
