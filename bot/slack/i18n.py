"""Korean and English UI strings, and which one a Slack user gets.

Only the bot's own words are translated; drafts stay in the channel's language (Korean by
default). The language comes from ``BOT_LANGUAGE`` when it is ``ko`` or ``en``; with
``auto`` it follows the user's Slack locale (``users.info`` with ``include_locale``),
looked up once per user and cached — in lazy listeners only; acks use what is known.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from slack_sdk import WebClient

Language = Literal["ko", "en"]
DEFAULT_LANGUAGE: Language = "ko"

log = logging.getLogger(__name__)

STRINGS: dict[str, dict[str, str]] = {
    "ack": {
        "ko": ":hourglass_flowing_sand: 추천과 초안을 만드는 중이에요… (`{text}`)",
        "en": ":hourglass_flowing_sand: Working on recommendations and drafts… (`{text}`)",
    },
    "ack_duplicate": {
        "ko": "이미 처리 중인 요청이에요.",
        "en": "That request is already being handled.",
    },
    "header": {"ko": "추천 결과 · {persona}", "en": "Recommendations · {persona}"},
    "requested_by": {"ko": "{user} 님의 요청: {text}", "en": "Requested by {user}: {text}"},
    "profile": {"ko": "*이해한 고객 프로필*", "en": "*Understood profile*"},
    "age": {"ko": "나이", "en": "Age"},
    "gender": {"ko": "성별", "en": "Gender"},
    "skin_type": {"ko": "피부 타입", "en": "Skin type"},
    "concerns": {"ko": "고민", "en": "Concerns"},
    "category": {"ko": "카테고리", "en": "Category"},
    "budget": {"ko": "예산", "en": "Budget"},
    "persona": {"ko": "페르소나", "en": "Persona"},
    "any": {"ko": "무관", "en": "any"},
    "products": {"ko": "*추천 상품 Top {k}*", "en": "*Top {k} products*"},
    "shortfall": {"ko": "조건에 맞는 상품이 {n}개뿐입니다 (요청 {k}개) — 다른 상품으로 채우지 않았어요.",
                  "en": "Only {n} of the {k} products asked for match the filters — not padded with others."},
    "score": {"ko": "점수", "en": "score"},
    "drafts_for": {"ko": "*CRM 초안* · {product}", "en": "*CRM drafts* · {product}"},
    "tone.friendly": {"ko": "친근한 톤", "en": "Friendly"},
    "tone.professional": {"ko": "전문적인 톤", "en": "Professional"},
    "tone.trendy": {"ko": "트렌디한 톤", "en": "Trendy"},
    "version": {"ko": "v{version} ({source})", "en": "v{version} ({source})"},
    "source.drafted": {"ko": "초안", "en": "drafted"},
    "source.edited": {"ko": "수정됨", "en": "edited"},
    "source.regenerated": {"ko": "재생성됨", "en": "regenerated"},
    "fallback": {"ko": "대체 사유: {reason}", "en": "fallback: {reason}"},
    "badge.ok": {"ko": ":white_check_mark: 규정 검사 통과", "en": ":white_check_mark: Compliance OK"},
    "badge.warn": {"ko": ":warning: 주의 {n}건", "en": ":warning: {n} warning(s)"},
    "badge.error": {
        "ko": ":no_entry: 위반 {n}건 — 수정 전에는 승인할 수 없어요",
        "en": ":no_entry: {n} violation(s) — edit before approving",
    },
    "btn.approve": {"ko": "승인", "en": "Approve"},
    "btn.edit": {"ko": "수정", "en": "Edit"},
    "btn.reject": {"ko": "반려", "en": "Reject"},
    "btn.regenerate": {"ko": "다시 생성", "en": "Regenerate"},
    "approved_by": {"ko": ":white_check_mark: {user} 님이 {at}에 승인", "en": ":white_check_mark: Approved by {user} at {at}"},
    "rejected_by": {"ko": ":x: {user} 님이 {at}에 반려", "en": ":x: Rejected by {user} at {at}"},
    "reason": {"ko": "사유: {reason}", "en": "Reason: {reason}"},
    "already": {
        "ko": "이미 {user} 님이 {at}에 {decision}했어요.",
        "en": "Already {decision} by {user} at {at}.",
    },
    "decision.approved": {"ko": "승인", "en": "approved"},
    "decision.rejected": {"ko": "반려", "en": "rejected"},
    "not_approver": {
        "ko": "승인 권한이 없어요. 승인자 목록(APPROVER_USER_IDS / APPROVER_USERGROUP_ID)에 있는 사람만 승인할 수 있어요.",
        "en": "You are not an approver. Only people in APPROVER_USER_IDS / APPROVER_USERGROUP_ID can approve.",
    },
    "self_approval": {
        "ko": "본인이 요청한 초안은 직접 승인할 수 없어요. 다른 승인자에게 부탁해 주세요.",
        "en": "You cannot approve a draft you requested yourself; ask another approver.",
    },
    "blocked": {
        "ko": "규정 위반(error)이 있는 초안은 승인할 수 없어요. [수정]으로 고친 뒤 다시 승인해 주세요.",
        "en": "This draft has an error-level compliance finding; use Edit to fix it, then approve.",
    },
    "closed": {"ko": "이미 결정된 초안이에요.", "en": "That draft already has a decision."},
    "draft_changed": {
        "ko": "이 초안이 바뀌었어요(현재 v{version}). 바뀐 메시지를 확인한 뒤 다시 승인해 주세요.",
        "en": "This draft changed (now v{version}) — review the updated message, then approve.",
    },
    "unknown_draft": {"ko": "이 초안을 찾을 수 없어요.", "en": "That draft no longer exists."},
    "edit_title": {"ko": "초안 수정", "en": "Edit draft"},
    "edit_label": {"ko": "메시지", "en": "Message"},
    "edit_hint": {
        "ko": "저장하면 새 버전으로 기록되고 규정 검사를 다시 해요.",
        "en": "Saving stores a new version and re-runs the compliance check.",
    },
    "save": {"ko": "저장", "en": "Save"},
    "cancel": {"ko": "취소", "en": "Cancel"},
    "reject_title": {"ko": "초안 반려", "en": "Reject draft"},
    "reject_label": {"ko": "반려 사유 (선택)", "en": "Reason (optional)"},
    "reject_submit": {"ko": "반려", "en": "Reject"},
    "edit_empty": {"ko": "메시지를 비울 수 없어요.", "en": "The message cannot be empty."},
    "regenerating": {"ko": "{tone} 초안을 다시 만드는 중이에요…", "en": "Regenerating the {tone} draft…"},
    "too_long": {
        "ko": "요청이 너무 길어요 ({length}자). {limit}자 이내로 줄여 주세요.",
        "en": "Your request is too long ({length} characters); keep it under {limit}.",
    },
    "unknown_option": {
        "ko": "알 수 없는 옵션 `{option}` 이에요. 쓸 수 있는 옵션: `--llm`, `--top`, `--channel`.",
        "en": "Unknown option `{option}`. Available options: `--llm`, `--top`, `--channel`.",
    },
    "bad_value": {
        "ko": "`{option}` 값 `{value}` 을(를) 쓸 수 없어요. 가능한 값: {allowed}.",
        "en": "`{option}` cannot be `{value}`. Allowed: {allowed}.",
    },
    "missing_value": {"ko": "`{option}` 뒤에 값이 필요해요.", "en": "`{option}` needs a value."},
    "empty": {
        "ko": "어떤 고객에게 추천할지 적어 주세요.",
        "en": "Describe the customer to recommend for.",
    },
    "parse_error": {
        "ko": "고객 프로필을 이해하지 못했어요: {detail}",
        "en": "I could not understand the customer profile: {detail}",
    },
    "understood": {"ko": "이해한 내용: {what}", "en": "What I understood: {what}"},
    "nothing_understood": {"ko": "(없음)", "en": "(nothing)"},
    "examples": {
        "ko": "예시:\n• `/recommend 30대 건성 여성 보습`\n• `/recommend 20s oily man, acne --top 5`\n• `/recommend 40대 민감성 진정 llm:gemini channel:sms`\n도움말: `/recommend help`",
        "en": "Examples:\n• `/recommend 30s dry-skin woman, moisture`\n• `/recommend 20s oily man, acne --top 5`\n• `/recommend 40대 민감성 진정 llm:gemini channel:sms`\nHelp: `/recommend help`",
    },
    "help": {
        "ko": "*`/recommend <고객 설명> [옵션]`* — 고객 프로필을 이해해 상품을 추천하고, 친근한/전문적인/트렌디한 CRM 초안 3개를 만들어 승인 버튼과 함께 올려요.\n*옵션*\n• `--llm offline|openai|gemini|ollama` (또는 `llm:gemini`) — 초안을 쓸 모델\n• `--top 1-5` (또는 `top:5`) — 추천 상품 수 (기본 3)\n• `--channel kakao|sms|lms` (또는 `channel:sms`) — 발송 채널 규정 (기본 kakao)\n요청은 {limit}자까지, 한 사람당 1분에 {rate}번까지 가능해요.",
        "en": "*`/recommend <customer description> [options]`* — understands the customer profile, recommends products and posts three CRM drafts (friendly, professional, trendy) with approval buttons.\n*Options*\n• `--llm offline|openai|gemini|ollama` (or `llm:gemini`) — which model writes the drafts\n• `--top 1-5` (or `top:5`) — how many products (default 3)\n• `--channel kakao|sms|lms` (or `channel:sms`) — channel rules for the drafts (default kakao)\nRequests are capped at {limit} characters and {rate} per person per minute.",
    },
    "rate_limited": {
        "ko": "요청이 너무 잦아요. {seconds}초 뒤에 다시 시도해 주세요 (1분에 {rate}번까지).",
        "en": "Too many requests; try again in {seconds} s (limit {rate} per minute).",
    },
    "failed": {
        "ko": ":warning: 추천을 만들지 못했어요: {reason}\n잠시 뒤 다시 시도하거나 관리자에게 알려 주세요 (요청 ID `{request_id}`).",
        "en": ":warning: I could not finish your recommendation: {reason}\nTry again shortly or tell an admin (request id `{request_id}`).",
    },
    "action_failed": {
        "ko": ":warning: 처리하지 못했어요: {reason}",
        "en": ":warning: That did not work: {reason}",
    },
    "not_in_channel": {
        "ko": "봇이 이 채널에 글을 쓸 수 없어요 (`/invite @personabot` 후 다시 시도해 주세요)",
        "en": "the bot cannot post in this channel (`/invite @personabot`, then try again)",
    },
    "home_title": {"ko": "personabot", "en": "personabot"},
    "home_recent": {"ko": "*내 최근 요청*", "en": "*Your recent requests*"},
    "home_approvals": {"ko": "*팀의 최근 승인*", "en": "*Team's latest approvals*"},
    "home_none": {"ko": "아직 없어요.", "en": "Nothing yet."},
    "home_usage": {
        "ko": "채널에서 `/recommend 30대 건성 여성 보습` 처럼 입력해 보세요.",
        "en": "Try `/recommend 30s dry-skin woman, moisture` in a channel.",
    },
    # weekly digests (bot/digests/compose.py): header, notes, product lines, cards
    "digest.title_all": {"ko": "주간 페르소나 다이제스트", "en": "Weekly persona digest"},
    "digest.title_one": {"ko": "주간 다이제스트 · {persona}", "en": "Weekly digest · {persona}"},
    "digest.week_of": {"ko": "{date} 주간", "en": "Week of {date}"},
    "digest.cards_note": {"ko": "✍️ 바로 승인할 수 있는 초안은 스레드에 있어요.",
                          "en": "✍️ Ready-to-approve drafts are in the thread."},
    "digest.preview_note": {"ko": ":eyes: 미리보기 — 나에게만 보여요.",
                            "en": ":eyes: Preview — only you can see this."},
    "digest.no_products": {"ko": "_현재 카탈로그에 이 페르소나에 맞는 상품이 없어요._",
                           "en": "_No products match this persona's profile in the current catalog._"},
    "digest.left": {"ko": "목록에서 빠짐: {names}", "en": "Left the list: {names}"},
    "digest.first": {"ko": "_비교할 이전 다이제스트가 없어요 — 순위 변화는 다음 회부터 보여요._",
                     "en": "_No earlier digest to compare with — rank changes show from the next one._"},
    "digest.price_na": {"ko": "가격 정보 없음", "en": "price n/a"},
    "digest.draft": {"ko": "*초안 ({tone})*", "en": "*Draft ({tone})*"},
    "digest.passes": {"ko": "✅ 광고 규정 검사 통과", "en": "✅ passes the ad-rule checks"},
    "digest.needs_edits": {"ko": "⚠️ 수정 필요: {findings}", "en": "⚠️ needs edits: {findings}"},
    "digest.card_title": {"ko": "주간 다이제스트 · {name_ko} · {name}",
                          "en": "Weekly digest · {name_ko} · {name}"},
    "status.working": {"ko": "진행 중", "en": "working"},
    "status.posted": {"ko": "완료", "en": "posted"},
    "status.failed": {"ko": "실패", "en": "failed"},
}


def t(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` (Korean when missing), formatted with ``values``."""
    entry = STRINGS[key]
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**values) if values else template


