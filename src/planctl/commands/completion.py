"""completion: print the shell script that makes Tab complete planctl's commands and ids."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell):
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

    from ..cli import cli

    cls = get_completion_class(shell)
    click.echo(cls(cli, {}, "planctl", "_PLANCTL_COMPLETE").source())
