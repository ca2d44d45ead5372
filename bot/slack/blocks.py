"""Block Kit builders: pure functions from stored records to Slack JSON.

Every piece of user or LLM text is escaped (:mod:`bot.slack.mrkdwn`) or sent as ``plain_text``,
then clipped to Slack's limits (section text 3,000, header 150, context element 2,000,
modal title 24, button text 75). Button values hold only opaque draft ids (Approve adds
the version number shown, ``d_…:3``, so an approval is pinned to the text the approver
saw); everything else is looked up in the store when a button is clicked. Tests validate every builder with
``slack_sdk.models``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from bot.badges import badge
from bot.slack import mrkdwn
from bot.slack.i18n import STRINGS, t
from bot.store.approvals import DraftRecord, JSONObject, RequestRecord
from recsys import labels

SECTION_MAX = 3000
HEADER_MAX = 150
CONTEXT_MAX = 2000
MAX_FINDINGS_SHOWN = 5
IMAGE_URL_MAX = 3000
ALT_TEXT_MAX = 2000

ACTION_APPROVE = "draft_approve"
ACTION_EDIT = "draft_edit"
ACTION_REJECT = "draft_reject"
ACTION_REGENERATE = "draft_regenerate"
EDIT_CALLBACK = "draft_edit_modal"
REJECT_CALLBACK = "draft_reject_modal"
TEXT_BLOCK = "draft_text"
REASON_BLOCK = "reason"
INPUT_ACTION = "value"


def _mrkdwn(text: str) -> JSONObject:
    return {"type": "mrkdwn", "text": text}


def _plain(text: str, limit: int = HEADER_MAX) -> JSONObject:
    return {"type": "plain_text", "text": mrkdwn.clip(text, limit) or " ", "emoji": True}


def _section(text: str) -> JSONObject:
    return {"type": "section", "text": _mrkdwn(mrkdwn.clip(text, SECTION_MAX))}


def _context(*texts: str) -> JSONObject:
    return {"type": "context",
            "elements": [_mrkdwn(mrkdwn.clip(x, CONTEXT_MAX)) for x in texts if x][:10]}


def slack_date(iso: str | None) -> str:
    """A ``<!date>`` token: each reader sees the time in their own timezone."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _won(value: object) -> str:
    try:
        return f"₩{int(value):,}"
    except (TypeError, ValueError):
        return mrkdwn.escape(value)


def _or_blank(value: object) -> str:
    return "" if value is None else str(value)


def profile_fields(profile: JSONObject, persona: str | None, lang: str) -> list[JSONObject]:
    any_ = t("any", lang)
    lo, hi = profile.get("age_min"), profile.get("age_max")
    age = any_ if lo is None and hi is None else f"{_or_blank(lo)}–{_or_blank(hi)}"
    plo, phi = profile.get("price_min"), profile.get("price_max")
    budget = any_ if plo is None and phi is None else (
        f"{_won(plo) if plo is not None else ''} – {_won(phi) if phi is not None else ''}")
    gender, skin, category = profile.get("gender"), profile.get("skin_type"), profile.get("category")
    values = [
        ("persona", persona or any_),
        ("age", age),
        ("gender", labels.label("gender", gender, lang) if gender else any_),
        ("skin_type", labels.label("skin_type", skin, lang) if skin else any_),
        ("concerns", ", ".join(labels.labels("concern", profile.get("concerns") or (), lang)) or any_),
        ("category", labels.category_label(category, lang) if category else any_),
        ("budget", budget),
    ]
    return [_mrkdwn(mrkdwn.clip(f"*{t(k, lang)}*\n{mrkdwn.escape(v)}", 2000)) for k, v in values]


def product_block(rec: JSONObject, lang: str) -> JSONObject:
    e = mrkdwn.escape
    score = rec.get("score")
    score_text = f"{float(score):.2f}" if isinstance(score, (int, float)) else e(score)
    name = e(rec.get("name", ""))
    if lang == "en" and rec.get("name_en"):
        name += f" ({e(rec['name_en'])})"
    kind = labels.product_kind_label(rec.get("sub_type"), rec.get("category"), lang)
    lines = [
        f"*{e(rec.get('rank', ''))}. {name}* · {e(rec.get('brand', ''))}",
        f"{e(kind)} · {_won(rec.get('price'))} · "
        f"{t('score', lang)} {score_text}",
    ]
    why = (rec.get("explanation_ko") if lang == "ko" else None) or rec.get("explanation")
    if why:
        lines.append(f"_{e(why)}_")
    block = _section("\n".join(lines))
    image = product_image(rec)
    if image is not None:
        block["accessory"] = image
    return block


# Hosts that can never serve a picture (RFC 2606 / RFC 6761): a demo catalog's placeholders.
_RESERVED_HOSTS = ("example.com", "example.net", "example.org")
_RESERVED_SUFFIXES = (".example", ".invalid", ".test", ".localhost", ".local")


