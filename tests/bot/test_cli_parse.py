"""``personabot parse``: readable table, exact JSON, exit code 2 on unparseable text."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli import app
from recsys.parsing import parse_profile

runner = CliRunner()


def test_json_is_exactly_to_dict() -> None:
    result = runner.invoke(app, ["parse", "30s dry-skin woman, moisture", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "age_min": 30, "age_max": 39, "gender": "F", "skin_type": "dry",
        "concerns": ["moisture"], "category": None, "price_min": None, "price_max": None,
        "persona": "Dry_Winter", "sub_types": [], "named_types": [], "kind": None, "brands": [],
        "wants_set": False, "recipient": None,
    }


def test_json_keeps_korean_text_unescaped_and_matches_the_parser() -> None:
    text = "30대 초반 민감성 여성 진정 3만원대 persona: 겨울철 건성 보습형"
    result = runner.invoke(app, ["parse", text, "--json"])
    assert result.exit_code == 0, result.output
    assert "\\u" not in result.stdout
    assert json.loads(result.stdout) == parse_profile(text).to_dict()


def test_readable_output_shows_fields_and_persona_with_korean_name() -> None:
    result = runner.invoke(app, ["parse", "40대 남성 복합성 주름 10만원 이하"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for fragment in ("age_min", "40", "49", "combination", "anti_aging", "₩100,000",
                     "Anti_Aging", "탄력·주름 케어형"):
        assert fragment in out, fragment


def test_unparseable_text_exits_2_with_the_message_on_stderr() -> None:
    result = runner.invoke(app, ["parse", "please recommend something nice"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "understood: nothing" in result.stderr
    assert "30대 건성 여성 보습" in result.stderr


def test_unknown_persona_exits_2_listing_valid_personas() -> None:
    result = runner.invoke(app, ["parse", "30s woman persona=Night_Owl", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Dry_Winter" in result.stderr and "Detail_Reviewer" in result.stderr


def test_help_teaches_with_examples() -> None:
    result = runner.invoke(app, ["parse", "--help"])
    assert result.exit_code == 0
    assert "30s dry-skin woman, moisture" in result.stdout and "--json" in result.stdout


def test_error_message_shows_user_text_literally() -> None:
    result = runner.invoke(app, ["parse", "[red]nothing[/red] here"])
    assert result.exit_code == 2
    assert "[red]nothing[/red] here" in result.stderr


def test_a_product_type_alone_is_a_request() -> None:
    result = runner.invoke(app, ["parse", "클렌징 오일", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["named_types"] == ["클렌징오일"] and data["kind"] == "skincare"
    assert list(data)[:9] == ["age_min", "age_max", "gender", "skin_type", "concerns", "category",
                              "price_min", "price_max", "persona"]


def test_brands_of_the_catalog_are_read(tmp_path, monkeypatch) -> None:
    catalog = tmp_path / "legacy.json"
    catalog.write_text(json.dumps([{
        "product_id": "p1", "product_name": "윤기 크림 50ml", "price": 30000, "brand_name": "윤기랩",
        "category": 97, "sub_category": 0, "rating": 4.5, "reviews": []}], ensure_ascii=False),
        encoding="utf-8")
    monkeypatch.setenv("CATALOG_PATH", str(catalog))
    result = runner.invoke(app, ["parse", "윤기랩 크림", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["brands"] == ["윤기랩"]
    monkeypatch.setenv("CATALOG_PATH", str(tmp_path / "missing.json"))
    result = runner.invoke(app, ["parse", "윤기랩 크림", "--json"])
    assert result.exit_code == 0 and "brands not read" in result.stderr
    assert json.loads(result.stdout)["brands"] == []
