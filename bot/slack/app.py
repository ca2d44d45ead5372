"""Building the Bolt app: Web API client, listener executor, listeners.

``build_app(deps, features)`` is the one place the Slack app is assembled, for HTTP mode,
Socket Mode and tests alike: the app over ``deps.wiring``'s settings, then each feature's
``register(app, deps)``. The Web API client points at ``SLACK_API_URL`` (tests and
staging aim it at another server) and retries rate limits (honouring ``Retry-After``),
server errors and connection errors.

Bolt submits both ack functions and lazy listeners to the one ``listener_executor``;
:class:`bot.slack.executor.ListenerExecutor` splits them over three pools (acks, interactive
work, drafting), each sized from ``LISTENER_THREADS``, so neither an ack nor a modal ever
waits behind a slow draft (see ``docs/slack-runtime.md``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings, SettingsError
from bot.slack.executor import ListenerExecutor
from bot.slack.listeners import FEATURES, Feature
from bot.slack.services import BotDeps

__all__ = ["FEATURES", "Feature", "ListenerExecutor", "build_app", "make_client"]


def make_client(settings: Settings, *, quick: bool = False, posting: bool = False) -> WebClient:
    """A Web API client for ``SLACK_API_URL`` with rate-limit, 5xx and connection retries.

    ``quick`` is for lookups made inside an ack: a 1.5 s timeout and no retry sleeps.
    ``posting`` is for the digest poster: only rate limits are retried (a 429 means Slack did
    nothing), never a 5xx or a dropped connection, after which the post may already be in the
    channel — the poster checks its marker before it posts again (see :func:`post_safe`).
    """
    if settings.slack_bot_token is None:
        raise SettingsError("SLACK_BOT_TOKEN: missing (the xoxb- token from OAuth & Permissions)")
    base_url = settings.slack_api_url.rstrip("/") + "/"
    retries = [] if quick else [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]
    client = WebClient(token=settings.slack_bot_token.get_secret_value(), base_url=base_url,
                       timeout=1.5 if quick else 30, retry_handlers=retries)
    return post_safe(client) if posting else client


def post_safe(client: WebClient) -> WebClient:
    """``client`` without its blind retries of non-idempotent calls (``chat.postMessage``,
    file uploads): the same token, URL and timeout, keeping only the rate-limit handler."""
    handlers = [h for h in client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler)]
    if len(handlers) == len(client.retry_handlers):
        return client
    return WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                     retry_handlers=handlers, logger=client.logger)


def build_app(deps: BotDeps, features: Sequence[Feature] = FEATURES) -> App:
    """The Bolt app over ``deps.wiring.settings`` with each of ``features`` registered
    (``register(app, deps)``); by default the ``/recommend`` features (slash command, draft
    buttons and modals, Home: :data:`bot.slack.listeners.FEATURES`).

    ``personabot serve`` passes those plus the ones that live above Slack — the weekly
    digests, :func:`bot.digests.listeners.feature` — so this package never imports them and
    ``bot.slack`` stays below ``bot.digests``.
    """
    settings = deps.wiring.settings
    if settings.slack_signing_secret is None and settings.slack_app_token is None:
        raise SettingsError("SLACK_SIGNING_SECRET: missing (Basic Information → Signing Secret)")
    signing = settings.slack_signing_secret
    secret = signing.get_secret_value() if signing else None
    app = App(
        client=make_client(settings),
        # Always verified over HTTP; Bolt skips the check only for Socket Mode requests.
        signing_secret=secret or "",
        process_before_response=False,
        listener_executor=ListenerExecutor(settings.listener_threads),
        logger=logging.getLogger("bot.bolt"),
    )
    deps.languages.lookup_client = make_client(settings, quick=True)
    for register in features:
        register(app, deps)
    return app