def product_image(rec: JSONObject) -> JSONObject | None:
    """The product's picture as a section accessory, or None when there is no usable one.

    Slack refuses a whole message whose image it cannot fetch, so only an absolute
    ``http(s)`` URL on a real host is shown; missing, relative and placeholder
    (``img.example.com``) URLs show no picture rather than a broken one.
    """
    url = rec.get("image_url")
    if not isinstance(url, str) or len(url) > IMAGE_URL_MAX or any(ch.isspace() for ch in url):
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https") or "." not in host:
        return None
    if host in _RESERVED_HOSTS or host.endswith(tuple("." + h for h in _RESERVED_HOSTS) + _RESERVED_SUFFIXES):
        return None
    # Plain text for screen readers: no mrkdwn entities, and no <...> sequence survives.
    alt = str(rec.get("name") or rec.get("name_en") or "product").replace("<", "").replace(">", "")
    return {"type": "image", "image_url": url, "alt_text": mrkdwn.clip(" ".join(alt.split()), ALT_TEXT_MAX) or "product"}


def _badge(draft: DraftRecord, lang: str) -> str:
    verdict = badge((f.get("severity", "") for f in draft.findings), draft.approvable)
    return t(f"badge.{verdict.level}", lang, n=verdict.count)


def _findings_text(draft: DraftRecord, lang: str) -> str:
    lines = []
    for f in draft.findings[:MAX_FINDINGS_SHOWN]:
        message = f.get(f"message_{lang}") or f.get("message_ko") or f.get("rule", "")
        line = f"• `{mrkdwn.escape(f.get('severity', ''))}` {mrkdwn.escape(message)}"
        if f.get("fix"):
            line += f" → {mrkdwn.escape(f['fix'])}"
        lines.append(line)
    if len(draft.findings) > MAX_FINDINGS_SHOWN:
        lines.append(f"… +{len(draft.findings) - MAX_FINDINGS_SHOWN}")
    return "\n".join(lines)


def approve_value(draft: DraftRecord) -> str:
    """The Approve button's value: the draft id and the version this message shows."""
    return f"{draft.id}:{draft.version}"


def parse_draft_value(value: str) -> tuple[str, int | None]:
    """``(draft id, version shown)`` from a button value; the version is None for a bare id
    (other buttons, or messages rendered before Approve carried a version)."""
    draft_id, _, version = value.partition(":")
    return draft_id, int(version) if version.isdigit() else None


def _button(text: str, action_id: str, value: str, style: str | None = None) -> JSONObject:
    button: JSONObject = {"type": "button", "text": _plain(text, 75),
                              "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def draft_blocks(draft: DraftRecord, lang: str) -> list[JSONObject]:
    """One draft: tone and text, provider line with badge, findings, then buttons or outcome."""
    tone = _label(f"tone.{draft.tone}", draft.tone, lang)
    source = _label(f"source.{draft.source}", draft.source, lang)
    version = t("version", lang, version=draft.version, source=source)
    head = f"*{mrkdwn.escape(tone)}* · {version}\n"
    blocks = [_section(head + mrkdwn.clip(mrkdwn.quote(draft.text), SECTION_MAX - len(head)))]
    provider = (f":robot_face: {mrkdwn.escape(draft.provider or '?')}/"
                f"{mrkdwn.escape(draft.model or '?')}")
    fallback = ""
    if draft.fallback_reason:
        fallback = t("fallback", lang, reason=mrkdwn.escape(draft.fallback_reason))
    blocks.append(_context(provider, fallback, _badge(draft, lang)))
    if draft.findings:
        blocks.append(_section(_findings_text(draft, lang)))
    if draft.status == "pending":
        blocks.append({
            "type": "actions",
            "block_id": f"draft:{draft.id}",
            "elements": [
                _button(t("btn.approve", lang), ACTION_APPROVE, approve_value(draft), "primary"),
                _button(t("btn.edit", lang), ACTION_EDIT, draft.id),
                _button(t("btn.reject", lang), ACTION_REJECT, draft.id),
                _button(t("btn.regenerate", lang), ACTION_REGENERATE, draft.id),
            ],
        })
    else:
        key = "approved_by" if draft.status == "approved" else "rejected_by"
        outcome = t(key, lang, user=mrkdwn.user(draft.decided_by or "?"),
                    at=slack_date(draft.decided_at))
        reason = t("reason", lang, reason=mrkdwn.escape(draft.reason)) if draft.reason else ""
        blocks.append(_context(outcome, reason))
    return blocks


def _label(key: str, fallback: str, lang: str) -> str:
    return t(key, lang) if key in STRINGS else fallback


def message_title(request: RequestRecord, lang: str) -> str:
    return request.title or t("header", lang, persona=request.persona or "-")


def request_message(
    request: RequestRecord,
    recommendations: Sequence[JSONObject],
    drafts: Sequence[DraftRecord],
    lang: str,
) -> tuple[str, list[JSONObject]]:
    """The one channel message for a request: ``(fallback text, blocks)``."""
    title = message_title(request, lang)
    blocks: list[JSONObject] = [
        {"type": "header", "text": _plain(title)},
        _context(t("requested_by", lang, user=mrkdwn.user(request.user_id),
                   text=f"`{mrkdwn.clip(mrkdwn.escape(request.text), 500)}`")),
    ]
    note = (request.options or {}).get("catalog_note")
    if isinstance(note, dict) and (note.get(lang) or note.get("en")):
        # the model serves a catalog it was not trained on: approvers should know, once
        blocks.append(_context(":information_source: " + mrkdwn.escape(str(note.get(lang) or note["en"]))))
    if request.profile is not None:
        blocks.append({"type": "section", "text": _mrkdwn(t("profile", lang)),
                       "fields": profile_fields(request.profile, request.persona, lang)})
    if recommendations:
        blocks.append({"type": "divider"})
        blocks.append(_section(t("products", lang, k=len(recommendations))))
        blocks.extend(product_block(rec, lang) for rec in recommendations[:10])
        asked = request.options.get("top")
        if isinstance(asked, int) and len(recommendations) < asked:  # filters left too few
            blocks.append(_context(t("shortfall", lang, n=len(recommendations), k=asked)))
    if drafts:
        product = next((r for r in recommendations if r.get("product_id") == request.product_id),
                       recommendations[0] if recommendations else {})
        name = mrkdwn.escape(product.get("name") or request.product_id or "")
        blocks.append({"type": "divider"})
        blocks.append(_section(t("drafts_for", lang, product=name)))
        for draft in drafts:
            blocks.extend(draft_blocks(draft, lang))
    fallback = mrkdwn.escape(title)
    if recommendations:
        fallback += " — " + mrkdwn.escape(recommendations[0].get("name", ""))
    return mrkdwn.clip(fallback, 3000), blocks[:50]


def _modal(callback_id: str, draft: DraftRecord, title: str, submit: str, lang: str,
           blocks: list[JSONObject]) -> JSONObject:
    """A draft's modal: the draft id rides in ``private_metadata`` to the submission."""
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": draft.id,
        "title": _plain(t(title, lang), 24),
        "submit": _plain(t(submit, lang), 24),
        "close": _plain(t("cancel", lang), 24),
        "blocks": blocks,
    }


