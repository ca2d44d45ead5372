"""The work behind each Slack listener, after the ack.

Plain functions of ``(deps, client, …ids)`` so the rules read in one place: who may
approve, compare-and-set decisions, re-rendering the message from the store, idempotent
handling of retried deliveries, and turning any failure into one clear ephemeral line
plus an audit entry (the process keeps serving).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import is_expected, user_message
from bot.slack import blocks, mrkdwn
from bot.slack.command_text import CommandRequest
from bot.slack.i18n import t
from bot.slack.services import BotDeps, ParsedText
from bot.store.approvals import DraftClosedError, DraftRecord, JSONObject, RequestRecord, Store

log = logging.getLogger(__name__)

# A flow: ``(deps, client, *, ids…) -> None`` (keyword arguments vary per flow).
F = TypeVar("F", bound=Callable[..., None])

CHANNEL_ERRORS = {"channel_not_found", "not_in_channel", "is_archived"}

def user_reason(exc: BaseException, lang: str) -> str:
    """One safe line for the user: :func:`bot.errors.user_message` escaped for mrkdwn, what
    Slack refused, else only the error's type — never an unexpected exception's raw text
    (it may hold anything)."""
    message = user_message(exc)
    if message is not None:
        return mrkdwn.escape(message)
    if isinstance(exc, SlackApiError):
        response = exc.response if exc.response is not None else {}
        error = response.get("error") or "slack_error"
        if error in CHANNEL_ERRORS:
            return t("not_in_channel", lang)
        return f"Slack API error `{mrkdwn.escape(error)}`"
    return f"internal error ({type(exc).__name__})"


def ephemeral(client: WebClient, channel: str | None, user: str, text: str) -> None:
    if not channel:
        return
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
    except SlackApiError as exc:
        log.warning("chat.postEphemeral failed: %s", exc.response.get("error"))


def guarded(action: str) -> Callable[[F], F]:
    """After-ack work: a failure is audited and told to the user instead of vanishing."""

    def decorate(func: F) -> F:
        @wraps(func)
        def run(deps: BotDeps, client: WebClient, *args: object, **kw: str | None) -> None:
            try:
                return func(deps, client, *args, **kw)
            except Exception as exc:
                user = kw.get("user_id", "?")
                log.error("%s failed: %s", action, type(exc).__name__, exc_info=True)
                draft_id = kw.get("draft_id")
                if draft_id:  # the Approve button's value also carries the version shown
                    draft_id = blocks.parse_draft_value(draft_id)[0]
                request = _request_of(deps, draft_id)
                deps.store.audit(f"{action}.failed", actor=user,
                                 request_id=request.id if request else None, draft_id=draft_id,
                                 detail={"error": type(exc).__name__})
                lang = deps.languages.for_user(client, user)
                channel = kw.get("channel_id") or (request.message_channel if request else None)
                ephemeral(client, channel, user,
                          t("action_failed", lang, reason=user_reason(exc, lang)))
                return None

        return run  # type: ignore[return-value]

    return decorate


def _request_of(deps: BotDeps, draft_id: str | None) -> RequestRecord | None:
    """The request a draft belongs to (modal submissions carry no channel of their own)."""
    draft = deps.store.get_draft(draft_id) if draft_id else None
    return deps.store.get_request(draft.request_id) if draft else None


def render(store: Store, request: RequestRecord) -> tuple[str, list[JSONObject]]:
    """The request's one message, rendered from what the store holds now (``/recommend``
    posts, every refresh after a decision, and the digests' draft cards)."""
    return blocks.request_message(request, store.recommendations_for(request.id),
                                  store.drafts_for(request.id), request.language)


def refresh_message(deps: BotDeps, client: WebClient, request_id: str) -> None:
    """Re-render the request's message from the store (after any decision or new version).

    Serialized per request and rendered inside the serialized step, from a fresh read of
    the store (:mod:`bot.slack.message_updates`): concurrent decisions on one message can no
    longer land their ``chat.update``s out of order and leave a stale message.
    """

    def update() -> None:
        request = deps.store.get_request(request_id)
        if request is None or not request.message_ts:
            return
        text, blks = render(deps.store, request)
        client.chat_update(channel=request.message_channel, ts=request.message_ts, text=text,
                           blocks=blks)

    deps.updates.run(request_id, update)


