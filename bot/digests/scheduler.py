"""Weekly digest delivery: when each digest is due, and posting it exactly once.

Three layers, each testable alone with an injected clock and poster:

* :func:`last_fire` / :func:`next_fire` — pure calendar math in the subscription's own
  timezone (DST-safe: the wall-clock time stays 09:00 across a change).
* :class:`DigestRunner` — runs one (subscription, period): claim the period in
  ``digest_runs`` first, post each message part with a marker in its Slack ``metadata``
  (``run_id`` + part), mark it posted, then record. A restart that finds an expired claim
  looks its markers up with ``conversations.history`` before posting anything again, so a
  crash between posting and recording neither double-posts nor loses the period. Failures
  are recorded with their reason, retried with backoff a bounded number of times, and the
  subscriber gets a DM when a digest cannot be delivered.
* :class:`DigestScheduler` — an APScheduler 3.x ``BackgroundScheduler`` inside
  ``personabot serve``. Only the holder of the SQLite lease runs digest jobs; jobs are
  (re)built from ``digest_subscriptions`` with explicit ids and timezones, ``coalesce``,
  ``max_instances=1`` and a misfire grace, so a digest missed during a short outage runs
  when the bot comes back.
"""

from __future__ import annotations

import html
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.digests import holders
from bot.errors import BotError
from bot.digests.compose import DigestComposer, DigestSources, LiveSources, Message, render_chart
from bot.digests.store import DigestStore, Run, Schedule, Subscription, iso, parse_iso
from bot.slack.mrkdwn import escape
from bot.store.approvals import JSONObject
from bot.wiring import Wiring

T = TypeVar("T")

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

MARKER_EVENT = "personabot_digest"
MISFIRE_GRACE = timedelta(hours=6)
# A claim lives CLAIM_TTL past its last heartbeat; the runner beats every HEARTBEAT_EVERY
# while it works (composing with a slow LLM included), so only a dead or frozen holder's
# claim expires. A holder known dead (bot.digests.holders) loses its claim and the lease at once.
CLAIM_TTL = timedelta(minutes=2)
HEARTBEAT_EVERY = timedelta(seconds=20)
LEASE_TTL = timedelta(seconds=90)
LEASE_RENEW_EVERY = timedelta(seconds=30)
MAINTAIN_EVERY = timedelta(minutes=1)
RETRY_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
SHUTDOWN_GRACE = timedelta(seconds=5)  # under Docker's 10 s stop timeout before SIGKILL
MAX_REASON = 300

# Slack errors that no retry can fix: the subscriber has to act (unarchive, invite the bot...).
PERMANENT_ERRORS = frozenset(
    {
        "is_archived",
        "channel_not_found",
        "not_in_channel",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "missing_scope",
        "restricted_action",
        "no_permission",
        "invalid_blocks",
        "msg_too_long",
    }
)

ERROR_HINTS = {
    "is_archived": "the channel is archived; unarchive it or subscribe another channel",
    "channel_not_found": "the channel no longer exists or the bot cannot see it",
    "not_in_channel": "the bot is not in the channel; /invite @personabot there",
    "missing_scope": "the app lacks a Slack scope; reinstall it from bot/manifest.yaml",
}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# -- calendar math ---------------------------------------------------------------------


def _at(day: date, schedule: Schedule) -> datetime:
    """``day`` at the schedule's wall-clock time in its zone, as UTC.

    A time that does not exist (skipped by a spring-forward change) resolves with the
    offset in force before the change, as APScheduler's CronTrigger does.
    """
    local = datetime.combine(day, time(schedule.hour, schedule.minute), ZoneInfo(schedule.timezone))
    return local.astimezone(timezone.utc)


def last_fire(schedule: Schedule, at: datetime) -> datetime:
    """The latest scheduled moment at or before ``at`` (UTC) — the period a run belongs to."""
    local_day = at.astimezone(ZoneInfo(schedule.timezone)).date()
    day = local_day - timedelta(days=(local_day.weekday() - schedule.weekday) % 7)
    moment = _at(day, schedule)
    return moment if moment <= at else _at(day - timedelta(days=7), schedule)


def next_fire(schedule: Schedule, after: datetime) -> datetime:
    """The first scheduled moment strictly after ``after`` (UTC)."""
    previous = last_fire(schedule, after)
    day = previous.astimezone(ZoneInfo(schedule.timezone)).date()
    return _at(day + timedelta(days=7), schedule)


