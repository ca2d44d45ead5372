"""What a check reports: the rule table and the finding record.

Its own module because both the compliance checker (ad and cosmetics rules) and the claim
checker (benefits and quotes against the product's facts) build findings from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Severity(StrEnum):
    """``error`` blocks approval; ``warning`` asks a human to confirm evidence or intent."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_ko: str
    title_en: str


@dataclass(frozen=True)
class Finding:
    """One broken rule: where (``span`` into the checked text), why (ko/en) and what to do."""

    rule: str
    severity: Severity
    span: tuple[int, int]
    message_ko: str
    message_en: str
    fix: str
    excerpt: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the Slack store keeps findings as dicts with these keys)."""
        data = asdict(self)
        data["severity"] = str(self.severity)
        data["span"] = list(self.span)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The inverse of :meth:`to_dict`, for findings read back from the store."""
        start, end = data["span"]
        return cls(data["rule"], Severity(data["severity"]), (int(start), int(end)), data["message_ko"],
                   data["message_en"], data["fix"], data.get("excerpt", ""))


E, W = Severity.ERROR, Severity.WARNING
RULES: Mapping[str, Rule] = MappingProxyType({r.id: r for r in (
    Rule("AD-LABEL", E, "(광고) 표기", "Ad label '(광고)'"),
    Rule("AD-SENDER", E, "전송자 명칭", "Sender name after the label"),
    Rule("AD-CONTACT", W, "전송자 연락처", "Sender contact number"),
    Rule("AD-OPTOUT", E, "무료 수신거부", "Free opt-out line"),
    Rule("AD-ALIMTALK", E, "알림톡 광고 금지", "No promotion in AlimTalk"),
    Rule("LEN-SMS", E, "SMS 길이 (90바이트)", "SMS length (90 bytes)"),
    Rule("LEN-LMS", E, "LMS 길이 (2,000바이트)", "LMS length (2,000 bytes)"),
    Rule("LEN-KAKAO", E, "카카오톡 길이", "KakaoTalk length"),
    Rule("ENC-EUCKR", E, "EUC-KR 인코딩", "EUC-KR encoding"),
    Rule("COS-MEDICAL", E, "의약품 오인 표현", "Medical claim"),
    Rule("COS-FUNCTIONAL", E, "미등록 기능성 표현", "Unregistered functional claim"),
    Rule("COS-ABSOLUTE", W, "최상급·절대적 표현", "Absolute or superlative claim"),
    Rule("COS-SAFETY", E, "안전성 단정 표현", "Absolute safety claim"),
    Rule("COS-ENDORSE", E, "의사·병원 추천 표현", "Doctor/hospital endorsement"),
    Rule("COS-COMPARE", W, "타사 비교 표현", "Competitor comparison"),
    Rule("COS-EVIDENCE", W, "실증 필요 표현", "Claim needing evidence"),
    Rule("COS-BANNED-2025", E, "2025 가이드라인 금지 표현", "Banned by the 2025 guideline"),
    Rule("CLAIM-UNSUPPORTED", E, "근거 없는 효능 표현", "Benefit the product's facts do not support"),
    Rule("CLAIM-QUOTE", E, "리뷰에 없는 인용", "Quote not found in the product's reviews"),
)})
