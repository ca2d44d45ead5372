"""CLI commands: ``personabot digest run`` and ``personabot digest status``.

``run --dry-run`` prints a digest in the terminal (nothing is posted or stored), so a
marketer can see next Monday's digest today; ``run --subscription N`` delivers that
subscription's current period through the same exactly-once runner the scheduler uses
(for a digest missed beyond the grace period). ``status`` shows subscriptions, next run
times, the scheduler lease and recent runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Optional, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from bot.cli.common import console, fail, fail_on, settings_or_exit, wiring_or_exit

if TYPE_CHECKING:
    from bot.digests.compose import Digest
    from bot.digests.store import Subscription
    from bot.settings import Settings

S = TypeVar("S")

digest_app = typer.Typer(
    name="digest",
    help=(
        "Weekly per-persona digests: preview one, run one, see the schedule.\n\n"
        "Examples:\n\n"
        "  personabot digest run --persona Dry_Winter --dry-run\n\n"
        "  personabot digest run --subscription 3      (post this period's digest now)\n\n"
        "  personabot digest status      (states, attempts, next retry, reason)\n\n"
        "  personabot digest run --subscription 3 --force   (take over a run stuck 'posting')\n\n"
        "Subscribe in Slack with /digest subscribe all; `personabot serve` runs the schedule."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
)

CHANGE_STYLE = {"new": "bold green", "up": "cyan", "down": "red", "same": "dim"}


def render_digest(digest: Digest, out: Console) -> None:
    """The digest as rich tables: products with rank changes, highlights and the draft.

    Every name, highlight and draft is data (catalog, reviews, an LLM), so it is printed
    as literal text, never read as rich markup.
    """
    from rich.panel import Panel
    from rich.table import Table

    out.print(Text.assemble((str(digest.title), "bold"), f" — {digest.period_label}"), highlight=False)
    if digest.note:
        out.print(Text(f"note: {digest.note}", style="yellow"), highlight=False)
    for section in digest.sections:
        info = section.persona
        table = Table(title=Text(f"{info.name_ko} · {info.name}"), title_justify="left",
                      caption=Text(str(info.description)), caption_justify="left")
        for column in ("#", "product", "brand", "price", "score", "change"):
            table.add_column(column, justify="right" if column in ("#", "price", "score") else "left")
        for line in section.lines:
            p = line.product
            change = Text("" if section.first else str(line.marker), style=CHANGE_STYLE[line.change])
            table.add_row(str(line.rank), Text(p.name), Text(p.brand), f"₩{p.price:,}",
                          f"{p.score:.3f}", change)
        out.print(table)
        if section.dropped:
            out.print(Text("Left the list: " + ", ".join(section.dropped)), highlight=False)
        for highlight in section.highlights:
            out.print(Text(f"  💬 “{highlight}”"), highlight=False)
        if section.draft is not None:
            d = section.draft
            status = Text("passes the ad-rule checks", style="green") if d.badge.approvable else \
                Text.assemble(("needs edits:", "red"), " " + "; ".join(d.findings))
            out.print(Panel(Text(d.text), title=Text(f"draft ({d.tone}, {d.provider})"), subtitle=status,
                            expand=False), highlight=False)


@digest_app.command("run")
def run(
    persona: Optional[str] = typer.Option(None, "--persona", "-p",
                                          help="A persona name (English or Korean) or 'all'."),
    subscription: Optional[int] = typer.Option(None, "--subscription", "-s",
                                               help="Use this subscription (persona and last digest)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print only: post nothing, store nothing."),
    chart: Optional[Path] = typer.Option(None, "--chart", help="Also write the chart PNG here."),
    force: bool = typer.Option(
        False, "--force",
        help="With --subscription: take over this period even if `digest status` shows it "
             "posting/recording by a process that is gone, or failed for good. Posted parts are "
             "found by their markers first, so nothing is posted twice."),
) -> None:
    """Print a digest in the terminal, or deliver a subscription's digest now.

    Examples:

      personabot digest run --persona Dry_Winter --dry-run

      personabot digest run --persona all --dry-run --chart digest.png

      personabot digest run --subscription 3 --dry-run   # changes since its last digest

      personabot digest run --subscription 3             # post this period's digest now (once),
                                                         # or retry it after a failure

      personabot digest run --subscription 3 --force     # a run stuck "posting" by a dead process
    """
    from bot.digests.store import DigestStore
    from recsys.personas import UnknownPersonaError
    from bot.digests.compose import LiveSources, compose_digest, period_label, render_chart
    from bot.digests.scheduler import last_fire

    settings = settings_or_exit()
    if chart is not None:
        _check_chart_path(chart)
    if (persona is None) == (subscription is None):
        fail("give exactly one of --persona NAME or --subscription ID (see --help)")
    if persona is not None and not dry_run:
        fail("--persona only previews; add --dry-run, or deliver a subscription with --subscription ID")
    if force and (subscription is None or dry_run):
        fail("--force takes over a subscription's run: use it with --subscription ID, without --dry-run")
    now = datetime.now(timezone.utc)
    previous = None
    tz = settings.team_timezone
    sub = None
    if subscription is not None:
        if not settings.db_path.exists():
            fail(f"no database at {settings.db_path}; set DB_PATH or subscribe with /digest first")
        store = _open_store(DigestStore.open, settings.db_path)
        with _db_errors(settings.db_path):
            sub = store.subscription(subscription)
            if sub is None or not sub.active:
                fail(f"no active subscription #{subscription}; see `personabot digest status`")
            persona, tz = sub.persona, sub.schedule.timezone
            previous = store.previous_snapshot(sub.id, last_fire(sub.schedule, now))
    assert persona is not None
    if sub is not None and not dry_run:
        with _db_errors(settings.db_path):
            _deliver(settings, sub, now, force=force)
        return
    try:
        lang = settings.bot_language if settings.bot_language in ("ko", "en") else "en"
        digest = compose_digest(LiveSources(wiring_or_exit(settings)), persona, previous,
                                period_label=period_label(now, tz, lang), language=lang)
    except UnknownPersonaError as exc:
        fail(str(exc))
    except Exception as exc:  # a missing model or catalog: say which and how to fix it
        fail(f"could not build the digest: {exc}")
    render_digest(digest, console)
    if chart is not None:
        try:
            chart.write_bytes(render_chart(digest.chart_data()))
        except OSError as exc:
            fail(f"cannot write the chart to {chart}: {exc.strerror or exc}; choose another --chart path", code=1)
        console.print(Text(f"chart written to {chart}"), highlight=False)


def _check_chart_path(chart: Path) -> None:
    """Refuse a --chart path that cannot be written, before the digest is composed."""
    if chart.is_dir():
        fail(f"--chart {chart} is a folder; give a file path such as {chart / 'digest.png'}")
    if not chart.parent.is_dir():
        fail(f"--chart folder {chart.parent} does not exist; create it or choose another path")


def _open_store(open_: Callable[[Path], S], path: Path) -> S:
    """``open_(path)``, with an unusable database file as one clear line (exit 2)."""
    with _db_errors(path):
        return open_(path)


@contextmanager
def _db_errors(path: Path) -> Iterator[None]:
    """Any SQLite fault inside (locked, damaged pages, not a database) as one line naming
    ``path`` and what to do (exit 2), never a traceback."""
    from bot.store.db import db_errors

    with fail_on(), db_errors(path):
        yield


def _deliver(settings: Settings, sub: Subscription, now: datetime, *, force: bool = False) -> None:
    """Run the subscription's current period through the exactly-once runner."""
    from bot.digests import holders
    from bot.slack.app import make_client
    from bot.digests.scheduler import build_digests, last_fire, local_label
    with fail_on():  # no SLACK_BOT_TOKEN: one line naming it
        client = make_client(settings, posting=True)
    digests = build_digests(wiring_or_exit(settings, store=True), client)
    period = last_fire(sub.schedule, now)
    if digests.store.reopen(sub.id, period, now):
        console.print("retrying a failed (or missed) period with a fresh attempt budget", highlight=False)
    outcome = digests.runner.run_period(sub, period, force=force)
    holders.retire(digests.runner.holder)
    where = f"#{sub.id} for {local_label(period, sub.schedule.timezone)}"
    if outcome.status == "failed":
        fail(f"digest {where} failed: {outcome.detail}", code=1)
    if outcome.status == "skipped" and outcome.detail.startswith("in progress"):
        fail(f"digest {where} is {outcome.detail}. If that process is gone (crashed, frozen, "
             f"another machine), take it over with: personabot digest run --subscription {sub.id} "
             "--force", code=1)
    console.print(Text(f"digest {where}: {outcome.status} {outcome.detail}".rstrip()), highlight=False)