class WeeklyTrigger(BaseTrigger):
    """The APScheduler trigger of a weekly digest, computed by :func:`next_fire`.

    APScheduler 3.11's ``CronTrigger`` skips a week across some DST changes (New York,
    Monday 00:00: after 2026-03-02 it answers 2026-03-16). Our own calendar math steps one
    local week at a time, so every week fires exactly once in any zone, and the next fire
    ``digest status`` prints is the one the job will use.
    """

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self.timezone = ZoneInfo(schedule.timezone)

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        after = previous_fire_time if previous_fire_time is not None else now - timedelta(microseconds=1)
        return next_fire(self.schedule, after).astimezone(self.timezone)

    def __str__(self) -> str:
        return f"weekly[{self.schedule.label()}]"

    def __repr__(self) -> str:
        return f"<WeeklyTrigger {self.schedule.label()}>"


def one_line(reason: str, limit: int = MAX_REASON) -> str:
    """A failure reason fit for a table cell and a DM: HTML (a proxy's 5xx page) reduced to
    its title or text, whitespace collapsed, clipped. Still escape it for mrkdwn."""
    text = str(reason)
    page = re.search(r"<\s*(html|!doctype|body|head|title)\b", text, re.IGNORECASE)
    if page:
        head, markup = text[: page.start()], text[page.start():]
        title = re.search(r"<title[^>]*>(.*?)</title>", markup, re.IGNORECASE | re.DOTALL)
        body = title.group(1) if title else re.sub(r"<[^>]*>", " ", markup)
        text = head.replace("Received a response in a non-JSON format:", "").strip() + " " + \
            html.unescape(body)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def local_label(moment: datetime | str, tz: str) -> str:
    """``Mon 2026-11-30 09:00 KST`` — how people read a period."""
    if isinstance(moment, str):
        moment = parse_iso(moment)
    return moment.astimezone(ZoneInfo(tz)).strftime("%a %Y-%m-%d %H:%M %Z")


# -- delivery --------------------------------------------------------------------------


