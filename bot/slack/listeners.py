"""Bolt listeners: ack at once, hand the work to :mod:`bot.slack.flows` in lazy listeners.

Each listener only pulls ids out of the payload. Slack's retries and the lazy copy of a
request both re-run these functions, so every lazy step is idempotent (dedupe keys from
``trigger_id``, view ids, ``action_ts`` and ``event_id``; decisions are compare-and-set).

Acks make no Web API call: the UI language there is whatever is already known
(:meth:`bot.slack.i18n.LanguageResolver.known`); the ``users.info`` lookup happens in the lazy
listener and is cached. ``/recommend`` is parsed once, in its ack; the lazy listener
picks that result up by ``trigger_id`` (:class:`Screenings`) and hands the parsed profile on
as it is. Lazy listeners marked :func:`bot.slack.executor.interactive` run on their own
pool, never behind drafting.

The Slack features — ``/recommend`` (:func:`register_recommend`), the draft buttons and
modals (:func:`register_approvals`) and App Home (:func:`register_home`) — each register
themselves; :data:`FEATURES` lists them for whoever assembles the app (``personabot serve``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack import blocks, flows
from bot.slack.blocks import command_error_text
from bot.slack.command_text import MAX_TEXT_CHARS, CommandError, CommandRequest, is_help, parse_command
from bot.slack.executor import interactive
from bot.slack.i18n import t
from bot.slack.mrkdwn import clip, escape
from bot.slack.services import BotDeps, ParsedText, ProfileError

#: A Slack request's JSON body (a slash command, a block action, a view submission, an event).
Payload = dict[str, object]
#: A feature: ``register(app, deps)`` adds its listeners to the app.
Feature = Callable[[App, BotDeps], None]


def _noop_ack(ack: Ack) -> None:
    ack()


def _action(body: Payload) -> dict[str, str | None]:
    """The ids a draft button carries: ``draft_id``, ``user_id``, ``channel_id``."""
    actions: list[dict[str, str]] = body["actions"]  # type: ignore[assignment]
    user: dict[str, str] = body["user"]  # type: ignore[assignment]
    channel: dict[str, str] = body.get("channel") or {}  # type: ignore[assignment]
    return {"draft_id": actions[0]["value"], "user_id": user["id"],
            "channel_id": channel.get("id")}


def _submitted(body: Payload, block_id: str) -> str:
    view: dict[str, dict[str, dict[str, dict[str, dict[str, str]]]]] = body["view"]  # type: ignore[assignment]
    values = view["state"]["values"]
    return (values.get(block_id, {}).get(blocks.INPUT_ACTION, {}).get("value") or "").strip()


@dataclass(frozen=True)
class Screening:
    """One ``/recommend`` checked: the request and its parsed profile, or the reply
    explaining what is wrong."""

    cmd: CommandRequest | None
    parsed: ParsedText | None
    reply: str | None


class Screenings:
    """Hands the ack's screening of a command to its lazy listener, keyed by ``trigger_id``.

    Bolt starts the lazy listener while the ack may still be running, so the lazy side
    waits (briefly) for the ack's result; only if the ack failed does it screen itself.
    Bounded: a slot nobody collects is dropped after ``limit`` newer ones.
    """

    def __init__(self, limit: int = 2000, wait_s: float = 5.0) -> None:
        self.limit = limit
        self.wait_s = wait_s
        self._slots: OrderedDict[str, Future[Screening]] = OrderedDict()
        self._lock = threading.Lock()

    def slot(self, key: str) -> Future[Screening]:
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = Future()
                while len(self._slots) > self.limit:
                    self._slots.popitem(last=False)
            return slot

    def collect(self, key: str) -> Screening | None:
        """The ack's screening (removing it), or None when there is none to be had."""
        slot = self.slot(key)
        try:
            return slot.result(timeout=self.wait_s)
        except Exception:
            return None
        finally:
            with self._lock:
                self._slots.pop(key, None)


def _settle(slot: Future[Screening], screening: Screening | None = None, *,
            exception: BaseException | None = None) -> None:
    """Fill a slot unless a retried delivery of the same command already did."""
    try:
        if exception is not None:
            slot.set_exception(exception)
        else:
            slot.set_result(screening)  # type: ignore[arg-type]
    except InvalidStateError:
        pass


