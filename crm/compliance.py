"""Compliance checks for Korean CRM ad messages and cosmetics advertising.

Every draft passes through :func:`check_message` before a marketer may approve it. The rules
come from ``korean-ad-rules.md``: the Network Act art. 50 ad notices (``(광고)`` label, sender,
free opt-out line, contact), carrier and KakaoTalk size limits, EUC-KR encodability for
SMS/LMS, and the Cosmetics Act art. 13 advertising guideline (medical, unregistered
functional, absolute, safety, endorsement, comparison, evidence and 2025-banned claims).

The cosmetics rules are data (``WORD_SPECS``): one row per word family, a regex in which a
space means "optional whitespace" so ``주름 개선`` and ``주름개선`` match alike, the
functional registration that allows it (if any) and a concrete fix. Rows are compiled once,
per rule, into one alternation of named groups, so a check is a handful of regex scans.

Matching decisions that are deliberate (and tested):

* ``최고급``/``최상급`` are flagged like ``최고``: "top grade" is the same superlative claim.
  It is a warning, so a marketer with evidence can still approve.
* ``1위`` is a ranking, ``1위안`` (one yuan) is not; ``11위`` is not a "number one" claim.
* ``절대 놓치지 마세요`` is urgency, not a product claim, so ``절대`` is skipped there.
* ``예방접종`` and ``치료제`` are still medical words; ``상처`` inside ``일상처럼`` is not.
* ``타사`` inside ``기타사항`` is not a competitor; ``~보다 더`` is a comparison only after a
  product word (``기존 제품보다 더``), not after ``어제보다 더``.
* ``가장`` (most) is not flagged: it is everywhere in ordinary copy (``가장 먼저``), and the
  list in the reference names the absolutes that matter (최고, 유일, 1위, 100%, ...).
* ``저자극`` is not a safety absolute (``무자극`` is); ``무료`` is not a "free-from" claim.
* Words inside the sender's own name, URLs and ``#{...}`` placeholders are never flagged.

Spans index the text exactly as given. Decomposed Hangul (NFD, as pasted from macOS) is
checked in its composed form and the spans are mapped back onto the original characters.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crm.claims import ClaimFacts

from crm.channels import (BRAND_MESSAGE_CHARS, BYTE_LIMITS, CHAR_LIMITS, CHECKED_CHANNELS, encodable,
                          euckr_bytes, is_euckr)
from crm.channels import spec as channel_spec


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

# Channel sizes and the EUC-KR rule come from the one table the drafter uses too.
CHANNELS = CHECKED_CHANNELS
SMS_BYTES, LMS_BYTES = BYTE_LIMITS["sms"], BYTE_LIMITS["lms"]
KAKAO_CHARS = CHAR_LIMITS["kakao"]
LABEL = "(광고)"

# Functional-cosmetic registrations and the spellings callers may use for them.
FUNCTIONAL_TYPES: Mapping[str, str] = MappingProxyType({
    "whitening": "미백", "wrinkle": "주름 개선", "uv": "자외선 차단",
    "hair_loss": "탈모 증상 완화", "acne": "여드름성 피부 완화", "stretch_marks": "튼살 완화",
})
_FUNCTION_ALIASES = {
    "미백": "whitening", "brightening": "whitening", "주름개선": "wrinkle", "주름": "wrinkle",
    "anti_wrinkle": "wrinkle", "자외선차단": "uv", "sunscreen": "uv", "spf": "uv",
    "탈모": "hair_loss", "탈모증상완화": "hair_loss", "여드름": "acne", "튼살": "stretch_marks",
}

_GAP = r"[\s\u200b\u200c\u200d\ufeff]*"  # whitespace, including zero-width, between words


@dataclass(frozen=True)
class WordSpec:
    """One word family of a cosmetics rule. In ``pattern`` a space means optional whitespace."""

    rule: str
    pattern: str
    fix: str
    registration: str | None = None  # COS-FUNCTIONAL: fine when the product holds this

    @property
    def regex(self) -> str:
        """``pattern`` with each space widened to optional (also zero-width) whitespace."""
        return self.pattern.replace(" ", _GAP)


WORD_SPECS: tuple[WordSpec, ...] = (
    # COS-MEDICAL: words that make a cosmetic read as a medicine.
    WordSpec("COS-MEDICAL", r"(?:여드름|탈모|아토피|피부염) 치료|치료|예방|완치",
             "효능을 약속하지 않는 '진정 케어', '피부 컨디션 케어'로 바꾸세요 / "
             "say '진정 케어' (soothing care) instead of treating or preventing"),
    WordSpec("COS-MEDICAL", r"아토피|건선|모낭충|습진|피부염|질환",
             "질환명을 빼고 '건조하고 예민한 피부'처럼 피부 상태로 표현하세요 / "
             "name the skin condition (dry, sensitive), not a disease"),
    WordSpec("COS-MEDICAL", r"(?:피부|세포) 재생|살균|소독|항염증?|진통|항균|해독|디톡스|보톡스|면역력|항 ?알레르기"
                            r"|염증 (?:개선|완화|억제)",
             "'피부 컨디션 케어', '산뜻하게 정돈' 같은 화장품 표현으로 바꾸세요 / "
             "use cosmetic wording such as '피부 컨디션 케어' (skin-condition care)"),
    WordSpec("COS-MEDICAL", r"흉터 (?:제거|치료|개선)|상처(?!럼)|발모|지방 분해|혈액 순환",
             "해당 표현을 삭제하고 보습·탄력 같은 사용감으로 설명하세요 / "
             "remove it and describe the feel (moisture, firmness) instead"),
    # COS-FUNCTIONAL: only for products registered for that function.
    WordSpec("COS-FUNCTIONAL", r"미백|화이트닝|(?:기미|주근깨) (?:개선|완화|제거)|멜라닌 (?:생성 )?억제",
             "미백 기능성 등록 제품이 아니면 '맑은 피부 톤 케어'로 바꾸세요 / "
             "unless registered for whitening, say '맑은 피부 톤 케어' (clear-tone care)",
             "whitening"),
    WordSpec("COS-FUNCTIONAL", r"주름 (?:개선|완화|제거)|(?<![A-Za-z])anti-?wrinkle",
             "주름 기능성 등록 제품이 아니면 '탄력 케어', '생기 있는 피부결'로 바꾸세요 / "
             "unless registered for wrinkles, say '탄력 케어' (firming care)",
             "wrinkle"),
    WordSpec("COS-FUNCTIONAL", r"(?:자외선|UV) (?:으로부터 )?(?:차단|보호)|(?<![A-Za-z])SPF ?[0-9]*\+?"
                               r"|(?<![A-Za-z])PA\+{1,4}",
             "자외선 차단 기능성 제품이면 카탈로그의 functions에 'uv'를 넣으세요 (SPF/PA가 있는 상품명은 "
             "등록으로 봅니다); 아니면 문구의 차단 표현을 빼세요 — 상품명은 그대로 둡니다 / "
             "if the product is registered for UV protection, add 'uv' to its catalog functions "
             "(an SPF/PA in its name counts); otherwise drop the UV claim from the copy, "
             "never from the product name",
             "uv"),
    WordSpec("COS-FUNCTIONAL", r"탈모 (?:증상 )?(?:완화|방지|개선)",
             "탈모 기능성 등록 제품이 아니면 '두피 케어'로 바꾸세요 / "
             "unless registered for hair loss, say '두피 케어' (scalp care)",
             "hair_loss"),
    WordSpec("COS-FUNCTIONAL", r"여드름 (?:성 )?(?:피부 )?(?:완화|개선)",
             "여드름 기능성 등록 제품이 아니면 '트러블 피부를 산뜻하게 정돈'으로 바꾸세요 / "
             "unless registered for acne, say '산뜻하게 정돈' (keeps skin fresh)",
             "acne"),
    WordSpec("COS-FUNCTIONAL", r"튼살",
             "튼살 기능성 등록 제품이 아니면 '바디 보습 케어'로 바꾸세요 / "
             "unless registered for stretch marks, say '바디 보습 케어' (body moisture care)",
             "stretch_marks"),
    # COS-ABSOLUTE: superlatives and guarantees (warning: allowed with evidence).
    WordSpec("COS-ABSOLUTE", r"최고|최상|최초|유일|완벽|절대(?! ?(?:놓치|잊))|보장",
             "삭제하거나 근거가 있는 구체적 사실로 바꾸세요 (예: '재구매가 많은') / "
             "remove it or state a sourced fact instead (e.g. '재구매가 많은', often repurchased)"),
    WordSpec("COS-ABSOLUTE", r"(?<![0-9.])1 ?위(?![안원])|(?<![A-Za-z])no\.? ?1(?![0-9.,])|넘버 ?원"
                             r"|(?<![0-9.])100 ?(?:%|퍼센트)",
             "순위·100% 표현은 출처와 기간을 밝히거나 삭제하세요 / "
             "cite the ranking's source and period, or remove the ranking/100% claim"),
    # COS-SAFETY: absolute safety promises.
    WordSpec("COS-SAFETY", r"(?:부작용|(?<!저)자극|알레르기|알러지) (?:이 |가 )?(?:없(?!는지)[가-힣]*|제로|0 ?%)|무자극",
             "'저자극 테스트 완료'처럼 시험 결과로 표현하세요 (근거 자료 필요) / "
             "state a tested fact such as '저자극 테스트 완료' (low-irritation tested), with evidence"),
    # COS-ENDORSE: doctors, hospitals, pharmacies, regulators.
    WordSpec("COS-ENDORSE", r"(?:피부과 )?(?:의사|전문의|약사|한의사|피부과|병원) (?:가 |이 |들이 |에서 )?"
                            r"(?:추천|개발|공동 개발|인증)"
                            r"|(?:병원|피부과|약국|클리닉|에스테틱) (?:전용|용(?![어량기]))"
                            r"|식약처 (?:인증|인정|허가|승인)|메디컬|(?<![A-Za-z])medical",
             "전문가·기관 추천 표현을 빼고 제품 특징으로 설명하세요 / "
             "drop the doctor/hospital/agency endorsement and describe the product itself"),
    # COS-COMPARE: competitor comparison (warning).
    WordSpec("COS-COMPARE", r"(?<!기)타사(?!이즈)|경쟁 ?사|경쟁 (?:제품|브랜드)|다른 (?:제품|브랜드|화장품)(?:과|와|들과) 달리"
                            r"|(?:제품|브랜드|화장품|크림|세럼|에센스|앰플|토너|로션|선크림|쿠션|파운데이션)"
                            r"(?:들)? ?보다 (?:더|훨씬|[0-9]+(?:\.[0-9]+)? ?(?:배|%)?)",
             "비교 대상을 빼고 이 제품의 특징만 말하세요 / "
             "drop the comparison and describe this product on its own"),
    # COS-EVIDENCE: claims that need test data on file (warning).
    WordSpec("COS-EVIDENCE", r"임상|(?:피부과|인체 적용|패치|피부 자극|더마) (?:테스트|시험)(?: 완료| 통과)?",
             "시험 기관·기간을 밝히고 근거 자료를 보관하세요, 없으면 삭제하세요 / "
             "keep the test report on file and name the lab and period, or remove the claim"),
    WordSpec("COS-EVIDENCE", r"(?<![0-9.])[0-9]+(?:\.[0-9]+)? ?% (?:[가-힣]+ ){0,2}(?:개선|증가|감소|향상|상승|완화)"
                             r"|(?<![0-9.])[0-9]+(?:\.[0-9]+)? ?배 (?:더|이상|높|개선|향상|증가)"
                             r"|[0-9]+ ?명 중 [0-9]+ ?명|[0-9]+ ?시간 (?:동안 )?(?:보습|지속|유지)",
             "수치에는 시험 조건과 출처를 함께 적으세요 / "
             "put the test conditions and source next to the number"),
    WordSpec("COS-EVIDENCE", r"무 ?(?:\( ?無 ?\)|無)? ?(?:파라벤|실리콘|향료|인공 (?:향료|색소)|합성 (?:향료|색소)"
                             r"|색소|알코올|알콜|첨가|미네랄 오일|광물성 오일|설페이트|페녹시에탄올"
                             r"|방부제|에탄올|벤조페논|동물성|유해 성분|향(?![기수]))"
                             r"|(?:파라벤|실리콘|설페이트|알코올|알콜) ?(?:프리|free|제로)"
                             r"|(?<![A-Za-z])(?:paraben|silicone|sulfate|alcohol|fragrance)[\s-]?free",
             "'무(無)OO' 표현은 해당 성분 불검출 시험 자료가 있을 때만 쓰세요 / "
             "use a free-from claim only with a test showing the ingredient is absent"),
    # COS-BANNED-2025: added by the 2025 guideline revision.
    WordSpec("COS-BANNED-2025", r"엑소 ?[좀솜]|(?<![A-Za-z])exosomes?|(?:마이크로 ?)?니들|(?<![A-Za-z])needles?"
                                r"|피부 ?나이 (?:[0-9]+ ?(?:세|살) )?(?:감소|어려|젊어|되돌)",
             "2025 가이드라인 금지 표현입니다: 삭제하세요 / "
             "banned by the 2025 guideline: remove it"),
)

# Why each word rule matters, shown after the offending word.
_WHY = {
    "COS-MEDICAL": ("화장품을 의약품처럼 보이게 하는 표현입니다 (화장품법 제13조).",
                    "makes the cosmetic read as a medicine (Cosmetics Act art. 13)."),
    "COS-ABSOLUTE": ("최상급·절대적 표현은 객관적 근거가 있어야 합니다.",
                     "absolute or superlative claims need objective evidence."),
    "COS-SAFETY": ("부작용·자극이 없다고 단정할 수 없습니다.",
                   "a cosmetic may not promise to be free of side effects or irritation."),
    "COS-ENDORSE": ("의사·병원·약국·기관이 추천하거나 보증하는 것처럼 보이게 할 수 없습니다.",
                    "may not suggest endorsement by doctors, hospitals, pharmacies or agencies."),
    "COS-COMPARE": ("다른 제품과의 비교·비방은 근거가 있어야 합니다.",
                    "comparing with or disparaging other products needs evidence."),
    "COS-EVIDENCE": ("시험 결과·수치·무(無)성분 표현은 실증 자료가 있어야 합니다.",
                     "test results, numbers and free-from claims need evidence on file."),
    "COS-BANNED-2025": ("2025 화장품 표시·광고 가이드라인 개정으로 금지된 표현입니다.",
                        "banned by the 2025 revision of the cosmetics advertising guideline."),
}

_PROMO_ALIMTALK = re.compile(r"할인|특가|세일(?!러)|이벤트|쿠폰|사은품|증정|\(광고\)")


_LOOKAROUND = re.compile(r"\(\?<?[=!](?:[^()]|\([^()]*\))*\)")
_RUN_START = re.compile(r"(?<![가-힣])[가-힣]|(?<![A-Za-z])[A-Za-z]")


def _first_chars(patterns: Iterable[str]) -> str:
    """A character class that every match of ``patterns`` starts with.

    Every alternative in ``WORD_SPECS`` starts with a literal word (perhaps after an optional
    word) or a digit, so the first syllable or letter of each word outside lookarounds,
    plus the digits, is a superset. Scanning with it as a lookahead skips most positions at
    once; Python's regex engine would otherwise try every alternative at every position.
    """
    chars = set("0123456789")
    for pattern in patterns:
        chars |= {m.group() for m in _RUN_START.finditer(_LOOKAROUND.sub("", pattern))}
    return "[" + re.escape("".join(sorted(chars))) + "]"


def _compile_rules(specs: Sequence[WordSpec]) -> dict[str, tuple[re.Pattern[str], dict[str, WordSpec]]]:
    """One regex per rule: an alternation of named groups, one group per spec."""
    by_rule: dict[str, list[tuple[str, WordSpec]]] = {}
    for i, spec in enumerate(specs):
        by_rule.setdefault(spec.rule, []).append((f"s{i}", spec))
    compiled = {}
    for rule, items in by_rule.items():
        alternation = "|".join(f"(?P<{name}>{s.regex})" for name, s in items)
        first = _first_chars(s.pattern for _, s in items)
        compiled[rule] = (re.compile(f"(?={first})(?:{alternation})", re.IGNORECASE), dict(items))
    return compiled


_WORD_RULES = _compile_rules(WORD_SPECS)

_OPEN, _CLOSE = r"[\(\[\{<（［【「『〈《]", r"[\)\]\}>）］】」』〉》]"
_QUOTE = r"[\"'“”‘’`]"
_AD = r"광[\s.\/·\-_,:|*]*고"  # 광고, 광 고, 광.고, 광/고, ...
# Anything at the start that is meant as the label: (광 고), [광고], ("광고"), (대출광고), 광고), (AD).
_LABEL_LIKE = re.compile(
    rf"{_OPEN}\s*{_QUOTE}?\s*[가-힣A-Za-z]{{0,6}}?{_AD}[가-힣]{{0,4}}(?:\s*{_QUOTE}?\s*{_CLOSE})?"
    rf"|{_AD}(?:\s*{_CLOSE})?"
    rf"|{_OPEN}\s*AD\s*{_CLOSE}",
    re.IGNORECASE,
)
# A bracketed label-like token anywhere (a bare 광고 mid-text is just a word).
_LABEL_BRACKETED = re.compile(rf"{_OPEN}\s*{_QUOTE}?\s*[가-힣]{{0,6}}?{_AD}[가-힣]{{0,4}}?\s*{_QUOTE}?\s*{_CLOSE}")
_PHONE = re.compile(r"(?<![\d-])(?:0\d{1,2}[-.) ]?\d{3,4}[-. ]?\d{4}|1[5-9]\d{2}[-. ]?\d{4})(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_OPTOUT = re.compile(r"무료{0}(?:수신{0})?거부".format(_GAP))
_OPTOUT_NO_FREE = re.compile(r"수신{0}거부|거부{0}(?:번호|하기)".format(_GAP))
_PROTECTED = re.compile(r"https?://\S+|www\.\S+|#\{[^}]*\}")
_NOT_A_NAME = re.compile(r"(?:안녕|고객님|회원님|#\{|\$\{|\{\{)")
_TOKEN = re.compile(r"\S{1,20}")
_ENC_FIX = "이모지·특수문자를 빼거나 ★ ♥ ※ 같은 EUC-KR 문자로 바꾸세요 / " \
           "remove it or use an EUC-KR symbol such as ★ ♥ ※"


def check_message(
    text: str,
    *,
    channel: str = "kakao",
    registered_functions: Iterable[str] = (),
    sender: str | None = None,
    product: ClaimFacts | None = None,
) -> list[Finding]:
    """Every rule the text breaks on ``channel``, in text order. Empty list: compliant.

    ``registered_functions`` are the product's functional-cosmetic registrations (keys of
    :data:`FUNCTIONAL_TYPES`, or their Korean names); ``sender`` is the name that must follow
    ``(광고)`` — who sends the ad, the mall (``CRM_SENDER_NAME``), not the product's brand
    (``None``: only check that some name follows it). With ``product`` (its facts,
    :class:`crm.claims.ClaimFacts`), every benefit claim is checked against them too.
    """
    channel_spec(channel, checked=True)  # UnknownChoiceError (a ValueError) for an unknown channel
    registered = normalize_functions(registered_functions)
    if not unicodedata.is_normalized("NFC", text):
        return _check_decomposed(text, channel, registered, sender, product)
    return _check(text, channel, registered, sender, product)


def _check(
    text: str, channel: str, registered: frozenset[str], sender: str | None, product: ClaimFacts | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    if channel == "alimtalk":
        findings += _check_alimtalk(text)
    else:
        label_end = _check_label(text, findings)
        _check_sender(text, label_end, sender, findings)
        _check_optout(text, findings)
        if channel in ("sms", "lms"):
            _check_contact(text, findings)
    findings += _check_size(text, channel)
    if channel in ("sms", "lms"):
        findings += _check_encoding(text)
    protected = _protected_spans(text, sender)
    findings += _check_words(text, registered, protected)
    if product is not None:
        from crm.claims import check_claims  # crm.claims builds its findings from this module

        findings += check_claims(text, product, protected=protected)
    return sorted(findings, key=lambda f: (f.span, f.rule))


def _check_decomposed(
    text: str, channel: str, registered: frozenset[str], sender: str | None, product: ClaimFacts | None = None
) -> list[Finding]:
    """Check the NFC form of decomposed text (pasted from macOS: ``치료`` as separate jamo),
    mapping spans back onto ``text`` so they still point at what the caller holds."""
    pieces, starts, ends = [], [], []
    cut = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or _starts_syllable(text[i]):
            piece = unicodedata.normalize("NFC", text[cut:i])
            pieces.append(piece)
            starts += [cut] * len(piece)
            ends += [i] * len(piece)
            cut = i
    starts.append(len(text))
    composed = "".join(pieces)
    remapped = []
    for f in _check(composed, channel, registered, sender, product):
        a, b = f.span
        span = (starts[a], ends[b - 1] if b > a else starts[a])
        remapped.append(replace(f, span=span, excerpt=text[span[0]:span[1]]))
    return remapped


def _starts_syllable(ch: str) -> bool:
    """Not a combining mark nor a Hangul medial/final jamo (which compose with what precedes)."""
    return unicodedata.combining(ch) == 0 and not "\u1160" <= ch <= "\u11ff"


def _severity(finding: Finding | Mapping[str, Any]) -> str:
    return finding["severity"] if isinstance(finding, Mapping) else finding.severity


def is_approvable(findings: Iterable[Finding | Mapping[str, Any]]) -> bool:
    """No error-level finding (warnings are for the approver to judge). Stored dicts work too."""
    return not any(_severity(f) == Severity.ERROR for f in findings)


def normalize_functions(functions: Iterable[str]) -> frozenset[str]:
    """Registration names as :data:`FUNCTIONAL_TYPES` keys (``"UV"``, ``"자외선 차단"`` -> ``"uv"``).

    A bare string is one registration, not a sequence of letters.
    """
    if isinstance(functions, str):
        functions = [functions]
    out = set()
    for name in functions:
        key = re.sub(r"[\s\-]+", "_", str(name).strip().lower())
        out.add(_FUNCTION_ALIASES.get(key.replace("_", ""), _FUNCTION_ALIASES.get(key, key)))
    return frozenset(out)


# --- individual checks -------------------------------------------------------------------

def _finding(rule: str, span: tuple[int, int], excerpt: str, ko: str, en: str, fix: str) -> Finding:
    return Finding(rule, RULES[rule].severity, span, ko, en, fix, excerpt)


def _check_label(text: str, findings: list[Finding]) -> int:
    """AD-LABEL; returns where the sender should start (after the label, valid or not)."""
    start = len(text) - len(text.lstrip())
    head = _LABEL_LIKE.match(text, start)
    if head and head.group() == LABEL:
        return head.end()
    fix = f"문자 맨 앞을 정확히 '{LABEL}'로 시작하세요 / start the message with exactly '{LABEL}'"
    if head:
        findings.append(_finding(
            "AD-LABEL", head.span(), head.group(),
            f"광고 표기 '{head.group()}'는 허용되지 않는 변형입니다. 정확히 '{LABEL}'여야 합니다.",
            f"The ad label '{head.group()}' is a variant that is not allowed; it must be exactly '{LABEL}'.",
            f"'{head.group()}'를 '{LABEL}'로 바꾸세요 / replace '{head.group()}' with '{LABEL}'"))
        return head.end()
    exact = text.find(LABEL)
    if exact >= 0:
        findings.append(_finding(
            "AD-LABEL", (exact, exact + len(LABEL)), LABEL,
            f"'{LABEL}' 표기가 맨 앞이 아닌 곳에 있습니다.",
            f"The '{LABEL}' label is not at the very start of the message.", fix))
        return start
    variant = _LABEL_BRACKETED.search(text)
    if variant:
        findings.append(_finding(
            "AD-LABEL", variant.span(), variant.group(),
            f"광고 표기 '{variant.group()}'가 변형되었고 맨 앞에 있지 않습니다.",
            f"The ad label '{variant.group()}' is malformed and not at the start.", fix))
        return start
    findings.append(_finding(
        "AD-LABEL", (start, start), "",
        f"광고 문자는 '{LABEL}'로 시작해야 합니다.",
        f"An advertising message must begin with '{LABEL}'.", fix))
    return start


def _sender_name(sender: str | None) -> str:
    """The bare name: callers may pass it bracketed (``[라온뷰티]``) as it appears in messages."""
    return (sender or "").strip().strip("[]()<>【】「」 ")


@functools.lru_cache(maxsize=256)
def _sender_regex(sender: str) -> re.Pattern[str]:
    chars = [re.escape(ch) for ch in sender if not ch.isspace()]
    return re.compile(_GAP.join(chars), re.IGNORECASE)


def _check_sender(text: str, pos: int, sender: str | None, findings: list[Finding]) -> None:
    """AD-SENDER: the brand/service name right after the label (optionally in brackets)."""
    # A given name may sit on the next line; a guessed one must share the label's line.
    name = _sender_name(sender)
    pos = re.compile(r"\s*" if name else r"[ \t\u3000]*").match(text, pos).end()
    if text[pos:pos + 1] and re.match(_OPEN, text[pos]):
        pos += 1
    token = _TOKEN.match(text, pos)
    span = token.span() if token else (pos, pos)
    excerpt = token.group() if token else ""
    if name:
        pattern = _sender_regex(name)
        if pattern.match(text, pos):
            return
        elsewhere = pattern.search(text)
        where_ko = " 이름이 라벨 바로 뒤가 아닌 곳에 있습니다." if elsewhere else " 이름이 없습니다."
        where_en = " appears, but not right after the label." if elsewhere else " is missing."
        findings.append(_finding(
            "AD-SENDER", span, excerpt,
            f"'{LABEL}' 바로 뒤에 보내는 곳 '{name}'을(를) 밝혀야 합니다:{where_ko}",
            f"The sender '{name}' must follow '{LABEL}' directly; it{where_en}",
            f"'{LABEL} {name}'로 시작하세요 / start with '{LABEL} {name}'"))
        return
    if token and not _NOT_A_NAME.match(token.group()) and (token.group()[0].isalnum()):
        return
    findings.append(_finding(
        "AD-SENDER", span, excerpt,
        f"'{LABEL}' 바로 뒤에 보내는 곳(몰·서비스명)이 없습니다.",
        f"No sender (the mall or service that sends it) follows '{LABEL}'.",
        f"'{LABEL} 몰 이름'처럼 라벨 바로 뒤에 보내는 곳의 이름을 넣으세요 / "
        f"put the sender's name (the mall's) right after '{LABEL}'"))


def _check_optout(text: str, findings: list[Finding]) -> None:
    """AD-OPTOUT: a last line with 무료(수신)거부 and a phone-like number."""
    fix = "마지막 줄에 '무료수신거부 080-000-0000'을 넣으세요 / end with '무료수신거부 080-000-0000'"
    matches = list(_OPTOUT.finditer(text))
    if not matches:
        partial = list(_OPTOUT_NO_FREE.finditer(text))
        if partial:
            m = partial[-1]
            findings.append(_finding(
                "AD-OPTOUT", m.span(), m.group(),
                "수신거부 안내에 '무료'가 빠졌습니다: '무료수신거부' 또는 '무료거부'로 써야 합니다.",
                "The opt-out wording must say it is free: '무료수신거부' or '무료거부'.", fix))
        else:
            end = len(text.rstrip())
            findings.append(_finding(
                "AD-OPTOUT", (end, end), "",
                "무료 수신거부 안내(무료수신거부 + 번호)가 없습니다.",
                "The free opt-out line (무료수신거부 + number) is missing.", fix))
        return
    m = matches[-1]
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    if not _PHONE.search(text, line_start, line_end):
        findings.append(_finding(
            "AD-OPTOUT", m.span(), m.group(),
            "무료 수신거부 안내에 전화번호가 없습니다.",
            "The free opt-out line has no phone number.",
            f"'{m.group()} 080-000-0000'처럼 번호를 붙이세요 / add the number after '{m.group()}'"))
    elif text[line_end:].strip():
        findings.append(_finding(
            "AD-OPTOUT", (line_start, line_end), text[line_start:line_end],
            "무료 수신거부 안내는 문자의 맨 끝에 있어야 합니다.",
            "The free opt-out line must be the end of the message.",
            "수신거부 줄을 맨 마지막으로 옮기세요 / move the opt-out line to the very end"))


def _check_contact(text: str, findings: list[Finding]) -> None:
    """AD-CONTACT (SMS/LMS): a contact besides the opt-out number; Kakao shows the channel's."""
    for line in text.split("\n"):
        if ("@" in line and _EMAIL.search(line)) or (_PHONE.search(line) and not _OPTOUT.search(line)):
            return
    end = len(text.rstrip())
    findings.append(_finding(
        "AD-CONTACT", (end, end), "",
        "전송자 연락처가 없습니다 (회신번호와 같다면 생략할 수 있습니다).",
        "No sender contact number (fine to omit when it equals the callback number).",
        "'문의 1588-0000'처럼 연락처를 넣으세요 / add a contact line such as '문의 1588-0000'"))