def run_recommend(deps: BotDeps, client: WebClient, *, cmd: CommandRequest, user_id: str,
                  channel_id: str, team_id: str | None, text: str, dedupe_key: str,
                  lang: str, respond: Callable[..., object] | None = None,
                  parsed: ParsedText | None = None) -> None:
    """Recommend, draft, store, post. A retried delivery finds its request and stops.

    ``parsed`` is the profile the ack already read (None: read it here)."""
    store = deps.store
    request, created = store.create_request(
        kind="recommend", user_id=user_id, channel_id=channel_id, team_id=team_id, text=text,
        dedupe_key=dedupe_key, options={**cmd.options(), "profile_text": cmd.profile_text},
        language=lang)
    if not created:
        return
    try:
        outcome = deps.services.recommend_and_draft(cmd.profile_text, k=cmd.top,
                                                    channel=cmd.channel, llm=cmd.llm,
                                                    parsed=parsed)
        store.record_outcome(request.id, profile=outcome.profile, persona=outcome.persona,
                             product_id=outcome.product_id, brand_id=outcome.brand_id,
                             recommendations=outcome.recommendations, drafts=outcome.drafts,
                             options={"catalog_note": outcome.catalog_note} if outcome.catalog_note else None)
        fresh = store.get_request(request.id)
        assert fresh is not None
        message_text, blks = render(deps.store, fresh)
        posted = client.chat_postMessage(channel=channel_id, text=message_text, blocks=blks,
                                         unfurl_links=False, unfurl_media=False)
        store.set_message(request.id, posted["channel"], posted["ts"])
        store.audit("recommend.posted", actor="bot", request_id=request.id,
                    detail={"drafts": len(outcome.drafts),
                            "fallbacks": [d.fallback_reason for d in outcome.drafts
                                          if d.fallback_reason]})
    except Exception as exc:
        if not (is_expected(exc) or isinstance(exc, SlackApiError)):
            log.error("recommend failed: %s", type(exc).__name__, exc_info=True)
        store.mark_failed(request.id, f"{type(exc).__name__}: {user_reason(exc, 'en')}")
        message = t("failed", lang, reason=user_reason(exc, lang), request_id=request.id)
        if not _respond(respond, message):
            ephemeral(client, channel_id, user_id, message)


def _respond(respond: Callable[..., object] | None, message: str) -> bool:
    """Reply through the command's response_url, which reaches the user even where the bot
    cannot post (not invited); False when there is none or it is used up."""
    if respond is None:
        return False
    try:
        respond(text=message, response_type="ephemeral", replace_original=False)
    except Exception as exc:
        log.warning("response_url reply failed: %s", type(exc).__name__)
        return False
    return True


def _load_pending(deps: BotDeps, client: WebClient, draft_id: str, user_id: str,
                  channel_id: str | None, lang: str) -> tuple[DraftRecord, RequestRecord] | None:
    """The draft and its request while still pending; otherwise tell the clicker why not."""
    draft = deps.store.get_draft(draft_id)
    request = deps.store.get_request(draft.request_id) if draft else None
    if draft is None or request is None:
        ephemeral(client, channel_id, user_id, t("unknown_draft", lang))
        return None
    if draft.status != "pending":
        _tell_closed(client, channel_id, user_id, lang, draft.status, draft.decided_by,
                     draft.decided_at)
        return None
    return draft, request


def _tell_closed(client: WebClient, channel_id: str | None, user_id: str, lang: str,
                 status: str, by: str | None, at: str | None) -> None:
    ephemeral(client, channel_id, user_id, t(
        "already", lang, user=mrkdwn.user(by or "?"), at=blocks.slack_date(at),
        decision=t(f"decision.{status}", lang)))


