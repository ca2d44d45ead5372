"""The one typed settings object, read from the environment and ``.env``.

Every variable is listed with a comment in ``.env.example``. Secrets are ``SecretStr`` so
they never show up in reprs or logs. A missing or malformed value becomes a one-line
:class:`SettingsError` that names the variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

from bot.errors import BotError
from recsys import paths

#: The mall that sends the ads: the name after ``(광고)`` (the law names the sender, not the brand).
DEFAULT_SENDER_NAME = "페르소나몰"

LLMProviderName = Literal["offline", "openai", "gemini", "ollama"]
Channel = Literal["kakao", "sms", "lms"]
# The one table of choices the CLI options, the /recommend grammar and the settings share
# (tests/test_settings.py checks them against crm.llm.PROVIDERS and crm.channels.CHANNELS).
LLM_PROVIDERS: tuple[str, ...] = get_args(LLMProviderName)
CHANNELS: tuple[str, ...] = get_args(Channel)


class SettingsError(BotError, RuntimeError):
    """A setting is missing or malformed; the message is one line naming the variable."""


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
    )

    # Data and model
    catalog_path: Path | None = None  # None: the catalog recorded in MODEL_DIR/model.json
    catalog_columns: str | None = None  # review tables: "review=내용,name=상품명" (recsys.review_tables)
    model_dir: Path = paths.DEMO_MODEL_DIR
    # exact (default: scan the rows the filters admit) | hnsw (faiss graph, cached in MODEL_DIR)
    # | auto (hnsw from recsys.index.AUTO_HNSW_MIN_PRODUCTS products on)
    recsys_index: Literal["exact", "hnsw", "auto"] = "exact"
    brands_path: Path = paths.BRANDS
    default_tone_path: Path = paths.DEFAULT_TONE
    personas_path: Path = paths.PERSONAS
    db_path: Path = Path("personabot.db")

    # Drafting
    llm_provider: LLMProviderName = "offline"
    llm_timeout_s: float = Field(20.0, gt=0)
    llm_max_retries: int = Field(2, ge=0, le=5)
    openai_api_key: SecretStr | None = None
    openai_model: str = "gpt-4o-mini"
    openai_base_url: str | None = None
    gemini_api_key: SecretStr | None = None
    gemini_model: str = "gemini-2.5-flash"
    gemini_base_url: str | None = None
    ollama_host: str = "http://localhost:11434"
    ollama_model: str = "llama3.1"
    ollama_api_key: SecretStr | None = None
    crm_channel: Channel = "kakao"
    crm_optout_number: str = "080-000-0000"
    crm_contact_number: str = ""
    crm_add_label: bool = True
    crm_sender_name: str = DEFAULT_SENDER_NAME

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    port: int = Field(3000, ge=1, le=65535)
    approver_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    approver_usergroup_id: str | None = None
    allow_self_approval: bool = False
    bot_language: Literal["auto", "ko", "en"] = "auto"
    rate_limit_per_minute: int = Field(6, ge=1)
    listener_threads: int = Field(8, ge=1, le=64)

    # Digests
    team_timezone: str = "Asia/Seoul"

    @field_validator("approver_user_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        return _split_ids(value)

    @field_validator("crm_sender_name")
    @classmethod
    def _one_line_sender(cls, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise ValueError("the sender name (the mall, after '(광고)') cannot be blank")
        if len(name) > 20:
            raise ValueError(f"the sender name {name!r} is over 20 characters; use the mall's short name")
        return name

    @field_validator("team_timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (try Asia/Seoul)") from exc
        return value


def load_settings(**overrides: object) -> Settings:
    """Build settings from env/.env (plus explicit overrides), or raise a one-line error."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "_".join(str(p) for p in err.get("loc", ())).upper() or "setting"
        raise SettingsError(f"{name}: {err.get('msg', 'invalid value')}") from None