def _check_size(text: str, channel: str) -> list[Finding]:
    if channel in ("sms", "lms"):
        limit, rule = (SMS_BYTES, "LEN-SMS") if channel == "sms" else (LMS_BYTES, "LEN-LMS")
        size = euckr_bytes(text)
        if size <= limit:
            return []
        cut = bisect.bisect_right(range(len(text) + 1), limit, key=lambda i: euckr_bytes(text[:i])) - 1
        fix = ("90바이트 이하로 줄이거나 LMS로 보내세요 / shorten to 90 bytes or send as LMS"
               if channel == "sms" else "2,000바이트 이하로 줄이세요 / shorten to 2,000 bytes")
        return [_finding(rule, (cut, len(text)), text[cut:],
                         f"{channel.upper()}는 EUC-KR {limit:,}바이트까지인데 {size:,}바이트입니다.",
                         f"{channel.upper()} allows {limit:,} EUC-KR bytes; this is {size:,}.", fix)]
    if len(text) <= KAKAO_CHARS:
        return []
    name_ko = "알림톡" if channel == "alimtalk" else "친구톡 텍스트"
    name_en = "AlimTalk" if channel == "alimtalk" else "FriendTalk text"
    return [_finding("LEN-KAKAO", (KAKAO_CHARS, len(text)), text[KAKAO_CHARS:],
                     f"카카오톡 {name_ko}는 {KAKAO_CHARS:,}자까지인데 {len(text):,}자입니다 "
                     f"(브랜드 메시지는 {BRAND_MESSAGE_CHARS:,}자).",
                     f"KakaoTalk {name_en} allows {KAKAO_CHARS:,} characters; this is {len(text):,} "
                     f"(Brand Message allows {BRAND_MESSAGE_CHARS:,}).",
                     f"{KAKAO_CHARS:,}자 이하로 줄이세요 / shorten to {KAKAO_CHARS:,} characters")]


