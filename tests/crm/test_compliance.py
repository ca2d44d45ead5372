"""Compliance checks: every rule has cases that must trigger and near misses that must not."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.compliance import (
    CHANNELS,
    RULES,
    WORD_SPECS,
    Finding,
    Severity,
    check_message,
    euckr_bytes,
    is_approvable,
    is_euckr,
    normalize_functions,
)

SENDER = "라온뷰티"
HEAD = f"(광고) {SENDER}\n"
TAIL = "\n문의 1588-1234\n무료수신거부 080-123-4567"

COMPLIANT = (
    f"(광고) {SENDER}\n"
    "#{이름}님, 건조한 날에도 촉촉한 보습감 그대로!\n"
    "라온 히알루론 수분 크림으로 속까지 채워지는 수분감을 느껴 보세요.\n"
    "\"바르자마자 촉촉해요\" - 30대 건성 고객 후기\n"
    "지금 보기: https://raon.example/p/P001?utm=needle\n"
    "문의 1588-1234\n"
    "무료수신거부 080-123-4567"
)


def wrap(body: str) -> str:
    """A message that passes every ad-notice rule, so only the body's words are judged."""
    return HEAD + body + TAIL


def is_english(message: str) -> bool:
    """English prose, perhaps quoting the Korean text it is about."""
    return len(re.findall(r"\b[A-Za-z]{2,}\b", message)) >= 2


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# --- a clean message ---------------------------------------------------------------------

@pytest.mark.parametrize("channel", ["kakao", "lms"])
def test_compliant_sample_has_no_findings(channel: str) -> None:
    findings = check_message(COMPLIANT, channel=channel, sender=SENDER)
    assert findings == []
    assert is_approvable(findings)


def test_compliant_sample_without_sender_name_given() -> None:
    assert check_message(COMPLIANT, channel="lms") == []


def test_unknown_channel_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown channel 'mms'"):
        check_message(COMPLIANT, channel="mms")


# --- AD-LABEL ----------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["(광고문자)", "(광 고)", "(광.고)", "(광/고)", "[광고]", '("광고")', "(대출광고)",
                                   "（광고）", "( 광고 )", "광고)", "(AD)"])
def test_malformed_label_is_an_error_pointing_at_it(label: str) -> None:
    text = f"  {label} {SENDER}\n본문입니다.{TAIL}"
    [finding] = only(check_message(text, sender=SENDER), "AD-LABEL")
    assert finding.severity == Severity.ERROR
    assert finding.excerpt == label
    assert text[slice(*finding.span)] == label
    assert "(광고)" in finding.fix and label in finding.fix
    # The sender is still found right after the broken label.
    assert not only(check_message(text, sender=SENDER), "AD-SENDER")


def test_unclosed_label_excerpt_stops_at_the_label() -> None:
    [finding] = only(check_message(f"(광고 {SENDER} 본문{TAIL}", sender=SENDER), "AD-LABEL")
    assert finding.excerpt == "(광고"


def test_missing_label_is_an_error() -> None:
    text = f"{SENDER} 신상품 소식이에요.{TAIL}"
    [finding] = only(check_message(text, sender=SENDER), "AD-LABEL")
    assert finding.span == (0, 0)
    assert "must begin with" in finding.message_en


def test_label_not_at_start_is_an_error() -> None:
    text = f"{SENDER} (광고) 신상품 소식이에요.{TAIL}"
    [finding] = only(check_message(text), "AD-LABEL")
    assert text[slice(*finding.span)] == "(광고)"
    assert "not at the very start" in finding.message_en


@pytest.mark.parametrize("text", [f"(광고) {SENDER} 본문{TAIL}", f"\n  (광고){SENDER} 본문{TAIL}",
                                  f"(광고) {SENDER} 광고 모델이 고른 크림 (광고 문의 환영){TAIL}",
                                  f"(광고) [{SENDER}] 본문{TAIL}"])
