"""Load and render the Jinja2 prompt templates in ``prompts/``.

Templates hold the wording (tone definitions, channel constraints, rules, output format);
this module decides what data reaches them. Only the structured profile and the retrieved
context are rendered — never the marketer's raw text — and every free-text field is clipped
and placed in a JSON data block, so review text such as ``{{`` or ``ignore the rules`` stays
data (Jinja2 does not re-evaluate values, and the system prompt says the block is data).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crm import channels
from crm.claims import CLAIM_KO, KIND_TOPICS, SKIN_KINDS
from crm.context import DraftContext
from recsys import paths

TONE_GUIDES = {
    "friendly": ("친근한", "warm and caring, like a close friend; polite 해요체; light and encouraging."),
    "professional": ("전문적", "calm and trustworthy, like a beauty consultant; 합쇼체; ingredients and fit for the skin type."),
    "trendy": ("트렌디", "playful and current, short punchy lines, MZ-style expressions; keep it tasteful."),
}
CHANNEL_NAMES = {"kakao": "KakaoTalk brand message", "sms": "SMS", "lms": "LMS"}
# Words the rules flag; listed in the prompt so a model avoids them up front.
FORBIDDEN = (
    "최고", "최상", "최초", "유일", "1위", "No.1", "100%", "완벽", "절대", "보장",
    "부작용 없음", "무자극", "자극 없는", "알레르기 없음", "의사 추천", "피부과 추천", "병원용",
    "약국전용", "식약처 인증", "메디컬", "타사", "경쟁사", "임상 입증", "피부과 테스트 완료",
    "엑소좀", "니들", "피부재생", "세포재생", "치료", "예방",
)
CLAIM_NAMES = {"whitening": "미백", "wrinkle": "주름 개선", "uv": "자외선 차단"}
MAX_FIELD_CHARS = 300
MAX_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 500


def clip(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """Collapse whitespace and cut overlong free text so one field cannot swamp the prompt."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class ChannelSpec:
    key: str
    name: str
    body_limit: int
    unit: str
    emoji: bool
    add_label: bool


def channel_spec(
    channel: str, sender: str, optout_number: str, add_label: bool, contact_number: str = ""
) -> ChannelSpec:
    """The channel's limit minus what the drafter adds around the body."""
    overhead = 0
    if add_label:
        frame = (channels.header_line(sender, channel) + "\n\n"
                 + channels.footer(optout_number, channel, contact_number))
        overhead = channels.size(frame, channel)
    text = channels.is_text_channel(channel)
    return ChannelSpec(
        key=channel,
        name=CHANNEL_NAMES[channel],
        body_limit=max(10, channels.limit(channel) - overhead),
        unit="bytes in EUC-KR (a Korean character is 2 bytes)" if text else "characters",
        emoji=not text,
        add_label=add_label,
    )


def draft_schema(tones: Sequence[str]) -> dict[str, Any]:
    """The JSON schema every provider is asked to fill: one string per tone."""
    return {
        "type": "object",
        "properties": {tone: {"type": "string"} for tone in tones},
        "required": list(tones),
        "additionalProperties": False,
    }


def prompt_data(context: DraftContext) -> dict[str, Any]:
    """The DATA block: structured profile and retrieved context, free text clipped."""
    product = context.product
    facts = context.claim_facts()
    supported = sorted(facts.supported)
    return {
        "customer": context.profile.to_dict(),
        "brand": {
            "name": context.brand.name,
            "tone_keywords": list(context.brand.tone_keywords),
            "story": clip(context.brand.story),
            "has_tone_guide": not context.brand.default_tone,
        },
        "product": {
            "name": clip(product.copy_name, 120),
            "kind": product.kind,
            "is_set": product.is_set,
            "for_gender": product.target_gender,
            "category": product.category,
            "sub_type": product.sub_type,
            "price_krw": product.price,
            "key_ingredients": [clip(i, 40) for i in product.ingredients[:6]],
            "targets_concerns": list(product.concerns),
            "targets_skin_types": list(product.skin_types),
            "functional_registrations": list(product.functions),
            "benefits_you_may_claim": [CLAIM_KO[c] for c in supported],
            "reviews_supporting": {k: int(v) for k, v in product.support.items()},
            "description": clip(product.description),
        },
        "review_quotes": [
            {"quote": clip(s.text, 120), "reviewer": s.reviewer, "rating": s.rating}
            for s in context.snippets
        ],
    }


class Prompts:
    """The template folder, loaded once; rendering is strict about missing variables."""

    def __init__(self, directory: Path | str = paths.PROMPTS_DIR) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(directory)),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=False,
        )

    def render(self, name: str, **values: Any) -> str:
        return self.env.get_template(name).render(**values).strip() + "\n"

    def drafting(
        self,
        context: DraftContext,
        *,
        channel: str,
        tones: Sequence[str],
        optout_number: str,
        contact_number: str = "",
        add_label: bool = True,
    ) -> tuple[str, str]:
        """(system, user) prompts for drafting ``tones`` of one message on ``channel``."""
        spec = channel_spec(channel, context.sender, optout_number, add_label, contact_number)
        system = self.render("system.j2", brand_name=context.brand.name, channel_name=spec.name,
                             sender=context.sender)
        user = self.render(
            "draft.j2",
            tones=[{"key": t, "label": TONE_GUIDES[t][0], "guide": TONE_GUIDES[t][1]} for t in tones],
            channel=spec,
            brand=context.brand,
            sender=context.sender,
            product=context.product,
            registered_claims=[CLAIM_NAMES[f] for f in context.product.functions if f in CLAIM_NAMES],
            allowed_claims=[CLAIM_KO[c] for c in sorted(context.claim_facts().supported)],
            all_claims=list(CLAIM_KO.values()),
            kind_topic=KIND_TOPICS.get(context.product.kind, "") if context.product.kind not in SKIN_KINDS else "",
            for_men=context.product.target_gender == "men",
            forbidden=list(FORBIDDEN),
            examples=[e.strip()[:MAX_EXAMPLE_CHARS] for e in context.style_examples[:MAX_EXAMPLES]],
            data_json=json.dumps(prompt_data(context), ensure_ascii=False, indent=1),
        )
        return system, user

