"""CRM_SENDER_NAME and DEFAULT_TONE_PATH: documented defaults, one-line errors, and they reach the drafter."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.components import ComponentError, build_components
from bot.settings import DEFAULT_SENDER_NAME, SettingsError, load_settings
from recsys.paths import DEMO_CATALOG, DEMO_MODEL_DIR

HAS_MODEL = (DEMO_MODEL_DIR / "model.json").exists() and DEMO_CATALOG.exists()


def test_the_default_sender_is_the_documented_one(repo_root: Path) -> None:
    example = (repo_root / ".env.example").read_text(encoding="utf-8")
    assert f"CRM_SENDER_NAME={DEFAULT_SENDER_NAME}\n" in example
    assert load_settings().crm_sender_name == DEFAULT_SENDER_NAME


def test_the_sender_is_one_line_and_short(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_SENDER_NAME", "  라온   몰 ")
    assert load_settings().crm_sender_name == "라온 몰"
    monkeypatch.setenv("CRM_SENDER_NAME", "   ")
    with pytest.raises(SettingsError, match="CRM_SENDER_NAME: .*blank"):
        load_settings()
    monkeypatch.setenv("CRM_SENDER_NAME", "가" * 21)
    with pytest.raises(SettingsError, match="CRM_SENDER_NAME: .*20 characters"):
        load_settings()


@pytest.mark.skipif(not HAS_MODEL, reason="needs the shipped model")
def test_the_sender_and_default_tone_reach_the_drafter(tmp_path: Path) -> None:
    tone = tmp_path / "tone.json"
    tone.write_text('{"tone_keywords": ["차분한"], "emoji_style": "none"}', encoding="utf-8")
    parts = build_components(load_settings(crm_sender_name="라온몰", default_tone_path=tone))
    assert parts.drafter.sender == "라온몰" and parts.index.default_tone.tone_keywords == ("차분한",)
    pid = parts.index.product_ids[0]
    assert parts.drafter.sender_for(pid) == "라온몰"


@pytest.mark.skipif(not HAS_MODEL, reason="needs the shipped model")
def test_a_missing_default_tone_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ComponentError, match="DEFAULT_TONE_PATH: default tone file not found"):
        build_components(load_settings(default_tone_path=tmp_path / "none.json"))
