"""Drafts for a real-shaped export: kinds, names, particles, quotes and missing fields.

The fixture is a small export in the legacy shape of the mall's (names with promo tags and
volumes, review ratings of 0, no reviewer profiles); the catalog loader's product
understanding fills kind, set, gender, functions and the clean names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crm.claims import claims_in
from crm.context import ContextIndex
from crm.drafting import TONES, Drafter
from crm.korean import particle_errors
from crm.llm import LLMConfig, make_provider
from recsys.catalog import load_catalog
from recsys.profile import Profile
from tests.fakes.fake_llm import FakeLLMServer, Reply

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "drafts_export.json"
DRY_30S = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",))
WRINKLES_40S = Profile(age_min=40, age_max=49, gender="F", concerns=("anti_aging", "moisture"))
QUOTE = re.compile(r"“([^”]+)”")
PROMO = re.compile(r"\[|\]|정가|원산지|OFF|한정수량")


@pytest.fixture(scope="module")
def index() -> ContextIndex:
    return ContextIndex(load_catalog(FIXTURE))


@pytest.fixture(scope="module")
def drafter(index: ContextIndex) -> Drafter:
    return Drafter(index)


def texts(drafter: Drafter, profile: Profile, product_id: str, channel: str = "kakao") -> list[str]:
    drafts = drafter.draft(profile, product_id, channel=channel)
    assert all(d.approvable for d in drafts), [(d.text, d.findings) for d in drafts]
    return [d.text for d in drafts]


def body(text: str) -> str:
    return "\n".join(line for line in text.split("\n")[1:-1])


def test_the_customers_wish_never_becomes_a_claim(drafter: Drafter) -> None:
    # A moisture-and-firmness shopper shown a perfume, a diffuser, cotton pads, a brush, a pouch
    for pid in ("F1", "H1", "T1", "T2", "L1"):
        for profile in (DRY_30S, WRINKLES_40S):
            for text in texts(drafter, profile, pid):
                copy = QUOTE.sub("", body(text))
                assert claims_in(copy) == [], (pid, text)
                assert "피부" not in copy, (pid, text)


def test_fragrance_copy_speaks_of_scent(drafter: Drafter) -> None:
    joined = " ".join(texts(drafter, DRY_30S, "F1"))
    assert re.search("향|잔향|레이어링", joined)


def test_home_and_tools_and_goods_speak_of_use_and_occasion(drafter: Drafter) -> None:
    assert re.search("향|공간|거실|침실|휴식", " ".join(texts(drafter, DRY_30S, "H1")))
    assert re.search("루틴|쓰기|사용감|마무리|아침|여행", " ".join(texts(drafter, DRY_30S, "T1")))
    assert re.search("여행|외출|선물|일상|아이템", " ".join(texts(drafter, DRY_30S, "L1")))


def test_a_skin_product_claims_what_its_reviews_support(drafter: Drafter) -> None:
    joined = " ".join(texts(drafter, WRINKLES_40S, "S1"))
    found = {c for c, _ in claims_in(QUOTE.sub("", joined))}
    assert "moisture" in found and "anti_aging" not in found


def test_a_skin_product_without_supported_benefits_gets_no_default(drafter: Drafter) -> None:
    for profile in (DRY_30S, WRINKLES_40S, Profile()):
        for text in texts(drafter, profile, "C1"):
            assert claims_in(QUOTE.sub("", body(text))) == [], text


def test_sets_say_what_is_inside(drafter: Drafter) -> None:
    assert all("150ml + 120ml" in t for t in texts(drafter, DRY_30S, "S1"))
    assert any("5종" in t for t in texts(drafter, DRY_30S, "T2"))


def test_mens_products_speak_to_men(drafter: Drafter) -> None:
    for text in texts(drafter, Profile(age_min=30, age_max=39, gender="M"), "M1"):
        assert "여성" not in text
    assert any("남" in t for t in texts(drafter, Profile(gender="M"), "M1"))


def test_a_registered_sunscreen_speaks_of_uv_and_is_approvable(drafter: Drafter) -> None:
    drafts = drafter.draft(DRY_30S, "U1")
    assert all(d.approvable for d in drafts)
    assert all("자외선 차단" in d.text for d in drafts)
    assert not any(f.rule == "COS-FUNCTIONAL" for d in drafts for f in d.findings)


def test_names_in_copy_are_clean(drafter: Drafter) -> None:
    for pid in ("F1", "H1", "T1", "L1", "S1", "U1"):
        for text in texts(drafter, DRY_30S, pid):
            assert not PROMO.search(QUOTE.sub("", text)), text
    perfume = " ".join(texts(drafter, DRY_30S, "F1"))
    assert "달빛정원 블룸 EDP" in perfume and "50ml" not in perfume
    pads = " ".join(texts(drafter, DRY_30S, "T1"))
    assert "포근 순면 화장솜" in pads and "80매" not in pads and "/ 150매" not in pads


@pytest.mark.parametrize("channel", ["kakao", "lms", "sms"])
def test_no_particle_errors_in_any_kind(drafter: Drafter, channel: str) -> None:
    for pid in ("F1", "H1", "T1", "T2", "L1", "S1", "M1", "U1", "C1"):
        for profile in (DRY_30S, Profile(), Profile(gender="M", concerns=("gift",))):
            for text in texts(drafter, profile, pid, channel):
                assert particle_errors(text) == [], text
                assert not re.search(r"\((?:을|를|은|는|이|가|으)\)", text), text


def test_missing_ratings_still_quote_real_reviews(index: ContextIndex, drafter: Drafter) -> None:
    context = index.context_for(DRY_30S, "S1")
    assert context.snippets and all(s.rating is None for s in context.snippets)
    quoted = [q for t in texts(drafter, DRY_30S, "S1") for q in QUOTE.findall(t)]
    assert quoted and all(any(q in r for r in context.reviews) for q in quoted)
    # about the claim being made: a moisture quote for the moisture set
    assert all(re.search("촉촉|보습|속건조", q) for q in quoted)


def test_quotes_carry_no_contact_details(index: ContextIndex) -> None:
    snippets = index.snippets(Profile(), "L1")
    assert snippets and not any("010" in s.text for s in snippets)


def test_missing_profile_fields_read_naturally(drafter: Drafter) -> None:
    no_skin = Profile(age_min=20, age_max=29, concerns=("moisture",))
    for profile in (no_skin, Profile(), Profile(skin_type="dry")):
        for pid in ("S1", "C1", "U1"):
            for text in texts(drafter, profile, pid):
                assert "내 피부" not in text and "대 피부의" not in text.replace("0대 피부의", "")
                assert "  " not in text and " ," not in text and "None" not in text


def test_an_llm_that_invents_a_claim_is_caught(index: ContextIndex) -> None:
    invented = {
        "friendly": "#{이름}님, 잔향 좋은 이 향수로 촉촉한 보습까지 챙기세요 :)\n지금 보기",
        "professional": "#{이름} 고객님, 은은한 향을 제안드립니다.\n자세히 보기",
        "trendy": "#{이름}님 “뿌리고 나서 피부가 탱탱해졌어요” 찐후기 ✨\n구경 가기",
    }
    with FakeLLMServer(default=Reply(content=invented)) as server:
        config = LLMConfig(openai_api_key="sk-test", openai_base_url=server.openai_base_url,
                           openai_model="gpt-fake", max_retries=0)
        drafts = {d.tone: d for d in Drafter(index, make_provider("openai", config)).draft(DRY_30S, "F1")}
        prompt = server.requests[0].body["messages"][-1]["content"]
    assert all(d.provider == "openai" for d in drafts.values())
    assert [f.excerpt for f in drafts["friendly"].findings if f.rule == "CLAIM-UNSUPPORTED"] == ["촉촉한 보습"]
    assert not drafts["friendly"].approvable
    assert drafts["professional"].approvable
    assert {"CLAIM-QUOTE", "CLAIM-UNSUPPORTED"} <= {f.rule for f in drafts["trendy"].findings}
    # the prompt gave the model the facts and the rule
    assert "acts on no skin" in prompt and "fragrance" in prompt


def test_demo_tones_stay_distinct(drafter: Drafter) -> None:
    for pid in ("S1", "F1", "T1"):
        assert len(set(texts(drafter, DRY_30S, pid))) == len(TONES)


def test_quotes_name_no_other_brand(index: ContextIndex) -> None:
    snippets = index.snippets(Profile(), "T2")
    assert snippets and not any("숲소리" in s.text for s in snippets)


def test_the_prompt_gives_the_model_the_supported_benefits(index: ContextIndex) -> None:
    from crm.prompts import Prompts

    _, prompt = Prompts().drafting(index.context_for(WRINKLES_40S, "S1"), channel="kakao", tones=TONES,
                                   optout_number="080-000-0000")
    assert "Benefits this product's facts support: 보습." in prompt
    assert "탄력" in prompt.split("Benefits this product's facts support")[1].split("\n")[0]  # named as unsupported
    assert '"name": "수분 세트"' in prompt and "[" not in prompt.split('"name": ')[1].split("\n")[0]


def test_a_complaint_is_never_quoted(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text("""[{"product_id": "F9", "product_name": "달빛 EDT 100ml", "price": 30000, "brand_name": "달빛",
      "category": 99, "sub_category": 0, "rating": 4.5, "reviews": [
        {"reviewer": "", "rating": 0, "content": "오데토일렛이라 그런지 향이 금방 사라지네요", "date": ""},
        {"reviewer": "", "rating": 0, "content": "저한테는 안 맞는 향이에요", "date": ""},
        {"reviewer": "", "rating": 0, "content": "잔향이 은은하고 포근해서 매일 뿌려요", "date": ""}]}]""",
                    encoding="utf-8")
    snippets = ContextIndex(load_catalog(path)).snippets(Profile(), "F9")
    assert [s.text for s in snippets] == ["잔향이 은은하고 포근해서 매일 뿌려요"]
