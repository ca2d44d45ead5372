"""ContextIndex: brand voice, product facts and faithful review snippets from similar reviewers."""

from __future__ import annotations

import pytest

from crm.context import (
    ContextIndex,
    UnknownProductError,
    best_sentence,
    parse_brands,
)
from recsys.paths import BRANDS, DEMO_CATALOG
from recsys.profile import Profile
from tests.crm._crm_helpers import PRODUCTS, REVIEWS, make_catalog, make_index, review

DRY_30S = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",))


@pytest.fixture(scope="module")
def index() -> ContextIndex:
    return make_index()


def test_snippets_are_verbatim_pieces_of_this_products_reviews(index: ContextIndex) -> None:
    texts = [r["text"] for r in REVIEWS if r["product_id"] == "P001"]
    context = index.context_for(DRY_30S, "P001")
    assert 2 <= len(context.snippets) <= 4
    for snippet in context.snippets:
        assert any(snippet.text in text for text in texts)


def test_the_most_similar_high_rated_reviewer_comes_first(index: ContextIndex) -> None:
    first = index.context_for(DRY_30S, "P001").snippets[0]
    assert first.text == "속건조가 심했는데 바르고 나면 하루 종일 촉촉해요."
    assert first.reviewer == "30대/여성/건성"


def test_a_different_customer_gets_a_different_lead_snippet(index: ContextIndex) -> None:
    sensitive = Profile(skin_type="sensitive", concerns=("calming",))
    assert index.context_for(sensitive, "P001").snippets[0].text != index.context_for(DRY_30S, "P001").snippets[0].text


def test_low_ratings_are_never_quoted(index: ContextIndex) -> None:
    quoted = " ".join(s.text for s in index.context_for(DRY_30S, "P001").snippets)
    assert "별로예요" not in quoted and "끈적여요" not in quoted


def test_concern_words_in_the_text_rank_a_review_higher() -> None:
    reviews = [
        review("P001", "배송이 빨랐어요. 향이 은은하고 발림이 좋아요.", age=None, gender=None, skin=None, concerns=()),
        review("P001", "보습력이 좋아서 하루 종일 촉촉해요.", age=None, gender=None, skin=None, concerns=()),
    ]
    index = ContextIndex(make_catalog(reviews=reviews))
    assert index.context_for(Profile(concerns=("moisture",)), "P001").snippets[0].text.startswith("보습력")


def test_product_facts_and_brand_voice(index: ContextIndex) -> None:
    context = index.context_for(DRY_30S, "P002")
    assert context.product.functions == ("whitening",)
    assert context.product.ingredients == ("나이아신아마이드", "비타민C")
    assert context.brand.name == "루마랩"
    assert "과학적인" in context.brand.tone_keywords
    assert context.profile == DRY_30S


def test_a_brand_without_a_guide_still_has_a_name() -> None:
    index = ContextIndex(make_catalog(), brands={})
    assert index.context_for(DRY_30S, "P001").brand.name == "라온뷰티"


def test_style_examples_pass_through_without_blanks(index: ContextIndex) -> None:
    context = index.context_for(DRY_30S, "P001", style_examples=["(광고) 예시", "  ", ""])
    assert context.style_examples == ("(광고) 예시",)


def test_unknown_product_is_a_clear_error(index: ContextIndex) -> None:
    with pytest.raises(UnknownProductError, match="P999"):
        index.context_for(DRY_30S, "P999")


def test_a_product_without_reviews_has_no_snippets() -> None:
    index = ContextIndex(make_catalog(reviews=[review("P001", "좋아요 촉촉해요")]))
    assert index.context_for(DRY_30S, "P003").snippets == ()


def test_best_sentence_prefers_the_concern_and_cuts_verbatim() -> None:
    text = "친구 추천으로 샀어요. 하루 종일 촉촉해서 좋아요."
    assert best_sentence(text, ["촉촉"])[0] == "하루 종일 촉촉해서 좋아요."
    long = "이 크림은 " + "정말 " * 40 + "촉촉해요."
    cut, _ = best_sentence(long, ["촉촉"], limit=40)
    assert len(cut) <= 40 and long.startswith(cut)


def test_parse_brands_reads_the_shipped_shape_and_a_mapping() -> None:
    record = {
        "brand_id": "yunseul", "name_ko": "윤슬", "name_en": "Yunseul",
        "story": {"ko": "맑게 빛나는 피부", "en": "clear skin"}, "tone_keywords": ["맑은", "우아한"],
        "emoji_style": "none", "colors": ["#fff"], "sender_name": "윤슬코스메틱",
    }
    guide = parse_brands([record])["yunseul"]
    assert (guide.name, guide.story, guide.sender, guide.uses_emoji) == ("윤슬", "맑게 빛나는 피부", "윤슬코스메틱", False)
    assert parse_brands({"x": {"name": "엑스", "tone_keywords": "밝은, 친근한"}})["x"].tone_keywords == ("밝은", "친근한")


@pytest.mark.skipif(not DEMO_CATALOG.exists() or not BRANDS.exists(), reason="demo catalog not generated")
def test_demo_catalog_snippets_are_faithful_and_present() -> None:
    from recsys.catalog import load_catalog

    catalog = load_catalog(DEMO_CATALOG)
    index = ContextIndex.from_files(catalog, BRANDS)
    reviews = catalog.interactions[catalog.interactions["text"].str.len() > 0]
    texts = reviews.groupby("product_id")["text"].apply(list).to_dict()
    quotable = set(reviews[reviews["rating"] >= 3].groupby("product_id").filter(lambda g: len(g) >= 2)["product_id"])
    checked = with_snippets = 0
    for product_id in index.product_ids[:150]:
        context = index.context_for(DRY_30S, product_id)
        assert context.brand.tone_keywords, product_id
        for snippet in context.snippets:
            assert any(snippet.text in t for t in texts[product_id])
        if product_id in quotable:
            checked += 1
            with_snippets += len(context.snippets) >= 2
    assert with_snippets >= 0.9 * checked


def test_nullable_columns_from_the_loader_are_read() -> None:
    catalog = make_catalog(reviews=[
        review("P001", "하루 종일 촉촉해요.", age=None, gender=None, skin=None, concerns=()),
        review("P001", "보습력이 좋아요.", age=30),
    ])
    catalog.interactions = catalog.interactions.astype({"age_min": "Int64", "age_max": "Int64"})
    snippets = ContextIndex(catalog).context_for(DRY_30S, "P001").snippets
    assert {s.reviewer for s in snippets} == {"", "30대/여성/건성"}


def test_concurrent_requests_share_the_index(index: ContextIndex) -> None:
    from concurrent.futures import ThreadPoolExecutor

    expected = index.context_for(DRY_30S, "P001").snippets
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: index.context_for(DRY_30S, "P001").snippets, range(200)))
    assert all(r == expected for r in results)


def test_a_catalog_without_mined_kinds_takes_the_kind_of_its_category() -> None:
    """One table (recsys.product_types.CATEGORY_KIND) for the loader, the recommender and here."""
    products = [{**PRODUCTS[0], "product_id": pid, "category": category, "sub_type": "?"}
                for pid, category in (("S", "skincare"), ("M", "men"), ("T", "tools"), ("O", "other"))]
    index = ContextIndex(make_catalog(products, reviews=[]))
    kinds = {pid: index.context_for(DRY_30S, pid).product.kind for pid in "SMTO"}
    assert kinds == {"S": "skincare", "M": "skincare", "T": "tool", "O": ""}
