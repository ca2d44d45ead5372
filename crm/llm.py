"""LLM providers behind one small interface: structured JSON in a bounded time budget.

Every provider answers ``generate_json(system, prompt, schema, *, timeout_s) -> dict`` or
raises :class:`LLMError` with a ``kind`` the drafter can act on. Each SDK's own hidden
retries are switched off; the one retry policy here (tenacity, see :class:`_Retrying`)
retries rate limits (honouring ``Retry-After``) and server errors with exponential backoff,
bounded by both ``max_retries`` and the total ``timeout_s`` — ``LLM_TIMEOUT_S`` is the budget
of the whole call, every attempt and backoff included (the drafter shares one budget across
its own attempts too, see :class:`crm.drafting.Drafter`). API keys are plain strings held only in
:class:`LLMConfig` (hidden from its repr) and never appear in errors or logs.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import tenacity

from crm.errors import CRMError
from crm.offline import MODEL_NAME as OFFLINE_MODEL

log = logging.getLogger(__name__)

PROVIDERS = ("offline", "openai", "gemini", "ollama")
# "overlong" is raised by the drafter when a draft does not fit its channel.
ERROR_KINDS = (
    "timeout", "rate_limit", "server", "invalid_json", "empty", "refused", "overlong", "config",
)
RETRYABLE = ("rate_limit", "server")


class LLMError(CRMError, RuntimeError):
    """A provider call that produced no usable JSON; ``kind`` is one of ``ERROR_KINDS``."""

    def __init__(self, kind: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass
class LLMConfig:
    """Provider selection and connection settings; ``bot.settings`` fields map onto these."""

    provider: str = "offline"
    timeout_s: float = 20.0
    max_retries: int = 2
    backoff_s: float = 0.5
    max_backoff_s: float = 8.0
    openai_api_key: str = field(default="", repr=False)
    openai_model: str = "gpt-4o-mini"
    openai_base_url: str | None = None
    gemini_api_key: str = field(default="", repr=False)
    gemini_model: str = "gemini-2.5-flash"
    gemini_base_url: str | None = None
    ollama_host: str = "http://localhost:11434"
    ollama_model: str = "llama3.1"
    ollama_api_key: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Any) -> "LLMConfig":
        """Map a ``bot.settings.Settings`` (or anything with the same attribute names)."""

        def secret(name: str) -> str:
            value = getattr(settings, name, None)
            if value is None:
                return ""
            reveal = getattr(value, "get_secret_value", None)
            return str(reveal() if reveal else value)

        defaults = cls()
        return cls(
            provider=getattr(settings, "llm_provider", defaults.provider),
            timeout_s=float(getattr(settings, "llm_timeout_s", defaults.timeout_s)),
            max_retries=int(getattr(settings, "llm_max_retries", defaults.max_retries)),
            openai_api_key=secret("openai_api_key"),
            openai_model=getattr(settings, "openai_model", defaults.openai_model),
            openai_base_url=getattr(settings, "openai_base_url", None) or None,
            gemini_api_key=secret("gemini_api_key"),
            gemini_model=getattr(settings, "gemini_model", defaults.gemini_model),
            gemini_base_url=getattr(settings, "gemini_base_url", None) or None,
            ollama_host=getattr(settings, "ollama_host", defaults.ollama_host),
            ollama_model=getattr(settings, "ollama_model", defaults.ollama_model),
            ollama_api_key=secret("ollama_api_key"),
        )

    def secrets(self) -> list[str]:
        return [s for s in (self.openai_api_key, self.gemini_api_key, self.ollama_api_key) if s]


@runtime_checkable
class LLMProvider(Protocol):
    name: str
    model: str

    def generate_json(
        self, system: str, prompt: str, schema: Mapping[str, Any], *, timeout_s: float
    ) -> dict[str, Any]: ...


def parse_json_object(text: str | None) -> dict[str, Any]:
    """The JSON object in a model's answer (tolerating a Markdown code fence around it)."""
    if text is None or not text.strip():
        raise LLMError("empty", "the model returned no text")
    body = text.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", body, flags=re.DOTALL)
    if fenced:
        body = fenced.group(1)
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        raise LLMError("invalid_json", f"the model's answer is not JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise LLMError("invalid_json", "the model's answer is JSON but not an object")
    return value


def _is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or any(
        "Timeout" in cls.__name__ for cls in type(exc).__mro__
    )


def _retry_after(headers: Any) -> float | None:
    try:
        value = headers.get("retry-after") if headers is not None else None
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def _status_error(status: int, what: str, retry_after: float | None = None) -> LLMError:
    if status == 429:
        return LLMError("rate_limit", f"{what} is rate limiting (429)", retry_after=retry_after)
    if status >= 500:
        return LLMError("server", f"{what} answered with a server error ({status})")
    if status in (401, 403):
        return LLMError("config", f"{what} rejected the API key ({status}); check the key setting")
    if status == 404:
        return LLMError("config", f"{what} does not know this model or URL (404); check the model name")
    return LLMError("config", f"{what} rejected the request ({status})")


Sleep = Callable[[float], None]
Clock = Callable[[], float]


class _Retrying:
    """Retries rate limits and server errors with backoff inside one total time budget.

    The policy is tenacity's (``stop``/``wait``/``retry`` strategies) with two rules of our
    own: a ``Retry-After`` the server sent is the wait, and a wait that would end past the
    budget is not started (the last error is raised instead). ``sleep`` and ``clock`` are
    injectable; tenacity's own clock is never consulted, so tests pass a fake clock that
    ``sleep`` advances and no test has to measure real time."""

    def __init__(self, config: LLMConfig, sleep: Sleep = time.sleep,
                 clock: Clock = time.monotonic) -> None:
        self.config = config
        self.sleep = sleep
        self.clock = clock
        self._backoff = tenacity.wait_exponential(multiplier=config.backoff_s, max=config.max_backoff_s)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        return float(retry_after) if retry_after is not None else self._backoff(state)

    def run(self, attempt: Callable[[float], dict[str, Any]], timeout_s: float, who: str) -> dict[str, Any]:
        deadline = self.clock() + timeout_s

        def once() -> dict[str, Any]:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise LLMError("timeout", f"{who} did not answer within {timeout_s:g}s")
            return attempt(remaining)

        def past_budget(state: tenacity.RetryCallState) -> bool:
            return self.clock() + state.upcoming_sleep >= deadline

        def log_retry(state: tenacity.RetryCallState) -> None:
            kind = getattr(state.outcome.exception() if state.outcome else None, "kind", "?")
            log.info("%s: %s; retry %d in %.2fs", who, kind, state.attempt_number, state.upcoming_sleep)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda exc: isinstance(exc, LLMError) and exc.kind in RETRYABLE),
            wait=self._wait,
            stop=tenacity.stop_after_attempt(self.config.max_retries + 1) | past_budget,
            sleep=self.sleep,
            before_sleep=log_retry,
            reraise=True,
        )
        return retrying(once)


