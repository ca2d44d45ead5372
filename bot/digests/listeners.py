"""The ``/digest`` slash command: subscribe, list, unsubscribe, preview, help.

Parsing is a pure function (:func:`parse_digest_command`) so every wording and error is
unit-tested without Slack. The Bolt listener is thin: the ack parses and answers bad input
and help at once (an ephemeral reply listing the valid choices); the rest runs in a lazy
listener and answers through ``respond`` (ephemeral, only the caller sees it).

The app's manifest must declare ``/digest`` with ``should_escape: true`` so a channel typed
as ``#marketing`` arrives as ``<#C123|marketing>`` and we get its id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from slack_bolt import Ack, App, Respond

from bot.digests.compose import Message, PersonaInfo, compose_digest, digest_messages, period_label
from bot.digests.scheduler import Clock, Digests, local_label, next_fire, one_line, utc_now
from bot.digests.store import ALL_PERSONAS, WEEKDAYS, Run, Schedule, Subscription
from bot.errors import BotError, user_message
from bot.slack.i18n import t
from bot.slack.listeners import Feature
from bot.slack.mrkdwn import escape
from bot.slack.services import BotDeps
from recsys.personas import UnknownPersonaError, find_persona

log = logging.getLogger(__name__)

COMMAND = "/digest"
MAX_TEXT = 500
MAX_LISTED = 15  # keeps the reply under Slack's ~4,000-character message limit
DEFAULT_WEEKDAY, DEFAULT_HOUR, DEFAULT_MINUTE = 0, 9, 0

WEEKDAY_WORDS: dict[str, int] = {}
for _i, (_short, _long, _ko) in enumerate(zip(
    WEEKDAYS,
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "월화수목금토일",
)):
    WEEKDAY_WORDS.update({_short: _i, _long: _i, _ko: _i, f"{_ko}요일": _i})

CHANNEL_REF = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

USAGE = (
    "*`/digest` — weekly per-persona digests*\n"
    "• `/digest subscribe <persona|all> [#channel] [mon 09:00]` — every week at that local time"
    " (default: this channel, Monday 09:00)\n"
    "• `/digest list` — subscriptions, their next run and last result\n"
    "• `/digest unsubscribe <id>` — stop one (its history is kept)\n"
    "• `/digest preview <persona|all>` — the digest right now, only to you\n"
    "• `/digest help` — this message"
)


class DigestCommandError(BotError, ValueError):
    """Input we cannot use; the message says why and lists the valid choices."""


@dataclass(frozen=True)
class DigestCommand:
    action: str  # "subscribe" | "list" | "unsubscribe" | "preview" | "help"
    persona: str | None = None
    channel_id: str | None = None
    weekday: int = DEFAULT_WEEKDAY
    hour: int = DEFAULT_HOUR
    minute: int = DEFAULT_MINUTE
    sub_id: int | None = None


def parse_digest_command(
    text: str, personas: Sequence[PersonaInfo], channel_id: str
) -> DigestCommand:
    """Read ``/digest`` text; raise :class:`DigestCommandError` with a helpful message."""
    if len(text) > MAX_TEXT:
        raise DigestCommandError(f"That command is over {MAX_TEXT} characters; shorten it.")
    words = text.split()
    if not words or words[0].lower() in ("help", "도움말", "?"):
        return DigestCommand("help")
    action, rest = words[0].lower(), words[1:]
    if action == "list":
        return DigestCommand("list")
    if action == "unsubscribe":
        if len(rest) != 1 or not rest[0].lstrip("#").isdigit():
            raise DigestCommandError(
                "Say which subscription to stop: `/digest unsubscribe <id>` (ids are in `/digest list`)."
            )
        return DigestCommand("unsubscribe", sub_id=int(rest[0].lstrip("#")))
    if action not in ("subscribe", "preview"):
        raise DigestCommandError(
            f"Unknown action `{escape(action)}`; use subscribe, list, unsubscribe, preview or help."
        )
    persona, rest = _persona(rest, personas)
    if action == "preview":
        if rest:
            raise DigestCommandError(f"`/digest preview` takes only a persona; drop `{escape(' '.join(rest))}`.")
        return DigestCommand("preview", persona=persona, channel_id=channel_id)
    target = channel_id
    if rest and rest[0].startswith(("<#", "#")):
        match = CHANNEL_REF.match(rest[0])
        if match is None:
            raise DigestCommandError(
                f"I could not read the channel `{escape(rest[0])}`; pick it from the # autocomplete"
                " or run the command in that channel."
            )
        target, rest = match.group(1), rest[1:]
    weekday, hour, minute = _when(rest)
    return DigestCommand("subscribe", persona, target, weekday, hour, minute)


def _persona(words: list[str], personas: Sequence[PersonaInfo]) -> tuple[str, list[str]]:
    """The persona named first (``all``, an English name, or a Korean name with spaces)."""
    choices = ", ".join(f"`{p.name}`" for p in personas) + ", or `all`"
    if not words:
        raise DigestCommandError(f"Name a persona: {choices}.")
    if words[0].casefold() == ALL_PERSONAS:
        return ALL_PERSONAS, words[1:]
    for size in range(len(words), 0, -1):
        found = find_persona(" ".join(words[:size]), personas)
        if found is not None:
            return found.name, words[size:]
    raise DigestCommandError(f"Unknown persona `{escape(words[0])}`. Choose one of {choices}.")


def _when(words: list[str]) -> tuple[int, int, int]:
    """``[mon] [09:00]`` (either may be left out) -> (weekday, hour, minute)."""
    hint = "Use a day and a 24-hour time such as `mon 09:00` or `금 18:30` (days: mon … sun)."
    weekday, hour, minute = DEFAULT_WEEKDAY, DEFAULT_HOUR, DEFAULT_MINUTE
    rest = list(words)
    if rest and rest[0].lower() in WEEKDAY_WORDS:
        weekday = WEEKDAY_WORDS[rest.pop(0).lower()]
    if rest:
        match = TIME.match(rest[0])
        if match is None:
            raise DigestCommandError(f"I could not read the time `{escape(rest[0])}`. {hint}")
        hour, minute = int(match.group(1)), int(match.group(2))
        rest.pop(0)
    if rest:
        raise DigestCommandError(f"Unexpected `{escape(' '.join(rest))}`. {hint}")
    return weekday, hour, minute


# -- what each action answers -----------------------------------------------------------


def subscription_line(sub: Subscription, now: datetime, last: Run | None = None) -> str:
    who = "all personas" if sub.persona == ALL_PERSONAS else sub.persona
    line = (
        f"*#{sub.id}* · {escape(who)} → <#{sub.channel_id}> · every {sub.schedule.label()}"
        f" · next {local_label(next_fire(sub.schedule, now), sub.schedule.timezone)}"
    )
    if last is not None:
        reason = f" (`{escape(one_line(last.reason, 200))}`)" if last.reason else ""
        line += f" · last: {last.status(now)}{reason}"
    return line


class DigestHandlers:
    """The work behind each action, on the digest tables; returns what to tell the caller."""

    def __init__(self, digests: Digests, clock: Clock = utc_now) -> None:
        self.digests = digests
        self.clock = clock

    def personas(self) -> list[PersonaInfo]:
        return list(self.digests.composer.sources.personas())

    def subscribe(self, cmd: DigestCommand, user_id: str, team_id: str | None) -> str:
        assert cmd.persona is not None and cmd.channel_id is not None
        schedule = Schedule(cmd.weekday, cmd.hour, cmd.minute, self.digests.team_timezone)
        sub, created = self.digests.store.subscribe(
            cmd.persona, cmd.channel_id, schedule, user_id, self.clock(), team_id=team_id
        )
        self._resync()
        head = "Subscribed" if created else "Already subscribed"
        return (
            f":calendar: {head}: {subscription_line(sub, self.clock())}\n"
            "Make sure the bot is in that channel (`/invite @personabot`); if a digest cannot be"
            " posted you will get a DM."
        )

    def list(self) -> str:
        subs = self.digests.store.subscriptions()
        if not subs:
            return "No digest subscriptions yet. Try `/digest subscribe all`."
        now = self.clock()
        lines = [
            subscription_line(sub, now, next(iter(self.digests.store.runs(sub.id, limit=1)), None))
            for sub in subs[:MAX_LISTED]
        ]
        if len(subs) > MAX_LISTED:
            lines.append(f"…and {len(subs) - MAX_LISTED} more: `personabot digest status` lists all.")
        return "*Digest subscriptions*\n" + "\n".join(lines)

    def unsubscribe(self, cmd: DigestCommand, user_id: str) -> str:
        assert cmd.sub_id is not None
        if not self.digests.store.unsubscribe(cmd.sub_id, user_id, self.clock()):
            return f"There is no active subscription #{cmd.sub_id}; see `/digest list`."
        self._resync()
        return f"Stopped digest subscription #{cmd.sub_id}."

    def preview(self, cmd: DigestCommand, user_id: str | None = None) -> list[Message]:
        """The digest as it would be posted now (drafts inline, no buttons), in the caller's
        language."""
        assert cmd.persona is not None
        now = self.clock()
        lang = self.digests.language_for_user(user_id)
        digest = compose_digest(
            self.digests.composer.sources, cmd.persona, None,
            period_label=period_label(now, self.digests.team_timezone, lang), language=lang,
        )
        return digest_messages(digest, note=t("digest.preview_note", lang))

    def _resync(self) -> None:
        if self.digests.scheduler.is_leader:
            self.digests.scheduler.sync()


class DigestListeners:
    """Thin Bolt listeners: ack (parse, answer errors and help), then the lazy work."""

    def __init__(self, handlers: DigestHandlers) -> None:
        self.handlers = handlers

    def _parse(self, command: dict[str, str]) -> DigestCommand:
        return parse_digest_command(
            command.get("text") or "", self.handlers.personas(), command.get("channel_id", "")
        )

    def ack(self, ack: Ack, command: dict[str, str]) -> None:
        try:
            cmd = self._parse(command)
        except DigestCommandError as exc:
            ack(response_type="ephemeral", text=f":warning: {exc}")
            return
        except Exception:
            log.exception("reading /digest failed")
            ack(response_type="ephemeral", text=":warning: The persona list could not be read; try again later.")
            return
        if cmd.action == "help":
            ack(response_type="ephemeral", text=USAGE)
        elif cmd.action == "preview":
            ack(response_type="ephemeral", text=":hourglass_flowing_sand: Building the digest preview…")
        else:
            ack()

    def work(self, command: dict[str, str], respond: Respond) -> None:
        try:
            cmd = self._parse(command)
        except Exception:
            return  # the ack already answered
        user_id, team_id = command.get("user_id", ""), command.get("team_id")
        try:
            if cmd.action == "subscribe":
                respond(response_type="ephemeral", text=self.handlers.subscribe(cmd, user_id, team_id))
            elif cmd.action == "list":
                respond(response_type="ephemeral", text=self.handlers.list())
            elif cmd.action == "unsubscribe":
                respond(response_type="ephemeral", text=self.handlers.unsubscribe(cmd, user_id))
            elif cmd.action == "preview":
                for message in self.handlers.preview(cmd, user_id):
                    respond(response_type="ephemeral", replace_original=False, **message)
        except UnknownPersonaError as exc:  # a persona that left the file since the ack
            respond(response_type="ephemeral", text=f":warning: {escape(str(exc))}")
        except Exception as exc:
            log.exception("/digest %s failed", cmd.action)
            # bot.errors decides what may be told; an unexpected error is named by its type only
            reason = escape(user_message(exc) or "see the bot logs")[:300]
            respond(response_type="ephemeral",
                    text=f":warning: `/digest {cmd.action}` failed: {escape(type(exc).__name__)}: "
                         f"{reason}. Nothing was changed; try again or check the bot logs.")


def feature(digests: Digests) -> Feature:
    """``/digest`` over the process's one :class:`Digests`, as a feature for
    :func:`bot.slack.app.build_app` (``personabot serve`` builds the digests, passes this,
    then starts and stops their scheduler)."""

    def register(app: App, deps: BotDeps) -> None:
        listeners = DigestListeners(DigestHandlers(digests))
        app.command(COMMAND)(ack=listeners.ack, lazy=[listeners.work])

    return register
