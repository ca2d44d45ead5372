"""Draft the three CRM tones for one (profile, product), with the chosen LLM or offline.

One structured call returns every tone, so latency is about one call. The drafter owns the
parts the law requires — the ``(광고)`` label with the sender and the free opt-out line — so
a model only writes the body. Any failure (timeout, rate limit or server error after the
provider's bounded retries, invalid JSON, empty, refused or overlong output) gets one more
call while the time budget lasts; what is still missing then comes from the offline
copywriter, and each :class:`Draft` says which provider and model wrote it and why a
fallback happened. ``timeout_s`` (``LLM_TIMEOUT_S``) is the budget of all those calls
together, retries and backoff included: a draft never waits longer than that on a model.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from crm import channels, offline
from crm.compliance import check_message, is_approvable
from crm.context import ContextIndex, DraftContext
from crm.errors import UnknownChoiceError
from crm.findings import Finding, Severity
from crm.llm import LLMError, LLMProvider, OfflineProvider
from crm.prompts import Prompts, draft_schema
from recsys.profile import Profile

log = logging.getLogger(__name__)

TONES = ("friendly", "professional", "trendy")
TONE_LABELS = {"friendly": "친근한", "professional": "전문적", "trendy": "트렌디"}
ATTEMPTS = 2  # the first call and one retry

StyleSource = Callable[[str | None, str], Sequence[str]]


@dataclass
class Draft:
    """One message for one tone, with where it came from and what the checker found."""

    tone: str
    text: str
    provider: str
    model: str
    fallback_reason: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def approvable(self) -> bool:
        return is_approvable(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tone": self.tone,
            "tone_ko": TONE_LABELS.get(self.tone, self.tone),
            "text": self.text,
            "provider": self.provider,
            "model": self.model,
            "fallback_reason": self.fallback_reason,
            "approvable": self.approvable,
            "findings": [finding_dict(f) for f in self.findings],
        }


def finding_dict(finding: Finding) -> dict[str, Any]:
    to_dict = getattr(finding, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    data = asdict(finding) if is_dataclass(finding) else dict(vars(finding))
    return {k: (list(v) if isinstance(v, tuple) else str(v) if k == "severity" else v) for k, v in data.items()}


def default_tone_notice(context: DraftContext) -> list[Finding]:
    """A warning (never blocking) when the brand has no tone guide and the mall's tone wrote it.

    The approver should know the voice is generic, and the team which guide to add.
    """
    if not context.brand.default_tone:
        return []
    brand = context.brand.name
    return [Finding(
        rule="CRM-TONE",
        severity=Severity.WARNING,
        span=(0, 0),
        message_ko=f"'{brand}' 브랜드의 톤 가이드가 없어 몰 기본 톤으로 작성했습니다.",
        message_en=f"Brand '{brand}' has no tone guide; the mall's default tone was used.",
        fix=("BRANDS_PATH 파일에 이 브랜드의 스토리와 톤 키워드를 추가하세요 / "
             "add this brand's story and tone keywords to the BRANDS_PATH file"),
    )]


def examples_style_source(path: Path | str) -> StyleSource:
    """Style examples from ``data/crm_examples.json``: the same brand's example messages.

    The Slack store replaces this with approved drafts for the persona or brand.
    """
    file = Path(path)
    records = json.loads(file.read_text(encoding="utf-8")) if file.exists() else []
    if isinstance(records, Mapping):
        records = records.get("examples", [])
    by_brand: dict[str, list[str]] = {}
    for record in records:
        by_brand.setdefault(str(record.get("brand_id", "")), []).append(str(record.get("text", "")))

    def source(persona: str | None, brand_id: str) -> list[str]:
        return by_brand.get(brand_id, [])

    return source


def _strip_frame(body: str) -> str:
    """Remove a label or opt-out line the model added anyway; the drafter adds its own."""
    lines = body.strip().split("\n")
    while lines and lines[0].lstrip().startswith(("(광고)", "(광 고)", "[광고]")):
        lines.pop(0)
    while lines and ("수신거부" in lines[-1] or "무료거부" in lines[-1] or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


class Drafter:
    """Builds prompts from retrieved context, calls the provider, checks every draft."""

    def __init__(
        self,
        index: ContextIndex,
        provider: LLMProvider | None = None,
        *,
        optout_number: str = "080-000-0000",
        contact_number: str = "",
        add_label: bool = True,
        style_source: StyleSource | None = None,
        timeout_s: float = 20.0,
        prompts: Prompts | None = None,
        sender: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.index = index
        self.sender = (sender or "").strip() or None  # the mall (CRM_SENDER_NAME)
        self.provider: LLMProvider = provider or OfflineProvider()
        self.optout_number = optout_number
        self.contact_number = contact_number
        self.add_label = add_label
        self.style_source = style_source
        self.timeout_s = timeout_s
        self.prompts = prompts or Prompts()
        self.clock = clock

    def context(self, profile: Profile, product_id: str) -> DraftContext:
        product = self.index.product(product_id)
        examples: Sequence[str] = ()
        if self.style_source is not None:
            try:
                examples = self.style_source(profile.persona, product.brand_id)
            except Exception:  # a broken style store must not stop drafting
                log.exception("style source failed; drafting without style examples")
        return self.index.context_for(profile, product_id, style_examples=examples, sender=self.sender)

    def sender_for(self, product_id: str) -> str | None:
        """The name a message about this product must carry after ``(광고)`` (None: no label)."""
        if not self.add_label:
            return None
        return self.sender or self.index.brand_for(self.index.product(product_id)).sender

    def draft(
        self,
        profile: Profile,
        product_id: str,
        *,
        channel: str = "kakao",
        tones: Sequence[str] = TONES,
        provider: LLMProvider | None = None,
    ) -> list[Draft]:
        channels.limit(channel)  # raises a clear ValueError for an unknown channel
        unknown = [t for t in tones if t not in TONES]
        if unknown:
            raise UnknownChoiceError(f"unknown tone {unknown[0]!r} (use {', '.join(TONES)})")
        provider = provider or self.provider
        context = self.context(profile, product_id)
        written: dict[str, str] = {}
        failure: LLMError | None = None
        if provider.name != "offline":
            written, failure = self._from_llm(provider, context, channel, tones)
        missing = [t for t in tones if t not in written]
        backup = self._offline(context, channel, missing)
        reason = f"{failure.kind}: {failure.message}" if failure else None
        drafts = []
        for tone in tones:
            if tone in written:
                drafts.append(Draft(tone, written[tone], provider.name, provider.model))
            else:
                fallback = reason if provider.name != "offline" else None
                drafts.append(Draft(tone, backup[tone], "offline", offline.MODEL_NAME, fallback))
        for item in drafts:
            item.findings = self._check(item.text, context, channel)
        return drafts

    def check(self, text: str, product_id: str, *, channel: str = "kakao") -> list[Finding]:
        """Every check a drafted message gets, for a text a person wrote (an edit): the ad and
        cosmetics rules, the product's own facts and reviews, the missing-tone-guide notice."""
        channels.limit(channel)
        return self._check(text, self.index.context_for(Profile(), product_id, sender=self.sender), channel)

    # ------------------------------------------------------------------------------------
    def _check(self, text: str, context: DraftContext, channel: str) -> list[Finding]:
        findings = check_message(
            text,
            channel=channel,
            registered_functions=context.product.functions,
            sender=context.sender if self.add_label else None,
            product=context.claim_facts(),
        )
        return findings + default_tone_notice(context)

    def _screen(self, context: DraftContext) -> Callable[[str], bool]:
        """A review may be quoted only if it trips no cosmetics-advertising rule."""
        functions = context.product.functions

        def safe(text: str) -> bool:
            findings = check_message(text, channel="kakao", registered_functions=functions)
            return not any(f.rule.startswith("COS-") for f in findings)

        return safe

    def _offline(self, context: DraftContext, channel: str, tones: Sequence[str]) -> dict[str, str]:
        return offline.compose_all(
            context, tones, channel=channel, optout_number=self.optout_number,
            contact_number=self.contact_number, add_label=self.add_label,
            screen=self._screen(context),
        )

    def _from_llm(
        self, provider: LLMProvider, context: DraftContext, channel: str, tones: Sequence[str]
    ) -> tuple[dict[str, str], LLMError | None]:
        system, prompt = self.prompts.drafting(
            context, channel=channel, tones=tones, optout_number=self.optout_number,
            contact_number=self.contact_number, add_label=self.add_label,
        )
        schema = draft_schema(tones)
        written: dict[str, str] = {}
        failure: LLMError | None = None
        deadline = self.clock() + self.timeout_s
        for attempt in range(ATTEMPTS):
            remaining = deadline - self.clock()
            if remaining <= 0:  # the budget is spent: no second call
                break
            try:
                answer = provider.generate_json(system, prompt, schema, timeout_s=remaining)
            except LLMError as exc:
                failure = exc
                log.info("%s attempt %d failed: %s", provider.name, attempt + 1, exc.kind)
                if exc.kind == "config":
                    break
                continue
            for tone in tones:
                if tone in written:
                    continue
                try:
                    written[tone] = self._finish(answer.get(tone), context, channel)
                except LLMError as exc:
                    failure = exc
            if len(written) == len(tones):
                return written, None
        return written, failure

    def _finish(self, value: Any, context: DraftContext, channel: str) -> str:
        """Validate one tone's body and frame it with the label, sender and opt-out line."""
        if value is None:
            raise LLMError("invalid_json", "the answer is missing a tone")
        if not isinstance(value, str):
            raise LLMError("invalid_json", "a tone's draft is not a string")
        body = _strip_frame(value)
        if channels.is_text_channel(channel) or not context.brand.uses_emoji:
            body = channels.strip_emoji(body)
        if channels.is_text_channel(channel):
            body = channels.strip_unencodable(body)
        if not body:
            raise LLMError("empty", "the model returned an empty draft")
        parts = [body]
        if self.add_label:
            parts = [channels.header_line(context.sender, channel), body,
                     channels.footer(self.optout_number, channel, self.contact_number)]
        text = "\n".join(parts)
        if not channels.fits(text, channel):
            size, limit = channels.size(text, channel), channels.limit(channel)
            raise LLMError("overlong", f"the draft is {size}/{limit} for {channel}")
        return text