def _check_encoding(text: str) -> list[Finding]:
    """ENC-EUCKR: one finding per run of characters EUC-KR cannot carry (an emoji sequence is one run)."""
    if encodable(text):
        return []
    findings, i = [], 0
    while i < len(text):
        if is_euckr(text[i]):
            i += 1
            continue
        j = i + 1
        while j < len(text) and not is_euckr(text[j]):
            j += 1
        bad = text[i:j]
        findings.append(_finding(
            "ENC-EUCKR", (i, j), bad,
            f"'{bad}'는 EUC-KR로 보낼 수 없어 SMS/LMS 전송이 실패하거나 깨질 수 있습니다.",
            f"'{bad}' cannot be encoded in EUC-KR; the SMS/LMS may fail or arrive garbled.", _ENC_FIX))
        i = j
    return findings


def _check_alimtalk(text: str) -> list[Finding]:
    """AD-ALIMTALK: AlimTalk is information only, so promotional words (and an ad label) are errors."""
    return [_finding("AD-ALIMTALK", m.span(), m.group(),
                     f"알림톡에는 광고성 표현 '{m.group()}'를 쓸 수 없습니다.",
                     f"AlimTalk is information-only; the promotional word '{m.group()}' is not allowed.",
                     "광고 내용은 친구톡/브랜드 메시지로 보내고 알림톡에서는 빼세요 / "
                     "send promotions as FriendTalk/Brand Message and remove them here")
            for m in _PROMO_ALIMTALK.finditer(text)]


