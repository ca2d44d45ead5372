"""The digest's content and Block Kit rendering: rank changes, Slack limits, escaping, chart."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.digests.compose import (
    MAX_BLOCKS,
    DigestProduct,
    PersonaInfo,
    compare_ranks,
    compose_digest,
    digest_messages,
    profile_text,
    render_chart,
)
from recsys.parsing import parse_profile
from recsys.personas import load_personas
from recsys.personas import UnknownPersonaError
from recsys.profile import Profile
from tests.bot._digest_helpers import PERSONAS, FakeSources


def product(pid: str) -> DigestProduct:
    return DigestProduct(pid, f"name {pid}", "Brand", 1000, 0.5)


def validate(messages: list[dict[str, Any]]) -> None:
    """Each message passes slack_sdk's Block Kit validators and Slack's message limits."""
    for message in messages:
        assert 1 <= len(message["blocks"]) <= MAX_BLOCKS
        assert len(message["text"]) <= 3000
        for raw in message["blocks"]:
            Block.parse(raw).validate_json()
            if raw["type"] == "section":
                assert len(raw["text"]["text"]) <= 3000
            if raw["type"] == "context":
                assert len(raw["elements"]) <= 10


def test_rank_changes_against_the_previous_digest() -> None:
    previous = [{"product_id": p, "name": f"name {p}"} for p in ("A", "B", "C", "D")]
    lines, dropped = compare_ranks(previous, [product(p) for p in ("B", "E", "C", "A")])
    assert [(ln.product.product_id, ln.change, ln.marker) for ln in lines] == [
        ("B", "up", "▲1"), ("E", "new", "🆕"), ("C", "same", "="), ("A", "down", "▼3")]
    assert dropped == ("name D",)


def test_no_previous_digest_means_no_change_markers() -> None:
    lines, dropped = compare_ranks(None, [product("A")])
    assert lines[0].change == "new" and dropped == ()
    digest = compose_digest(FakeSources(), "Dry_Moisture", None, period_label="w")
    text = json.dumps(digest_messages(digest)[0]["blocks"], ensure_ascii=False)
    assert "`🆕`" not in text and "No earlier digest to compare with" in text


def test_unknown_persona_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownPersonaError) as info:
        compose_digest(FakeSources(), "Nobody", None, period_label="w")
    assert str(info.value) == "Unknown persona 'Nobody'; choose one of: Dry_Moisture, Oily_Pores or all"


def test_a_large_digest_is_split_into_messages_within_slack_limits() -> None:
    many = [replace(PERSONAS[i % 2], name=f"P{i}_" + "x" * 200, name_ko="가" * 100,
                    description="d" * 5000, profile=replace(PERSONAS[i % 2].profile, persona=f"P{i}"))
            for i in range(12)]
    long_name = "Very long product name " * 30
    sources = FakeSources(personas_list=many, ranking={f"P{i}": [f"Q{j}" for j in range(10)] for i in range(12)},
                          draft_text="초안 " * 2000)
    sources.top_products = lambda profile, k: [  # type: ignore[method-assign]
        DigestProduct(f"Q{j}", long_name, "B" * 300, 5000, 0.1) for j in range(k)]
    sources.highlights = lambda profile, pid, limit: ["h" * 5000] * 5  # type: ignore[method-assign]
    digest = compose_digest(sources, "all", None, period_label="Week of 2026-11-30", k=10)
    messages = digest_messages(digest)
    assert len(messages) > 1
    validate(messages)
    headers = [b["text"]["text"] for m in messages for b in m["blocks"] if b["type"] == "header"]
    assert len(headers) == 13                      # the title + every persona, none split or lost
    assert messages[1]["text"].endswith(f"(2/{len(messages)})")


def test_catalog_review_and_llm_text_is_escaped() -> None:
    sources = FakeSources(draft_text="<!here> 50% off <https://evil.example|click>")
    sources.top_products = lambda profile, k: [  # type: ignore[method-assign]
        DigestProduct("Z", "<@U123> & <!channel>", "<b>", 1000, 0.4)]
    messages = digest_messages(compose_digest(sources, "Dry_Moisture", None, period_label="w"))
    validate(messages)
    text = json.dumps(messages, ensure_ascii=False)
    for raw in ("<!here>", "<!channel>", "<@U123>", "<https://evil", "<b>"):
        assert raw not in text
    assert "&lt;@U123&gt; &amp; &lt;!channel&gt;" in text
    assert "&lt;!here&gt; 50% off &lt;https://evil.example|click&gt;" in text


def test_real_personas_render_and_their_profiles_read_back() -> None:
    personas = load_personas()
    for persona in personas:
        assert parse_profile(profile_text(persona.representative_profile)).to_dict() == \
            persona.representative_profile.to_dict()
    sources = FakeSources(personas_list=[
        PersonaInfo(p.name, p.name_ko, p.description, p.representative_profile) for p in personas])
    sources.top_products = lambda profile, k: [product(f"{profile.persona}-{i}") for i in range(k)]  # type: ignore[method-assign]
    validate(digest_messages(compose_digest(sources, "all", None, period_label="w")))


def test_profile_text_covers_budgets() -> None:
    profile = Profile(age_min=30, age_max=39, gender="M", concerns=("gift",), price_max=50000)
    assert profile_text(profile) == "30s, man, gift, under 50000 won"


@pytest.mark.parametrize("persona", ["Dry_Moisture", "all"])
def test_chart_is_a_png(persona: str) -> None:
    digest = compose_digest(FakeSources(), persona, None, period_label="Week of 2026-11-30")
    png = render_chart(digest.chart_data())
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 2_000 < len(png) < 200_000
