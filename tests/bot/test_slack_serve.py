"""``personabot serve`` and ``personabot approvals`` as a user runs them, plus failures after
the ack: a missing model is told to the user and audited while the process keeps serving."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.store.approvals import Store
from tests.bot._slack_helpers import SECRET, TOKEN, BotHarness, post, signature_headers, \
    slash_command_body, unique
from tests.fakes.fake_slack import FakeSlack

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotHarness]:
    """The app with no model file: every /recommend fails after its ack."""
    tmp = tmp_path_factory.mktemp("broken")
    harness = BotHarness(tmp, settings_overrides={"model_dir": tmp / "no-model"}).start()
    yield harness
    harness.stop()


def test_missing_model_is_told_to_the_user_and_audited(broken: BotHarness) -> None:
    for _ in range(2):  # and the process keeps serving
        user = unique("UREQ")
        ack = broken.command("30s dry woman moisture", user_id=user)
        assert ack.status == 200 and ack.body.startswith(":hourglass_flowing_sand:")
        (reply,) = broken.slack.wait_for(
            "response_url", where=lambda c: "request id" in c.args.get("text", "")
            and broken.store.recent_requests(user)
            and broken.store.recent_requests(user)[0].id in c.args["text"])
        assert "could not be loaded" in reply.args["text"]
        request = broken.store.recent_requests(user)[0]
        assert request.status == "failed"
        assert "request.failed" in [e["action"] for e in broken.store.audit_entries(request.id)]
    assert not broken.slack.calls_to("chat.postMessage")
    with urllib.request.urlopen(broken.url + "/healthz") as resp:
        assert resp.status == 200


def test_serve_refuses_to_start_without_tokens(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "SLACK_BOT_TOKEN" in result.output and "SLACK_SIGNING_SECRET" in result.output


def test_serve_refuses_a_non_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2 and "xoxb-" in result.output
    assert "xoxp-user-token" not in result.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_in_http_mode_against_the_fake_slack(tmp_path: Path) -> None:
    port = _free_port()
    with FakeSlack(token=TOKEN) as slack:
        env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_API_URL": slack.api_url, "DB_PATH": str(tmp_path / "bot.db"),
               "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=tmp_path, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(url + "/healthz", timeout=1) as resp:
                        assert resp.status == 200
                        break
                except OSError:
                    assert proc.poll() is None, proc.stdout.read()  # type: ignore[union-attr]
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            body = slash_command_body("help", user_id="UHELP")
            reply = post(url + "/slack/events", body,
                         {"Content-Type": "application/x-www-form-urlencoded",
                          **signature_headers(body)})
            assert reply.status == 200 and "--top" in reply.body
            forged = post(url + "/slack/events", body,
                          {"Content-Type": "application/x-www-form-urlencoded",
                           **signature_headers(body, secret="nope")})
            assert forged.status == 401
            assert slack.calls_to("auth.test")
        finally:
            proc.terminate()
            output = proc.communicate(timeout=30)[0]
        assert TOKEN not in output and SECRET not in output


def test_approvals_report_lists_and_exports_decisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "bot.db")
    req, _ = store.create_request(kind="recommend", user_id="UREQ", channel_id="C",
                                  text="30대 건성", dedupe_key="k1")
    store.set_result(req.id, profile={}, persona="Dry_Winter", product_id="P1", brand_id="B1",
                     recommendations=[])
    draft_id = store.add_draft(req.id, tone="friendly", text="(광고) 촉촉, 크림", provider="offline",
                               model="offline", fallback_reason=None, findings=[], approvable=True)
    store.decide(draft_id, decision="approved", user_id="UAPP")
    monkeypatch.setenv("DB_PATH", str(tmp_path / "bot.db"))

    result = CliRunner().invoke(cli, ["approvals", "--since", "2020-01-01", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["decision"], r["decided_by"], r["text"]) for r in rows] == [
        ("approved", "UAPP", "(광고) 촉촉, 크림")]
    assert "No decisions since 2999-01-01" in CliRunner().invoke(
        cli, ["approvals", "--since", "2999-01-01"]).output
    bad = CliRunner().invoke(cli, ["approvals", "--since", "last tuesday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_socket_mode_is_chosen_by_the_app_token() -> None:
    from bot.slack.server import check_settings
    from bot.settings import SettingsError, load_settings

    assert check_settings(load_settings(slack_bot_token=TOKEN, slack_app_token="xapp-1-A")) == "socket"
    assert check_settings(load_settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET)) == "http"
    with pytest.raises(SettingsError, match="xapp-"):
        check_settings(load_settings(slack_bot_token=TOKEN, slack_app_token="xoxb-wrong"))


def test_socket_mode_runs_a_recommend_end_to_end(tmp_path: Path) -> None:
    from bot.slack.app import build_app
    from bot.slack.server import socket_mode_handler
    from bot.slack.services import build_deps
    from bot.wiring import build_wiring
    from bot.settings import load_settings

    app_token = "xapp-1-A0FAKE-test"
    with FakeSlack(token=TOKEN, app_token=app_token) as slack:
        settings = load_settings(slack_bot_token=TOKEN, slack_app_token=app_token,
                                 slack_api_url=slack.api_url, db_path=tmp_path / "bot.db")
        store = Store.open(settings.db_path)
        bolt_app = build_app(build_deps(build_wiring(settings, store)))
        handler = socket_mode_handler(bolt_app, settings)
        handler.connect()
        try:
            slack.socket_send({"envelope_id": "env-1", "type": "slash_commands",
                               "accepts_response_payload": True, "payload": {
                                   "team_id": "T0FAKE", "channel_id": "CSOCKET",
                                   "user_id": "USOCKET", "command": "/recommend",
                                   "text": "30s dry-skin woman, moisture",
                                   "trigger_id": "trigger-socket-1",
                                   "response_url": slack.response_url(), "api_app_id": "AFAKE"}})
            ack_text = slack.wait_for_ack("env-1")["payload"]["text"]
            assert ack_text.startswith(":hourglass_flowing_sand:")
            (posted,) = slack.wait_for("chat.postMessage", timeout=30)
            assert posted.args["channel"] == "CSOCKET" and len(posted.args["blocks"]) > 10
        finally:
            handler.close()
            bolt_app.listener_runner.listener_executor.shutdown(wait=True)