def _protected_spans(text: str, sender: str | None) -> list[tuple[int, int]]:
    """Regions never checked for cosmetics words: the sender's own name, URLs, placeholders."""
    spans = [m.span() for m in _PROTECTED.finditer(text)]
    if name := _sender_name(sender):
        spans += [m.span() for m in _sender_regex(name).finditer(text)]
    return spans


def _check_words(text: str, registered: frozenset[str], protected: list[tuple[int, int]]) -> list[Finding]:
    findings = []
    for rule, (regex, specs) in _WORD_RULES.items():
        meta = RULES[rule]
        for m in regex.finditer(text):
            spec = specs[m.lastgroup or ""]
            if spec.registration in registered:
                continue
            if any(a < m.end() and m.start() < b for a, b in protected):
                continue
            word = m.group()
            if spec.registration:
                kind = FUNCTIONAL_TYPES[spec.registration]
                ko = f"'{word}'는 {kind} 기능성화장품으로 등록된 제품만 쓸 수 있습니다."
                en = (f"'{word}' is a {spec.registration} functional claim; "
                      "the product is not registered for it.")
            else:
                why_ko, why_en = _WHY[rule]
                ko, en = f"'{word}': {why_ko}", f"'{word}': {why_en}"
            findings.append(Finding(rule, meta.severity, m.span(), ko, en, spec.fix, word))
    return findings
