"""``personabot parse``: readable table, exact JSON, exit code 2 on unparseable text."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.cli import app
from recsys.profile import parse_profile

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