@guarded("approve")
def approve(deps: BotDeps, client: WebClient, *, draft_id: str, user_id: str,
            channel_id: str | None) -> None:
    """Approve exactly the version the approver was shown, and only if it is approvable.

    ``draft_id`` is the button value, ``d_…:N`` (a bare id pins the version loaded here).
    The store re-checks version and approvability in the deciding statement itself.
    """
    lang = deps.languages.for_user(client, user_id)
    draft_id, shown = blocks.parse_draft_value(draft_id)
    loaded = _load_pending(deps, client, draft_id, user_id, channel_id, lang)
    if loaded is None:
        return
    draft, request = loaded
    shown = draft.version if shown is None else shown
    refusal = deps.policy.refusal(client, user_id, request.user_id)
    if refusal is None and draft.version != shown:
        refusal = "stale_version"
    elif refusal is None and not draft.approvable:
        refusal = "blocked"
    if refusal:
        _refuse_approval(deps, client, draft, request.id, user_id, channel_id, lang, refusal,
                         shown)
        return
    result = deps.store.decide(draft.id, decision="approved", user_id=user_id, version=shown)
    if result.won:
        refresh_message(deps, client, draft.request_id)
    elif result.status == "pending":  # an edit landed after we loaded the draft
        _refuse_approval(deps, client, draft, request.id, user_id, channel_id, lang,
                         "stale_version" if result.version != shown else "blocked", shown,
                         now=result.version)
    else:
        _tell_closed(client, channel_id, user_id, lang, result.status, result.decided_by,
                     result.decided_at)


def _refuse_approval(deps: BotDeps, client: WebClient, draft: DraftRecord, request_id: str,
                     user_id: str, channel_id: str | None, lang: str, reason: str, shown: int,
                     now: int | None = None) -> None:
    now = draft.version if now is None else now
    deps.store.audit("draft.approve_refused", actor=user_id, request_id=request_id,
                     draft_id=draft.id, detail={"reason": reason, "shown": shown, "now": now})
    if reason == "stale_version":
        text = t("draft_changed", lang, version=now)
    else:
        text = t(reason, lang)
    ephemeral(client, channel_id, user_id, text)


def _decide(deps: BotDeps, client: WebClient, draft: DraftRecord, decision: str, user_id: str,
            channel_id: str | None, lang: str, reason: str | None = None) -> None:
    result = deps.store.decide(draft.id, decision=decision, user_id=user_id, reason=reason)
    if result.won:
        refresh_message(deps, client, draft.request_id)
    else:
        _tell_closed(client, channel_id, user_id, lang, result.status, result.decided_by,
                     result.decided_at)


def _may_change(deps: BotDeps, client: WebClient, user_id: str, request: RequestRecord) -> bool:
    return user_id == request.user_id or deps.policy.is_approver(client, user_id)


def _changeable(deps: BotDeps, client: WebClient, draft_id: str, user_id: str,
                lang: str) -> tuple[DraftRecord, RequestRecord] | None:
    """For a modal's submission: the draft and its request when ``user_id`` may change it;
    otherwise None, telling them why in the request's channel (a modal has none of its own)."""
    draft = deps.store.get_draft(draft_id)
    request = deps.store.get_request(draft.request_id) if draft else None
    if draft is None or request is None:
        return None
    if not _may_change(deps, client, user_id, request):
        ephemeral(client, request.message_channel, user_id, t("not_approver", lang))
        return None
    return draft, request


def _pending_for_changer(deps: BotDeps, client: WebClient, draft_id: str, user_id: str,
                        channel_id: str | None, lang: str) -> tuple[DraftRecord, RequestRecord] | None:
    """For a button: the pending draft and its request when ``user_id`` may change it;
    otherwise None, telling the clicker why."""
    loaded = _load_pending(deps, client, draft_id, user_id, channel_id, lang)
    if loaded is not None and not _may_change(deps, client, user_id, loaded[1]):
        ephemeral(client, channel_id, user_id, t("not_approver", lang))
        return None
    return loaded