def test_exact_label_with_leading_whitespace_passes(text: str) -> None:
    assert not only(check_message(text, sender=SENDER), "AD-LABEL")
    assert not only(check_message(text, sender=SENDER), "AD-SENDER")


# --- AD-SENDER ---------------------------------------------------------------------------

def test_sender_missing_after_label() -> None:
    text = f"(광고) 신상품 소식이에요.{TAIL}"
    [finding] = only(check_message(text, sender=SENDER), "AD-SENDER")
    assert finding.severity == Severity.ERROR
    assert finding.excerpt == "신상품"
    assert SENDER in finding.fix


def test_sender_elsewhere_is_reported_as_misplaced() -> None:
    text = f"(광고) 신상품 소식, {SENDER}에서 전해요.{TAIL}"
    [finding] = only(check_message(text, sender=SENDER), "AD-SENDER")
    assert "not right after the label" in finding.message_en


@pytest.mark.parametrize("after", ["", "   ", "#{이름}님 안녕하세요", "안녕하세요 고객님", "😊 반가워요"])
def test_without_sender_argument_some_name_must_follow(after: str) -> None:
    findings = only(check_message(f"(광고) {after}{TAIL}"), "AD-SENDER")
    assert len(findings) == 1


@pytest.mark.parametrize("sender", ["[라온뷰티]", "라온 뷰티", "Raon Beauty", "raon beauty"])
def test_sender_match_ignores_spacing_and_case(sender: str) -> None:
    text = f"(광고) RaonBeauty 본문{TAIL}" if sender.isascii() else f"(광고) 라온뷰티 본문{TAIL}"
    assert not only(check_message(text, sender=sender), "AD-SENDER")


# --- AD-OPTOUT ---------------------------------------------------------------------------

@pytest.mark.parametrize("line", ["무료수신거부 080-123-4567", "무료 수신거부: 080-123-4567",
                                  "무료거부 0801234567", "무료수신거부 1588-1234"])
def test_optout_line_variants_pass(line: str) -> None:
    text = f"{HEAD}본문\n문의 02-123-4567\n{line}\n"
    assert not only(check_message(text, sender=SENDER), "AD-OPTOUT")


@pytest.mark.parametrize(("tail", "expect"), [
    ("", "missing"),
    ("\n수신거부 080-123-4567", "must say it is free"),
    ("\n무료수신거부", "no phone number"),
    ("\n무료수신거부 080-123-4567\n지금 바로 확인하세요!", "must be the end"),
])
def test_optout_problems(tail: str, expect: str) -> None:
    text = f"{HEAD}본문{tail}"
    [finding] = only(check_message(text, sender=SENDER), "AD-OPTOUT")
    assert finding.severity == Severity.ERROR
    assert expect in finding.message_en
    assert "무료수신거부" in finding.fix or "opt-out" in finding.fix


def test_misplaced_optout_span_is_the_line() -> None:
    text = f"{HEAD}본문\n무료수신거부 080-123-4567\n끝인사"
    [finding] = only(check_message(text, sender=SENDER), "AD-OPTOUT")
    assert finding.excerpt == "무료수신거부 080-123-4567"


# --- AD-CONTACT --------------------------------------------------------------------------

def test_contact_warning_on_sms_lms_only() -> None:
    text = f"{HEAD}본문\n무료수신거부 080-123-4567"
    [finding] = only(check_message(text, channel="lms", sender=SENDER), "AD-CONTACT")
    assert finding.severity == Severity.WARNING
    assert is_approvable([finding])
    assert not only(check_message(text, channel="kakao", sender=SENDER), "AD-CONTACT")


@pytest.mark.parametrize("contact", ["문의 1588-1234", "고객센터 02-123-4567", "help@raon.example"])
def test_contact_present_passes(contact: str) -> None:
    text = f"{HEAD}본문\n{contact}\n무료수신거부 080-123-4567"
    assert not only(check_message(text, channel="lms", sender=SENDER), "AD-CONTACT")


