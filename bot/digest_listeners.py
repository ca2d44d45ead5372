"""Digest slash commands (see bot/digests.py)."""

from __future__ import annotations

from typing import Any


def register(app: Any, deps: Any) -> None:
    """Digest slash commands (see bot/digests.py)."""
