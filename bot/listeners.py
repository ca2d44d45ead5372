"""Bolt listeners: ack at once, hand the work to :mod:`bot.flows` in lazy listeners.

Each listener only pulls ids out of the payload. Slack's retries and the lazy copy of a
request both re-run these functions, so every lazy step is idempotent (dedupe keys from
``trigger_id``, view ids and ``action_ts``; decisions are compare-and-set).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import blocks, flows
from bot.blocks import command_error_text
from bot.command_text import MAX_TEXT_CHARS, CommandError, CommandRequest, is_help, parse_command
from bot.i18n import t
from bot.mrkdwn import clip, escape
from bot.services import BotDeps, ProfileError


def _noop_ack(ack: Ack) -> None:
    ack()


def _action(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "draft_id": body["actions"][0]["value"],
        "user_id": body["user"]["id"],
        "channel_id": (body.get("channel") or {}).get("id"),
    }


def _submitted(body: dict[str, Any], block_id: str) -> str:
    values = body["view"]["state"]["values"]
    return (values.get(block_id, {}).get(blocks.INPUT_ACTION, {}).get("value") or "").strip()


class Listeners:
    """The bound listeners; one instance per app, holding the injected deps."""

    def __init__(self, deps: BotDeps) -> None:
        self.deps = deps

    # /recommend ------------------------------------------------------------------------
    def screen(self, command: dict[str, Any],
               lang: str) -> tuple[CommandRequest | None, str | None]:
        """Validate a command: the request, or the ephemeral reply explaining what is wrong."""
        text = command.get("text") or ""
        if is_help(text) or not text.strip():
            return None, t("help", lang, limit=MAX_TEXT_CHARS,
                           rate=self.deps.limiter.per_minute) + "\n" + t("examples", lang)
        try:
            cmd = parse_command(text)
            self.deps.services.parse(cmd.profile_text)
        except CommandError as exc:
            return None, command_error_text(exc.key, exc.values, exc.understood, lang)
        except ProfileError as exc:
            options = {"--llm": cmd.llm, "--top": cmd.top, "--channel": cmd.channel}
            understood = {k: v for k, v in options.items() if v is not None}
            return None, command_error_text("parse_error", {"detail": str(exc)}, understood, lang)
        wait = self.deps.limiter.admit(command["user_id"], command["trigger_id"])
        if wait:
            return None, t("rate_limited", lang, seconds=int(wait) + 1,
                           rate=self.deps.limiter.per_minute)
        return cmd, None

    def ack_recommend(self, ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        lang = self.deps.languages.for_user(client, command["user_id"])
        cmd, reply = self.screen(command, lang)
        if reply is None and cmd is not None:
            reply = t("ack", lang, text=clip(escape(cmd.profile_text), 200))
        ack(text=reply)

    def recommend(self, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        lang = self.deps.languages.for_user(client, command["user_id"])
        cmd, reply = self.screen(command, lang)
        if cmd is None:
            return
        flows.run_recommend(
            self.deps, client, cmd=cmd, user_id=command["user_id"],
            channel_id=command["channel_id"], team_id=command.get("team_id"),
            text=command.get("text") or "", dedupe_key=f"command:{command['trigger_id']}",
            lang=lang, respond=respond)

    # buttons ---------------------------------------------------------------------------
    def approve(self, body: dict[str, Any], client: WebClient) -> None:
        flows.approve(self.deps, client, **_action(body))

    def reject(self, body: dict[str, Any], client: WebClient) -> None:
        flows.open_reject(self.deps, client, trigger_id=body["trigger_id"], **_action(body))

    def edit(self, body: dict[str, Any], client: WebClient) -> None:
        flows.open_edit(self.deps, client, trigger_id=body["trigger_id"], **_action(body))

    def regenerate(self, body: dict[str, Any], client: WebClient) -> None:
        action = _action(body)
        action_ts = body["actions"][0].get("action_ts")
        key = f"regenerate:{action['draft_id']}:{action['user_id']}:{action_ts}"
        flows.regenerate(self.deps, client, dedupe_key=key, **action)

    # modals ----------------------------------------------------------------------------
    def ack_edit(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        if _submitted(body, blocks.TEXT_BLOCK):
            ack()
        else:
            lang = self.deps.languages.for_user(client, body["user"]["id"])
            ack(response_action="errors", errors={blocks.TEXT_BLOCK: t("edit_empty", lang)})

    def save_edit(self, body: dict[str, Any], client: WebClient) -> None:
        text = _submitted(body, blocks.TEXT_BLOCK)
        if text:
            flows.save_edit(self.deps, client, draft_id=body["view"]["private_metadata"],
                            user_id=body["user"]["id"], text=text,
                            dedupe_key=f"edit:{body['view']['id']}")

    def save_reject(self, body: dict[str, Any], client: WebClient) -> None:
        flows.reject(self.deps, client, draft_id=body["view"]["private_metadata"],
                     user_id=body["user"]["id"], reason=_submitted(body, blocks.REASON_BLOCK))

    # App Home --------------------------------------------------------------------------
    def home(self, event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            flows.publish_home(self.deps, client, user_id=event["user"])


def register(app: App, deps: BotDeps) -> None:
    """Attach every listener to ``app``."""
    ls = Listeners(deps)
    app.command("/recommend")(ack=ls.ack_recommend, lazy=[ls.recommend])
    app.action(blocks.ACTION_APPROVE)(ack=_noop_ack, lazy=[ls.approve])
    app.action(blocks.ACTION_EDIT)(ack=_noop_ack, lazy=[ls.edit])
    app.action(blocks.ACTION_REJECT)(ack=_noop_ack, lazy=[ls.reject])
    app.action(blocks.ACTION_REGENERATE)(ack=_noop_ack, lazy=[ls.regenerate])
    app.view(blocks.EDIT_CALLBACK)(ack=ls.ack_edit, lazy=[ls.save_edit])
    app.view(blocks.REJECT_CALLBACK)(ack=_noop_ack, lazy=[ls.save_reject])
    app.event("app_home_opened")(ack=_noop_ack, lazy=[ls.home])