# --- channel limits ----------------------------------------------------------------------

def test_sms_limit_is_90_euckr_bytes() -> None:
    fits = "(광고)라온" + "가" * 30 + "\n무료거부 0801234567"
    assert euckr_bytes(fits) == 90
    assert not only(check_message(fits, channel="sms"), "LEN-SMS")
    over = fits.replace("가", "가a", 1)
    [finding] = only(check_message(over, channel="sms"), "LEN-SMS")
    assert finding.severity == Severity.ERROR
    assert "91" in finding.message_en and "LMS" in finding.fix
    assert over[finding.span[0]:] == finding.excerpt and finding.span[1] == len(over)
    assert euckr_bytes(over[:finding.span[0]]) <= 90 < euckr_bytes(over[:finding.span[0] + 1])


def test_lms_limit_is_2000_bytes() -> None:
    body = "가" * 1000
    assert not only(check_message(body, channel="lms"), "LEN-LMS")
    [finding] = only(check_message(body + "a", channel="lms"), "LEN-LMS")
    assert finding.span == (1000, 1001)
    assert not only(check_message(body + "a", channel="kakao"), "LEN-LMS")


def test_kakao_limit_is_1000_characters_and_mentions_brand_message() -> None:
    assert not only(check_message("가" * 1000, channel="kakao"), "LEN-KAKAO")
    [finding] = only(check_message("가" * 1001, channel="kakao"), "LEN-KAKAO")
    assert finding.span == (1000, 1001)
    assert "1,300" in finding.message_ko and "Brand Message" in finding.message_en
    assert not only(check_message("가" * 1001, channel="lms"), "LEN-KAKAO")


# --- ENC-EUCKR ---------------------------------------------------------------------------

def test_emoji_in_sms_is_an_encoding_error_with_span() -> None:
    text = "(광고)라온 촉촉 보습😊 지금!\n무료거부 0801234567"
    [finding] = only(check_message(text, channel="sms"), "ENC-EUCKR")
    assert finding.severity == Severity.ERROR
    assert finding.excerpt == "😊" and text[slice(*finding.span)] == "😊"


def test_emoji_sequence_is_one_finding_and_kakao_allows_emoji() -> None:
    text = f"{HEAD}가족 모두 👨‍👩‍👧 함께 ✅{TAIL}"
    findings = only(check_message(text, channel="lms", sender=SENDER), "ENC-EUCKR")
    assert [f.excerpt for f in findings] == ["👨‍👩‍👧", "✅"]
    assert not only(check_message(text, channel="kakao", sender=SENDER), "ENC-EUCKR")


@pytest.mark.parametrize(("ch", "ok"), [("가", True), ("♥", True), ("★", True), ("※", True), ("a", True),
                                        ("똠", False), ("©", False), ("✔", False)])
def test_strict_euckr(ch: str, ok: bool) -> None:
    assert is_euckr(ch) is ok
    assert bool(only(check_message(f"(광고)라온 {ch}\n무료거부 0801234567", channel="sms"), "ENC-EUCKR")) is not ok


# --- cosmetics words ---------------------------------------------------------------------

