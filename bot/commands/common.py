"""Small helpers every CLI command shares: consoles, clean failures, settings."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from bot.settings import Settings, SettingsError, load_settings

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error on stderr and exit with ``code`` (no traceback)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def settings_or_exit(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc))
