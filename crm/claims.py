"""What a draft may claim a product does, and the check that holds every provider to it.

A draft may state a benefit (moisture, firmness, tone, calming, pores, blemishes, UV) only
when the product's facts support it: the concerns its attributes give (an export's own, or
:mod:`recsys.mining`'s from its name and from enough of its own reviews — that rule lives
there), and its functional registrations (a registered wrinkle product may speak of firmness, a
whitening one of tone). A customer's wish is never a fact, and a fragrance, a diffuser, a
brush or a pouch acts on no skin at all, so it may claim none of these.

:func:`check_claims` reads a draft against those facts and reports each unsupported claim
as an error (``CLAIM-UNSUPPORTED``) whose fix names what the product *can* be praised for.
It does not repeat :mod:`crm.compliance`'s functional-registration rule (미백, 주름 개선, SPF:
``COS-FUNCTIONAL``). Not claims: negated mentions (「보습감은 없지만」), the product's and
brand's own names (「… 광채 선크림」), and quoted review sentences that occur in the
product's reviews — those are the reviewer's words. A quote that occurs in none of them is
an error of its own (``CLAIM-QUOTE``), and its claims are checked like the copy around it.

The vocabulary (:data:`CLAIMS`) is the one the offline copywriter's benefit phrases and the
prompts are held to; a test keeps them in step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from crm.findings import RULES, Finding

#: Benefits a draft can claim, with the Korean words that claim them. A space in a pattern
#: is optional whitespace. Sensory words that promise no effect (산뜻한, 가벼운, 부드러운,
#: 향, 발색, 커버) are not claims.
CLAIM_PATTERNS: Mapping[str, str] = MappingProxyType({
    "moisture": r"보습|촉촉|수분|속 ?건조|건조함을|물광|moistur\w*|hydrat\w*",
    "anti_aging": r"탄력|탱탱|쫀쫀|안티 ?에이징|노화|리프팅|주름|anti-?aging|firm\w*",
    "brightening": r"톤 ?케어|맑은 (?:피부 )?톤|(?:피부 )?톤을? 맑|화사한 (?:피부|톤)|광채|칙칙(?:함|한|해|하)|환하게 (?:피어|밝)"
                   r"|생기 도는|브라이트닝|미백|화이트닝|brighten\w*|radian\w*",
    "calming": r"진정(?!성)|편안한 (?:피부|진정)|차분하게 정돈|예민한 (?:피부|날)|붉은 ?기|열감|sooth\w*|calm\w*",
    "pores": r"모공|피지|번들거림을|pores?\b|sebum",
    "acne": r"트러블|여드름|뾰루지|좁쌀|blemish\w*|acne",
    "uv": r"자외선|(?<![A-Za-z])UV|(?<![A-Za-z])SPF|(?<![A-Za-z])PA\+|선 ?케어|sun ?protect\w*",
})
CLAIM_KO: Mapping[str, str] = MappingProxyType({
    "moisture": "보습", "anti_aging": "탄력", "brightening": "맑은 톤", "calming": "진정",
    "pores": "모공·피지", "acne": "트러블 케어", "uv": "자외선 차단",
})
#: What a registered function lets a draft say besides the function itself.
FUNCTION_CLAIMS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "uv": ("uv",), "whitening": ("brightening",), "wrinkle": ("anti_aging",),
})
#: Kinds that act on skin or hair; only their products can carry a benefit claim.
SKIN_KINDS = frozenset({"skincare", "makeup", "body", "hair", ""})
#: What products of the other kinds are praised for instead (the fix names it).
KIND_TOPICS: Mapping[str, str] = MappingProxyType({
    "fragrance": "향·무드·레이어링·선물 / scent, mood, layering, gifting",
    "home": "공간의 향·쓰임새·선물 / the scent of a room, use, gifting",
    "tool": "쓰임새·사용감·쓰는 때 / use, feel and occasion",
    "lifestyle": "쓰임새·선물 / use and gifting",
})
#: Where a matched word is said not to happen: 「보습감은 없지만」, 「진정 효과는 못 느꼈」.
#: 「속건조 걱정 없이」 is relief from a problem, so still a claim.
_NEGATED_AFTER = re.compile(r"[가-힣]{0,4}\s?(?!걱정|고민|부담)[가-힣]{0,4}\s?(?:없|않|아니|못 ?느)")
_QUOTE = re.compile(r"[“\"]([^”\"\n]{6,})[”\"]")
_GAP = r"[\s\u200b]*"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace(" ", _GAP), re.IGNORECASE)


_CLAIM_RES = {claim: _compile(p) for claim, p in CLAIM_PATTERNS.items()}
# Functional words that crm.compliance's COS-FUNCTIONAL already rules on.
_FUNCTIONAL = _compile(r"미백|화이트닝|주름 ?(?:개선|완화|제거)|자외선 ?(?:으로부터 )?(?:차단|보호)"
                       r"|(?<![A-Za-z])UV ?(?:차단|보호)|(?<![A-Za-z])SPF ?[0-9]*\+?|(?<![A-Za-z])PA\+{1,4}")


@dataclass(frozen=True)
class ClaimFacts:
    """The facts about one product that decide what a draft may claim.

    ``names`` are the product's and brand's names as they may appear in copy (never read as
    claims); ``reviews`` every review text of the product (quotes must come from them).
    """

    kind: str = ""
    concerns: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    support: Mapping[str, int] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    reviews: tuple[str, ...] = ()

    @property
    def supported(self) -> frozenset[str]:
        """The benefits this product's facts support (keys of :data:`CLAIM_PATTERNS`)."""
        out: set[str] = set()
        for function in self.functions:
            out.update(FUNCTION_CLAIMS.get(function, ()))
        if self.kind not in SKIN_KINDS:
            return frozenset(out)
        out.update(c for c in self.concerns if c in CLAIM_PATTERNS)
        return frozenset(out)

    def quoted(self, quote: str) -> bool:
        """Whether ``quote`` is a reviewer's words: it occurs in one of the product's reviews."""
        flat = _flat(quote)
        return bool(flat) and any(flat in _flat(review) for review in self.reviews)