# (rule, body, offending excerpt, registered functions)
TRIGGERS = [
    ("COS-MEDICAL", "아토피 피부에 좋아요", "아토피", ()),
    ("COS-MEDICAL", "여드름 치료 크림", "여드름 치료", ()),
    ("COS-MEDICAL", "치료제처럼 빠른 효과", "치료", ()),
    ("COS-MEDICAL", "예방접종처럼 든든한", "예방", ()),
    ("COS-MEDICAL", "피부 재생 크림", "피부 재생", ()),
    ("COS-MEDICAL", "세포재생 앰플", "세포재생", ()),
    ("COS-MEDICAL", "항염 성분", "항염", ()),
    ("COS-MEDICAL", "상처에 발라요", "상처", ()),
    ("COS-MEDICAL", "흉터제거 효과", "흉터제거", ()),
    ("COS-MEDICAL", "혈액 순환을 도와요", "혈액 순환", ()),
    ("COS-MEDICAL", "염증 완화", "염증 완화", ()),
    ("COS-MEDICAL", "바르는 보톡스", "보톡스", ()),
    ("COS-MEDICAL", "피부 디톡스", "디톡스", ()),
    ("COS-FUNCTIONAL", "미백 세럼", "미백", ()),
    ("COS-FUNCTIONAL", "화이트닝 앰플", "화이트닝", ("wrinkle",)),
    ("COS-FUNCTIONAL", "주름개선 크림", "주름개선", ("whitening",)),
    ("COS-FUNCTIONAL", "주름 개선 크림", "주름 개선", ()),
    ("COS-FUNCTIONAL", "자외선 차단 효과", "자외선 차단", ()),
    ("COS-FUNCTIONAL", "SPF50+ 데일리 선크림", "SPF50+", ()),
    ("COS-FUNCTIONAL", "PA++++ 지수", "PA++++", ()),
    ("COS-FUNCTIONAL", "탈모 증상 완화 샴푸", "탈모 증상 완화", ()),
    ("COS-FUNCTIONAL", "튼살 크림", "튼살", ()),
    ("COS-ABSOLUTE", "최고의 수분 크림", "최고", ()),
    ("COS-ABSOLUTE", "최고급 원료", "최고", ()),
    ("COS-ABSOLUTE", "판매 1위 크림", "1위", ()),
    ("COS-ABSOLUTE", "No.1 선크림", "No.1", ()),
    ("COS-ABSOLUTE", "올리브영 NO1 크림", "NO1", ()),
    ("COS-ABSOLUTE", "100% 만족", "100%", ()),
    ("COS-ABSOLUTE", "완벽한 보습", "완벽", ()),
    ("COS-ABSOLUTE", "효과 보장", "보장", ()),
    ("COS-ABSOLUTE", "유일한 성분", "유일", ()),
    ("COS-SAFETY", "부작용 없음", "부작용 없음", ()),
    ("COS-SAFETY", "무자극 포뮬러", "무자극", ()),
    ("COS-SAFETY", "자극 없는 클렌저", "자극 없는", ()),
    ("COS-SAFETY", "알레르기가 없어요", "알레르기가 없어요", ()),
    ("COS-ENDORSE", "피부과 의사 추천 크림", "피부과 의사 추천", ()),
    ("COS-ENDORSE", "의사가 추천하는", "의사가 추천", ()),
    ("COS-ENDORSE", "병원용 크림", "병원용", ()),
    ("COS-ENDORSE", "피부과전용 라인", "피부과전용", ()),
    ("COS-ENDORSE", "약국 전용", "약국 전용", ()),
    ("COS-ENDORSE", "식약처 인증 제품", "식약처 인증", ()),
    ("COS-ENDORSE", "메디컬 스킨케어", "메디컬", ()),
    ("COS-COMPARE", "타사 제품과 비교해 보세요", "타사", ()),
    ("COS-COMPARE", "경쟁사 크림", "경쟁사", ()),
    ("COS-COMPARE", "다른 제품과 달리 끈적이지 않아요", "다른 제품과 달리", ()),
    ("COS-COMPARE", "기존 제품보다 더 촉촉해요", "제품보다 더", ()),
    ("COS-COMPARE", "일반 크림보다 2배 촉촉", "크림보다 2배", ()),
    ("COS-EVIDENCE", "임상 입증 완료", "임상", ()),
    ("COS-EVIDENCE", "피부과 테스트 완료", "피부과 테스트 완료", ()),
    ("COS-EVIDENCE", "수분 30% 개선", "30% 개선", ()),
    ("COS-EVIDENCE", "보습력 47.5% 향상", "47.5% 향상", ()),
    ("COS-EVIDENCE", "무파라벤 포뮬러", "무파라벤", ()),
    ("COS-EVIDENCE", "무(無)실리콘", "무(無)실리콘", ()),
    ("COS-EVIDENCE", "무향 로션", "무향", ()),
    ("COS-EVIDENCE", "paraben-free", "paraben-free", ()),
    ("COS-EVIDENCE", "10명 중 9명이 만족", "10명 중 9명", ()),
    ("COS-EVIDENCE", "24시간 보습 지속", "24시간 보습", ()),
    ("COS-BANNED-2025", "엑소좀 앰플", "엑소좀", ()),
    ("COS-BANNED-2025", "마이크로니들 패치", "마이크로니들", ()),
    ("COS-BANNED-2025", "니들 샷", "니들", ()),
    ("COS-BANNED-2025", "피부나이 5세 감소", "피부나이 5세 감소", ()),
]

