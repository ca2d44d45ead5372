"""Fixtures shared by every test package. Area-specific fixtures live next to their tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# Tests never read the developer's .env or reach real services.
for _var in list(os.environ):
    if _var.startswith(("SLACK_", "OPENAI_", "GEMINI_", "OLLAMA_", "LLM_", "APPROVER_")):
        del os.environ[_var]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run each test from an empty folder so a developer's .env is never picked up."""
    monkeypatch.chdir(tmp_path)
