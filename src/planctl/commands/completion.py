"""completion: print the shell script that makes Tab complete planctl's commands and ids."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


def register_fish() -> None:
    """Use a fish script that keeps commas in descriptions (and values).

    Click's fish script splits each reply "type,value<TAB>description" at every comma,
    so "Service Manager, Through Care" showed as "Service Manager". Splitting at the
    first comma only keeps the rest whole; the replies themselves are unchanged."""
    from click.shell_completion import FishComplete, add_completion_class

    class _Fish(FishComplete):
        source_template = FishComplete.source_template.replace(
            'string split "," $completion', 'string split --max 1 "," $completion')

    add_completion_class(_Fish, "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the Tab-completion script for bash, zsh or fish.

    Completes command names, options, action ids (show, done ...) and lead
    names (--lead), read from the plans where you are. See docs/completion.md.

    \b
    Examples:
      eval "$(planctl completion bash)"          # in ~/.bashrc
      eval "$(planctl completion zsh)"           # in ~/.zshrc
      planctl completion fish > ~/.config/fish/completions/planctl.fish
    """
    from click.shell_completion import get_completion_class

    # The script completes the whole command line: the root command is the planctl group
    # this command runs under (never imported from planctl.cli, which imports this module).
    root = click.get_current_context().find_root().command
    register_fish()
    cls = get_completion_class(shell)
    assert cls is not None  # SHELLS are click's own
    click.echo(cls(root, {}, "planctl", "_PLANCTL_COMPLETE").source())
