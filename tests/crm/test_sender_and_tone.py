"""The (광고) line names the mall; brands without a guide speak in the mall's default tone and say so;
guides in a mall's brand_stories.json shape match catalog brands by Korean or English name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm.compliance import check_message, is_approvable
from crm.context import BrandGuide, BrandsFileError, ContextIndex, brands_without_guide, load_brands, \
    load_default_tone
from crm.drafting import TONES, Drafter
from crm.prompts import Prompts
from recsys.paths import DEFAULT_TONE
from recsys.profile import Profile
from tests.crm._crm_helpers import BRANDS, PRODUCTS, REVIEWS, make_catalog, make_index

DRY = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",))
MALL = "라온몰"
BODY = "#{이름}님, 라온뷰티 수분 크림으로 촉촉한 하루 보내세요\n자세히 보기"


class Scripted:
    """A model that writes one fixed body per tone and keeps the prompts it was given."""

    name, model = "scripted", "script-1"

    def __init__(self) -> None:
        self.prompts: list[tuple[str, str]] = []

    def generate_json(self, system, prompt, schema, *, timeout_s):  # noqa: ANN001, ANN201
        self.prompts.append((system, prompt))
        return {tone: BODY for tone in schema["required"]}


UNGUIDED = dict(PRODUCTS[0], product_id="P900", name="미지 수분 크림", brand="미지브랜드", brand_id="miji")


def unguided_index() -> ContextIndex:
    return ContextIndex(make_catalog(PRODUCTS + [UNGUIDED], REVIEWS), BRANDS)


@pytest.mark.parametrize(("channel", "head"), [("kakao", f"(광고) {MALL}"), ("lms", f"(광고) {MALL}"),
                                               ("sms", f"(광고){MALL}")])
def test_offline_drafts_name_the_mall_not_the_brand(channel: str, head: str) -> None:
    drafter = Drafter(make_index(), sender=MALL)
    for draft in drafter.draft(DRY, "P001", channel=channel):
        assert draft.text.split("\n")[0] == head
        assert not [f for f in draft.findings if f.rule == "AD-SENDER"], draft.findings


def test_llm_drafts_name_the_mall_and_the_prompt_keeps_the_brand_in_the_body() -> None:
    provider = Scripted()
    drafts = Drafter(make_index(), provider, sender=MALL).draft(DRY, "P001")
    assert [d.provider for d in drafts] == ["scripted"] * 3
    for draft in drafts:
        assert draft.text.startswith(f"(광고) {MALL}\n") and "라온뷰티" in draft.text and draft.approvable
    system, prompt = provider.prompts[0]
    assert MALL in prompt and "라온뷰티" in prompt and "라온뷰티" in system


def test_the_brand_after_the_label_fails_the_mall_sender_check() -> None:
    """What the old drafter wrote: 「(광고) 라온뷰티」 is not the mall's ad."""
    text = "(광고) 라온뷰티\n#{이름}님, 촉촉한 하루 보내세요\n무료수신거부 080-000-0000"
    assert [f.rule for f in check_message(text, sender=MALL)] == ["AD-SENDER"]
    drafter = Drafter(make_index(), sender=MALL)
    assert drafter.sender_for("P001") == MALL
    assert Drafter(make_index(), sender=MALL, add_label=False).sender_for("P001") is None
    assert Drafter(make_index()).sender_for("P001") == "라온뷰티"  # library use without a mall: the guide's


def test_story_and_tone_keywords_reach_the_context_and_the_prompt() -> None:
    provider = Scripted()
    Drafter(make_index(), provider, sender=MALL).draft(DRY, "P001", tones=("friendly",))
    _, prompt = provider.prompts[0]
    assert "제주 숲에서 온 순한 스킨케어" in prompt
    assert all(k in prompt for k in ("자연주의", "따뜻한", "미니멀"))
    context = make_index().context_for(DRY, "P001", sender=MALL)
    assert context.brand.story and context.brand.tone_keywords and context.sender == MALL
    assert context.to_dict()["brand"]["default_tone"] is False


def test_a_brand_without_a_guide_uses_the_default_tone_and_warns() -> None:
    default = load_default_tone()
    index = unguided_index()
    guide = index.brand_for(index.product("P900"))
    assert guide.default_tone and guide.name == "미지브랜드" and guide.story == ""
    assert guide.tone_keywords == default.tone_keywords and "데일리" not in guide.tone_keywords
    drafts = Drafter(index, sender=MALL).draft(DRY, "P900")
    for draft in drafts:
        [notice] = [f for f in draft.findings if f.rule == "CRM-TONE"]
        assert notice.severity == "warning" and "미지브랜드" in notice.message_ko
        assert "BRANDS_PATH" in notice.fix
        assert is_approvable([notice])
    assert any(d.approvable for d in drafts)
    guided = Drafter(index, sender=MALL).draft(DRY, "P001")
    assert not [f for d in guided for f in d.findings if f.rule == "CRM-TONE"]


