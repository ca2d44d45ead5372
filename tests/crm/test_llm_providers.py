"""Each real SDK against the local fake server: success, retries, timeouts, bad output."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from crm.llm import (
    GeminiProvider,
    LLMConfig,
    LLMError,
    LLMProvider,
    OllamaProvider,
    OpenAIProvider,
    UnavailableProvider,
    make_provider,
    parse_json_object,
    resolve_provider,
)
from tests.fakes.fake_llm import FakeLLMServer, Reply

SCHEMA = {
    "type": "object",
    "properties": {"friendly": {"type": "string"}},
    "required": ["friendly"],
    "additionalProperties": False,
}
ANSWER = {"friendly": "#{이름}님, 촉촉한 하루 보내세요"}
PROVIDERS = ("openai", "gemini", "ollama")


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(default=Reply(content=ANSWER)) as fake:
        yield fake


def config_for(server: FakeLLMServer, **overrides: object) -> LLMConfig:
    values: dict[str, object] = dict(
        openai_api_key="sk-test-SECRET", openai_base_url=server.openai_base_url, openai_model="gpt-test",
        gemini_api_key="gm-test-SECRET", gemini_base_url=server.url, gemini_model="gemini-test",
        ollama_host=server.url, ollama_api_key="ol-test-SECRET", ollama_model="llama-test",
        max_retries=2, backoff_s=0.01, timeout_s=5.0,
    )
    values.update(overrides)
    return LLMConfig(**values)  # type: ignore[arg-type]


def calls(server: FakeLLMServer, fn) -> tuple[object, list]:
    before = len(server.requests)
    try:
        outcome = fn()
    except LLMError as exc:
        outcome = exc
    return outcome, server.requests[before:]


@pytest.mark.parametrize("name", PROVIDERS)
def test_success_returns_the_json_object(server: FakeLLMServer, name: str) -> None:
    provider = make_provider(name, config_for(server))
    answer, sent = calls(server, lambda: provider.generate_json("sys", "draft please", SCHEMA, timeout_s=5))
    assert answer == ANSWER
    assert len(sent) == 1 and sent[0].api == name
    assert provider.model.endswith("-test")


def test_openai_asks_for_strict_json_schema(server: FakeLLMServer) -> None:
    provider = OpenAIProvider(config_for(server))
    _, sent = calls(server, lambda: provider.generate_json("SYS", "USER", SCHEMA, timeout_s=5))
    body = sent[0].body
    assert body["model"] == "gpt-test"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert body["response_format"]["json_schema"]["strict"] is True
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert sent[0].headers["authorization"] == "Bearer sk-test-SECRET"


def test_gemini_asks_for_a_json_response_schema(server: FakeLLMServer) -> None:
    provider = GeminiProvider(config_for(server))
    _, sent = calls(server, lambda: provider.generate_json("SYS", "USER", SCHEMA, timeout_s=5))
    assert "models/gemini-test:generateContent" in sent[0].path
    generation = sent[0].body["generationConfig"]
    assert generation["responseMimeType"] == "application/json"
    assert generation["responseJsonSchema"] == SCHEMA
    assert sent[0].body["systemInstruction"]["parts"][0]["text"] == "SYS"
    assert sent[0].headers["x-goog-api-key"] == "gm-test-SECRET"


def test_ollama_sets_format_and_bearer_key_only_when_configured(server: FakeLLMServer) -> None:
    cloud = OllamaProvider(config_for(server))
    _, sent = calls(server, lambda: cloud.generate_json("SYS", "USER", SCHEMA, timeout_s=5))
    assert sent[0].body["format"] == SCHEMA and sent[0].body["stream"] is False
    assert sent[0].headers["authorization"] == "Bearer ol-test-SECRET"
    local = OllamaProvider(config_for(server, ollama_api_key=""))
    _, sent = calls(server, lambda: local.generate_json("SYS", "USER", SCHEMA, timeout_s=5))
    assert "authorization" not in sent[0].headers


class FakeTime:
    """The retry policy's clock and sleep: sleeping moves the clock, nothing waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def with_fake_time(name: str, config: LLMConfig) -> tuple[LLMProvider, FakeTime]:
    """The provider called ``name`` with its retry policy on a fake clock."""
    fake = FakeTime()
    return make_provider(name, config, sleep=fake.sleep, clock=fake.clock), fake