class _BaseProvider:
    """What every SDK-backed provider shares: its model (``LLMConfig.<name>_model``), the
    retry policy with its ``sleep``/``clock`` hooks, secret redaction and error mapping.
    Subclasses build their client in :meth:`_connect` and make one call in :meth:`_call`."""

    name = "base"

    def __init__(self, config: LLMConfig, *, sleep: Sleep = time.sleep,
                 clock: Clock = time.monotonic) -> None:
        self.config = config
        self.model = getattr(config, f"{self.name}_model")
        self._retrying = _Retrying(config, sleep, clock)
        self._connect(config)

    def _connect(self, config: LLMConfig) -> None:
        raise NotImplementedError

    def _redact(self, message: str) -> str:
        for secret in self.config.secrets():
            message = message.replace(secret, "***")
        return message

    def generate_json(
        self, system: str, prompt: str, schema: Mapping[str, Any], *, timeout_s: float
    ) -> dict[str, Any]:
        def attempt(remaining: float) -> dict[str, Any]:
            try:
                return parse_json_object(self._call(system, prompt, schema, remaining))
            except LLMError as exc:
                exc.message = self._redact(exc.message)
                raise
            except Exception as exc:  # an SDK error we map onto our kinds
                raise self._translate(exc) from None

        return self._retrying.run(attempt, timeout_s, f"{self.name} ({self.model})")

    def _call(self, system: str, prompt: str, schema: Mapping[str, Any], timeout_s: float) -> str | None:
        raise NotImplementedError

    def _translate(self, exc: Exception) -> LLMError:
        if _is_timeout(exc):
            return LLMError("timeout", f"{self.name} did not answer in time")
        return LLMError("server", self._redact(f"{self.name} call failed: {type(exc).__name__}: {exc}"))


