"""`personabot recommend` stores what it produced in the SQLite file, like /recommend does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.store.approvals import Store

RUNNER = CliRunner()


def _run(*args: str, env: dict[str, str]) -> dict:
    result = RUNNER.invoke(app, ["recommend", "30s dry-skin woman, moisture", "--json", *args], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_request_and_drafts_are_stored_with_an_audit_entry(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    data = _run(env={"DB_PATH": str(db)})
    store = Store.open(db)
    request = store.get_request(data["request_id"])
    assert request is not None and request.kind == "cli"
    drafts = store.drafts_for(request.id)
    assert sorted(d.tone for d in drafts) == ["friendly", "professional", "trendy"]
    assert [e["action"] for e in store.audit_entries(request.id)][0] == "cli.requested"
    assert store.recommendations_for(request.id)[0]["product_id"] == data["product_id"]


def test_no_save_leaves_no_database(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    data = _run("--no-save", env={"DB_PATH": str(db)})
    assert data["request_id"] is None
    assert not db.exists()


def test_a_corrupt_database_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_text("not sqlite at all " * 100)
    result = RUNNER.invoke(app, ["recommend", "30s dry woman"], env={"DB_PATH": str(db)})
    assert result.exit_code == 2
    assert "DB_PATH" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("flag", ["--save", "--no-save"])
def test_help_mentions_the_store(flag: str) -> None:
    result = RUNNER.invoke(app, ["recommend", "--help"], terminal_width=200)
    assert flag in result.output