def language_from_locale(locale: str | None) -> Language:
    if not locale:
        return DEFAULT_LANGUAGE
    return "ko" if locale.lower().startswith("ko") else "en"


class LanguageResolver:
    """Picks each user's UI language: the ``BOT_LANGUAGE`` setting, else their Slack locale."""

    def __init__(self, setting: str = "auto", lookup_client: WebClient | None = None) -> None:
        self.setting = setting
        # users.info runs in lazy listeners, never in an ack (see known()): a quick client
        # without rate-limit sleeps; a slow or failed lookup means the default this time.
        self.lookup_client = lookup_client
        self._cache: dict[str, Language] = {}
        self._lock = threading.Lock()

    def known(self, user_id: str | None) -> Language:
        """The language without asking Slack: the setting, the cached locale or the default.

        For acks, which must not wait on a Web API call; the lazy listener's
        :meth:`for_user` fills the cache, so a user's later acks are in their language.
        """
        if self.setting in ("ko", "en"):
            return self.setting  # type: ignore[return-value]
        with self._lock:
            return self._cache.get(user_id or "", DEFAULT_LANGUAGE)

    def for_user(self, client: WebClient, user_id: str | None) -> Language:
        """The user's language, looking their locale up once (``users.info``) and caching it;
        call it off the ack path."""
        if self.setting in ("ko", "en"):
            return self.setting  # type: ignore[return-value]
        if not user_id:
            return DEFAULT_LANGUAGE
        with self._lock:
            cached = self._cache.get(user_id)
        if cached:
            return cached
        try:
            info = (self.lookup_client or client).users_info(user=user_id, include_locale=True)
            lang = language_from_locale((info.get("user") or {}).get("locale"))
        except Exception as exc:  # the UI language is never worth failing a request for
            log.warning("users.info failed for a user (%s); using %s", type(exc).__name__,
                        DEFAULT_LANGUAGE)
            return DEFAULT_LANGUAGE
        with self._lock:
            self._cache[user_id] = lang
        return lang
