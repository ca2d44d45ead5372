"""Running the Bolt app: HTTP mode (Starlette + uvicorn) or Socket Mode.

HTTP mode serves Slack at ``POST /slack/events`` and a liveness probe at ``GET /healthz``
through Bolt's Starlette adapter behind uvicorn. The adapter calls the synchronous
``App.dispatch`` inside the event loop; :class:`ThreadedSlackRequestHandler` moves it to a
worker thread so one slow ack never holds up the others. Signatures are verified by Bolt
(bad signature or a timestamp more than 5 minutes off → 401, before any listener runs).

Socket Mode (when ``SLACK_APP_TOKEN`` is set) needs no public URL: good for internal use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_bolt.request import BoltRequest
    from slack_bolt.response import BoltResponse

EVENTS_PATH = "/slack/events"


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's Starlette handler with ``dispatch`` run off the event loop."""

    async def handle(self, req: Request,
                     addition_context_properties: dict[str, object] | None = None) -> Response:
        if req.method != "POST":
            return await super().handle(req, addition_context_properties)
        body = await req.body()
        bolt_request = to_bolt_request(req, body, addition_context_properties)
        return to_starlette_response(await run_in_threadpool(self._dispatch, bolt_request))

    def _dispatch(self, bolt_request: BoltRequest) -> BoltResponse:
        """Dispatch, counted as urgent so drafting waits for it (``bot.slack.executor``)."""
        executor = self.app.listener_runner.listener_executor
        urgent = getattr(executor, "urgent", None)
        if urgent is None:
            return self.app.dispatch(bolt_request)
        with urgent():
            return self.app.dispatch(bolt_request)


Health = Callable[[], "tuple[bool, str]"]


def create_asgi_app(app: App, health: Health | None = None) -> Starlette:
    """The Starlette app; ``health()`` (e.g. the digest scheduler's) decides ``/healthz``:
    503 with its reason when a part the bot needs cannot run, so an orchestrator restarts it
    or an operator looks, instead of a 200 while every scheduler pass fails."""
    handler = ThreadedSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_: Request) -> Response:
        if health is None:
            return JSONResponse({"ok": True})
        ok, why = await run_in_threadpool(health)
        return JSONResponse({"ok": ok, "digests": why}, status_code=200 if ok else 503)

    return Starlette(routes=[
        Route(EVENTS_PATH, events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ])


def check_settings(settings: Settings) -> str:
    """The mode to run in (``socket`` or ``http``), or a SettingsError naming what is missing."""
    missing = []
    if settings.slack_bot_token is None:
        missing.append("SLACK_BOT_TOKEN (xoxb-…, OAuth & Permissions)")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        missing.append("SLACK_SIGNING_SECRET (Basic Information), or SLACK_APP_TOKEN "
                       "(xapp-…) for Socket Mode")
    if missing:
        raise SettingsError("missing " + "; ".join(missing) + " — see docs/slack.md")
    token = settings.slack_bot_token.get_secret_value()  # type: ignore[union-attr]
    if not token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN: expected a bot token starting with xoxb-")
    if settings.slack_app_token is not None:
        if not settings.slack_app_token.get_secret_value().startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN: expected an app-level token starting with xapp-")
        return "socket"
    return "http"


def http_server(app: App, *, host: str, port: int, health: Health | None = None) -> uvicorn.Server:
    """A uvicorn server for the app (``port=0`` picks a free port; see :func:`bound_port`)."""
    config = uvicorn.Config(create_asgi_app(app, health), host=host, port=port, log_level="warning",
                            access_log=False, lifespan="off", timeout_keep_alive=30)
    return uvicorn.Server(config)


def start_in_thread(server: uvicorn.Server) -> threading.Thread:
    """Run ``server`` in a daemon thread and wait until it listens (tests and benchmarks)."""
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the HTTP server failed to start")
        threading.Event().wait(0.01)
    return thread


def bound_port(server: uvicorn.Server) -> int:
    return int(server.servers[0].sockets[0].getsockname()[1])


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """Bolt's Socket Mode adapter; it opens its connection through the app's own client, so
    ``SLACK_API_URL`` applies (``connect()`` to run in the background, ``start()`` to block)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if settings.slack_app_token is None:
        raise SettingsError("SLACK_APP_TOKEN: missing (the xapp- app-level token)")
    return SocketModeHandler(app, settings.slack_app_token.get_secret_value())


def run_socket_mode(app: App, settings: Settings) -> None:
    socket_mode_handler(app, settings).start()
