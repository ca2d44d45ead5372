"""``personabot recommend``: errors, terminal rendering, stable JSON, and the real demo run."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.recommend import render, result_json
from crm.drafting import Drafter
from crm.llm import LLMError, UnavailableProvider
from crm.pipeline import run_recommend
from recsys.paths import DEMO_CATALOG, DEMO_MODEL_DIR
from recsys.profile import Profile
from tests.crm._crm_helpers import make_index
from tests.fakes.fake_llm import FakeLLMServer, Reply

runner = CliRunner()
# The shipped model, or another one named by MODEL_DIR (as `personabot recommend` reads it).
HAS_MODEL = (Path(os.environ.get("MODEL_DIR") or DEMO_MODEL_DIR) / "model.json").exists() and DEMO_CATALOG.exists()


@dataclass(frozen=True)
class Rec:
    rank: int
    product_id: str
    name: str
    brand: str
    category: str
    price: int
    score: float
    explanation: str


class FakeRecommender:
    def recommend(self, profile: Profile, k: int = 3, exclude=()) -> list[Rec]:
        rows = [("P001", "라온 히알루론 수분 크림", "라온뷰티", 32000), ("P003", "라온 시카 진정 토너", "라온뷰티", 18000)]
        return [Rec(i + 1, pid, name, brand, "skincare", price, 0.9 - i / 10, "[bold]dry skin[/] likes it")
                for i, (pid, name, brand, price) in enumerate(rows[:k])]


def text_of(result, channel: str = "kakao") -> str:
    console = Console(width=120, record=True, force_terminal=False)
    render(result, channel, console)
    return console.export_text()


def test_parse_errors_exit_2_with_the_message() -> None:
    result = runner.invoke(app, ["recommend", "zzz qqq"])
    assert result.exit_code == 2
    assert "error" in result.output.lower() and "Traceback" not in result.output


def test_a_missing_model_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "nowhere"))
    result = runner.invoke(app, ["recommend", "30s dry-skin woman, moisture"])
    assert result.exit_code == 1
    assert "nowhere" in result.output and "Traceback" not in result.output


def test_bad_options_are_rejected() -> None:
    assert runner.invoke(app, ["recommend", "30대 건성", "--channel", "fax"]).exit_code == 2
    assert runner.invoke(app, ["recommend", "30대 건성", "--llm", "claude"]).exit_code == 2
    assert runner.invoke(app, ["recommend", "30대 건성", "--top", "0"]).exit_code == 2
    both = runner.invoke(app, ["recommend", "30대 건성", "--json", "--slack"])
    assert both.exit_code == 2 and "choose one" in both.output


def test_help_teaches_with_examples() -> None:
    result = runner.invoke(app, ["recommend", "--help"])
    assert result.exit_code == 0
    assert "personabot recommend" in result.output and "--channel" in result.output


def test_render_shows_profile_products_drafts_and_badges() -> None:
    profile = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",))
    result = run_recommend(profile, FakeRecommender(), Drafter(make_index()), k=2)
    shown = text_of(result)
    assert "Dry_Winter" in shown or result.profile.persona in shown
    assert "라온 히알루론 수분 크림" in shown and "₩32,000" in shown
    assert "[bold]dry skin[/] likes it" in shown  # explanations are text, not markup
    assert "친근한" in shown and "전문적" in shown and "트렌디" in shown
    assert shown.count("✔ approvable") == 3
    assert "(광고) 라온뷰티" in shown


def test_render_shows_fallbacks_and_blocking_findings() -> None:
    provider = UnavailableProvider("gemini", "gemini-2.5-flash", LLMError("config", "GEMINI_API_KEY is not set"))
    result = run_recommend(Profile(skin_type="dry"), FakeRecommender(), Drafter(make_index(), provider, add_label=False))
    shown = text_of(result)
    assert shown.count("fell back to the offline copywriter") == 3
    assert "GEMINI_API_KEY is not set" in shown
    assert "✖ blocked" in shown and "AD-LABEL" in shown


def test_json_shape_is_stable() -> None:
    result = run_recommend(Profile(skin_type="dry"), FakeRecommender(), Drafter(make_index()), channel="lms")
    data = json.loads(json.dumps(result_json(result, "lms"), ensure_ascii=False))
    assert list(data) == ["profile", "persona", "channel", "recommendations", "product_id", "drafts",
                          "shortfall"]
    assert data["channel"] == "lms" and data["product_id"] == "P001"
    assert [d["tone"] for d in data["drafts"]] == ["friendly", "professional", "trendy"]
    assert set(data["drafts"][0]) == {"tone", "tone_ko", "text", "provider", "model", "fallback_reason",
                                      "approvable", "findings"}


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLMServer]:
    bodies = {t: f"#{{이름}}님, {t} 촉촉한 하루 보내세요" for t in ("friendly", "professional", "trendy")}
    with FakeLLMServer(default=Reply(content=bodies)) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-cli-test")
        yield server


@pytest.mark.skipif(not HAS_MODEL, reason="demo model not trained")
def test_demo_run_offline_json() -> None:
    result = runner.invoke(app, ["recommend", "30s dry-skin woman, moisture", "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["profile"]["skin_type"] == "dry" and len(data["recommendations"]) == 3
    assert data["product_id"] == data["recommendations"][0]["product_id"]
    drafts = data["drafts"]
    assert len({d["text"] for d in drafts}) == 3
    assert all(d["provider"] == "offline" and d["approvable"] for d in drafts)


@pytest.mark.skipif(not HAS_MODEL, reason="demo model not trained")
def test_demo_run_with_openai_against_the_fake_server(fake_openai: FakeLLMServer) -> None:
    result = runner.invoke(app, ["recommend", "30대 건성 여성 보습", "--llm", "openai", "--channel", "lms", "--json"])
    assert result.exit_code == 0, result.output
    drafts = json.loads(result.stdout)["drafts"]
    assert all(d["provider"] == "openai" and d["fallback_reason"] is None for d in drafts)
    assert len(fake_openai.requests) == 1


@pytest.mark.skipif(not HAS_MODEL, reason="demo model not trained")
def test_too_few_products_are_one_line_not_padding() -> None:
    # the demo catalog has one eye cream at ₩25,000 or less
    result = runner.invoke(app, ["recommend", "아이크림 25,000원 이하", "--no-save"])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == ["note: only 1 product matches the filters (3 asked): eye cream · ≤ ₩25,000"]
    data = json.loads(runner.invoke(app, ["recommend", "아이크림 25,000원 이하", "--no-save", "--json"]).stdout)
    assert [r["sub_type"] for r in data["recommendations"]] == ["아이크림"]
    assert data["shortfall"]["found"] == 1 and data["shortfall"]["requested"] == 3
    assert data["shortfall"]["note_ko"].startswith("조건에 맞는 상품이 1개뿐입니다")


@dataclass(frozen=True)
class KindRec(Rec):
    sub_type: str = ""
    explanation_ko: str = ""


class FragranceRecommender:
    def recommend(self, profile: Profile, k: int = 3, exclude=()) -> list[KindRec]:
        return [KindRec(1, "P001", "라온 솔리드 퍼퓸", "라온뷰티", "fragrance", 32000, 0.9,
                        "fragrance · new: matched on features", "0", "향수 · 신상품 · 특징 기반 추천")]


def test_render_shows_kinds_skin_types_and_concerns_in_korean() -> None:
    profile = Profile(gender="F", skin_type="dry", concerns=("moisture", "anti_aging"), category="fragrance")
    shown = text_of(run_recommend(profile, FragranceRecommender(), Drafter(make_index()), k=1))
    assert "건성" in shown and "보습" in shown and "안티에이징" in shown and "여성" in shown
    assert "라온뷰티 · 향수" in shown and "신상품 · 특징 기반 추천" in shown
    assert "fragrance ·" not in shown.split("Why")[0]  # the product line names its kind in Korean
