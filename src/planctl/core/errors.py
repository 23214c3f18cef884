"""One error hierarchy; cli.py turns each into a message and an exit code."""

from __future__ import annotations

import re

import msgspec

ERROR = "error"
WARNING = "warning"
STRICT = "strict"  # reported by `check --strict` only


# Bidirectional controls can reorder what a terminal shows ("Trojan Source");
# line and paragraph separators can start a new line in some terminals.
_INVISIBLE = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                 "\u2028\u2029")


def byte_escape(code: int) -> str:
    """A lone surrogate as text: a byte of a file name that is not UTF-8 (Python reads it as
    U+DC80-U+DCFF, "surrogateescape") as `\\xNN`, the byte; any other as `\\uNNNN`. A lone
    surrogate cannot be encoded: printed raw it crashes, or writes invalid UTF-8."""
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


_SURROGATES = re.compile("[\ud800-\udfff]")
# What safe_text changes, as one character class: most text has none of it, and one
# search in C finds that (a table of 400 cells: 0.3 ms instead of 3 ms through the loop).
# Compiled when first needed (0.4 ms each): most commands use one of the two.
_SHOWN = "\x7f-\x9f\ud800-\udfff" + "".join(sorted(_INVISIBLE))
_UNSAFE: dict[bool, re.Pattern[str]] = {}


def _unsafe(one_line: bool) -> re.Pattern[str]:
    found = _UNSAFE.get(one_line)
    if found is None:  # with newline and tab (one line) or without
        found = _UNSAFE[one_line] = re.compile(
            f"[\x00-\x1f{_SHOWN}]" if one_line else f"[\x00-\x08\x0b-\x1f{_SHOWN}]")
    return found


def name_text(name: str) -> str:
    """A file name as valid Unicode text: each byte that is not UTF-8 written `\\xNN`
    (`caf\\xe9` for the Latin-1 name café), the form plan ids and JSON take."""
    if name.isascii():
        return name
    return _SURROGATES.sub(lambda m: byte_escape(ord(m.group())), name)


def safe_text(text: str, one_line: bool = False) -> str:
    """Text with control characters (ANSI escapes, CR, BEL ...) made visible, for terminals.

    one_line: newlines and tabs too, for FILE:LINE:COL lines that tools parse, where
    a newline in a file name or value could forge a line of its own. The bytes of a name
    that is not UTF-8 are shown as `\\xNN` (see name_text).
    """
    if _unsafe(one_line).search(text) is None:
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t" and not one_line:
            out.append(ch)
        elif 0xD800 <= code <= 0xDFFF:
            out.append(byte_escape(code))
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0 or ch in _INVISIBLE:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


# A Struct (see core/model.py): made in C at import, and decoded by the cache as it is.
class Problem(msgspec.Struct, frozen=True, order=True, gc=False, array_like=True):
    path: str
    line: int
    column: int
    code: str  # E... for errors, W... for warnings
    message: str
    severity: str = ERROR

    @property
    def location(self) -> str:
        return f"{safe_text(self.path, one_line=True)}:{self.line}:{self.column}"

    def for_check(self) -> str:
        """`FILE:LINE:COL: CODE message`, the form editors and CI parse."""
        return f"{self.location}: {self.code} {safe_text(self.message, one_line=True)}"

    def for_error(self) -> str:
        return f"{self.location}: {safe_text(self.message, one_line=True)}"


# Exit codes, one per kind of failure (documented in README and docs/commands.md), so
# scripts and CI can tell "you typed it wrong" from "the plan is broken" from "git".
EXIT_OK = 0
EXIT_FOUND = 1  # check found errors; overdue --exit-code found overdue actions
EXIT_USAGE = 2  # bad options or arguments, an unknown id, an edit refused
EXIT_PLAN = 3  # the plans cannot be read
EXIT_GIT = 4  # git is missing, not a repository, an unknown revision, a commit that failed
EXIT_OUTPUT = 5  # the output or the edited file cannot be written
EXIT_INTERNAL = 70  # a bug in planctl (EX_SOFTWARE)
EXIT_INTERRUPTED = 130
# The reader of the output went away (`| head`): as a Unix tool killed by SIGPIPE (128 +
# 13), the status `yes | head` gives under `set -o pipefail`; never 1, which says "found".
EXIT_PIPE = 141


class PlanctlError(Exception):
    """Anything planctl reports to the user instead of a traceback."""

    exit_code = EXIT_USAGE

    def lines(self) -> list[str]:
        # One line per error: a newline inside a value must not start a line of its own.
        return [safe_text(str(self), one_line=True)]


class UsageError(PlanctlError):
    """Bad options or arguments: an unknown id, a date that cannot be read, a refused edit ..."""


class PlanReadError(PlanctlError):
    """A plan file that cannot be read or is not valid, in words (no per-line problems)."""

    exit_code = EXIT_PLAN


class PlanLoadError(PlanReadError):
    """Plans that cannot be read; carries every problem found in every file."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the plans")
        self.problems = problems

    def lines(self) -> list[str]:
        return [p.for_error() for p in self.problems]


class GitError(PlanctlError):
    """git is missing, or the folder is not a repository, or a revision is unknown."""

    exit_code = EXIT_GIT


class OutputError(PlanctlError):
    """The output file, or the plan file being edited, cannot be written."""

    exit_code = EXIT_OUTPUT


class InternalError(PlanctlError):
    """A check of planctl's own work failed: a bug to report, never the user's fault."""

    exit_code = EXIT_INTERNAL
