"""The claim check: benefits must come from the product's facts, whoever wrote the draft."""

from __future__ import annotations

import pytest

from crm import offline
from crm.claims import CLAIM_PATTERNS, ClaimFacts, check_claims, claims_in
from crm.compliance import check_message, is_approvable

SENDER = "맑은샘"
MOISTURE_CREAM = ClaimFacts(kind="skincare", concerns=("moisture",), names=("맑은샘 수분 크림",),
                            reviews=("속건조가 심했는데 하루 종일 촉촉해요. 향도 은은해요.",))
PERFUME = ClaimFacts(kind="fragrance", names=("블룸 EDP",), reviews=("잔향이 은은하게 오래 남아서 좋아요.",))


def wrap(body: str) -> str:
    return f"(광고) {SENDER}\n#{{이름}}님, {body}\n무료수신거부 080-000-0000"


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def test_a_supported_claim_passes() -> None:
    assert check_claims("촉촉한 보습감을 느껴 보세요.", MOISTURE_CREAM) == []


def test_an_unsupported_claim_is_an_error_that_names_the_supported_ones() -> None:
    findings = check_claims("촉촉한 보습감에 탄탄한 탄력 케어까지.", MOISTURE_CREAM)
    assert rules(findings) == ["CLAIM-UNSUPPORTED"]
    (finding,) = findings
    assert finding.excerpt == "탄력" and "탄력" in finding.message_ko and "anti-aging" in finding.message_en
    assert "보습" in finding.fix and "moisture" in finding.fix
    text = "촉촉한 보습감에 탄탄한 탄력 케어까지."
    assert text[slice(*finding.span)] == finding.excerpt


def test_products_that_touch_no_skin_claim_nothing_and_the_fix_says_what_to_praise() -> None:
    findings = check_claims("오래가는 촉촉함이 필요한 날 딱이에요.", PERFUME)
    assert rules(findings) == ["CLAIM-UNSUPPORTED"] and "향" in findings[0].fix and "scent" in findings[0].fix
    # a customer's wish is no fact: the same perfume with concerns still claims none
    wished = ClaimFacts(kind="fragrance", concerns=("moisture",))
    assert rules(check_claims("촉촉한 보습감", wished)) == ["CLAIM-UNSUPPORTED"]
    brush = ClaimFacts(kind="tool")
    assert set(rules(check_claims("쫀쫀한 탄력 케어가 필요한 날", brush))) == {"CLAIM-UNSUPPORTED"}
    assert check_claims("은은하게 남는 잔향, 레이어링하기 좋은 향", PERFUME) == []


def test_negated_mentions_are_not_claims() -> None:
    assert claims_in("보습감은 없지만 산뜻해요") == []
    assert claims_in("진정 효과는 못 느꼈어요") == []
    assert check_claims("끈적임 없이 산뜻하게 발려요.", ClaimFacts(kind="skincare")) == []
    # a 'no worry about dryness' phrase is still a moisture claim
    assert [c for c, _ in claims_in("속건조 걱정 없이")] == ["moisture"]


def test_quoted_review_sentences_are_the_reviewers_words() -> None:
    real = "고객 후기 “속건조가 심했는데 하루 종일 촉촉해요.”"
    assert check_claims(real, MOISTURE_CREAM) == []
    # the reviewer's words may mention what the copy could not claim
    calm = ClaimFacts(kind="skincare", reviews=("예민할 때 쓰면 진정되는 느낌이에요.",))
    assert check_claims("“예민할 때 쓰면 진정되는 느낌이에요.”", calm) == []
    invented = check_claims("찐후기 “이거 바르고 탄력이 확 살아났어요”", MOISTURE_CREAM)
    assert rules(invented) == ["CLAIM-QUOTE", "CLAIM-UNSUPPORTED"]
    assert invented[0].excerpt == "이거 바르고 탄력이 확 살아났어요"