class OfflineProvider:
    """The built-in copywriter (``crm.offline``); needs no key and never fails.

    It writes from the structured :class:`~crm.context.DraftContext`, not from a prompt, so
    the drafter calls it directly; ``generate_json`` exists only to satisfy the protocol.
    """

    name = "offline"
    model = OFFLINE_MODEL

    def generate_json(
        self, system: str, prompt: str, schema: Mapping[str, Any], *, timeout_s: float
    ) -> dict[str, Any]:
        raise LLMError("config", "the offline copywriter drafts from context; use crm.drafting.Drafter")


class OpenAIProvider(_BaseProvider):
    """OpenAI chat completions with a strict JSON schema (also any OpenAI-compatible server)."""

    name = "openai"

    def _connect(self, config: LLMConfig) -> None:
        if not config.openai_api_key and not config.openai_base_url:
            raise LLMError("config", "OPENAI_API_KEY is not set (or use --llm offline)")
        import openai

        self._openai = openai
        self._client = openai.OpenAI(
            api_key=config.openai_api_key or "not-needed",
            base_url=config.openai_base_url,
            timeout=config.timeout_s,
            max_retries=0,
        )

    def _call(self, system: str, prompt: str, schema: Mapping[str, Any], timeout_s: float) -> str | None:
        response = self._client.chat.completions.create(
            model=self.model,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "crm_drafts", "schema": dict(schema), "strict": True},
            },
            timeout=timeout_s,
        )
        if not response.choices:
            raise LLMError("empty", "openai returned no choices")
        choice = response.choices[0]
        if getattr(choice.message, "refusal", None):
            raise LLMError("refused", f"openai refused: {choice.message.refusal[:200]}")
        if choice.finish_reason == "content_filter":
            raise LLMError("refused", "openai filtered the answer")
        return choice.message.content

    def _translate(self, exc: Exception) -> LLMError:
        openai = self._openai
        if isinstance(exc, openai.APITimeoutError):
            return LLMError("timeout", "openai did not answer in time")
        if isinstance(exc, openai.APIStatusError):
            return _status_error(exc.status_code, "openai", _retry_after(exc.response.headers))
        if isinstance(exc, openai.APIConnectionError):
            return LLMError("server", "cannot reach the OpenAI endpoint; check OPENAI_BASE_URL")
        return super()._translate(exc)


