"""``personabot digest run|status``: rendering, status tables and clear errors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bot.cli import app
from bot.cli import common
from bot.cli.digest import render_digest
from bot.digests.store import DigestStore
from bot.digests.compose import compose_digest
from recsys import paths
from tests.bot._digest_helpers import SEOUL_MONDAY_9, FakeSources

runner = CliRunner()
HAS_MODEL = (paths.DEMO_MODEL_DIR / "model.json").exists()


def test_render_shows_products_changes_highlights_and_draft() -> None:
    previous = {"Dry_Moisture": [{"product_id": "P7", "name": "Product P7"},
                                 {"product_id": "P3", "name": "Product P3"},
                                 {"product_id": "P2", "name": "Product P2"}]}
    digest = compose_digest(FakeSources(), "Dry_Moisture", previous, period_label="Week of 2026-11-30")
    out = Console(record=True, width=120)
    render_digest(digest, out)
    text = out.export_text()
    assert "Weekly digest · Dry_Moisture — Week of 2026-11-30" in text
    assert "건성 보습 · Dry_Moisture" in text
    for marker in ("🆕", "▲1", "▼1", "Left the list: Product P7"):
        assert marker in text
    assert "P1 kept my skin moist all day" in text
    assert "무료수신거부" in text and "passes the ad-rule checks" in text


def test_help_teaches_with_examples() -> None:
    result = runner.invoke(app, ["digest", "run", "--help"])
    assert result.exit_code == 0
    assert "personabot digest run --persona Dry_Winter --dry-run" in result.output
    assert "personabot digest status" in runner.invoke(app, ["digest", "status", "--help"]).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["digest", "run"], "give exactly one of --persona NAME or --subscription ID"),
        (["digest", "run", "--persona", "Dry_Winter"], "--persona only previews; add --dry-run"),
        (["digest", "run", "--persona", "Nobody", "--dry-run"], "Unknown persona 'Nobody'; choose one of: Dry_Winter"),
        (["digest", "status"], "no database at"),
        (["digest", "run", "--subscription", "7"], "no database at"),
    ],
)
def test_mistakes_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_status_lists_subscriptions_next_runs_lease_and_recent_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    monkeypatch.setenv("DB_PATH", str(path))
    monkeypatch.setattr(common.console, "width", 200)  # tables unwrapped, whatever the terminal
    store = DigestStore.open(path)
    now = datetime.now(timezone.utc)
    sub, _ = store.subscribe("Dry_Winter", "CMKT", SEOUL_MONDAY_9, "UOWNER", now)
    claim = store.claim(sub.id, now - timedelta(days=7), "host:1", now, timedelta(minutes=5), 4)
    store.mark_failed(claim.run.id, "is_archived", now, None)
    store.acquire_lease("host:1", now, timedelta(seconds=90))

    result = runner.invoke(app, ["digest", "status"], terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "Dry_Winter" in result.output and "CMKT" in result.output
    assert "mon 09:00 (Asia/Seoul)" in result.output and "Mon" in result.output and "KST" in result.output
    assert "Scheduler lease: host:1 (held" in result.output
    assert "failed" in result.output and "is_archived" in result.output

    assert runner.invoke(app, ["digest", "run", "--subscription", "99"]).exit_code == 2


@pytest.mark.skipif(not HAS_MODEL, reason="demo model not trained")
def test_dry_run_on_the_demo_model(tmp_path: Path) -> None:
    chart = tmp_path / "digest.png"
    result = runner.invoke(app, ["digest", "run", "--persona", "Dry_Winter", "--dry-run",
                                 "--chart", str(chart)], terminal_width=140)
    assert result.exit_code == 0, result.output
    assert "Dry_Winter" in result.output and "draft (friendly, offline)" in result.output
    assert chart.read_bytes().startswith(b"\x89PNG")