def test_the_products_own_name_is_not_a_claim() -> None:
    glow = ClaimFacts(kind="skincare", names=("흰꽃 광채 선크림",), functions=("uv",))
    assert check_claims("흰꽃 광채 선크림으로 가볍게 바르는 데일리 선케어", glow) == []
    assert rules(check_claims("광채 피부를 약속해요", glow)) == ["CLAIM-UNSUPPORTED"]


def test_functional_claims_need_the_registration_and_the_fix_never_renames_the_product() -> None:
    body = wrap("햇살막이 선크림 SPF50+로 매일 챙기는 자외선 차단")
    registered = ClaimFacts(kind="skincare", functions=("uv",), names=("햇살막이 선크림 SPF50+",))
    findings = check_message(body, sender=SENDER, registered_functions=("uv",), product=registered)
    assert findings == [] and is_approvable(findings)

    unregistered = ClaimFacts(kind="skincare", names=("햇살막이 선크림",))
    findings = check_message(body, sender=SENDER, registered_functions=(), product=unregistered)
    assert "COS-FUNCTIONAL" in rules(findings) and not is_approvable(findings)
    assert "CLAIM-UNSUPPORTED" not in rules(findings)  # one rule per word: COS-FUNCTIONAL rules on it
    for f in findings:
        assert "상품명은 그대로" in f.fix and "never from the product name" in f.fix
        assert "제품명에서" not in f.fix and "drop the UV claim and the SPF/PA index" not in f.fix


def test_a_wrinkle_or_whitening_registration_supports_firmness_or_tone() -> None:
    wrinkle = ClaimFacts(kind="skincare", functions=("wrinkle",))
    whitening = ClaimFacts(kind="skincare", functions=("whitening",))
    assert check_claims("탄탄한 탄력감", wrinkle) == []
    assert check_claims("맑은 피부 톤 케어", whitening) == []
    assert rules(check_claims("맑은 피부 톤 케어", wrinkle)) == ["CLAIM-UNSUPPORTED"]


def test_compliance_runs_the_claim_check_only_with_facts_and_on_decomposed_text() -> None:
    body = wrap("쫀쫀한 탄력 케어를 챙기세요")
    assert "CLAIM-UNSUPPORTED" not in rules(check_message(body, sender=SENDER))
    assert "CLAIM-UNSUPPORTED" in rules(check_message(body, sender=SENDER, product=PERFUME))
    import unicodedata

    nfd = unicodedata.normalize("NFD", body)
    found = [f for f in check_message(nfd, sender=SENDER, product=PERFUME) if f.rule == "CLAIM-UNSUPPORTED"]
    assert [unicodedata.normalize("NFC", f.excerpt) for f in found] == ["쫀쫀한 탄력"]
    assert all(nfd[slice(*f.span)] == f.excerpt for f in found)


@pytest.mark.parametrize("claim", sorted(offline.BENEFITS))
def test_the_offline_benefit_phrases_are_read_as_the_claims_they_make(claim: str) -> None:
    """One vocabulary: every phrase the offline writer uses for a claim is that claim to the checker."""
    assert claim in CLAIM_PATTERNS
    for phrase in offline.BENEFITS[claim]:
        assert claim in {c for c, _ in claims_in(phrase)}, phrase


def test_the_kind_and_plain_phrases_claim_nothing() -> None:
    phrases = [p for bank in (offline.KIND_BENEFITS, offline.PLAIN) for group in bank.values() for p in group]
    for phrase in phrases + [m for group in offline.MOMENTS.values() for m in group]:
        assert claims_in(phrase) == [], phrase


def test_words_that_only_look_like_claims_claim_nothing() -> None:
    # 진정성 (sincerity, a brand tone keyword) is not 진정 (calming)
    assert check_claims("진정성 있는 브랜드의 촉촉한 크림이에요.", MOISTURE_CREAM) == []
    assert rules(check_claims("피부 진정에 좋아요.", MOISTURE_CREAM)) == ["CLAIM-UNSUPPORTED"]