# (rule, body, registered functions): must not trigger that rule.
NEAR_MISSES = [
    ("COS-FUNCTIONAL", "자외선 차단 효과 SPF50+ PA++++", ("uv",)),
    ("COS-FUNCTIONAL", "자외선차단 선크림", ("자외선 차단",)),
    ("COS-FUNCTIONAL", "미백 세럼으로 화이트닝", ("whitening",)),
    ("COS-FUNCTIONAL", "주름개선 크림", ("wrinkle",)),
    ("COS-FUNCTIONAL", "주름 개선 기능성", ("WRINKLE",)),
    ("COS-FUNCTIONAL", "촉촉한 보습감과 맑은 피부 톤", ()),
    ("COS-FUNCTIONAL", "자외선이 강한 계절, 선크림 꼭 챙기세요", ()),
    ("COS-MEDICAL", "촉촉한 보습 크림", ()),
    ("COS-MEDICAL", "일상처럼 편안한 진정 케어", ()),
    ("COS-MEDICAL", "세상처럼 넓은", ()),
    ("COS-ABSOLUTE", "1위안 행사", ()),
    ("COS-ABSOLUTE", "11위 브랜드", ()),
    ("COS-ABSOLUTE", "절대 놓치지 마세요", ()),
    ("COS-ABSOLUTE", "100ml 대용량", ()),
    ("COS-ABSOLUTE", "가장 사랑받는 크림", ()),
    ("COS-SAFETY", "저자극 테스트 완료", ()),
    ("COS-SAFETY", "자극 없는지 확인하세요", ()),
    ("COS-ENDORSE", "피부과 테스트 완료", ()),
    ("COS-ENDORSE", "의사 결정이 쉬워요", ()),
    ("COS-COMPARE", "기타사항은 문의하세요", ()),
    ("COS-COMPARE", "어제보다 더 촉촉한 피부", ()),
    ("COS-COMPARE", "생각보다 훨씬 가벼워요", ()),
    ("COS-EVIDENCE", "무료 배송", ()),
    ("COS-EVIDENCE", "무게감 없이 가벼운", ()),
    ("COS-EVIDENCE", "30% 할인", ()),
    ("COS-EVIDENCE", "24시간 이내 발송", ()),
    ("COS-BANNED-2025", "리들샷 아니고 수분 크림", ()),
]


@pytest.mark.parametrize(("rule", "body", "excerpt", "registered"), TRIGGERS,
                         ids=[f"{r}:{b}" for r, b, _, _ in TRIGGERS])
def test_word_rule_triggers(rule: str, body: str, excerpt: str, registered: tuple[str, ...]) -> None:
    text = wrap(body)
    findings = only(check_message(text, sender=SENDER, registered_functions=registered), rule)
    assert [f.excerpt for f in findings] == [excerpt]
    [finding] = findings
    assert finding.severity == RULES[rule].severity
    assert text[slice(*finding.span)] == excerpt
    assert excerpt in finding.message_ko and excerpt in finding.message_en
    assert is_english(finding.message_en)
    assert finding.fix


