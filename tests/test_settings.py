from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_need_no_environment() -> None:
    settings = load_settings()
    assert settings.llm_provider == "offline"
    assert settings.team_timezone == "Asia/Seoul"
    assert settings.catalog_path.name == "products.json"


def test_malformed_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "not-a-port")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith("PORT")
    assert "\n" not in message


def test_unknown_provider_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_PROVIDER", "gpt5-magic")
    with pytest.raises(SettingsError, match="LLM_PROVIDER"):
        load_settings()


def test_approver_list_from_comma_string(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPROVER_USER_IDS", "U1, U2,U3")
    assert load_settings().approver_user_ids == ["U1", "U2", "U3"]


def test_bad_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAM_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match="TEAM_TIMEZONE"):
        load_settings()


def test_secrets_are_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-super-secret")
    settings = load_settings()
    assert "xoxb-super-secret" not in repr(settings)
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-super-secret"
