"""Small helpers every CLI command shares: consoles, clean failures, settings."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

from bot.settings import Settings, SettingsError, load_settings

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error on stderr and exit with ``code`` (no traceback).

    The message often echoes user input or file contents, so it is printed as literal
    text: brackets such as ``[/x]`` are shown as typed, never read as rich markup. It is
    never folded either, so a long path stays one copyable line.
    """
    err_console.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def settings_or_exit(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc))