@pytest.mark.parametrize("name", PROVIDERS)
def test_rate_limit_then_success_is_retried(server: FakeLLMServer, name: str) -> None:
    provider, fake = with_fake_time(name, config_for(server))
    server.script(Reply("rate_limit", retry_after=2.5))
    answer, sent = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=5))
    assert answer == ANSWER and len(sent) == 2
    # Retry-After was honoured; the ollama client does not expose response headers, so
    # it backs off by backoff_s instead.
    assert fake.slept == ([0.01] if name == "ollama" else [2.5])


@pytest.mark.parametrize("name", ("openai", "gemini"))
def test_a_retry_after_past_the_budget_is_not_waited_for(server: FakeLLMServer, name: str) -> None:
    provider, fake = with_fake_time(name, config_for(server))
    server.script(Reply("rate_limit", retry_after=30))
    error, sent = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=4))
    assert isinstance(error, LLMError) and error.kind == "rate_limit"
    assert len(sent) == 1 and fake.slept == []


@pytest.mark.parametrize("name", PROVIDERS)
def test_backoff_and_retries_share_one_budget(server: FakeLLMServer, name: str) -> None:
    """Two 503s with a 3 s backoff in a 4 s budget: one backoff fits, the second does not."""
    provider, fake = with_fake_time(name, config_for(server, backoff_s=3.0, max_retries=5))
    server.script(*[Reply("server_error", status=503)] * 3)
    error, sent = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=4))
    assert isinstance(error, LLMError) and error.kind == "server"
    assert fake.slept == [3.0] and len(sent) == 2


@pytest.mark.parametrize("name", PROVIDERS)
def test_server_error_then_success_is_retried(server: FakeLLMServer, name: str) -> None:
    provider, fake = with_fake_time(name, config_for(server))
    server.script(Reply("server_error", status=503))
    answer, sent = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=5))
    assert answer == ANSWER and len(sent) == 2
    assert fake.slept == [0.01]  # backoff_s before the first retry


@pytest.mark.parametrize("name", PROVIDERS)
def test_backoff_doubles_up_to_its_cap(
    server: FakeLLMServer, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    provider, fake = with_fake_time(name, config_for(server, backoff_s=1.0, max_backoff_s=3.0, max_retries=4))
    server.script(*[Reply("server_error", status=503)] * 4)
    with caplog.at_level(logging.INFO, logger="crm.llm"):
        answer, sent = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=100))
    assert answer == ANSWER and len(sent) == 5
    assert fake.slept == [1.0, 2.0, 3.0, 3.0]
    assert [r.getMessage().split(": ", 1)[1] for r in caplog.records] == [
        "server; retry 1 in 1.00s", "server; retry 2 in 2.00s", "server; retry 3 in 3.00s",
        "server; retry 4 in 3.00s"]


@pytest.mark.parametrize("name", PROVIDERS)
def test_retries_are_bounded_and_the_sdk_adds_none(server: FakeLLMServer, name: str) -> None:
    provider, fake = with_fake_time(name, config_for(server, max_retries=1))
    server.script(*[Reply("rate_limit", retry_after=0)] * 2)
    error, sent = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=5))
    assert isinstance(error, LLMError) and error.kind == "rate_limit"
    assert len(sent) == 2
    assert len(fake.slept) == 1  # one retry, so one wait
    server.script(Reply("server_error"))
    no_retry, fake = with_fake_time(name, config_for(server, max_retries=0))
    error, sent = calls(server, lambda: no_retry.generate_json("s", "p", SCHEMA, timeout_s=5))
    assert isinstance(error, LLMError) and error.kind == "server" and len(sent) == 1
    assert fake.slept == []  # no retry, no wait


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_slow_answer_is_a_timeout(server: FakeLLMServer, name: str) -> None:
    provider = make_provider(name, config_for(server))
    server.script(Reply("slow", content=ANSWER, delay_s=3))
    error, _ = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=0.4))
    assert isinstance(error, LLMError) and error.kind == "timeout"


