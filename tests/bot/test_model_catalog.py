"""A model and its catalog: the recorded fingerprint, the catalog used when CATALOG_PATH is
unset, and the one-time notes when a model serves a catalog it was not trained on (CLI
stderr, the Slack approval message, digests, ``catalog info`` and ``evaluate``)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.digests.compose import compose_digest, digest_messages
from recsys.catalog import catalog_fingerprint, load_catalog
from recsys.model import load_checkpoint
from recsys.model_catalog import catalog_match
from recsys.recommender import Recommender
from recsys.train import TrainConfig, train_to_dir
from tests.bot._digest_helpers import FakeSources
from tests.bot._slack_helpers import BotHarness

runner = CliRunner()
HEADERS = ["상품명", "브랜드", "판매가", "별점", "리뷰", "피부타입", "연령대", "성별"]
SKINS = ["건성", "지성", "복합성", "민감성"]
AGES = ["20대", "30대", "40대"]
TYPES = ["수분 토너 200ml", "진정 크림 50ml", "톤업 선크림 SPF50+ 50ml", "립스틱 3.5g", "클렌징폼 150ml"]


def write_table(path: Path, brands: list[str], *, prefix: str, reviews: int = 12) -> Path:
    """A review export: every (brand, type) a product, each with reviewer-tagged reviews."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for b, brand in enumerate(brands):
            for t, kind in enumerate(TYPES):
                for r in range(reviews):
                    writer.writerow([f"{prefix} {kind}", brand, f"{(t + 2) * 7_000 + b * 1_000:,}원",
                                     str(1 + (r + t) % 5), f"{prefix} 리뷰 {r}", SKINS[(r + b) % 4],
                                     AGES[(r + t) % 3], "여성" if r % 4 else "남성"])
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("model_catalog")
    own = write_table(root / "own.csv", ["하루온", "맑은결"], prefix="하루")
    other = write_table(root / "other.csv", ["하루온", "새브랜드"], prefix="다른", reviews=2)
    model = root / "model"
    train_to_dir(own, model, TrainConfig(epochs=2, seed=0), progress=False)
    return {"own": own, "other": other, "model": model}


def test_model_json_records_the_catalog_fingerprint_and_columns(trained: dict[str, Path]) -> None:
    _, vocab, meta = load_checkpoint(trained["model"])
    own = load_catalog(trained["own"])
    assert meta["catalog_fingerprint"] == catalog_fingerprint(own)
    assert meta["columns"] == own.column_map and meta["columns"]["review"] == "리뷰"
    assert catalog_fingerprint(load_catalog(trained["other"])) != meta["catalog_fingerprint"]
    same = catalog_match(meta, vocab, own)
    assert same.same and same.message("en") is None
    assert same.products == 10 and same.products_seen == len(vocab.product_ids) > 0


def test_another_catalog_counts_what_the_model_has_seen(trained: dict[str, Path]) -> None:
    _, vocab, meta = load_checkpoint(trained["model"])
    other = load_catalog(trained["other"])
    match = catalog_match(meta, vocab, other)
    assert not match.same
    assert (match.products, match.products_seen) == (10, 0)  # other names: other ids
    assert (match.brands, match.brands_seen) == (2, 1)  # 하루온 is shared, 새브랜드 is new
    assert match.sub_types == match.sub_types_seen == len(set(other.products["sub_type"]) - {""}) > 0
    assert "another catalog (own.csv)" in match.message("en") and "0 of 10 products" in match.message("en")
    assert "상품 10개 중 0개" in match.message("ko") and "브랜드 2개 중 1개" in match.message("ko")