@digest_app.command("status")
def status(
    runs: int = typer.Option(10, "--runs", min=0, max=200, help="How many recent runs to list."),
) -> None:
    """List digest subscriptions with their next run, the scheduler lease and recent runs.

    Read-only: it never takes the database's write lock, so it answers while `serve` or a
    backup holds one. Run states:

      delivered      posted and recorded

      posting        a live process is posting it (recording: posted, being recorded)

      stale          its process stopped; the next scheduler pass resumes it (markers first)

      retry pending  failed, retried at "next retry" (attempts so far in "attempts")

      failed         final: no retry is left or no retry can help (see "reason");
                     `personabot digest run --subscription N` retries it

    Examples:

      personabot digest status

      personabot digest status --runs 50
    """
    settings = settings_or_exit()
    if not settings.db_path.exists():
        fail(f"no database at {settings.db_path}; set DB_PATH or run `personabot serve` first")
    with _db_errors(settings.db_path):
        _status(settings, runs)


def _status(settings: Settings, runs: int) -> None:
    from rich.table import Table

    from bot.digests import holders
    from bot.digests.store import DigestStore
    from bot.digests.scheduler import local_label, next_fire, one_line

    store = _open_store(DigestStore.open, settings.db_path)
    now = datetime.now(timezone.utc)
    subs = store.subscriptions()
    if not subs:
        console.print("No digest subscriptions. In Slack: /digest subscribe all", highlight=False)
    else:
        table = Table(title="Digest subscriptions")
        for column in ("id", "persona", "channel", "every", "next run", "by"):
            table.add_column(column)
        for sub in subs:
            table.add_row(str(sub.id), Text(sub.persona), Text(sub.channel_id), sub.schedule.label(),
                          local_label(next_fire(sub.schedule, now), sub.schedule.timezone),
                          Text(sub.created_by))
        console.print(table)
    lease = store.lease()
    if lease is None:
        console.print("Scheduler: no process holds the lease (is `personabot serve` running?)")
    else:
        alive = "held" if lease[1] > now.isoformat(timespec="seconds") else "expired"
        if holders.is_dead(lease[0]):
            alive = "holder is gone; the next process takes it at once"
        console.print(Text(f"Scheduler lease: {lease[0]} ({alive}, until {lease[1]})"), highlight=False)
    recent = store.runs(limit=runs) if runs else []
    if recent:
        zones = {s.id: s.schedule.timezone for s in subs}
        table = Table(title="Recent runs")
        for column in ("run", "sub", "period", "state", "attempts", "next retry", "reason", "notified"):
            table.add_column(column, overflow="fold")
        for run in recent:
            tz = zones.get(run.subscription_id, settings.team_timezone)
            state = run.status(now)
            if state in ("posting", "recording") and holders.is_dead(run.holder):
                state = "stale"
            table.add_row(str(run.id), str(run.subscription_id), local_label(run.period, tz),
                          state, str(run.attempts),
                          local_label(run.next_attempt_at, tz) if run.next_attempt_at else "",
                          Text(one_line(run.reason or "", 160)), "yes" if run.notified_at else "")
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``personabot digest run|status`` to the root app."""
    app.add_typer(digest_app, name="digest")
