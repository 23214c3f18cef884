"""Write every command's --help into docs/commands.md, from the program itself.

    python tools/gen_docs.py          # rewrite the block between the markers
    python tools/gen_docs.py --check  # exit 1 if the block is stale (tests run this)

The block sits between `<!-- help:start -->` and `<!-- help:end -->`; the prose
around it is written by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

DOC = Path(__file__).resolve().parent.parent / "docs" / "commands.md"
START, END = "<!-- help:start -->", "<!-- help:end -->"


def help_block() -> str:
    from planctl.cli import COMMANDS, cli

    runner = CliRunner()
    parts = [START, "", "Generated from the program by `python tools/gen_docs.py`; do not edit by hand.", ""]
    import click

    names = []
    for name in ["", *sorted(COMMANDS)]:
        names.append(name)
        command = cli.get_command(click.Context(cli), name) if name else None
        if isinstance(command, click.Group):  # `returns make`, `returns apply` ...
            names += [f"{name} {sub}" for sub in sorted(command.list_commands(click.Context(command)))]
    for name in names:
        args = [*name.split(), "--help"] if name else ["--help"]
        # A fixed width and environment, so the text does not depend on who runs it.
        result = runner.invoke(cli, args, prog_name="planctl", terminal_width=80,
                               env={"COLUMNS": "80", "NO_COLOR": "1"})
        if result.exit_code != 0:
            raise SystemExit(f"planctl {name} --help failed: {result.output}")
        parts += [f"### planctl {name}".rstrip(), "", "```text", result.output.rstrip(), "```", ""]
    parts.append(END)
    return "\n".join(parts)


def render(text: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"{DOC}: the markers {START} and {END} are missing")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + help_block() + tail


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    wanted = render(current)
    if argv == ["--check"]:
        if wanted != current:
            print(f"{DOC} is stale: run python tools/gen_docs.py", file=sys.stderr)
            return 1
        return 0
    if argv:
        raise SystemExit(__doc__)
    DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