@pytest.mark.parametrize("name", PROVIDERS)
@pytest.mark.parametrize(
    ("reply", "kinds"),
    [(Reply("malformed"), {"invalid_json"}), (Reply("empty"), {"empty"}),
     (Reply("refusal"), {"refused", "empty"}), (Reply(content=["not", "an", "object"]), {"invalid_json"})],
    ids=["malformed", "empty", "refusal", "array"],
)
def test_unusable_output_is_an_error_not_retried_here(
    server: FakeLLMServer, name: str, reply: Reply, kinds: set[str]
) -> None:
    provider = make_provider(name, config_for(server))
    server.script(reply)
    error, sent = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=5))
    assert isinstance(error, LLMError) and error.kind in kinds
    assert len(sent) == 1  # the drafter decides about retrying unusable output


def test_openai_and_gemini_report_refusals_as_refused(server: FakeLLMServer) -> None:
    for name in ("openai", "gemini"):
        server.script(Reply("refusal"))
        error, _ = calls(server, lambda: make_provider(name, config_for(server)).generate_json(
            "s", "p", SCHEMA, timeout_s=5))
        assert isinstance(error, LLMError) and error.kind == "refused"


@pytest.mark.parametrize("name", PROVIDERS)
def test_secrets_never_reach_errors_logs_or_reprs(
    server: FakeLLMServer, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = config_for(server, max_retries=1)
    provider, _ = with_fake_time(name, config)
    server.script(Reply("rate_limit", retry_after=0), Reply("server_error", status=401))
    with caplog.at_level(logging.DEBUG):
        error, _ = calls(server, lambda: provider.generate_json("s", "p", SCHEMA, timeout_s=5))
    assert isinstance(error, LLMError) and error.kind == "config"
    everything = " ".join([str(error), repr(config), caplog.text])
    assert "SECRET" not in everything


def test_missing_keys_and_unknown_names_are_config_errors() -> None:
    with pytest.raises(LLMError, match="OPENAI_API_KEY") as exc:
        make_provider("openai", LLMConfig())
    assert exc.value.kind == "config"
    with pytest.raises(LLMError, match="GEMINI_API_KEY"):
        make_provider("gemini", LLMConfig())
    with pytest.raises(LLMError, match="unknown LLM provider"):
        make_provider("claude", LLMConfig())
    stand_in = resolve_provider("gemini", LLMConfig())
    assert isinstance(stand_in, UnavailableProvider)
    assert (stand_in.name, stand_in.model) == ("gemini", "gemini-2.5-flash")
    with pytest.raises(LLMError) as raised:
        stand_in.generate_json("s", "p", SCHEMA, timeout_s=1)
    assert raised.value.kind == "config"


def test_openai_compatible_servers_need_no_key(server: FakeLLMServer) -> None:
    provider = make_provider("openai", config_for(server, openai_api_key=""))
    assert provider.generate_json("s", "p", SCHEMA, timeout_s=5) == ANSWER


def test_offline_is_the_default_and_needs_nothing() -> None:
    provider = make_provider(None, LLMConfig())
    assert (provider.name, provider.model) == ("offline", "offline-copywriter-v1")


def test_config_maps_from_settings() -> None:
    from bot.settings import load_settings

    settings = load_settings(
        llm_provider="ollama", llm_timeout_s=7, llm_max_retries=1, openai_api_key="sk-x",
        ollama_host="http://gpu:11434", ollama_api_key="ol-x", gemini_base_url="http://g",
    )
    config = LLMConfig.from_settings(settings)
    assert (config.provider, config.timeout_s, config.max_retries) == ("ollama", 7.0, 1)
    assert (config.openai_api_key, config.ollama_api_key, config.gemini_api_key) == ("sk-x", "ol-x", "")
    assert (config.ollama_host, config.gemini_base_url, config.openai_base_url) == ("http://gpu:11434", "http://g", None)
    assert "sk-x" not in repr(config)


@pytest.mark.parametrize(
    ("text", "expected"),
    [('{"a": 1}', {"a": 1}), ('```json\n{"a": 1}\n```', {"a": 1}), ("  {\"a\": \"한\"} ", {"a": "한"})],
)
def test_parse_json_object_tolerates_fences(text: str, expected: dict) -> None:
    assert parse_json_object(text) == expected