def _text_input(block_id: str, label: str, lang: str, *, max_length: int,
                optional: bool = False, initial: str | None = None) -> JSONObject:
    element: JSONObject = {"type": "plain_text_input", "action_id": INPUT_ACTION,
                           "multiline": True, "max_length": max_length}
    if initial is not None:
        element["initial_value"] = initial
    block: JSONObject = {"type": "input", "block_id": block_id}
    if optional:
        block["optional"] = True
    block["label"] = _plain(t(label, lang), 2000)
    block["element"] = element
    return block


def edit_modal(draft: DraftRecord, lang: str) -> JSONObject:
    return _modal(EDIT_CALLBACK, draft, "edit_title", "save", lang, [
        _context(t("edit_hint", lang)),
        _text_input(TEXT_BLOCK, "edit_label", lang, max_length=3000, initial=draft.text[:3000]),
    ])


def reject_modal(draft: DraftRecord, lang: str) -> JSONObject:
    return _modal(REJECT_CALLBACK, draft, "reject_title", "reject_submit", lang, [
        _text_input(REASON_BLOCK, "reject_label", lang, max_length=500, optional=True),
    ])


def home_view(
    requests: Sequence[RequestRecord], approvals: Sequence[JSONObject], lang: str
) -> JSONObject:
    """The App Home tab: the user's recent requests and the team's latest approvals."""
    blocks: list[JSONObject] = [
        {"type": "header", "text": _plain(t("home_title", lang))},
        _section(t("home_usage", lang)),
        {"type": "divider"},
        _section(t("home_recent", lang)),
    ]
    for req in requests:
        status = _label(f"status.{req.status}", req.status, lang)
        blocks.append(_context(f"{slack_date(req.created_at)} · {status} · "
                               f"`{mrkdwn.clip(mrkdwn.escape(req.text), 300)}`"
                               + (f" · {mrkdwn.escape(req.persona)}" if req.persona else "")))
    if not requests:
        blocks.append(_context(t("home_none", lang)))
    blocks += [{"type": "divider"}, _section(t("home_approvals", lang))]
    for row in approvals:
        tone = _label(f"tone.{row.get('tone')}", row.get("tone") or "", lang)
        head = (f"{slack_date(row['decided_at'])} · {mrkdwn.user(row['decided_by'])} · "
                f"{mrkdwn.escape(row.get('persona') or '-')} · "
                f"{mrkdwn.escape(tone)}\n")
        blocks.append(_section(head + mrkdwn.clip(mrkdwn.quote(row["text"]), 600)))
    if not approvals:
        blocks.append(_context(t("home_none", lang)))
    return {"type": "home", "blocks": blocks[:100]}


def command_error_text(key: str, values: dict[str, object], understood: dict[str, object],
                       lang: str) -> str:
    """An ephemeral reply to a bad ``/recommend``: what failed, what was understood, examples."""
    safe = {k: mrkdwn.escape(v) for k, v in values.items()}
    what = ", ".join(f"{mrkdwn.escape(k)}=`{mrkdwn.escape(v)}`" for k, v in understood.items())
    return "\n".join([
        f":warning: {t(key, lang, **safe)}",
        t("understood", lang, what=what or t("nothing_understood", lang)),
        t("examples", lang),
    ])