def test_the_prompt_says_when_the_tone_is_the_mall_default() -> None:
    provider = Scripted()
    Drafter(unguided_index(), provider, sender=MALL).draft(DRY, "P900", tones=("friendly",))
    _, prompt = provider.prompts[0]
    assert "no tone guide" in prompt and "do not invent a brand story" in prompt
    assert all(k in prompt for k in load_default_tone().tone_keywords)


def test_brands_without_guide_lists_them_with_counts() -> None:
    second = dict(UNGUIDED, product_id="P901")
    nameless = dict(UNGUIDED, product_id="P902", brand="", brand_id="")
    catalog = make_catalog(PRODUCTS + [UNGUIDED, second, nameless], REVIEWS)
    assert brands_without_guide(catalog, BRANDS) == [("미지브랜드", 2), ("(no brand)", 1)]
    assert brands_without_guide(make_catalog(), BRANDS) == []


def _stories(tmp_path: Path) -> Path:
    """A guide file in the shape of a mall's brand_stories.json (written here, not copied)."""
    path = tmp_path / "brand_stories.json"
    path.write_text(json.dumps({
        "라온뷰티": {"name_kr": "라온뷰티", "name_en": "Raon Beauty", "story": "바다 바람을 담은 스킨케어",
                   "url": "https://example.com/raon", "visual_colors": ["Blue", "White"],
                   "tone_keywords": ["청량한", "솔직한"]},
        "루마랩": {"name_kr": "루마랩", "name_en": "LUMA LAB", "story": "연구실에서 온 세럼",
                 "url": "", "visual_colors": [], "tone_keywords": ["정확한"]},
    }, ensure_ascii=False), encoding="utf-8")
    return path


def test_brand_stories_shape_matches_by_korean_or_english_name(tmp_path: Path) -> None:
    guides = load_brands(_stories(tmp_path))
    assert guides["라온뷰티"].name == "라온뷰티" and guides["라온뷰티"].colors == ("Blue", "White")
    products = [dict(PRODUCTS[0], brand_id=""),                               # Korean name, no id
                dict(PRODUCTS[1], brand="Luma Lab", brand_id=""),             # English name, other case
                dict(PRODUCTS[2], brand="라온 뷰티", brand_id="")]              # spaced
    index = ContextIndex(make_catalog(products, REVIEWS), guides)
    for pid, story in (("P001", "바다 바람을 담은 스킨케어"), ("P002", "연구실에서 온 세럼"),
                       ("P003", "바다 바람을 담은 스킨케어")):
        guide = index.brand_for(index.product(pid))
        assert guide.story == story and not guide.default_tone
    assert brands_without_guide(make_catalog(products, REVIEWS), guides) == []
    provider = Scripted()
    Drafter(index, provider, sender=MALL).draft(DRY, "P001", tones=("friendly",))
    assert "바다 바람을 담은 스킨케어" in provider.prompts[0][1] and "청량한" in provider.prompts[0][1]


def test_the_shipped_default_tone_is_documented_and_valid() -> None:
    data = json.loads(DEFAULT_TONE.read_text(encoding="utf-8"))
    assert data["about"] and data["tone_keywords"]
    guide = load_default_tone(DEFAULT_TONE)
    assert guide.default_tone and guide.story == "" and isinstance(guide, BrandGuide)


@pytest.mark.parametrize(("content", "expected"), [
    (None, "default tone file not found"), ("{", "is not valid JSON"),
    ('{"tone_keywords": []}', "non-empty tone_keywords"), ("[1]", "non-empty tone_keywords"),
])
def test_a_broken_default_tone_file_is_one_clear_line(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "tone.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BrandsFileError, match=expected) as caught:
        load_default_tone(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_every_tone_is_drafted_for_an_unguided_brand() -> None:
    drafts = Drafter(unguided_index(), sender=MALL).draft(DRY, "P900")
    assert [d.tone for d in drafts] == list(TONES)


def test_an_edited_text_gets_every_check_a_draft_gets() -> None:
    """An approver's edit is checked like a drafted message: facts and tone notice included."""
    drafter = Drafter(unguided_index(), sender=MALL)
    (drafted,) = drafter.draft(DRY, "P900", tones=("friendly",))
    assert "CRM-TONE" in {f.rule for f in drafted.findings}
    edited = drafted.text.replace("\n", "\n피부 진정에 좋아요.\n", 1)
    rules = {f.rule for f in drafter.check(edited, "P900")}
    assert {"CRM-TONE", "CLAIM-UNSUPPORTED"} <= rules
    assert {f.rule for f in drafter.check(drafted.text, "P900")} == {f.rule for f in drafted.findings}
