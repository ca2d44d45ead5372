"""``personabot approvals``: --since in the team's time zone, spreadsheet-safe CSV, literal
table text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.cli.serve import csv_safe
from bot.store.approvals import Store


def _decided(store: Store, text: str, at: str, *, key: str) -> None:
    """A decision on ``text`` recorded at UTC time ``at``."""
    request, _ = store.create_request(kind="recommend", user_id="UREQ", channel_id="C",
                                      text="30대 건성", dedupe_key=key)
    draft_id = store.add_draft(request.id, tone="friendly", text=text, provider="offline",
                               model="offline", fallback_reason=None, findings=[],
                               approvable=True)
    store.decide(draft_id, decision="approved", user_id="UAPP")
    store.db.execute("UPDATE decisions SET created_at = ? WHERE draft_id = ?", [at, draft_id])
    store.db.commit()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("DB_PATH", str(tmp_path / "bot.db"))
    monkeypatch.delenv("TEAM_TIMEZONE", raising=False)
    return Store.open(tmp_path / "bot.db")


def _csv(*args: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(cli, ["approvals", "--csv", *args])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_since_is_midnight_in_the_team_timezone(db: Store) -> None:
    _decided(db, "late on the 23rd", "2026-11-23T14:30:00+00:00", key="a")   # 23:30 KST 23rd
    _decided(db, "just after midnight", "2026-11-23T15:30:00+00:00", key="b")  # 00:30 KST 24th
    assert [r["text"] for r in _csv("--since", "2026-11-24")] == ["just after midnight"]
    assert [r["text"] for r in _csv("--since", "2026-11-23")] == [
        "late on the 23rd", "just after midnight"]


def test_since_follows_team_timezone_setting(db: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _decided(db, "just after midnight", "2026-11-23T15:30:00+00:00", key="b")
    monkeypatch.setenv("TEAM_TIMEZONE", "UTC")
    assert _csv("--since", "2026-11-24") == []


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_formula_cells_are_defused(db: Store, cell: str) -> None:
    _decided(db, cell, "2026-11-23T15:30:00+00:00", key="f")
    [row] = _csv()
    assert row["text"] == "'" + cell
    assert row["decision"] == "approved"


def test_plain_cells_are_unchanged() -> None:
    assert csv_safe("(광고) 촉촉한 크림 = 좋아요") == "(광고) 촉촉한 크림 = 좋아요"
    assert csv_safe(3) == 3


def test_table_prints_stored_text_literally(db: Store) -> None:
    _decided(db, "[/x][b]y", "2026-11-23T15:30:00+00:00", key="m")
    result = CliRunner().invoke(cli, ["approvals"])
    assert result.exit_code == 0, result.output
    assert "[/x][b]y" in result.output
