"""The ``personabot`` command line: one module per area (parse, recommend, model, catalog,
serve, digest), assembled into one Typer app in :mod:`bot.cli.root`.

``bot.cli:main`` is the console script (pyproject); ``bot.cli.app`` is the Typer app.
"""

from __future__ import annotations

from bot.cli.root import app, main

__all__ = ["app", "main"]
