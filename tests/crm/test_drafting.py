"""The drafter: one call for all tones, framing, retry once, offline fallback with a reason."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from crm.context import ContextIndex
from crm.drafting import TONES, Draft, Drafter, examples_style_source
from crm.llm import LLMConfig, LLMError, UnavailableProvider, make_provider
from recsys.profile import Profile
from tests.crm._crm_helpers import make_index
from tests.fakes.fake_llm import FakeLLMServer, Reply

DRY_30S = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",), persona="Dry_Winter")
BODIES = {
    "friendly": "#{이름}님, 건조한 요즘 촉촉한 하루 보내세요 :)\n지금 보기",
    "professional": "#{이름} 고객님, 보습 루틴을 제안드립니다.\n자세히 보기",
    "trendy": "#{이름}님 요즘 찐 수분템 ✨\n구경 가기",
}


class ScriptedProvider:
    """A provider whose answers (dicts) or failures (LLMError) are scripted per call."""

    name = "scripted"
    model = "script-1"

    def __init__(self, *outcomes: Any) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, str, Mapping[str, Any], float]] = []

    def generate_json(self, system: str, prompt: str, schema: Mapping[str, Any], *, timeout_s: float) -> dict:
        self.calls.append((system, prompt, schema, timeout_s))
        outcome = self.outcomes.pop(0) if self.outcomes else dict(BODIES)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture(scope="module")
def index() -> ContextIndex:
    return make_index()


def by_tone(drafts: list[Draft]) -> dict[str, Draft]:
    return {d.tone: d for d in drafts}


def test_offline_drafts_need_nothing(index: ContextIndex) -> None:
    drafts = Drafter(index).draft(DRY_30S, "P001")
    assert [d.tone for d in drafts] == list(TONES)
    assert all(d.provider == "offline" and d.fallback_reason is None and d.approvable for d in drafts)


def test_one_structured_call_writes_every_tone(index: ContextIndex) -> None:
    provider = ScriptedProvider()
    drafts = by_tone(Drafter(index, provider, optout_number="080-999-0000", timeout_s=3,
                             clock=FakeClock()).draft(DRY_30S, "P001"))
    assert len(provider.calls) == 1
    _, _, schema, timeout = provider.calls[0]
    assert schema["required"] == list(TONES) and timeout == 3
    friendly = drafts["friendly"]
    assert (friendly.provider, friendly.model, friendly.fallback_reason) == ("scripted", "script-1", None)
    assert friendly.text == "(광고) 라온뷰티\n" + BODIES["friendly"] + "\n무료수신거부 080-999-0000"
    assert all(d.approvable for d in drafts.values())


def test_a_label_or_optout_the_model_wrote_is_not_doubled(index: ContextIndex) -> None:
    framed = {t: f"(광고) 라온\n{body}\n무료수신거부 080-000-0000" for t, body in BODIES.items()}
    drafts = Drafter(index, ScriptedProvider(framed)).draft(DRY_30S, "P001")
    for draft in drafts:
        assert draft.text.count("(광고)") == 1 and draft.text.count("수신거부") == 1


def test_findings_are_attached_and_errors_block_approval(index: ContextIndex) -> None:
    risky = dict(BODIES, friendly="#{이름}님, 아토피 치료에 좋은 크림이에요", trendy="#{이름}님 최고의 수분템")
    drafts = by_tone(Drafter(index, ScriptedProvider(risky)).draft(DRY_30S, "P001"))
    assert not drafts["friendly"].approvable
    assert "COS-MEDICAL" in {f.rule for f in drafts["friendly"].findings}
    assert drafts["trendy"].approvable and "COS-ABSOLUTE" in {f.rule for f in drafts["trendy"].findings}
    assert drafts["professional"].findings == []


@pytest.mark.parametrize("kind", ["timeout", "rate_limit", "server", "invalid_json", "empty", "refused"])
def test_a_failure_is_retried_once(index: ContextIndex, kind: str) -> None:
    provider = ScriptedProvider(LLMError(kind, "first try failed"))
    drafts = Drafter(index, provider).draft(DRY_30S, "P001")
    assert len(provider.calls) == 2
    assert all(d.provider == "scripted" and d.fallback_reason is None for d in drafts)


def test_a_second_failure_falls_back_offline_with_the_reason(index: ContextIndex) -> None:
    provider = ScriptedProvider(LLMError("timeout", "no answer in 20s"), LLMError("timeout", "no answer in 20s"))
    drafts = Drafter(index, provider).draft(DRY_30S, "P001")
    assert len(provider.calls) == 2
    for draft in drafts:
        assert (draft.provider, draft.model) == ("offline", "offline-copywriter-v1")
        assert draft.fallback_reason == "timeout: no answer in 20s"
        assert draft.text.startswith("(광고) 라온뷰티") and draft.approvable


def test_configuration_errors_are_not_retried(index: ContextIndex) -> None:
    provider = UnavailableProvider("openai", "gpt-4o-mini", LLMError("config", "OPENAI_API_KEY is not set"))
    drafts = Drafter(index, provider).draft(DRY_30S, "P001")
    assert all(d.fallback_reason == "config: OPENAI_API_KEY is not set" for d in drafts)


def test_only_the_missing_tone_falls_back(index: ContextIndex) -> None:
    partial = dict(BODIES, trendy="   ")
    provider = ScriptedProvider(partial, partial)
    drafts = by_tone(Drafter(index, provider).draft(DRY_30S, "P001"))
    assert len(provider.calls) == 2
    assert drafts["friendly"].provider == drafts["professional"].provider == "scripted"
    assert drafts["trendy"].provider == "offline"
    assert drafts["trendy"].fallback_reason.startswith("empty")


def test_a_missing_tone_is_invalid_and_the_retry_can_fill_it(index: ContextIndex) -> None:
    first = {k: v for k, v in BODIES.items() if k != "professional"}
    provider = ScriptedProvider(first, dict(BODIES, friendly="second answer"))
    drafts = by_tone(Drafter(index, provider).draft(DRY_30S, "P001"))
    assert all(d.provider == "scripted" for d in drafts.values())
    assert BODIES["friendly"] in drafts["friendly"].text  # the first good answer is kept


def test_an_overlong_sms_falls_back_to_the_compact_offline_form(index: ContextIndex) -> None:
    long = {t: "#{이름}님 " + "촉촉한 보습 " * 20 for t in TONES}
    drafts = Drafter(index, ScriptedProvider(long, long)).draft(DRY_30S, "P001", channel="sms")
    for draft in drafts:
        assert draft.provider == "offline" and draft.fallback_reason.startswith("overlong")
        assert draft.approvable


def test_sms_drafts_from_a_model_lose_their_emoji(index: ContextIndex) -> None:
    short = {t: "#{이름}님 수분 충전 ✨💧" for t in TONES}
    drafts = Drafter(index, ScriptedProvider(short)).draft(DRY_30S, "P001", channel="sms")
    assert all(d.provider == "scripted" and "✨" not in d.text for d in drafts)


def test_provider_can_be_overridden_per_request(index: ContextIndex) -> None:
    default, override = ScriptedProvider(), ScriptedProvider()
    Drafter(index, default).draft(DRY_30S, "P001", provider=override, tones=("trendy",))
    assert not default.calls and override.calls[0][2]["required"] == ["trendy"]


def test_style_examples_reach_the_prompt_and_a_broken_source_does_not_stop_drafting(index: ContextIndex) -> None:
    seen: list[tuple[str | None, str]] = []

    def source(persona: str | None, brand_id: str) -> list[str]:
        seen.append((persona, brand_id))
        return ["(광고) 라온뷰티\n#{이름}님, 승인된 예시 문구예요"]

    provider = ScriptedProvider()
    Drafter(index, provider, style_source=source).draft(DRY_30S, "P001")
    assert seen == [("Dry_Winter", "raon")]
    assert "승인된 예시 문구예요" in provider.calls[0][1]

    def broken(persona: str | None, brand_id: str) -> list[str]:
        raise RuntimeError("store is down")

    assert len(Drafter(index, style_source=broken).draft(DRY_30S, "P001")) == 3


def test_examples_style_source_reads_the_same_brand(tmp_path) -> None:
    path = tmp_path / "examples.json"
    path.write_text('[{"brand_id": "raon", "tone": "friendly", "text": "예시"}]', encoding="utf-8")
    source = examples_style_source(path)
    assert source(None, "raon") == ["예시"] and source(None, "other") == []
    assert examples_style_source(tmp_path / "missing.json")(None, "raon") == []


def test_bad_channel_or_tone_is_a_clear_error(index: ContextIndex) -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        Drafter(index).draft(DRY_30S, "P001", channel="fax")
    with pytest.raises(ValueError, match="unknown tone"):
        Drafter(index).draft(DRY_30S, "P001", tones=("angry",))


def test_to_dict_is_json_ready(index: ContextIndex) -> None:
    import json

    draft = Drafter(index).draft(DRY_30S, "P001", channel="sms")[0]
    data = json.loads(json.dumps(draft.to_dict(), ensure_ascii=False))
    assert data["tone_ko"] == "친근한" and data["approvable"] is True
    assert {f["rule"] for f in data["findings"]} <= {"AD-CONTACT"}


# Real SDK, real HTTP: the whole path against the fake OpenAI-compatible server.
@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(default=Reply(content=BODIES)) as fake:
        yield fake


def test_end_to_end_with_openai_sdk_and_fallback(index: ContextIndex, server: FakeLLMServer) -> None:
    config = LLMConfig(openai_api_key="sk-test", openai_base_url=server.openai_base_url, openai_model="gpt-fake",
                       backoff_s=0.01)
    slept: list[float] = []
    drafter = Drafter(index, make_provider("openai", config, sleep=slept.append), timeout_s=5)
    server.script(Reply("rate_limit", retry_after=0))
    drafts = drafter.draft(DRY_30S, "P001")
    assert all((d.provider, d.model, d.fallback_reason) == ("openai", "gpt-fake", None) for d in drafts)
    assert len(server.requests) == 2  # one 429, one success: still a single drafting call
    assert slept == [0]  # the 429's Retry-After, waited through the injected hook

    server.script(Reply("malformed"), Reply("malformed"))
    drafts = drafter.draft(DRY_30S, "P001")
    assert all(d.provider == "offline" and d.fallback_reason.startswith("invalid_json") for d in drafts)
    assert len(server.requests) == 4


def test_an_invented_review_quote_blocks_approval(index: ContextIndex) -> None:
    quoted = dict(
        BODIES,
        friendly="#{이름}님, 고객 후기 “보습력이 좋아서 겨울 내내 잘 썼어요.” 지금 보기",
        trendy="#{이름}님, “이거 바르고 인생이 바뀌었어요” 찐후기 ✨",
    )
    drafts = by_tone(Drafter(index, ScriptedProvider(quoted)).draft(DRY_30S, "P001"))
    assert "CLAIM-QUOTE" not in {f.rule for f in drafts["friendly"].findings}
    flagged = [f for f in drafts["trendy"].findings if f.rule == "CLAIM-QUOTE"]
    assert len(flagged) == 1 and flagged[0].excerpt == "이거 바르고 인생이 바뀌었어요"
    assert drafts["friendly"].approvable and not drafts["trendy"].approvable


class FakeClock:
    """Time that moves only when a fake call spends it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class SlowProvider(ScriptedProvider):
    """Each call spends ``cost_s`` of the fake clock (all of its budget when it times out)."""

    def __init__(self, clock: FakeClock, *outcomes: Any, cost_s: float | None = None) -> None:
        super().__init__(*outcomes)
        self.clock = clock
        self.cost_s = cost_s

    def generate_json(self, system: str, prompt: str, schema: Mapping[str, Any], *, timeout_s: float) -> dict:
        self.clock.now += timeout_s if self.cost_s is None else min(self.cost_s, timeout_s)
        return super().generate_json(system, prompt, schema, timeout_s=timeout_s)


def test_llm_timeout_is_the_budget_of_the_whole_draft(index: ContextIndex) -> None:
    """LLM_TIMEOUT_S=4 used to mean 4 s per attempt: a timed-out call was tried again for
    another 4 s (8 s in all). Now the retry gets only what is left, here nothing."""
    clock = FakeClock()
    provider = SlowProvider(clock, LLMError("timeout", "no answer in 4s"),
                            LLMError("timeout", "no answer in 4s"))
    start = clock.now
    drafts = Drafter(index, provider, timeout_s=4, clock=clock).draft(DRY_30S, "P001")
    assert len(provider.calls) == 1 and clock.now - start == 4
    assert all(d.provider == "offline" and d.fallback_reason == "timeout: no answer in 4s"
               for d in drafts)


def test_a_quick_bad_answer_leaves_the_rest_of_the_budget_to_the_retry(index: ContextIndex) -> None:
    clock = FakeClock()
    provider = SlowProvider(clock, {"friendly": 1}, cost_s=1.5)
    drafts = Drafter(index, provider, timeout_s=4, clock=clock).draft(DRY_30S, "P001")
    assert [call[3] for call in provider.calls] == [4, 2.5]
    assert all(d.provider == "scripted" for d in drafts)