class Listeners:
    """The bound listeners; one instance per app, holding the injected deps."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps
        self.screenings = Screenings()

    # /recommend ------------------------------------------------------------------------
    def screen(self, command: dict[str, str], lang: str) -> Screening:
        """Validate and parse a command: the request and profile, or the ephemeral reply
        explaining what is wrong."""
        text = command.get("text") or ""
        if is_help(text) or not text.strip():
            return Screening(None, None, t("help", lang, limit=MAX_TEXT_CHARS,
                                           rate=self.deps.limiter.per_minute)
                             + "\n" + t("examples", lang))
        try:
            cmd = parse_command(text)
            parsed = self.deps.services.parse(cmd.profile_text)
        except CommandError as exc:
            return Screening(None, None,
                             command_error_text(exc.key, exc.values, exc.understood, lang))
        except ProfileError as exc:
            options = {"--llm": cmd.llm, "--top": cmd.top, "--channel": cmd.channel}
            understood = {k: v for k, v in options.items() if v is not None}
            return Screening(None, None, command_error_text(
                "parse_error", {"detail": str(exc)}, understood, lang))
        wait = self.deps.limiter.admit(command["user_id"], command["trigger_id"])
        if wait:
            return Screening(None, None, t("rate_limited", lang, seconds=int(wait) + 1,
                                           rate=self.deps.limiter.per_minute))
        return Screening(cmd, parsed, None)

    def ack_recommend(self, ack: Ack, command: dict[str, str]) -> None:
        """No Web API call here: the language is what is already known about the user."""
        lang = self.deps.languages.known(command["user_id"])
        slot = self.screenings.slot(command["trigger_id"])
        try:
            screening = self.screen(command, lang)
        except BaseException as exc:
            _settle(slot, exception=exc)
            raise
        _settle(slot, screening)
        reply = screening.reply
        if reply is None and screening.cmd is not None:
            reply = t("ack", lang, text=clip(escape(screening.cmd.profile_text), 200))
        ack(text=reply)

    def recommend(self, command: dict[str, str], client: WebClient, respond: Respond) -> None:
        lang = self.deps.languages.for_user(client, command["user_id"])
        screening = self.screenings.collect(command["trigger_id"])
        if screening is None:
            screening = self.screen(command, lang)
        if screening.cmd is None:
            return
        flows.run_recommend(
            self.deps, client, cmd=screening.cmd, user_id=command["user_id"],
            channel_id=command["channel_id"], team_id=command.get("team_id"),
            text=command.get("text") or "", dedupe_key=f"command:{command['trigger_id']}",
            lang=lang, respond=respond, parsed=screening.parsed)

    # buttons ---------------------------------------------------------------------------
    @interactive
    def approve(self, body: Payload, client: WebClient) -> None:
        flows.approve(self.deps, client, **_action(body))

    @interactive
    def reject(self, body: Payload, client: WebClient) -> None:
        flows.open_reject(self.deps, client, trigger_id=body["trigger_id"], **_action(body))

    @interactive
    def edit(self, body: Payload, client: WebClient) -> None:
        flows.open_edit(self.deps, client, trigger_id=body["trigger_id"], **_action(body))

    def regenerate(self, body: Payload, client: WebClient) -> None:
        action = _action(body)
        action_ts = body["actions"][0].get("action_ts")
        key = f"regenerate:{action['draft_id']}:{action['user_id']}:{action_ts}"
        flows.regenerate(self.deps, client, dedupe_key=key, **action)

    # modals ----------------------------------------------------------------------------
    def ack_edit(self, ack: Ack, body: Payload) -> None:
        if _submitted(body, blocks.TEXT_BLOCK):
            ack()
        else:
            lang = self.deps.languages.known(body["user"]["id"])
            ack(response_action="errors", errors={blocks.TEXT_BLOCK: t("edit_empty", lang)})

    @interactive
    def save_edit(self, body: Payload, client: WebClient) -> None:
        text = _submitted(body, blocks.TEXT_BLOCK)
        if text:
            flows.save_edit(self.deps, client, draft_id=body["view"]["private_metadata"],
                            user_id=body["user"]["id"], text=text,
                            dedupe_key=f"edit:{body['view']['id']}")

    @interactive
    def save_reject(self, body: Payload, client: WebClient) -> None:
        flows.reject(self.deps, client, draft_id=body["view"]["private_metadata"],
                     user_id=body["user"]["id"], reason=_submitted(body, blocks.REASON_BLOCK))

    # App Home --------------------------------------------------------------------------
    @interactive
    def home(self, event: dict[str, str], body: Payload, client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            event_id = body.get("event_id")
            flows.publish_home(self.deps, client, user_id=event["user"],
                               dedupe_key=f"event:{event_id}" if event_id else None)


def register_recommend(app: App, deps: BotDeps) -> None:
    """``/recommend``: screened and parsed in the ack, recommended and drafted lazily."""
    ls = Listeners(deps)
    app.command("/recommend")(ack=ls.ack_recommend, lazy=[ls.recommend])


def register_approvals(app: App, deps: BotDeps) -> None:
    """The draft buttons (Approve, Edit, Reject, Regenerate) and their modals."""
    ls = Listeners(deps)
    app.action(blocks.ACTION_APPROVE)(ack=_noop_ack, lazy=[ls.approve])
    app.action(blocks.ACTION_EDIT)(ack=_noop_ack, lazy=[ls.edit])
    app.action(blocks.ACTION_REJECT)(ack=_noop_ack, lazy=[ls.reject])
    app.action(blocks.ACTION_REGENERATE)(ack=_noop_ack, lazy=[ls.regenerate])
    app.view(blocks.EDIT_CALLBACK)(ack=ls.ack_edit, lazy=[ls.save_edit])
    app.view(blocks.REJECT_CALLBACK)(ack=_noop_ack, lazy=[ls.save_reject])


def register_home(app: App, deps: BotDeps) -> None:
    """App Home: the user's recent requests and the team's latest approvals."""
    ls = Listeners(deps)
    app.event("app_home_opened")(ack=_noop_ack, lazy=[ls.home])


#: The Slack features of ``/recommend``, in the order they register.
FEATURES: tuple[Feature, ...] = (register_recommend, register_approvals, register_home)