def test_catalog_path_unset_serves_the_recorded_catalog(trained: dict[str, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_DIR", str(trained["model"]))
    monkeypatch.delenv("CATALOG_PATH", raising=False)
    result = runner.invoke(app, ["recommend", "30대 건성 여성 보습", "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    own_ids = set(load_catalog(trained["own"]).products["product_id"])
    data = json.loads(result.stdout)
    assert data["recommendations"] and {r["product_id"] for r in data["recommendations"]} <= own_ids
    assert "note:" not in result.stderr


def test_cli_recommend_says_once_on_stderr_when_serving_another_catalog(
        trained: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODEL_DIR", str(trained["model"]))
    monkeypatch.setenv("CATALOG_PATH", str(trained["other"]))
    result = runner.invoke(app, ["recommend", "30대 건성 여성 보습", "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # stdout stays pure JSON
    other_ids = set(load_catalog(trained["other"]).products["product_id"])
    assert {r["product_id"] for r in data["recommendations"]} <= other_ids
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1
    assert "trained on another catalog (own.csv)" in notes[0] and "0 of 10 products, 1 of 2 brands" in notes[0]


def test_catalog_info_reports_the_model_and_what_was_understood(trained: dict[str, Path]) -> None:
    result = runner.invoke(app, ["catalog", "info", str(trained["other"]), "--model", str(trained["model"]),
                                 "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    for key in ("source", "format", "products", "brands", "interactions", "skipped", "column_map", "understood",
                "not_understood", "reviews", "ratings_missing", "brands_without_tone_guide", "model"):
        assert key in info, key
    assert info["format"] == "review_table" and info["column_map"]["review"] == "리뷰"
    assert set(info["understood"]) == {"sub_type", "kind", "concerns", "functions"}
    assert info["understood"]["sub_type"]["products"] == 10 and info["understood"]["sub_type"]["share"] == 1.0
    example = info["understood"]["sub_type"]["examples"][0]
    assert set(example) == {"product_id", "name", "value"}
    assert info["understood"]["kind"]["values"]["skincare"] >= 6  # toner, cream, sunscreen, cleanser x 2 brands
    assert info["reviews"]["total"] == 20 and info["reviews"]["with_profile"] == 20
    assert info["ratings_missing"] == {"products": 10, "reviews": 0}
    assert info["brands_without_tone_guide"] == {"count": 1, "brands": ["새브랜드"], "error": None}  # 하루온 has a demo guide
    model = info["model"]
    assert model["same"] is False and model["products_seen"] == 0 and model["brands_seen"] == 1
    text = runner.invoke(app, ["catalog", "info", str(trained["own"]), "--model", str(trained["model"])])
    assert text.exit_code == 0 and "trained on this catalog" in text.stdout


def test_evaluate_reports_what_the_model_has_seen(trained: dict[str, Path]) -> None:
    result = runner.invoke(app, ["evaluate", "--model", str(trained["model"]), "--json"])
    assert result.exit_code == 0, result.output
    seen = json.loads(result.stdout)["catalog"]
    assert seen["same"] is True and seen["products"] == 10 and seen["brands"] == seen["brands_seen"] == 2


def test_a_digest_says_it_once_at_the_top() -> None:
    class Sources(FakeSources):
        def catalog_note(self, lang: str = "en") -> str:
            return "this model was trained on another catalog (own.csv)"

    digest = compose_digest(Sources(), "all", None, period_label="Week 1")
    messages = digest_messages(digest)
    text = json.dumps(messages, ensure_ascii=False)
    assert text.count("trained on another catalog") == 1
    assert "trained on another catalog" in json.dumps(messages[0]["blocks"][:3], ensure_ascii=False)
    assert compose_digest(FakeSources(), "all", None, period_label="Week 1").note is None


@pytest.fixture()
def slack_bot(tmp_path: Path, trained: dict[str, Path]) -> Iterator[BotHarness]:
    harness = BotHarness(tmp_path, settings_overrides={
        "model_dir": trained["model"], "catalog_path": trained["other"], "bot_language": "ko"}).start()
    yield harness
    harness.stop()


def test_slack_recommend_shows_approvers_a_context_line(slack_bot: BotHarness,
                                                        trained: dict[str, Path]) -> None:
    user_id, call, _ = slack_bot.recommend("30대 건성 여성 보습")
    contexts = [e["text"] for b in call.args["blocks"] if b["type"] == "context" for e in b["elements"]]
    notes = [c for c in contexts if "다른 카탈로그" in c]
    assert len(notes) == 1 and "상품 10개 중 0개" in notes[0]
    # A re-render from the store (after any decision) keeps it: it is stored with the request.
    request = slack_bot.store.recent_requests(user_id)[0]
    assert "catalog_note" in request.options and request.options["catalog_note"]["en"].startswith("this model")


def test_recommender_loaded_without_a_catalog_uses_the_recorded_one(trained: dict[str, Path]) -> None:
    recommender = Recommender.load(trained["model"])
    assert Path(recommender.catalog.source) == trained["own"] and recommender.catalog_match.same


@pytest.mark.parametrize("command", [["catalog", "info", "customers.json"],
                                     ["train", "--catalog", "customers.json", "--out", "m"]])
def test_a_customers_file_alone_needs_its_catalog(tmp_path: Path, command: list[str]) -> None:
    rows = [{"user_id": f"u{i}", "persona_name": "Dry_Winter", "age": 30, "gender": "female", "skin_type": "dry",
             "skin_concern": "moisture", "purchased_product_id": pid}
            for i, pid in enumerate(["KB0001", "KB0002", "NOPE1", "NOPE2"])]
    (tmp_path / "customers.json").write_text(json.dumps(rows), encoding="utf-8")
    result = runner.invoke(app, command)
    assert result.exit_code == 2 and result.stdout == ""
    line = result.stderr.strip()
    assert line.count("\n") == 0 and line.startswith("error: customers.json is a customers file")
    assert "--interactions customers.json" in line and "2 of its 4 rows name a product of the demo catalog" in line
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_request_message_context_line_is_escaped_valid_and_in_the_request_language(lang: str) -> None:
    from bot.slack import blocks
    from tests.bot.test_blocks import RECS, no_control_sequences, request, valid

    note = {"en": "trained on another catalog (<!channel>.csv)", "ko": "다른 카탈로그(<!channel>.csv)로 학습"}
    _, with_note = blocks.request_message(request(options={"catalog_note": note}, language=lang), RECS, [], lang)
    _, without = blocks.request_message(request(language=lang), RECS, [], lang)
    valid(with_note)
    no_control_sequences(with_note)
    assert len(with_note) == len(without) + 1
    texts = [e["text"] for b in with_note if b["type"] == "context" for e in b["elements"]]
    assert sum(("another catalog" if lang == "en" else "다른 카탈로그") in t for t in texts) == 1


def test_a_table_trained_with_columns_is_served_with_the_recorded_mapping(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "odd.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["제품", "회사", "후기글", "피부타입", "나이"])
        for r in range(60):
            writer.writerow([TYPES[r % 5], "하루온", f"후기 {r}", SKINS[r % 4], str(20 + r % 30)])
    model = tmp_path / "m"
    trained = runner.invoke(app, ["train", "--catalog", str(table), "--columns", "name=제품,review=후기글,brand=회사",
                                  "--out", str(model), "--epochs", "1", "--holdout", "0", "--quiet"])
    assert trained.exit_code == 0, trained.output
    meta = json.loads((model / "model.json").read_text(encoding="utf-8"))
    assert meta["columns"] == {"name": "제품", "brand": "회사", "review": "후기글", "skin_type": "피부타입", "age": "나이"}
    monkeypatch.setenv("MODEL_DIR", str(model))
    result = runner.invoke(app, ["recommend", "20대 건성", "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["recommendations"][0]["brand"] == "하루온"
    assert "note:" not in result.stderr
    # Without the mapping the same table is a clear error, not a guess.
    plain = runner.invoke(app, ["catalog", "info", str(table)])
    assert plain.exit_code == 2 and "--columns" in plain.stderr
