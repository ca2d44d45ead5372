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

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.digest_store import DigestStore, Run, Schedule, Subscription, parse_iso

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

MARKER_EVENT = "personabot_digest"
MISFIRE_GRACE = timedelta(hours=6)
CLAIM_TTL = timedelta(minutes=15)  # longer than the slowest compose (6 LLM drafts with retries)
LEASE_TTL = timedelta(seconds=90)
LEASE_RENEW_EVERY = timedelta(seconds=30)
RETRY_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
MAX_ATTEMPTS = len(RETRY_BACKOFF) + 1

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


def local_label(moment: datetime | str, tz: str) -> str:
    """``Mon 2026-11-30 09:00 KST`` — how people read a period."""
    if isinstance(moment, str):
        moment = parse_iso(moment)
    return moment.astimezone(ZoneInfo(tz)).strftime("%a %Y-%m-%d %H:%M %Z")


# -- delivery --------------------------------------------------------------------------


class PostError(Exception):
    """Slack refused a post; ``reason`` is Slack's error code, ``permanent`` means no retry."""

    def __init__(self, reason: str, permanent: bool | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = reason in PERMANENT_ERRORS if permanent is None else permanent


class DigestPoster(Protocol):
    """Where digests go. :class:`SlackPoster` in production, a recorder in tests."""

    def post(
        self, channel: str, message: dict[str, Any], marker: dict[str, Any], thread_ts: str | None
    ) -> str:
        """Post one message (in ``thread_ts``'s thread if given) with ``marker`` as its
        metadata; return its ``ts``."""

    def find_posted(self, channel: str, run_id: int, oldest: datetime) -> dict[int, str]:
        """Parts of run ``run_id`` already in the channel or the first part's thread since
        ``oldest``: part -> ts."""

    def upload_chart(self, channel: str, thread_ts: str, png: bytes, title: str) -> str | None:
        """Upload a chart into the digest's thread; return the file id."""

    def notify(self, user_id: str, text: str) -> None:
        """Tell a person something went wrong (a DM from the bot)."""


NOTIFY_FAILED = "notify failed:"


def _error_code(exc: Exception) -> str:
    """Slack's error code (``missing_scope``, ``user_not_found``…) or the exception type."""
    response = getattr(exc, "response", None)
    error = response.get("error") if hasattr(response, "get") else None
    return str(error) if error else type(exc).__name__


class SlackPoster:
    """:class:`DigestPoster` over the Slack Web API (``chat:write``, ``channels:history``,
    ``groups:history``, ``files:write``, ``im:write``)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def post(
        self, channel: str, message: dict[str, Any], marker: dict[str, Any], thread_ts: str | None
    ) -> str:
        from slack_sdk.errors import SlackApiError

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
            raise PostError(str(exc.response.get("error") or "slack_error")) from None
        except OSError as exc:
            raise PostError(f"connection: {exc}", permanent=False) from None
        return str(response["ts"])

    def find_posted(self, channel: str, run_id: int, oldest: datetime) -> dict[int, str]:
        from slack_sdk.errors import SlackApiError

        found: dict[int, str] = {}
        try:
            self._scan(self.client.conversations_history, found, run_id,
                       channel=channel, oldest=f"{oldest.timestamp():.6f}")
            if 0 in found:
                self._scan(self.client.conversations_replies, found, run_id,
                           channel=channel, ts=found[0])
        except SlackApiError as exc:
            raise PostError(str(exc.response.get("error") or "slack_error")) from None
        return found

    @staticmethod
    def _scan(method: Callable[..., Any], found: dict[int, str], run_id: int, **params: Any) -> None:
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

    def upload_chart(self, channel: str, thread_ts: str, png: bytes, title: str) -> str | None:
        response = self.client.files_upload_v2(
            channel=channel, thread_ts=thread_ts, content=png, filename="digest.png", title=title
        )
        file = response.get("file") or {}
        return file.get("id")

    def notify(self, user_id: str, text: str) -> None:
        self.client.chat_postMessage(channel=user_id, text=text)


Composer = Callable[[Subscription, datetime, "dict[str, Any] | None"], dict[str, Any]]
PostedHook = Callable[[Subscription, Run, dict[str, Any], dict[str, str]], None]


@dataclass(frozen=True)
class RunOutcome:
    """What one call to :meth:`DigestRunner.run_period` did."""

    status: str  # "recorded", "posted" (recording pending), "failed", "skipped"
    run_id: int | None
    detail: str = ""


class DigestRunner:
    """Deliver one (subscription, period) at most once, and never drop it silently.

    ``compose(subscription, period, previous_snapshot)`` returns the payload
    ``{"messages": [{"text", "blocks"}...], "snapshot": {...}, "chart": {...} | None}``;
    ``render_chart(payload["chart"])`` makes the PNG; ``on_posted`` is the recording
    hook (e.g. attaching the posted ``ts`` to the approval request of the digest's draft).
    """

    def __init__(
        self,
        store: DigestStore,
        poster: DigestPoster,
        compose: Composer,
        *,
        clock: Clock = utc_now,
        holder: str | None = None,
        render_chart: Callable[[dict[str, Any]], bytes] | None = None,
        on_posted: PostedHook | None = None,
        claim_ttl: timedelta = CLAIM_TTL,
        backoff: tuple[timedelta, ...] = RETRY_BACKOFF,
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

    def run_period(self, sub: Subscription, period: datetime) -> RunOutcome:
        claim = self.store.claim(
            sub.id, period, self.holder, self.clock(), self.claim_ttl, self.max_attempts
        )
        if not claim.ok or claim.run is None:
            return RunOutcome("skipped", claim.run.id if claim.run else None, claim.why)
        run = claim.run
        payload = run.payload
        if payload is None:
            try:
                previous = self.store.previous_snapshot(sub.id, period)
                payload = self.compose(sub, period, previous)
            except Exception as exc:  # a model or data problem must not lose the period
                log.exception("composing digest run %s failed", run.id)
                return self._fail(sub, run, f"compose: {exc}", permanent=False)
            self.store.save_payload(run.id, payload, self.clock())
        posted = dict(run.posted)
        if run.state == "claimed":
            try:
                if claim.why != "new" and len(posted) < len(payload["messages"]):
                    oldest = parse_iso(run.created_at) - timedelta(minutes=1)
                    for part, ts in self.poster.find_posted(sub.channel_id, run.id, oldest).items():
                        if str(part) not in posted:
                            posted[str(part)] = ts
                            self.store.mark_part_posted(run.id, part, ts, self.clock())
                for part, message in enumerate(payload["messages"]):
                    if str(part) in posted:
                        continue
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

    def _record(
        self, sub: Subscription, run: Run, payload: dict[str, Any], posted: dict[str, str]
    ) -> RunOutcome:
        chart_file_id = run.chart_file_id
        try:
            if payload.get("chart") and self.render_chart and chart_file_id is None and posted:
                try:
                    png = self.render_chart(payload["chart"])
                    chart_file_id = self.poster.upload_chart(
                        sub.channel_id, posted["0"], png, payload["chart"].get("title", "digest")
                    )
                except Exception:  # the chart is a nicety; the digest itself is out
                    log.warning("chart upload for digest run %s failed", run.id, exc_info=True)
            if self.on_posted is not None:
                self.on_posted(sub, run, payload, posted)
        except Exception as exc:
            # Stays "posted": the maintenance pass records it once the claim expires.
            log.exception("recording digest run %s failed", run.id)
            return RunOutcome("posted", run.id, f"recording failed: {exc}")
        self.store.mark_recorded(run.id, self.clock(), chart_file_id)
        return RunOutcome("recorded", run.id, ",".join(posted[k] for k in sorted(posted)))

    def _fail(self, sub: Subscription, run: Run, reason: str, permanent: bool) -> RunOutcome:
        now = self.clock()
        final = permanent or run.attempts >= self.max_attempts
        retry_at = None if final else now + self.backoff[min(run.attempts, len(self.backoff)) - 1]
        self.store.mark_failed(run.id, reason, now, retry_at)
        if final:
            self._notify(sub, run, reason)
            return RunOutcome("failed", run.id, reason)
        return RunOutcome("failed", run.id, f"{reason}; retry at {retry_at.isoformat()}")

    def record_missed(self, sub: Subscription, period: datetime) -> None:
        """A period that passed beyond the grace without a run: record it and tell the subscriber."""
        now = self.clock()
        reason = "missed: the bot was not running at the scheduled time (nor within the grace)"
        run = self.store.record_missed(sub.id, period, reason, now)
        if run is None:
            return
        text = (
            f":warning: The {sub.persona} digest for <#{sub.channel_id}> "
            f"({local_label(period, sub.schedule.timezone)}) was not posted: the bot was not "
            f"running at that time. Post it now with `personabot digest run --subscription {sub.id}`."
        )
        self._tell(sub, run, reason, text)

    def _notify(self, sub: Subscription, run: Run, reason: str) -> None:
        hint = ERROR_HINTS.get(reason, "see `personabot digest status` for details")
        text = (
            f":warning: The {sub.persona} digest for <#{sub.channel_id}> "
            f"({local_label(run.period, sub.schedule.timezone)}) could not be posted after "
            f"{run.attempts} attempt(s): `{reason}` — {hint}. Subscription #{sub.id}; "
            f"retry with `personabot digest run --subscription {sub.id}`."
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

    def resume_unfinished(self) -> list[RunOutcome]:
        """Finish what a crash or a Slack error left: due retries, expired claims, unrecorded posts."""
        outcomes = []
        for run in self.store.unfinished(self.clock()):
            sub = self.store.subscription(run.subscription_id)
            if sub is None:
                continue
            if not sub.active and run.state != "posted":
                self.store.mark_failed(run.id, "unsubscribed", self.clock(), None)
                continue
            outcomes.append(self.run_period(sub, parse_iso(run.period)))
        return outcomes


def default_holder() -> str:
    """A lease/claim holder id unique to this process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# -- scheduling ------------------------------------------------------------------------


class DigestScheduler:
    """APScheduler jobs for the digest subscriptions, run only while holding the lease.

    ``tick()`` (every ``LEASE_RENEW_EVERY``) renews or takes the lease and syncs the jobs
    with the table; a process that does not hold the lease keeps only the ``tick`` job.
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
    ) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.store = store
        self.runner = runner
        self.clock = clock
        self.holder = runner.holder
        self.lease_ttl = lease_ttl
        self.grace = grace
        self.is_leader = False
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

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.is_leader:
            self.store.release_lease(self.holder)
            self.is_leader = False

    def tick(self) -> bool:
        """Renew/take the lease; as leader keep jobs in step with the table. Returns leadership."""
        leader = self.store.acquire_lease(self.holder, self.clock(), self.lease_ttl)
        if leader:
            if not self.is_leader:
                log.info("digest scheduler %s took the lease", self.holder)
                self.scheduler.add_job(
                    self.runner.resume_unfinished,
                    "interval",
                    minutes=1,
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

    def sync(self) -> None:
        """Add a job per active subscription (explicit id, zone); drop jobs of ended ones."""
        from apscheduler.triggers.cron import CronTrigger

        subscriptions = {sub.job_id: sub for sub in self.store.subscriptions()}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("digest-") and job.id[7:].isdigit() and job.id not in subscriptions:
                job.remove()
        now = self.clock()
        for job_id, sub in subscriptions.items():
            if self.scheduler.get_job(job_id) is not None:
                continue
            s = sub.schedule
            options: dict[str, Any] = {}
            missed = self.missed_period(sub, now)
            if missed is not None:
                options["next_run_time"] = missed  # within the grace: runs right away
            else:
                self._report_if_missed(sub, now)
            self.scheduler.add_job(
                self.run_subscription,
                CronTrigger(
                    day_of_week=s.weekday, hour=s.hour, minute=s.minute, timezone=ZoneInfo(s.timezone)
                ),
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
        """The job body: work out the period from the clock and run it."""
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

    ``personabot serve`` builds it through :func:`bot.digest_listeners.register` (it lands in
    ``deps.extras["digests"]``) and calls :meth:`start` once the app is up and
    :meth:`shutdown` on exit.
    """

    store: DigestStore
    composer: Any
    runner: DigestRunner
    scheduler: DigestScheduler
    team_timezone: str

    def start(self) -> None:
        self.scheduler.start()

    def shutdown(self) -> None:
        self.scheduler.shutdown()


def build_digests(
    settings: Any,
    client: Any,
    approvals: Any,
    *,
    sources: Any = None,
    clock: Clock = utc_now,
) -> Digests:
    """Wire the digest feature on ``settings.db_path`` with the real sources unless given.

    ``approvals`` (a ``bot.store.Store``) turns each digest's draft into an approvable card
    handled by the ``/recommend`` buttons; ``client`` is the Slack ``WebClient``.
    """
    from bot import blocks
    from bot.digests import DigestComposer, LiveSources, render_chart

    def render_request(request_id: str) -> dict[str, Any]:
        request = approvals.get_request(request_id)
        text, rendered = blocks.request_message(
            request, approvals.recommendations_for(request_id), approvals.drafts_for(request_id),
            request.language,
        )
        return {"text": text, "blocks": rendered}

    def style_source(persona: str | None, brand_id: str) -> list[str]:
        return approvals.style_examples(persona or "", brand_id)

    store = DigestStore.open(settings.db_path)
    composer = DigestComposer(
        sources or LiveSources(settings, style_source=style_source),
        approvals=approvals,
        render_request=render_request,
    )
    runner = DigestRunner(
        store, SlackPoster(client), composer, clock=clock, on_posted=composer.on_posted,
        render_chart=render_chart,
    )
    scheduler = DigestScheduler(store, runner, team_timezone=settings.team_timezone, clock=clock)
    return Digests(store, composer, runner, scheduler, settings.team_timezone)