def _open_modal(deps: BotDeps, client: WebClient, build: Callable[[DraftRecord, str], JSONObject],
                *, draft_id: str, user_id: str, channel_id: str | None, trigger_id: str) -> None:
    """Open a draft's modal for someone who may change it, while it is still pending."""
    lang = deps.languages.for_user(client, user_id)
    loaded = _pending_for_changer(deps, client, draft_id, user_id, channel_id, lang)
    if loaded is not None:
        client.views_open(trigger_id=trigger_id, view=build(loaded[0], lang))


def _modal_opener(action: str, build: Callable[[DraftRecord, str], JSONObject]
                  ) -> Callable[..., None]:
    """The guarded flow that opens ``build``'s modal for a draft (Edit, Reject)."""

    @guarded(action)
    def open_modal(deps: BotDeps, client: WebClient, *, draft_id: str, user_id: str,
                   channel_id: str | None, trigger_id: str) -> None:
        _open_modal(deps, client, build, draft_id=draft_id, user_id=user_id,
                    channel_id=channel_id, trigger_id=trigger_id)

    return open_modal


open_reject = _modal_opener("reject", blocks.reject_modal)
open_edit = _modal_opener("edit", blocks.edit_modal)


@guarded("reject")
def reject(deps: BotDeps, client: WebClient, *, draft_id: str, user_id: str,
           reason: str | None) -> None:
    lang = deps.languages.for_user(client, user_id)
    loaded = _changeable(deps, client, draft_id, user_id, lang)
    if loaded is None:
        return
    draft, request = loaded
    _decide(deps, client, draft, "rejected", user_id, request.message_channel, lang,
            reason=(reason or "").strip()[:500] or None)


@guarded("edit")
def save_edit(deps: BotDeps, client: WebClient, *, draft_id: str, user_id: str, text: str,
              dedupe_key: str) -> None:
    """Store the edited text as a new version with a fresh compliance check."""
    if not deps.store.claim(dedupe_key):
        return
    lang = deps.languages.for_user(client, user_id)
    loaded = _changeable(deps, client, draft_id, user_id, lang)
    if loaded is None:
        return
    _, request = loaded
    checked = deps.services.check(text, request.options.get("channel"),
                                  request.product_id or "")
    try:
        deps.store.add_version(draft_id, text=text, author=user_id, source="edited",
                               findings=checked.findings, approvable=checked.approvable)
    except DraftClosedError:
        ephemeral(client, request.message_channel, user_id, t("closed", lang))
        return
    refresh_message(deps, client, request.id)


@guarded("regenerate")
def regenerate(deps: BotDeps, client: WebClient, *, draft_id: str, user_id: str,
               channel_id: str | None, dedupe_key: str) -> None:
    """Redraft one tone for the same profile and product; stored as a new version."""
    if not deps.store.claim(dedupe_key):
        return
    lang = deps.languages.for_user(client, user_id)
    loaded = _pending_for_changer(deps, client, draft_id, user_id, channel_id, lang)
    if loaded is None:
        return
    draft, request = loaded
    opts = request.options
    new = deps.services.redraft(opts.get("profile_text") or request.text,
                                request.product_id or "", draft.tone,
                                channel=opts.get("channel"), llm=opts.get("llm"))
    try:
        deps.store.add_version(draft_id, text=new.text, author=user_id, source="regenerated",
                               findings=new.findings, approvable=new.approvable,
                               provider=new.provider, model=new.model,
                               fallback_reason=new.fallback_reason)
    except DraftClosedError:
        ephemeral(client, channel_id, user_id, t("closed", lang))
        return
    refresh_message(deps, client, request.id)


@guarded("home")
def publish_home(deps: BotDeps, client: WebClient, *, user_id: str,
                 dedupe_key: str | None = None) -> None:
    """Publish the user's App Home; a retried event (same ``event_id``) publishes once."""
    if dedupe_key and not deps.store.claim(dedupe_key):
        return
    lang = deps.languages.for_user(client, user_id)
    view = blocks.home_view(deps.store.recent_requests(user_id), deps.store.latest_approvals(),
                            lang)
    client.views_publish(user_id=user_id, view=view)
