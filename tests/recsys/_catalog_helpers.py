"""Shared helpers for catalog tests: where the fixtures live and how to write a variant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture(name: str) -> Path:
    path = FIXTURES / name
    assert path.exists(), f"missing test fixture {path}"
    return path


def write_json(folder: Path, name: str, data: Any) -> Path:
    """Write ``data`` as UTF-8 JSON into ``folder`` (a test's tmp_path) and return the path."""
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