@pytest.mark.parametrize(("rule", "body", "registered"), NEAR_MISSES,
                         ids=[f"{r}:{b}" for r, b, _ in NEAR_MISSES])
def test_word_rule_near_misses(rule: str, body: str, registered: tuple[str, ...]) -> None:
    assert not only(check_message(wrap(body), sender=SENDER, registered_functions=registered), rule)


def test_every_word_rule_has_a_trigger_and_a_near_miss() -> None:
    word_rules = {s.rule for s in WORD_SPECS}
    assert word_rules <= {r for r, *_ in TRIGGERS}
    assert word_rules <= {r for r, *_ in NEAR_MISSES}


@pytest.mark.parametrize("spec", WORD_SPECS, ids=[f"{s.rule}:{s.pattern[:20]}" for s in WORD_SPECS])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_string_a_spec_describes_is_found(spec, data) -> None:
    """The scan's first-character prefilter and the rule alternation never lose a spec's match."""
    word = data.draw(st.from_regex(re.compile(spec.regex, re.IGNORECASE), fullmatch=True))
    assert any(f.rule == spec.rule and f.span[0] == 0 for f in check_message(word)), word


def test_functional_message_names_the_registration() -> None:
    [finding] = only(check_message(wrap("주름 개선 크림"), sender=SENDER), "COS-FUNCTIONAL")
    assert "wrinkle" in finding.message_en and "주름 개선" in finding.message_ko
    assert "탄력" in finding.fix


def test_sender_name_and_urls_are_not_checked_for_words() -> None:
    sender = "메디컬랩"
    text = f"(광고) {sender}\n촉촉한 수분 크림 https://shop.example/needle{TAIL}"
    assert check_message(text, sender=sender) == []
    assert only(check_message(text.replace(f"{sender}\n", f"{sender}\n메디컬 "), sender=sender), "COS-ENDORSE")


def test_decomposed_hangul_is_checked_and_spans_point_into_the_original() -> None:
    text = unicodedata.normalize("NFD", wrap("치료 크림, 최고예요"))
    findings = check_message(text, sender=SENDER)
    assert rules_of(findings) == ["COS-MEDICAL", "COS-ABSOLUTE"]
    for f in findings:
        assert text[slice(*f.span)] == f.excerpt
        assert unicodedata.normalize("NFC", f.excerpt) in ("치료", "최고")
    assert check_message(unicodedata.normalize("NFD", COMPLIANT), channel="kakao", sender=SENDER) == []


def test_findings_are_in_text_order() -> None:
    text = wrap("최고의 미백 크림, 피부과 추천")
    findings = check_message(text, sender=SENDER)
    assert rules_of(findings) == ["COS-ABSOLUTE", "COS-FUNCTIONAL", "COS-ENDORSE"]
    assert [f.span for f in findings] == sorted(f.span for f in findings)


# --- AlimTalk and send time ------------------------------------------------------------

def test_alimtalk_rejects_promotion_but_not_information() -> None:
    info = "#{이름}님, 주문하신 상품이 오늘 발송되었습니다. 배송 조회: https://shop.example/o/1"
    assert check_message(info, channel="alimtalk") == []
    promo = "#{이름}님, 주문하신 상품이 발송되었습니다. 지금 20% 할인 쿠폰을 드려요!"
    findings = only(check_message(promo, channel="alimtalk"), "AD-ALIMTALK")
    assert [f.excerpt for f in findings] == ["할인", "쿠폰"]
    assert all(f.severity == Severity.ERROR for f in findings)


# --- metadata, summary, serialisation ----------------------------------------------------