class PostError(BotError):
    """Slack refused a post; ``reason`` is Slack's error code, ``permanent`` means no retry."""

    def __init__(self, reason: str, permanent: bool | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = reason in PERMANENT_ERRORS if permanent is None else permanent


class DigestPoster(Protocol):
    """Where digests go. :class:`SlackPoster` in production, a recorder in tests."""

    def post(
        self, channel: str, message: Message, marker: JSONObject, thread_ts: str | None
    ) -> str:
        """Post one message (in ``thread_ts``'s thread if given) with ``marker`` as its
        metadata; return its ``ts``."""

    def find_posted(self, channel: str, run_id: int, oldest: datetime) -> dict[int, str]:
        """Parts of run ``run_id`` already in the channel or the first part's thread since
        ``oldest``: part -> ts."""

    def upload_chart(self, channel: str, thread_ts: str, png: bytes, title: str,
                     filename: str) -> str | None:
        """Upload a chart named ``filename`` into the digest's thread; return the file id."""

    def find_chart(self, channel: str, thread_ts: str, filename: str) -> str | None:
        """The id of the file named ``filename`` already in the thread, if any."""

    def notify(self, user_id: str, text: str) -> None:
        """Tell a person something went wrong (a DM from the bot)."""


NOTIFY_FAILED = "notify failed:"


def _post_error(exc: SlackApiError) -> PostError:
    """A :class:`PostError` from a ``SlackApiError``: Slack's code, or ``http_503: <title>``
    when a proxy answered with a non-Slack body (never the raw HTML)."""
    response = exc.response
    data = getattr(response, "data", None)
    error = data.get("error") if isinstance(data, dict) else None
    status = int(getattr(response, "status_code", 200) or 200)
    if error and status < 500:
        return PostError(str(error))
    if status >= 500 or not error:
        body = error or (data if isinstance(data, str) else "")
        return PostError(one_line(f"http_{status}: {body}".rstrip(": ")), permanent=False)
    return PostError(str(error))


def _error_code(exc: Exception) -> str:
    """Slack's error code (``missing_scope``, ``user_not_found``…) or the exception type."""
    response = getattr(exc, "response", None)
    error = response.get("error") if hasattr(response, "get") else None
    return str(error) if error else type(exc).__name__


class SlackPoster:
    """:class:`DigestPoster` over the Slack Web API (``chat:write``, ``channels:history``,
    ``groups:history``, ``files:write``, ``im:write``).

    Whatever client it is given, it posts through one that never re-sends a post on its own
    after a 5xx or a dropped connection (:func:`bot.slack.app.post_safe`): such a post may have
    landed, so the runner's retry looks for its marker first.
    """

    def __init__(self, client: WebClient) -> None:
        from bot.slack.app import post_safe

        self.client = post_safe(client) if hasattr(client, "retry_handlers") else client

    def post(
        self, channel: str, message: Message, marker: JSONObject, thread_ts: str | None
    ) -> str:
        try:
            response = self.client.chat_postMessage(
                channel=channel,
                text=message["text"],
                blocks=message.get("blocks"),
                thread_ts=thread_ts,
                metadata={"event_type": MARKER_EVENT, "event_payload": marker},
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            raise _post_error(exc) from None
        except OSError as exc:
            raise PostError(f"connection: {exc}", permanent=False) from None
        return str(response["ts"])

    def find_posted(self, channel: str, run_id: int, oldest: datetime) -> dict[int, str]:
        found: dict[int, str] = {}
        try:
            self._scan(self.client.conversations_history, found, run_id,
                       channel=channel, oldest=f"{oldest.timestamp():.6f}")
            if 0 in found:
                self._scan(self.client.conversations_replies, found, run_id,
                           channel=channel, ts=found[0])
        except SlackApiError as exc:
            raise _post_error(exc) from None
        return found

    @staticmethod
    def _scan(method: Callable[..., SlackResponse], found: dict[int, str], run_id: int,
              **params: object) -> None:
        """Page through history or replies collecting messages that carry run ``run_id``'s marker."""
        cursor = None
        for _ in range(10):
            response = method(include_all_metadata=True, limit=200, cursor=cursor, **params)
            for message in response.get("messages", []):
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == MARKER_EVENT and payload.get("run_id") == run_id:
                    found[int(payload.get("part", 0))] = str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break

    def upload_chart(self, channel: str, thread_ts: str, png: bytes, title: str,
                     filename: str = "digest.png") -> str | None:
        response = self.client.files_upload_v2(
            channel=channel, thread_ts=thread_ts, content=png, filename=filename, title=title
        )
        file = response.get("file") or {}
        return file.get("id")

    def find_chart(self, channel: str, thread_ts: str, filename: str) -> str | None:
        """The id of a file named ``filename`` already shared in the digest's thread."""
        cursor = None
        for _ in range(10):
            response = self.client.conversations_replies(channel=channel, ts=thread_ts,
                                                         limit=200, cursor=cursor)
            for message in response.get("messages", []):
                for file in message.get("files") or []:
                    if file.get("name") == filename:
                        return str(file.get("id"))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def notify(self, user_id: str, text: str) -> None:
        self.client.chat_postMessage(channel=user_id, text=text)


#: A digest payload: ``{"messages": [...], "snapshot": {...}, "chart": {...} | None}``.
Payload = JSONObject
Composer = Callable[[Subscription, datetime, "dict[str, list[dict[str, str]]] | None"], Payload]
PostedHook = Callable[[Subscription, Run, Payload, dict[str, str]], None]


@dataclass(frozen=True)
class RunOutcome:
    """What one call to :meth:`DigestRunner.run_period` did."""

    status: str  # "recorded", "posted" (recording pending), "failed", "skipped", "handed back"
    run_id: int | None
    detail: str = ""


class DigestRunner:
    """Deliver one (subscription, period) at most once, and never drop it silently.

    ``compose(subscription, period, previous_snapshot)`` returns the payload
    ``{"messages": [{"text", "blocks"}...], "snapshot": {...}, "chart": {...} | None}``;
    ``render_chart(payload["chart"])`` makes the PNG; ``on_posted`` is the recording
    hook (e.g. attaching the posted ``ts`` to the approval request of the digest's draft).

    While a run is in hand the runner beats its claim (``heartbeat_every``) and, before every
    Slack post, checks the run is still its own — so a claim handed back at shutdown or taken
    over from a frozen process is never posted from twice. :meth:`stop` makes the runner
    hand back what it holds instead of starting new posts.
    """

    def __init__(
        self,
        store: DigestStore,
        poster: DigestPoster,
        compose: Composer,
        *,
        clock: Clock = utc_now,
        holder: str | None = None,
        render_chart: Callable[[JSONObject], bytes] | None = None,
        on_posted: PostedHook | None = None,
        claim_ttl: timedelta = CLAIM_TTL,
        backoff: tuple[timedelta, ...] = RETRY_BACKOFF,
        heartbeat_every: timedelta = HEARTBEAT_EVERY,
    ) -> None:
        self.store = store
        self.poster = poster
        self.compose = compose
        self.clock = clock
        self.holder = holder or default_holder()
        self.render_chart = render_chart
        self.on_posted = on_posted
        self.claim_ttl = claim_ttl
        self.backoff = backoff
        self.max_attempts = len(backoff) + 1
        self.heartbeat_every = heartbeat_every
        self.stopping = threading.Event()
        self._active: set[int] = set()
        self._active_changed = threading.Condition()
        # Scheduled runs that failed before they could claim (the database was locked):
        # (subscription, period) -> reason, written as rows by the next maintenance pass.
        self.unrecorded: dict[tuple[int, str], str] = {}

    def run_period(self, sub: Subscription, period: datetime, *, force: bool = False) -> RunOutcome:
        """Claim and deliver (subscription, period). ``force`` takes the run over even when
        another holder's claim looks live or it failed for good (an operator's call)."""
        if self.stopping.is_set():
            return RunOutcome("skipped", None, "shutting down")
        try:
            claim = self.store.claim(sub.id, period, self.holder, self.clock(), self.claim_ttl,
                                     self.max_attempts, force=force)
        except sqlite3.Error as exc:
            reason = one_line(f"database: {exc}")
            log.error("digest %s for %s could not be claimed: %s", sub.id, period, reason)
            self.unrecorded[(sub.id, iso(period))] = reason
            return RunOutcome("failed", None, f"{reason}; retried by the next maintenance pass")
        if not claim.ok or claim.run is None:
            return RunOutcome("skipped", claim.run.id if claim.run else None, claim.why)
        self.unrecorded.pop((sub.id, iso(period)), None)
        with self._working(claim.run.id):
            return self._deliver(sub, period, claim.run, claim.why)

    def _deliver(self, sub: Subscription, period: datetime, run: Run, why: str) -> RunOutcome:
        payload = run.payload
        if payload is None:
            try:
                previous = self.store.previous_snapshot(sub.id, period)
                payload = self.compose(sub, period, previous)
            except Exception as exc:  # a model or data problem must not lose the period
                log.exception("composing digest run %s failed", run.id)
                return self._fail(sub, run, f"compose: {exc}", permanent=False)
            if not self.store.save_payload(run.id, payload, self.clock(), self.holder):
                return self._let_go(run)
        posted = dict(run.posted)
        if run.state == "claimed":
            try:
                if why != "new" and len(posted) < len(payload["messages"]):
                    oldest = parse_iso(run.created_at) - timedelta(minutes=1)
                    for part, ts in self.poster.find_posted(sub.channel_id, run.id, oldest).items():
                        if str(part) not in posted:
                            posted[str(part)] = ts
                            self.store.mark_part_posted(run.id, part, ts, self.clock())
                for part, message in enumerate(payload["messages"]):
                    if str(part) in posted:
                        continue
                    if not self._still_mine(run):
                        return self._let_go(run)
                    marker = {"run_id": run.id, "part": part, "period": run.period}
                    thread_ts = posted.get("0") if message.get("thread") else None
                    ts = self.poster.post(sub.channel_id, message, marker, thread_ts)
                    posted[str(part)] = ts
                    self.store.mark_part_posted(run.id, part, ts, self.clock())
            except PostError as exc:
                return self._fail(sub, run, exc.reason, exc.permanent)
            except Exception as exc:  # unknown outcome: retry, checking the markers first
                log.exception("posting digest run %s failed", run.id)
                return self._fail(sub, run, f"{type(exc).__name__}: {exc}", permanent=False)
            self.store.mark_posted(run.id, self.clock())
        return self._record(sub, run, payload, posted)

    def _still_mine(self, run: Run) -> bool:
        """Before each post: not stopping, and the claim is still ours (renewed as we go)."""
        if self.stopping.is_set():
            return False
        return self.store.extend_claim(run.id, self.holder, self.clock(), self.claim_ttl)

    def _let_go(self, run: Run) -> RunOutcome:
        if self.stopping.is_set():
            self.store.hand_back(run.id, self.holder, self.clock(), HANDED_BACK)
            return RunOutcome("handed back", run.id, HANDED_BACK)
        return RunOutcome("skipped", run.id, "claim taken over by another process")

    @contextmanager
    def _working(self, run_id: int) -> Iterator[None]:
        """Count the run as in flight and beat its claim until it is done."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.heartbeat_every.total_seconds()):
                try:
                    self.store.extend_claim(run_id, self.holder, self.clock(), self.claim_ttl)
                except Exception:  # a locked database: the next beat tries again
                    log.warning("heartbeat of digest run %s failed", run_id, exc_info=True)

        with self._active_changed:
            self._active.add(run_id)
        thread = threading.Thread(target=beat, name=f"digest-heartbeat-{run_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            with self._active_changed:
                self._active.discard(run_id)
                self._active_changed.notify_all()

    def stop(self, grace: timedelta = SHUTDOWN_GRACE) -> list[int]:
        """Stop taking work; let in-flight runs reach their next checkpoint for up to ``grace``,
        then hand back whatever is still in flight. Returns the run ids handed back here."""
        self.stopping.set()
        deadline = threading.Event()
        timer = threading.Timer(grace.total_seconds(), deadline.set)
        timer.start()
        with self._active_changed:
            while self._active and not deadline.is_set():
                self._active_changed.wait(0.1)
            left = sorted(self._active)
        timer.cancel()
        handed = []
        for run_id in left:
            try:
                if self.store.hand_back(run_id, self.holder, self.clock(), HANDED_BACK):
                    handed.append(run_id)
            except Exception:
                log.exception("could not hand back digest run %s", run_id)
        return handed

    def _record(
        self, sub: Subscription, run: Run, payload: Payload, posted: dict[str, str]
    ) -> RunOutcome:
        chart_file_id = run.chart_file_id
        try:
            if payload.get("chart") and self.render_chart and chart_file_id is None and posted:
                chart_file_id = self._chart(sub, run, payload, posted["0"])
            if self.on_posted is not None:
                self.on_posted(sub, run, payload, posted)
        except Exception as exc:
            # Stays "posted": the maintenance pass records it once the claim expires.
            log.exception("recording digest run %s failed", run.id)
            return RunOutcome("posted", run.id, f"recording failed: {exc}")
        self.store.mark_recorded(run.id, self.clock(), chart_file_id)
        return RunOutcome("recorded", run.id, ",".join(posted[k] for k in sorted(posted)))

    def _chart(self, sub: Subscription, run: Run, payload: Payload, thread_ts: str) -> str | None:
        """Upload the chart once: an upload that may have happened (a crash after it) is
        looked up in the thread by its file name before uploading again."""
        filename = chart_filename(run.id)
        try:
            if run.chart_started_at is not None:
                found = self.poster.find_chart(sub.channel_id, thread_ts, filename)
                if found is not None:
                    return found
            png = self.render_chart(payload["chart"])  # type: ignore[misc]
            self.store.mark_chart_started(run.id, self.clock())
            return self.poster.upload_chart(sub.channel_id, thread_ts, png,
                                            payload["chart"].get("title", "digest"), filename)
        except Exception:  # the chart is a nicety; the digest itself is out
            log.warning("chart upload for digest run %s failed", run.id, exc_info=True)
            return None

    def _fail(self, sub: Subscription, run: Run, reason: str, permanent: bool) -> RunOutcome:
        now = self.clock()
        reason = one_line(reason)
        final = permanent or run.attempts >= self.max_attempts
        retry_at = None if final else now + self.backoff[min(run.attempts, len(self.backoff)) - 1]
        self.store.mark_failed(run.id, reason, now, retry_at)
        if final:
            self._notify(sub, run, reason)
            return RunOutcome("failed", run.id, reason)
        assert retry_at is not None
        return RunOutcome("failed", run.id, f"{reason}; retry at {retry_at.isoformat()}")

    def record_missed(self, sub: Subscription, period: datetime) -> None:
        """A period that passed beyond the grace without a run: record it and tell the subscriber."""
        now = self.clock()
        reason = "missed: the bot was not running at the scheduled time (nor within the grace)"
        run = self.store.record_missed(sub.id, period, reason, now)
        if run is None:
            return
        text = (
            f":warning: The {escape(sub.persona)} digest for <#{sub.channel_id}> "
            f"({local_label(period, sub.schedule.timezone)}) was not posted: the bot was not "
            f"running at that time. Post it now with `personabot digest run --subscription {sub.id}`."
        )
        self._tell(sub, run, reason, text)

    def _notify(self, sub: Subscription, run: Run, reason: str) -> None:
        hint = ERROR_HINTS.get(reason, "see `personabot digest status` for details")
        text = (
            f":warning: The {escape(sub.persona)} digest for <#{sub.channel_id}> "
            f"({local_label(run.period, sub.schedule.timezone)}) could not be posted after "
            f"{run.attempts} attempt(s): `{escape(one_line(reason, 200))}` — {hint}. "
            f"Subscription #{sub.id}; retry with `personabot digest run --subscription {sub.id}`."
        )
        self._tell(sub, run, reason, text)

    def _tell(self, sub: Subscription, run: Run, reason: str, text: str) -> None:
        """DM the subscriber about a run that failed for good. When the DM itself fails, that
        goes on the run's reason (``… · notify failed: <error>``), which ``personabot digest
        status`` shows, so an operator learns nobody was told."""
        try:
            self.poster.notify(sub.created_by, text)
        except Exception as exc:
            log.exception("could not notify %s about digest run %s", sub.created_by, run.id)
            error = f"{NOTIFY_FAILED} {_error_code(exc)}"
            self.store.mark_failed(run.id, f"{reason[:500 - len(error) - 3]} · {error}",
                                   self.clock(), None)
            return
        self.store.mark_notified(run.id, self.clock())

    def flush_unrecorded(self) -> None:
        """Write a ``failed`` row (retry due at the first backoff) for each scheduled run that
        could not even claim, so it shows in ``digest status`` and is retried."""
        for (sub_id, key), reason in list(self.unrecorded.items()):
            now = self.clock()
            self.store.record_failure(sub_id, parse_iso(key), reason, now, now + self.backoff[0])
            self.unrecorded.pop((sub_id, key), None)

    def resume_unfinished(self) -> list[RunOutcome]:
        """Finish what a crash or a Slack error left: due retries, expired claims (or claims of
        a holder known to be dead), unrecorded posts."""
        self.flush_unrecorded()
        outcomes = []
        for run in self.store.unfinished(self.clock()):
            if self.stopping.is_set():
                break
            sub = self.store.subscription(run.subscription_id)
            if sub is None:
                continue
            if not sub.active and run.state != "posted":
                self.store.mark_failed(run.id, "unsubscribed", self.clock(), None)
                continue
            outcomes.append(self.run_period(sub, parse_iso(run.period)))
        return outcomes


HANDED_BACK = "handed back at shutdown; the next process resumes it (markers checked first)"


def chart_filename(run_id: int) -> str:
    """The chart's file name carries the run id: how a retry finds an upload that happened."""
    return f"digest-run-{run_id}.png"



def default_holder() -> str:
    """A lease/claim holder id unique to this process (see :mod:`bot.digests.holders`)."""
    return holders.new_holder()


# -- scheduling ------------------------------------------------------------------------


class DigestScheduler:
    """APScheduler jobs for the digest subscriptions, run only while holding the lease.

    ``tick()`` (every ``LEASE_RENEW_EVERY``) renews or takes the lease and syncs the jobs
    with the table; a process that does not hold the lease keeps only the ``tick`` job. The
    leader's ``maintain()`` pass (every ``MAINTAIN_EVERY``) resumes unfinished runs and
    catches up a due period that has no row (its job failed before it could write one).
    :meth:`health` is what ``/healthz`` reports: False once a pass fails or ticks stop.
    """

    LEASE_JOB = "digest-lease"
    RESUME_JOB = "digest-resume"

    def __init__(
        self,
        store: DigestStore,
        runner: DigestRunner,
        *,
        team_timezone: str = "Asia/Seoul",
        clock: Clock = utc_now,
        lease_ttl: timedelta = LEASE_TTL,
        grace: timedelta = MISFIRE_GRACE,
        shutdown_grace: timedelta = SHUTDOWN_GRACE,
    ) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.store = store
        self.runner = runner
        self.clock = clock
        self.holder = runner.holder
        self.lease_ttl = lease_ttl
        self.grace = grace
        self.shutdown_grace = shutdown_grace
        self.is_leader = False
        self.last_ok: datetime | None = None
        self.errors: dict[str, str] = {}  # pass name -> why its last run failed
        self.scheduler = BackgroundScheduler(
            timezone=ZoneInfo(team_timezone),
            # The lease has its own thread, so long digest jobs never delay its renewal.
            executors={"default": ThreadPoolExecutor(2), "lease": ThreadPoolExecutor(1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(grace.total_seconds()),
            },
        )

    def start(self, paused: bool = False) -> None:
        self.scheduler.start(paused=paused)
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=int(LEASE_RENEW_EVERY.total_seconds()),
            id=self.LEASE_JOB,
            replace_existing=True,
            executor="lease",
            misfire_grace_time=None,
        )
        self.tick()

    def shutdown(self) -> list[int]:
        """Stop taking work, hand back the in-flight digest (see :meth:`DigestRunner.stop`)
        and release the lease, so the next process delivers at once. Returns run ids handed
        back. Never waits longer than ``shutdown_grace`` for a running job."""
        self.runner.stopping.set()  # no new claims or posts from here on
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        handed = self.runner.stop(self.shutdown_grace)
        if handed:
            log.warning("digest runs %s handed back at shutdown", handed)
        if self.is_leader:
            try:
                self.store.release_lease(self.holder)
            except Exception:
                log.exception("could not release the digest lease (it expires on its own)")
            self.is_leader = False
        holders.retire(self.holder)
        return handed

    def health(self) -> tuple[bool, str]:
        """(ok, why) for ``/healthz``: the scheduler runs and its last pass reached the DB."""
        if not self.scheduler.running:
            return False, "digest scheduler is not running"
        if self.errors:
            return False, "digest scheduler pass failed: " + "; ".join(self.errors.values())
        if self.last_ok is None:
            return False, "digest scheduler has not completed a pass yet"
        stale = self.clock() - self.last_ok
        if stale > 3 * LEASE_RENEW_EVERY:
            return False, f"digest scheduler last completed a pass {int(stale.total_seconds())} s ago"
        return True, "leader" if self.is_leader else "standby"

    def _guarded(self, what: str, fn: Callable[[], T]) -> T | None:
        """Run a pass, recording its success or failure for :meth:`health`."""
        try:
            result = fn()
        except Exception as exc:
            self.errors[what] = one_line(f"{what}: {exc}", 200)
            log.exception("digest %s failed", what)
            return None
        self.errors.pop(what, None)
        self.last_ok = self.clock()
        return result

    def tick(self) -> bool:
        """Renew/take the lease; as leader keep jobs in step with the table. Returns leadership."""
        return bool(self._guarded("lease tick", self._tick))

    def _tick(self) -> bool:
        if self.runner.stopping.is_set():
            return False
        leader = self.store.acquire_lease(self.holder, self.clock(), self.lease_ttl)
        if leader:
            if not self.is_leader:
                log.info("digest scheduler %s took the lease", self.holder)
                self.scheduler.add_job(
                    self.maintain,
                    "interval",
                    seconds=int(MAINTAIN_EVERY.total_seconds()),
                    id=self.RESUME_JOB,
                    replace_existing=True,
                    next_run_time=self.clock(),
                )
            self.is_leader = True
            self.sync()
        elif self.is_leader:
            log.warning("digest scheduler %s lost the lease; stopping its jobs", self.holder)
            self.is_leader = False
            for job in self.scheduler.get_jobs():
                if job.id != self.LEASE_JOB:
                    job.remove()
        return leader

    def maintain(self) -> list[RunOutcome]:
        """The leader's periodic pass: resume unfinished runs, then run any due period (within
        the grace) that has no row at all — its job failed before it could write one."""
        return self._guarded("maintenance pass", self._maintain) or []

    def _maintain(self) -> list[RunOutcome]:
        outcomes = self.runner.resume_unfinished()
        now = self.clock()
        for sub in self.store.subscriptions():
            if self.runner.stopping.is_set():
                break
            period = self.missed_period(sub, now)
            if period is not None:
                outcomes.append(self.runner.run_period(sub, period))
        if self.runner.unrecorded:  # runs that could not even be claimed: the DB is failing
            raise RuntimeError(next(iter(self.runner.unrecorded.values())))
        return outcomes

    def sync(self) -> None:
        """Add a job per active subscription (explicit id, zone); drop jobs of ended ones."""
        subscriptions = {sub.job_id: sub for sub in self.store.subscriptions()}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("digest-") and job.id[7:].isdigit() and job.id not in subscriptions:
                job.remove()
        now = self.clock()
        for job_id, sub in subscriptions.items():
            if self.scheduler.get_job(job_id) is not None:
                continue
            s = sub.schedule
            options: dict[str, datetime] = {}
            missed = self.missed_period(sub, now)
            if missed is not None:
                options["next_run_time"] = missed  # within the grace: runs right away
            else:
                self._report_if_missed(sub, now)
            self.scheduler.add_job(
                self.run_subscription,
                WeeklyTrigger(s),
                args=[sub.id],
                id=job_id,
                name=f"{sub.persona} digest to {sub.channel_id}",
                replace_existing=True,
                **options,
            )

    def missed_period(self, sub: Subscription, now: datetime) -> datetime | None:
        """The last period if it passed within the grace, after subscribing, without a run."""
        period = last_fire(sub.schedule, now)
        if now - period > self.grace or period < parse_iso(sub.created_at):
            return None
        return period if self.store.run_for(sub.id, period) is None else None

    def _report_if_missed(self, sub: Subscription, now: datetime) -> None:
        """The last period passed beyond the grace, after subscribing, and never ran."""
        period = last_fire(sub.schedule, now)
        if now - period > self.grace and period >= parse_iso(sub.created_at):
            if self.store.run_for(sub.id, period) is None:
                self.runner.record_missed(sub, period)

    def run_subscription(self, sub_id: int) -> RunOutcome:
        """The job body: work out the period from the clock and run it. A database error
        before the claim is kept by the runner and written as a retry row by :meth:`maintain`."""
        try:
            return self._run_subscription(sub_id)
        except sqlite3.Error as exc:
            log.error("digest job %s: database error %s", sub_id, exc)
            return RunOutcome("failed", None, one_line(f"database: {exc}"))

    def _run_subscription(self, sub_id: int) -> RunOutcome:
        sub = self.store.subscription(sub_id)
        if sub is None or not sub.active:
            return RunOutcome("skipped", None, "subscription ended")
        now = self.clock()
        period = last_fire(sub.schedule, now)
        if period < parse_iso(sub.created_at):
            return RunOutcome("skipped", None, "before the subscription started")
        if now - period > self.grace:
            log.warning("digest %s for %s missed by more than %s", sub.id, period, self.grace)
            self.runner.record_missed(sub, period)
            return RunOutcome("skipped", None, "missed beyond the grace period")
        return self.runner.run_period(sub, period)


# -- wiring ----------------------------------------------------------------------------


@dataclass
class Digests:
    """The digest feature of one process: tables, composer, runner and scheduler.

    ``personabot serve`` builds it with :func:`build_digests` over the process's wiring,
    registers ``/digest`` on it (:func:`bot.digests.listeners.feature`), calls :meth:`start`
    once the app is up and :meth:`shutdown` on exit.
    """

    store: DigestStore
    composer: DigestComposer
    runner: DigestRunner
    scheduler: DigestScheduler
    team_timezone: str
    language_for_user: Callable[[str | None], str] = field(default=lambda _user: "en")

    def start(self) -> None:
        self.scheduler.start()

    def shutdown(self) -> list[int]:
        """Graceful stop: hand back in-flight runs, release the lease (see DigestScheduler)."""
        return self.scheduler.shutdown()

    def health(self) -> tuple[bool, str]:
        return self.scheduler.health()


def build_digests(
    wiring: Wiring,
    client: WebClient,
    *,
    sources: DigestSources | None = None,
    clock: Clock = utc_now,
) -> Digests:
    """The digest feature over the process's wiring: its tables on ``DB_PATH``, a composer
    reading the wiring's model (:class:`LiveSources`) unless ``sources`` is given, a runner
    posting through ``client`` and the scheduler.

    With the wiring's approvals store each digest's draft becomes an approvable card handled
    by the ``/recommend`` buttons.
    """
    from bot.slack.flows import render
    from bot.slack.i18n import LanguageResolver

    approvals = wiring.approvals
    settings = wiring.settings

    def render_request(request_id: str) -> Message:
        assert approvals is not None
        request = approvals.get_request(request_id)
        assert request is not None
        text, rendered = render(approvals, request)
        return {"text": text, "blocks": rendered}

    # BOT_LANGUAGE (ko/en) for every digest; with "auto" the subscriber's Slack locale.
    languages = LanguageResolver(settings.bot_language)

    def language_for_user(user_id: str | None) -> str:
        return languages.for_user(client, user_id)

    store = DigestStore.open(settings.db_path)
    composer = DigestComposer(
        sources or LiveSources(wiring),
        approvals=approvals,
        render_request=render_request if approvals is not None else None,
        language=lambda sub: language_for_user(sub.created_by),
    )
    runner = DigestRunner(
        store, SlackPoster(client), composer, clock=clock, on_posted=composer.on_posted,
        render_chart=render_chart,
    )
    scheduler = DigestScheduler(store, runner, team_timezone=settings.team_timezone, clock=clock)
    return Digests(store, composer, runner, scheduler, settings.team_timezone, language_for_user)