class GeminiProvider(_BaseProvider):
    """Gemini ``generateContent`` through google-genai with a JSON response schema."""

    name = "gemini"

    def _connect(self, config: LLMConfig) -> None:
        if not config.gemini_api_key:
            raise LLMError("config", "GEMINI_API_KEY is not set (or use --llm offline)")
        from google import genai
        from google.genai import errors, types

        self._types = types
        self._errors = errors
        self._client = genai.Client(
            api_key=config.gemini_api_key,
            http_options=types.HttpOptions(
                base_url=config.gemini_base_url,
                timeout=int(config.timeout_s * 1000),
                retry_options=types.HttpRetryOptions(attempts=1),
            ),
        )

    def _call(self, system: str, prompt: str, schema: Mapping[str, Any], timeout_s: float) -> str | None:
        types = self._types
        # response_json_schema takes a plain JSON Schema (the SDK's documented route for one);
        # response_schema expects its OpenAPI-subset Schema type.
        response = self._client.models.generate_content(
            model=self.model,
            contents=prompt,
            config=types.GenerateContentConfig(
                system_instruction=system,
                response_mime_type="application/json",
                response_json_schema=dict(schema),
                http_options=types.HttpOptions(
                    timeout=max(1, int(timeout_s * 1000)),
                    retry_options=types.HttpRetryOptions(attempts=1),
                ),
            ),
        )
        feedback = getattr(response, "prompt_feedback", None)
        if feedback is not None and getattr(feedback, "block_reason", None):
            raise LLMError("refused", f"gemini blocked the prompt ({feedback.block_reason})")
        candidates = response.candidates or []
        if candidates and str(candidates[0].finish_reason or "").endswith(("SAFETY", "PROHIBITED_CONTENT")):
            raise LLMError("refused", "gemini stopped the answer for safety")
        return response.text

    def _translate(self, exc: Exception) -> LLMError:
        if isinstance(exc, self._errors.APIError):
            headers = getattr(getattr(exc, "response", None), "headers", None)
            return _status_error(int(exc.code or 500), "gemini", _retry_after(headers))
        return super()._translate(exc)


class OllamaProvider(_BaseProvider):
    """Ollama ``/api/chat`` with ``format`` set to the JSON schema; local or Ollama Cloud."""

    name = "ollama"

    def _connect(self, config: LLMConfig) -> None:
        import ollama

        self._ollama = ollama
        self._headers = (
            {"Authorization": f"Bearer {config.ollama_api_key}"} if config.ollama_api_key else {}
        )

    def _call(self, system: str, prompt: str, schema: Mapping[str, Any], timeout_s: float) -> str | None:
        # The client's httpx timeout is fixed at construction, so each attempt gets its own.
        with self._ollama.Client(
            host=self.config.ollama_host, headers=self._headers, timeout=timeout_s
        ) as client:
            response = client.chat(
                model=self.model,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
                format=dict(schema),
                stream=False,
            )
        return response.message.content

    def _translate(self, exc: Exception) -> LLMError:
        if isinstance(exc, self._ollama.ResponseError):
            return _status_error(exc.status_code, "ollama")
        if isinstance(exc, ConnectionError):
            return LLMError("server", "cannot reach Ollama; check OLLAMA_HOST")
        return super()._translate(exc)


class UnavailableProvider:
    """Stands in for a provider that could not be built (e.g. a missing key).

    Every call raises the original configuration error, so the drafter falls back to the
    offline copywriter and each draft shows the user why.
    """

    def __init__(self, name: str, model: str, error: LLMError) -> None:
        self.name = name
        self.model = model
        self.error = error

    def generate_json(
        self, system: str, prompt: str, schema: Mapping[str, Any], *, timeout_s: float
    ) -> dict[str, Any]:
        raise self.error


def resolve_provider(name: str | None, config: LLMConfig, **hooks: Any) -> LLMProvider:
    """Like :func:`make_provider`, but a configuration problem becomes visible fallbacks."""
    try:
        return make_provider(name, config, **hooks)
    except LLMError as exc:
        chosen = (name or config.provider or "offline").lower()
        model = getattr(config, f"{chosen}_model", "") if chosen in PROVIDERS else ""
        return UnavailableProvider(chosen, model, exc)


def make_provider(name: str | None, config: LLMConfig, *, sleep: Sleep = time.sleep,
                  clock: Clock = time.monotonic) -> LLMProvider:
    """The provider called ``name`` (default: ``config.provider``); raises ``LLMError('config')``.

    ``sleep``/``clock`` are the retry policy's hooks (see :class:`_Retrying`)."""
    chosen = (name or config.provider or "offline").lower()
    factories: dict[str, Callable[..., LLMProvider]] = {
        "openai": OpenAIProvider,
        "gemini": GeminiProvider,
        "ollama": OllamaProvider,
    }
    if chosen == "offline":
        return OfflineProvider()
    if chosen not in factories:
        raise LLMError("config", f"unknown LLM provider {chosen!r} (use one of {', '.join(PROVIDERS)})")
    return factories[chosen](config, sleep=sleep, clock=clock)
