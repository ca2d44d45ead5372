from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_need_no_environment() -> None:
    settings = load_settings()
    assert settings.llm_provider == "offline"
    assert settings.team_timezone == "Asia/Seoul"
    assert settings.catalog_path is None  # the catalog recorded in MODEL_DIR/model.json


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


def test_env_example_lists_every_setting(repo_root) -> None:
    from bot.settings import Settings

    listed = {
        line.split("=", 1)[0].strip()
        for line in (repo_root / ".env.example").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    expected = {name.upper() for name in Settings.model_fields}
    assert expected == listed


def test_copied_env_example_loads_with_empty_values(repo_root, tmp_path) -> None:
    (tmp_path / ".env").write_text((repo_root / ".env.example").read_text(encoding="utf-8"))
    settings = load_settings()
    assert settings.openai_api_key is None
    assert settings.approver_usergroup_id is None
    assert settings.approver_user_ids == []


def test_the_choice_tables_are_the_crm_ones() -> None:
    """One table of choices: the settings' providers and channels are crm's own."""
    from bot.settings import CHANNELS, LLM_PROVIDERS
    from crm.channels import CHANNELS as CRM_CHANNELS
    from crm.llm import PROVIDERS

    assert LLM_PROVIDERS == PROVIDERS
    assert CHANNELS == CRM_CHANNELS
