"""A digest failure DM that itself fails is recorded on the run, not only logged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.digests.store import ALL_PERSONAS, DigestStore
from bot.digests.compose import DigestComposer
from bot.digests.scheduler import DigestRunner
from tests.bot._digest_helpers import SEOUL_MONDAY_9, Clock, FakePoster, FakeSources, utc

PERIOD = utc(2026, 11, 30, 0, 0)  # Monday 09:00 in Seoul


class MutePoster(FakePoster):
    """Posting fails for good (archived channel) and so does the DM (no ``im:write``)."""

    def notify(self, user_id: str, text: str) -> None:
        response = SlackResponse(client=None, http_verb="POST", api_url="chat.postMessage",
                                 req_args={}, data={"ok": False, "error": "missing_scope"},
                                 headers={}, status_code=200)
        raise SlackApiError("missing_scope", response)


def _runner(tmp_path: Path, poster: FakePoster) -> tuple[DigestStore, DigestRunner, int]:
    store = DigestStore.open(tmp_path / "bot.db")
    sub, _ = store.subscribe(ALL_PERSONAS, "C1", SEOUL_MONDAY_9, "U1", utc(2026, 11, 1))
    runner = DigestRunner(store, poster, clock=Clock(PERIOD + timedelta(seconds=5)),
                          holder="A", compose=DigestComposer(FakeSources()))
    return store, runner, sub.id


def test_a_failed_failure_dm_is_recorded_on_the_run(tmp_path: Path) -> None:
    poster = MutePoster()
    poster.errors["C1"] = ["is_archived"]
    store, runner, sub_id = _runner(tmp_path, poster)
    assert runner.run_period(store.subscription(sub_id), PERIOD).status == "failed"
    run = store.run_for(sub_id, PERIOD)
    assert run is not None and run.state == "failed" and run.next_attempt_at is None
    assert run.notified_at is None
    assert run.reason == "is_archived · notify failed: missing_scope"


def test_a_delivered_dm_leaves_the_reason_alone(tmp_path: Path) -> None:
    poster = FakePoster()
    poster.errors["C1"] = ["is_archived"]
    store, runner, sub_id = _runner(tmp_path, poster)
    runner.run_period(store.subscription(sub_id), PERIOD)
    run = store.run_for(sub_id, PERIOD)
    assert run is not None and run.reason == "is_archived" and run.notified_at is not None