def test_rules_table_is_complete_and_bilingual() -> None:
    expected = {"AD-LABEL", "AD-SENDER", "AD-OPTOUT", "AD-CONTACT", "AD-ALIMTALK", "LEN-SMS",
                "LEN-LMS", "LEN-KAKAO", "ENC-EUCKR", "COS-MEDICAL", "COS-FUNCTIONAL", "COS-ABSOLUTE",
                "COS-SAFETY", "COS-ENDORSE", "COS-COMPARE", "COS-EVIDENCE", "COS-BANNED-2025",
                "CLAIM-UNSUPPORTED", "CLAIM-QUOTE"}
    assert set(RULES) == expected
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and rule.title_ko and is_english(rule.title_en)
    assert RULES["COS-COMPARE"].severity == Severity.WARNING
    assert RULES["COS-MEDICAL"].severity == "error"
    assert "kakao" in CHANNELS


def test_every_finding_has_english_and_a_fix() -> None:
    text = "[광고] 😊 최고의 미백, 치료, 무자극, 의사 추천, 타사, 임상, 엑소좀" + "가" * 100
    findings = check_message(text, channel="sms")
    assert {"AD-LABEL", "AD-OPTOUT", "LEN-SMS", "ENC-EUCKR", "COS-MEDICAL"} <= set(rules_of(findings))
    for f in findings:
        assert is_english(f.message_en), f
        assert f.message_ko and f.fix and f.rule in RULES
        assert 0 <= f.span[0] <= f.span[1] <= len(text)
        assert text[slice(*f.span)] == f.excerpt


def test_warnings_stay_approvable_and_errors_do_not() -> None:
    warn = check_message(wrap("최고의 크림, 타사 대비"), sender=SENDER)
    assert [f.severity for f in warn] == [Severity.WARNING] * 2 and is_approvable(warn)
    err = check_message(wrap("치료 크림"), sender=SENDER)
    assert [f.severity for f in err] == [Severity.ERROR] and not is_approvable(err)
    both = check_message(wrap("최고의 치료 크림"), sender=SENDER)
    assert sorted(f.severity for f in both) == [Severity.ERROR, Severity.WARNING]
    assert not is_approvable(both)


def test_finding_is_frozen_and_serialises() -> None:
    [finding] = check_message(wrap("치료 크림"), sender=SENDER)
    with pytest.raises(AttributeError):
        finding.rule = "X"  # type: ignore[misc]
    data = json.loads(json.dumps(finding.to_dict(), ensure_ascii=False))
    assert data == {"rule": "COS-MEDICAL", "severity": "error", "span": list(finding.span),
                    "message_ko": finding.message_ko, "message_en": finding.message_en,
                    "fix": finding.fix, "excerpt": "치료"}
    assert Finding.from_dict(data) == finding
    assert not is_approvable([data])


def test_normalize_functions_accepts_korean_and_case() -> None:
    assert normalize_functions(["UV", "미백", "주름 개선", "anti-wrinkle"]) == {"uv", "whitening", "wrinkle"}
    assert normalize_functions("uv") == {"uv"}
    assert not only(check_message(wrap("자외선 차단"), sender=SENDER, registered_functions="uv"), "COS-FUNCTIONAL")


# Label, sender, claim words, opt-out pieces, emoji, a cp949-only syllable, and decomposed
# jamo/combining marks (so the NFC span mapping is exercised too).
FUZZ_ALPHABET = [*"(광고)[] 라온뷰티치료미백최고1위%무료수신거부080-1234😊똠\n가a.",
                 "\u110e", "\u1175", "\u1105", "\u116d", "\u1100", "\u1161", "\u11a8", "\u0301",
                 "\u0b47", "\u0b3e"]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(FUZZ_ALPHABET), max_size=80), st.sampled_from(CHANNELS))
def test_any_text_gives_well_formed_findings(text: str, channel: str) -> None:
    for f in check_message(text, channel=channel, sender=SENDER):
        assert 0 <= f.span[0] <= f.span[1] <= len(text)
        assert text[slice(*f.span)] == f.excerpt
        assert f.severity in (Severity.ERROR, Severity.WARNING) and f.rule in RULES
