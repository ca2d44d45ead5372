"""One channel table and one EUC-KR rule: the drafter and the compliance check agree on every channel."""

from __future__ import annotations

import pytest

from crm import channels, compliance
from crm.compliance import check_message
from crm.drafting import Drafter
from recsys.profile import Profile
from tests.crm._crm_helpers import make_index

SAMPLES = ("가나다 abc", "똠양꿍 세트", "햏 뷁", "♥ ★ ※ · 좋아요", "촉촉 😊", "©2025", "✔ 확인", "a" * 95,
           "가" * 46, "가" * 1001, "a" * 2001, "똠" * 3)


@pytest.mark.parametrize("ch", ["똠", "햏", "뷁", "©", "✔", "😊"])
def test_outside_ks_x_1001_is_unencodable_and_counts_two_bytes(ch: str) -> None:
    assert not channels.is_euckr(ch) and not channels.encodable(f"가{ch}나")
    assert channels.euckr_bytes(ch) == 2  # never the codec's 8-byte annex-3 sequence


@pytest.mark.parametrize("ch", ["가", "힝", "♥", "★", "※", "·", "a", "1"])
def test_ks_x_1001_characters_are_encodable(ch: str) -> None:
    assert channels.is_euckr(ch) and channels.encodable(f"가{ch}나")


def test_compliance_uses_the_channel_table() -> None:
    assert compliance.euckr_bytes is channels.euckr_bytes and compliance.is_euckr is channels.is_euckr
    assert compliance.CHANNELS == channels.CHECKED_CHANNELS
    assert set(channels.CHANNELS) < set(compliance.CHANNELS)
    assert (compliance.SMS_BYTES, compliance.LMS_BYTES, compliance.KAKAO_CHARS) == (
        channels.limit("sms"), channels.limit("lms"), channels.limit("kakao"))


@pytest.mark.parametrize("channel", channels.CHECKED_CHANNELS)
@pytest.mark.parametrize("text", SAMPLES)
def test_drafter_and_compliance_agree_on_every_channel(channel: str, text: str) -> None:
    findings = check_message(text, channel=channel)
    rules = {f.rule for f in findings}
    spec = channels.SPECS[channel]
    size = channels.size(text, channel)
    over = size > spec.limit
    assert (rules & {"LEN-SMS", "LEN-LMS", "LEN-KAKAO"} != set()) is over
    assert ("ENC-EUCKR" in rules) is (spec.is_text and not channels.encodable(text))
    if over:
        [length] = [f for f in findings if f.rule.startswith("LEN-")]
        assert f"{size:,}" in length.message_en
    if channel in channels.CHANNELS:
        no_size_or_encoding = not rules & {"LEN-SMS", "LEN-LMS", "LEN-KAKAO", "ENC-EUCKR"}
        assert channels.fits(text, channel) is no_size_or_encoding


class OneBody:
    """A model that puts a syllable outside KS X 1001 into every tone."""

    name, model = "scripted", "script-1"

    def generate_json(self, system, prompt, schema, *, timeout_s):  # noqa: ANN001, ANN201
        return {tone: "#{이름}님, 똠얌 향 바디워시로 산뜻하게 ♥" for tone in ("friendly", "professional", "trendy")}


@pytest.mark.parametrize("channel", ["sms", "lms"])
def test_drafter_removes_what_compliance_would_block(channel: str) -> None:
    drafter = Drafter(make_index(), OneBody(), sender="라온몰")
    drafts = drafter.draft(Profile(concerns=("moisture",)), "P001", channel=channel, tones=("friendly",))
    [draft] = drafts
    assert draft.provider == "scripted" or draft.fallback_reason  # an SMS may be too short for it
    assert "똠" not in draft.text and channels.encodable(draft.text)
    assert not [f for f in draft.findings if f.rule == "ENC-EUCKR"]
