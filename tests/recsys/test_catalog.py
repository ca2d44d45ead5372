"""Catalog importers: every supported format, vocabulary mapping, skip counting and errors."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from recsys.catalog import (
    INTERACTION_COLUMNS,
    PRODUCT_COLUMNS,
    CatalogError,
    load_catalog,
    load_demo_catalog,
)
from recsys.personas import persona_names
from recsys.profile import CATALOG_CATEGORIES, CONCERNS, SKIN_TYPES
from tests.recsys._catalog_helpers import fixture, write_json


def _row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    rows = frame[mask]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return rows.iloc[0]


# -- products format -----------------------------------------------------------------------


def test_products_format_columns_and_types():
    catalog = load_catalog(fixture("products_small.json"))
    assert catalog.format == "products"
    assert list(catalog.products.columns) == list(PRODUCT_COLUMNS)
    assert list(catalog.interactions.columns) == list(INTERACTION_COLUMNS)
    assert catalog.products["product_id"].is_unique
    assert catalog.products["price"].dtype == "int64"
    assert str(catalog.interactions["age_min"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(catalog.interactions["date"])
    assert set(catalog.products["category"]) <= set(CATALOG_CATEGORIES)
    assert catalog.skipped == []


def test_products_format_maps_category_names_codes_and_prices():
    products = load_catalog(fixture("products_small.json")).products.set_index("product_id")
    assert products.loc["KB0001", ["category", "category_label", "price"]].tolist() == ["skincare", "스킨케어", 28000]
    assert products.loc["KB0002", ["category", "category_label", "price"]].tolist() == ["makeup", "98", 32000]
    assert products.loc["KB0003", ["category", "price"]].tolist() == ["fragrance", 95000]
    assert products.loc["KB0004", ["category", "category_label", "price"]].tolist() == ["body", "100", 15900]
    assert products.loc["KB0005", ["category", "category_label", "price"]].tolist() == ["other", "104", 0]
    assert products.loc["KB0006", "category"] == "men"
    assert products.loc["KB0002", "brand"] == "테스트랩"  # from brand_name
    assert products.loc["KB0001", "concerns"] == ["moisture", "calming"]  # 보습 folded into moisture
    assert products.loc["KB0001", "skin_types"] == ["dry", "sensitive"]
    assert products.loc["KB0001", "functions"] == ["wrinkle"]
    assert products.loc["KB0001", "ingredients"] == ["히알루론산", "세라마이드"]
    assert products.loc["KB0003", "image_url"] is None
    assert products.loc["KB0003", "name_en"] == ""


def test_reviews_become_interactions_with_parsed_profiles():
    inter = load_catalog(fixture("products_small.json")).interactions
    assert len(inter) == 6
    assert (inter["source"] == "review").all()
    full = _row(inter, text="촉촉해요.")
    assert (full["age_min"], full["age_max"], full["gender"], full["skin_type"]) == (30, 39, "F", "dry")
    assert full["concerns"] == ["moisture"]
    assert full["persona"] in persona_names()
    assert full["date"] == pd.Timestamp("2024-03-15")
    variant = _row(inter, text="속건조가 줄었어요.")
    assert variant["skin_type"] == "oily" and "moisture" in variant["concerns"]
    assert variant["date"] == pd.Timestamp("2024-05-02")  # dotted date
    anonymous = _row(inter, text="무난해요.")
    assert anonymous["persona"] is None and anonymous["gender"] is None and anonymous["concerns"] == []
    assert anonymous["rating"] == 3.0  # "3" as a string
    no_rating = _row(inter, text="별점 없음")
    assert math.isnan(no_rating["rating"]) and pd.isna(no_rating["date"])
    assert no_rating["gender"] == "M"


# -- legacy format -------------------------------------------------------------------------


def test_legacy_format_maps_codes_and_keeps_labels():
    catalog = load_catalog(fixture("amoremall_reviews_small.json"))
    assert catalog.format == "legacy"
    products = catalog.products.set_index("product_id")
    got = {pid: (row.category, row.category_label) for pid, row in products.iterrows()}
    assert got == {
        "111070000001": ("skincare", "97"),
        "111070000002": ("makeup", "98"),
        "111070000003": ("fragrance", "99"),
        "111070000004": ("tools", "101"),
        "111070000005": ("men", "103"),
        "111070000006": ("other", "105"),
    }
    assert products.loc["111070000001", ["name", "brand", "sub_type", "price"]].tolist() == [
        "레거시 자음 크림 60ml", "레거시한방", "크림", 150000,
    ]
    assert products.loc["111070000004", "price"] == 9000


def test_legacy_reviews_keep_reviewer_and_content():
    inter = load_catalog(fixture("amoremall_reviews_small.json")).interactions
    assert len(inter) == 4
    gift = _row(inter, user_id="kim***")
    assert gift["text"] == "엄마 선물로 샀어요." and gift["rating"] == 5.0
    assert gift["persona"] is None and pd.isna(gift["age_min"])
    assert _row(inter, user_id="choi***")["rating"] == 5.0
    assert _row(inter, user_id="lee***")["date"] == pd.Timestamp("2024-01-03")


# -- customers format ----------------------------------------------------------------------


def test_customers_vocabulary_mapping():
    catalog = load_catalog(fixture("products_small.json"), interactions_path=fixture("customers_small.json"))
    customers = catalog.interactions[catalog.interactions["source"] == "customers"]
    dry = _row(customers, user_id="u001")
    assert (dry["age_min"], dry["age_max"], dry["gender"], dry["skin_type"]) == (34, 34, "F", "dry")
    assert dry["concerns"] == ["moisture"] and dry["persona"] == "Dry_Winter"
    mature = _row(customers, user_id="u002")
    assert mature["skin_type"] is None and mature["concerns"] == ["anti_aging"]
    assert mature["persona"] in persona_names()  # unknown persona name reassigned from the fields
    texture = _row(customers, user_id="u003")
    assert texture["skin_type"] is None and texture["concerns"] == ["ingredients"]
    assert (texture["age_min"], texture["gender"]) == (41, "M")
    gift = _row(customers, user_id="u004")
    assert (gift["gender"], gift["skin_type"], gift["concerns"]) == ("F", "sensitive", ["gift"])
    unknown = _row(customers, user_id="u005")
    assert unknown["persona"] is None and unknown["skin_type"] is None and pd.isna(unknown["age_min"])


def test_customers_next_to_a_catalog_counts_skips_and_unmatched():
    catalog = load_catalog(fixture("products_small.json"), interactions_path=fixture("customers_small.json"))
    sources = catalog.interactions["source"].value_counts().to_dict()
    assert sources == {"review": 6, "customers": 5}
    assert catalog.unmatched_interactions == 1  # u006 bought ZZ9999, not in the catalog
    assert len(catalog.skipped) == 2
    assert any("record 6 (user_id 'u007')" in s and "'purchased_product_id'" in s for s in catalog.skipped)
    assert any("record 7 (user_id 'u008')" in s and "'age'" in s for s in catalog.skipped)
    summary = catalog.summary()
    assert summary["skipped"] == 2 and summary["unmatched_interactions"] == 1


def test_customers_on_their_own_are_an_error_naming_the_fix():
    with pytest.raises(CatalogError) as caught:
        load_catalog(fixture("customers_small.json"))
    message = str(caught.value)
    assert "customers file" in message and "--interactions customers_small.json" in message
    assert "8 purchase rows" in message
    # the fixture's rows: 6 name a demo product (u006 bought ZZ9999, u007 has no product id)
    assert "6 of its 8 rows name a product of the demo catalog" in message
    assert "\n" not in message


# -- skipping and errors -------------------------------------------------------------------


def test_a_few_bad_records_are_skipped_and_named():
    catalog = load_catalog(fixture("products_some_bad.json"))
    assert sorted(catalog.products["product_id"]) == ["G1", "G2", "G4", "G5", "G6"]
    assert _row(catalog.products, product_id="G1")["name"] == "좋은 토너"  # the first of a duplicate wins
    assert len(catalog.interactions) == 1
    skipped = "\n".join(catalog.skipped)
    assert len(catalog.skipped) == 4
    assert "products_some_bad.json record 2: field 'product_id': missing" in skipped
    assert "record 3 (product_id 'G3'): field 'price'" in skipped and "'free'" in skipped
    assert "record 4 (product_id 'G1'): field 'product_id': duplicate id 'G1'" in skipped
    assert "record 1 (product_id 'G2') review 1: expected an object" in skipped
    assert catalog.summary()["skipped"] == 4
    assert catalog.describe().endswith("4 skipped")


def test_legacy_record_without_name_is_skipped_with_the_field_named():
    catalog = load_catalog(fixture("amoremall_reviews_missing_name.json"))
    assert catalog.format == "legacy"
    assert catalog.skipped == ["amoremall_reviews_missing_name.json record 0 (product_id 'L1'): field 'product_name': missing"]


def test_mostly_bad_file_is_rejected():
    with pytest.raises(CatalogError) as err:
        load_catalog(fixture("products_mostly_bad.json"))
    message = str(err.value)
    assert "products_mostly_bad.json" in message and "3 of 4 records" in message
    assert "record 1 (product_id 'B2'): field 'name': missing" in message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken_not_json.json", "not valid JSON (line 2"),
        ("broken_top_level.json", "expected a JSON list of records"),
        ("broken_unknown_records.json", "unrecognised records"),
    ],
)
def test_broken_files_raise_a_clear_error(name, expected):
    with pytest.raises(CatalogError) as err:
        load_catalog(fixture(name))
    assert name in str(err.value) and expected in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_and_wrong_top_level_type(tmp_path):
    with pytest.raises(CatalogError, match="file not found"):
        load_catalog(tmp_path / "nope.json")
    with pytest.raises(CatalogError, match="got str"):
        load_catalog(write_json(tmp_path, "s.json", "just a string"))
    with pytest.raises(CatalogError, match="holds no records"):
        load_catalog(write_json(tmp_path, "e.json", []))


def test_products_wrapped_in_an_object_and_string_lists(tmp_path):
    path = write_json(tmp_path, "wrapped.json", {"products": [
        {"product_id": 7, "name": "랩 토너", "brand": "랩", "category": "Skincare", "price": "₩12,500",
         "key_ingredients": "녹차, 병풀", "concerns": "pores/진정", "skin_types": ["combo", "all"]},
    ]})
    row = load_catalog(path).products.iloc[0]
    assert (row["product_id"], row["category"], row["price"]) == ("7", "skincare", 12500)
    assert row["ingredients"] == ["녹차", "병풀"]
    assert row["concerns"] == ["pores", "calming"]
    assert row["skin_types"] == ["combination"]


@pytest.mark.parametrize("price", [True, -5, "12.000 dollars", [12000]])
def test_unreadable_prices_are_skipped(tmp_path, price):
    good = [{"product_id": f"P{i}", "name": f"상품 {i}", "price": 1000} for i in range(3)]
    path = write_json(tmp_path, "p.json", good + [{"product_id": "BAD", "name": "이상한 가격", "price": price}])
    catalog = load_catalog(path)
    assert len(catalog.products) == 3
    assert len(catalog.skipped) == 1 and "(product_id 'BAD'): field 'price'" in catalog.skipped[0]


# -- the demo catalog ----------------------------------------------------------------------


def test_demo_catalog_is_cached_and_clean():
    catalog = load_demo_catalog()
    assert load_demo_catalog() is catalog
    products, inter = catalog.products, catalog.interactions
    assert catalog.skipped == [] and catalog.unmatched_interactions == 0
    assert len(products) >= 700 and products["brand_id"].nunique() >= 20
    assert set(products["category"]) == {"skincare", "makeup", "fragrance", "body", "tools", "men"}
    assert all(set(c) <= set(CONCERNS) for c in products["concerns"])
    assert all(set(s) <= set(SKIN_TYPES) for s in products["skin_types"])
    assert set(inter["product_id"]) <= set(products["product_id"])
    assert inter["persona"].dropna().isin(persona_names()).all()
    with_profile = inter["gender"].notna() | inter["age_min"].notna() | inter["skin_type"].notna()
    assert inter.loc[with_profile, "persona"].notna().all()
    assert catalog.describe().startswith("products.json (products): ")


def test_cli_catalog_info(repo_root):
    from bot.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["catalog", "info", str(fixture("products_some_bad.json"))])
    assert result.exit_code == 0, result.output
    assert "products_some_bad.json (products): 5 products" in result.output
    assert "skipped: products_some_bad.json record 2" in result.output
    result = runner.invoke(app, ["catalog", "info", str(fixture("products_small.json")), "--json"])
    assert result.exit_code == 0 and '"products": 6' in result.output
    result = runner.invoke(app, ["catalog", "info", str(fixture("broken_not_json.json"))])
    assert result.exit_code == 2
    assert "not valid JSON" in result.output


# -- robustness ----------------------------------------------------------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 200000), st.floats(allow_nan=True),
                     st.text(max_size=8), st.sampled_from(["12,000원", "스킨케어", "97", "30대/여성/건성/보습", "2024-01-01"]))
_values = st.one_of(_scalars, st.lists(_scalars, max_size=3), st.dictionaries(st.text(max_size=4), _scalars, max_size=2))
_keys = st.sampled_from(["product_id", "name", "product_name", "brand", "brand_name", "category", "price",
                         "reviews", "concerns", "skin_types", "functions", "key_ingredients", "sub_category",
                         "user_id", "purchased_product_id", "persona_name", "age", "gender", "skin_type",
                         "skin_concern", "text", "profile_info", "rating", "date", "image_url"])
_reviews = st.lists(st.one_of(_scalars, st.dictionaries(_keys, _scalars, max_size=5)), max_size=3)
_records = st.dictionaries(_keys, st.one_of(_values, _reviews), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.lists(st.one_of(_records, _scalars), max_size=6), _scalars, _records))
def test_any_json_loads_or_raises_catalog_error(tmp_path, data):
    """Whatever a file holds, the loader returns a Catalog or a CatalogError, never a crash."""
    path = write_json(tmp_path, "any.json", data)
    try:
        catalog = load_catalog(path)
    except CatalogError as exc:
        assert "any.json" in str(exc)
        return
    assert list(catalog.products.columns) == list(PRODUCT_COLUMNS)
    assert catalog.products["product_id"].is_unique
    assert isinstance(catalog.describe(), str)
