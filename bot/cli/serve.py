"""CLI commands: serve (run the Slack bot) and approvals (report decisions)."""

from __future__ import annotations

import os
import signal
import sys
from datetime import date, datetime, timezone
from types import FrameType
from typing import Optional
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import console, err_console, fail, fail_on, settings_or_exit, wiring_or_exit

# OWASP "CSV injection": a spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _since_iso(value: str | None, team_timezone: str) -> str | None:
    """``--since`` as a UTC timestamp; a date or naive time means the team's local time."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--since {value!r} is not a date; use YYYY-MM-DD, e.g. --since {date.today()}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(team_timezone))
    return parsed.astimezone(timezone.utc).isoformat(timespec="seconds")


def csv_safe(value: object) -> object:
    """A cell a spreadsheet shows as text: formula-like strings get a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class StopRequested(BaseException):
    """SIGTERM or SIGINT arrived: leave the server loop so the clean-up runs.

    uvicorn catches both signals, shuts its server down and then *re-raises* the signal with
    the handler that was installed before it started. With Python's defaults SIGINT becomes
    ``KeyboardInterrupt`` but SIGTERM kills the process on the spot, so ``finally:`` never
    ran and a digest in flight was abandoned with the lease. Both now raise this instead.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def catch_stop_signals() -> None:
    """Make SIGTERM and SIGINT raise :class:`StopRequested` in the main thread."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise StopRequested(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""

    @app.command()
    def serve(
        port: Optional[int] = typer.Option(None, "--port", "-p", min=1, max=65535,
                                           help="HTTP port (default: PORT, 3000)."),
        host: str = typer.Option("0.0.0.0", "--host", help="Interface to listen on (HTTP mode)."),
    ) -> None:
        """Run the Slack bot: Socket Mode when SLACK_APP_TOKEN is set, else HTTP mode.

        HTTP mode (uvicorn) serves Slack at POST /slack/events and a health check at GET /healthz.

        Needs SLACK_BOT_TOKEN plus SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode).

        New workspace? docs/slack.md creates the app from bot/manifest.yaml in six steps.

        Stopping: SIGTERM (systemd, Docker, Kubernetes) and Ctrl-C both stop gracefully: no new
        work, a digest being posted is handed back (the next process finishes it at start, never
        posting a part twice), the scheduler lease is released, exit code 0. /healthz answers
        503 when the digest scheduler cannot run (e.g. a damaged or locked database); see
        docs/operations.md.

        Examples:

          personabot serve                 # HTTP on $PORT (3000)

          personabot serve --port 8080     # HTTP on 8080

          SLACK_APP_TOKEN=xapp-… personabot serve   # Socket Mode, no public URL
        """
        import logging

        from slack_bolt.error import BoltError

        from bot.digests import listeners as digest_listeners
        from bot.digests.scheduler import build_digests
        from bot.slack.app import FEATURES, build_app, make_client
        from bot.slack.server import check_settings, http_server, run_socket_mode
        from bot.slack.services import build_deps
        from bot.store.db import db_errors

        settings = settings_or_exit()
        with fail_on():  # a missing or malformed Slack token: one line naming it
            mode = check_settings(settings)
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # The one wiring: every feature below runs on its model, personas and store.
        wiring = wiring_or_exit(settings, store=True)
        with fail_on(), db_errors(settings.db_path):
            deps = build_deps(wiring)
            digests = build_digests(wiring, make_client(settings))
            try:
                bolt_app = build_app(deps, features=[*FEATURES, digest_listeners.feature(digests)])
            except (BoltError, OSError) as exc:  # auth.test refused the token or was unreachable
                fail(f"could not verify the bot token with Slack ({type(exc).__name__}); "
                     f"check SLACK_BOT_TOKEN and SLACK_API_URL ({settings.slack_api_url})")
        catch_stop_signals()
        stopped_by: int | None = None
        try:
            digests.start()
            if mode == "socket":
                err_console.print("personabot: Socket Mode (no public URL needed)")
                run_socket_mode(bolt_app, settings)
            else:
                bind_port = port or settings.port
                err_console.print(f"personabot: HTTP mode on {host}:{bind_port} "
                                  f"(POST /slack/events, GET /healthz)")
                http_server(bolt_app, host=host, port=bind_port,
                            health=digests.health).run()
        except StopRequested as stop:
            stopped_by = stop.signum
        finally:
            # A second SIGTERM/Ctrl-C while cleaning up stops the process at once.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            handed = digests.shutdown()
            if handed:
                err_console.print(f"personabot: handed back digest run(s) {handed}; "
                                  "the next process resumes them at start")
            bolt_app.listener_runner.listener_executor.shutdown(wait=True)
        if stopped_by is not None:
            err_console.print(f"personabot: stopped by {signal.Signals(stopped_by).name}; "
                              "lease released")
            # Job threads still composing were handed back above; do not wait for them.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)

    @app.command()
    def approvals(
        since: Optional[str] = typer.Option(
            None, "--since",
            help="Only decisions from this date (YYYY-MM-DD, midnight in TEAM_TIMEZONE)."),
        csv: bool = typer.Option(False, "--csv", help="Write CSV to stdout (for spreadsheets)."),
    ) -> None:
        """List approve/reject decisions with who, when and the decided text.

        --since counts from midnight in TEAM_TIMEZONE (default Asia/Seoul); times are UTC.
        CSV cells that a spreadsheet would run as formulas (=, +, -, @) start with '.

        Examples:

          personabot approvals

          personabot approvals --since 2026-11-01 --csv > approvals.csv
        """
        import csv as csv_module
        import sys

        from rich.table import Table
        from rich.text import Text

        from bot.store.approvals import Store

        settings = settings_or_exit()
        if not settings.db_path.exists():
            fail(f"no database at {settings.db_path}; run `personabot serve` first or set DB_PATH")
        rows = Store.open(settings.db_path).decisions(_since_iso(since, settings.team_timezone))
        columns = ["decided_at", "decision", "decided_by", "reason", "requested_by", "persona",
                   "product_id", "tone", "version", "draft_id", "request_id", "text"]
        if csv:
            writer = csv_module.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows({k: csv_safe(v) for k, v in row.items()} for row in rows)
            return
        if not rows:
            console.print("No decisions yet." if since is None else f"No decisions since {since}.")
            return
        table = Table(title=f"{len(rows)} decision(s)")
        for column in ("decided_at", "decision", "decided_by", "persona", "tone", "text"):
            table.add_column(column, overflow="fold")
        for row in rows:  # stored text is shown literally, never read as rich markup
            cells = (row["decided_at"], row["decision"], row["decided_by"], row["persona"] or "",
                     row["tone"], row["text"][:80])
            table.add_row(*(Text(str(cell)) for cell in cells))
        console.print(table)