def _flat(text: str) -> str:
    return " ".join(text.split()).strip(" .!?~")


def claims_in(text: str, *, protected: Sequence[tuple[int, int]] = ()) -> list[tuple[str, tuple[int, int]]]:
    """Every benefit ``text`` claims, as ``(claim, span)``, skipping negated mentions and
    ``protected`` spans (names, verified quotes); words of one claim a few characters apart
    are one span."""
    found = []
    for claim, regex in _CLAIM_RES.items():
        for m in regex.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in protected):
                continue
            if _NEGATED_AFTER.match(text, m.end()):
                continue
            found.append((claim, m.span()))
    merged: list[tuple[str, tuple[int, int]]] = []
    for claim, (start, end) in sorted(found, key=lambda item: item[1]):
        if merged and merged[-1][0] == claim and start - merged[-1][1][1] <= 3:
            merged[-1] = (claim, (merged[-1][1][0], end))  # 「촉촉한 보습감」 is one claim
        else:
            merged.append((claim, (start, end)))
    return merged


def supported_phrase(facts: ClaimFacts) -> tuple[str, str]:
    """(Korean, English) naming what the product may be praised for."""
    claims = sorted(facts.supported)
    if claims:
        return "·".join(CLAIM_KO[c] for c in claims), ", ".join(c.replace("_", "-") for c in claims)
    if facts.kind in KIND_TOPICS:
        ko, en = KIND_TOPICS[facts.kind].split(" / ")
        return ko, en
    return "사용감·쓰임새", "feel and use"


def check_claims(text: str, facts: ClaimFacts, *, protected: Iterable[tuple[int, int]] = ()) -> list[Finding]:
    """``CLAIM-UNSUPPORTED`` for each benefit the facts do not support, ``CLAIM-QUOTE`` for
    each quote that is not in the product's reviews. Spans index ``text``."""
    spans = list(protected) + _name_spans(text, facts.names)
    findings: list[Finding] = []
    for m in _QUOTE.finditer(text):
        if facts.quoted(m.group(1)):
            spans.append(m.span())
            continue
        rule = RULES["CLAIM-QUOTE"]
        findings.append(Finding(
            rule.id, rule.severity, m.span(1),
            "이 제품의 리뷰에 없는 문장을 후기처럼 인용했습니다.",
            "The quoted sentence is not in any of this product's reviews.",
            "실제 리뷰 문장을 그대로 인용하거나 따옴표와 함께 지우세요 / "
            "quote one of its reviews word for word, or remove the quote",
            m.group(1)))
    spans += [m.span() for m in _FUNCTIONAL.finditer(text)]  # COS-FUNCTIONAL rules on these
    supported = facts.supported
    ok_ko, ok_en = supported_phrase(facts)
    rule = RULES["CLAIM-UNSUPPORTED"]
    for claim, span in claims_in(text, protected=spans):
        if claim in supported:
            continue
        word = text[span[0]:span[1]]
        what_ko, what_en = CLAIM_KO[claim], claim.replace("_", "-")
        findings.append(Finding(
            rule.id, rule.severity, span,
            f"'{word}'는 {what_ko} 효능 표현인데, 이 제품의 정보와 리뷰에는 그 근거가 없습니다.",
            f"'{word}' claims {what_en}; nothing in this product's facts or reviews supports it.",
            f"근거 있는 표현으로 바꾸거나 삭제하세요 — 이 제품은: {ok_ko} / "
            f"rephrase or remove it; this product can be praised for: {ok_en}",
            word))
    return sorted(findings, key=lambda f: (f.span, f.rule))


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for name in {n.strip() for n in names if n and len(n.strip()) >= 2}:
        start = text.find(name)
        while start >= 0:
            spans.append((start, start + len(name)))
            start = text.find(name, start + 1)
    return spans
