"""``personabot serve`` holds one model: the Slack services and the digests share the
recommender, review index and drafter that :class:`bot.components.SharedComponents` builds."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot.components
from recsys.parsing import parse_profile
from tests.bot._slack_helpers import BotHarness


def test_recommend_and_a_digest_load_the_model_once(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[object] = []
    real = bot.components.build_components

    def counting(*args, **kwargs):
        builds.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(bot.components, "build_components", counting)
    harness = BotHarness(tmp_path).start()
    try:
        outcome = harness.deps.services.recommend_and_draft("30s dry-skin woman, moisture", k=2)
        sources = harness.digests.composer.sources
        products = sources.top_products(parse_profile("30s dry-skin woman, moisture"), 2)
        assert [p.product_id for p in products][:1] == [outcome.recommendations[0]["product_id"]]
        assert len(builds) == 1
    finally:
        harness.stop()
