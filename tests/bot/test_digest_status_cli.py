"""Issue 12 cases 4 and 7 at the command line: ``digest status`` tells a run waiting for a
retry from a final failure (state, attempts, next retry, one escaped reason line), and a
run stuck "posting" by another process can be forced."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rich.console import Console

from bot.cli import app
from bot.cli import digest as digest_command
from bot.digests.store import DigestStore
from bot.digests.scheduler import CLAIM_TTL, last_fire
from tests.bot._digest_helpers import SEOUL_MONDAY_9
from tests.fakes.fake_slack import FakeSlack

runner = CliRunner()
TOKEN = "xoxb-status"


def test_status_shows_retry_pending_failed_and_stale_runs_on_one_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    store = DigestStore.open(path)
    now = datetime.now(timezone.utc)
    sub, _ = store.subscribe("all", "C1", SEOUL_MONDAY_9, "U1", now - timedelta(days=60))
    week = timedelta(days=7)
    period = last_fire(sub.schedule, now)
    html = "http_502: <html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>"
    retry = store.claim(sub.id, period - week, "A", now, CLAIM_TTL, 4).run
    store.mark_failed(retry.id, html, now, now + timedelta(minutes=5))
    final = store.claim(sub.id, period - 2 * week, "A", now, CLAIM_TTL, 4).run
    store.mark_failed(final.id, "is_archived", now, None)
    stuck = store.claim(sub.id, period - 3 * week, "A", now - timedelta(hours=1), CLAIM_TTL, 4).run
    monkeypatch.setenv("DB_PATH", str(path))
    monkeypatch.setattr(digest_command, "console", Console(width=250))  # one row per line

    result = CliRunner().invoke(app, ["digest", "status"])
    assert result.exit_code == 0, result.output
    rows = {ln.split("│")[1].strip(): ln for ln in result.output.splitlines()
            if ln.count("│") > 5 and ln.split("│")[1].strip().isdigit()}
    assert "retry pending" in rows[str(retry.id)] and "502 Bad Gateway" in rows[str(retry.id)]
    assert "<html" not in result.output and "nginx" not in result.output
    assert "failed" in rows[str(final.id)] and "retry pending" not in rows[str(final.id)]
    assert "stale" in rows[str(stuck.id)]
    assert "next retry" in result.output


def test_a_run_in_progress_elsewhere_says_how_to_force_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    store = DigestStore.open(path)
    now = datetime.now(timezone.utc)
    sub, _ = store.subscribe("all", "C1", SEOUL_MONDAY_9, "U1", now - timedelta(days=60))
    store.claim(sub.id, last_fire(sub.schedule, now), "far-away:77:beef", now, CLAIM_TTL, 4)
    with FakeSlack(token=TOKEN) as slack:
        monkeypatch.setenv("DB_PATH", str(path))
        monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        result = runner.invoke(app, ["digest", "run", "--subscription", str(sub.id)])
        assert result.exit_code == 1
        text = " ".join(result.output.split())
        assert "far-away:77:beef" in text and f"--subscription {sub.id} --force" in text
        assert not slack.calls_to("chat.postMessage")
    assert "--force" in runner.invoke(app, ["digest", "run", "--help"]).output
    bad = runner.invoke(app, ["digest", "run", "--persona", "all", "--dry-run", "--force"])
    assert bad.exit_code == 2 and "--force" in bad.output
