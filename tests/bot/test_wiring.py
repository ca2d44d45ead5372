"""Issue 14: one wiring, one parse per /recommend, one persona lookup, one compliance badge,
one error root — each checked through the real code paths that share it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bot.badges import badge
from bot.cli import app as cli
from bot.cli.common import fail_on
from bot.components import ComponentError, Components
from bot.digests.compose import LiveSources, PersonaInfo, products_text, select_personas
from bot.digests.listeners import DigestCommandError, parse_digest_command
from bot.digests.scheduler import PostError
from bot.errors import BotError, is_expected, user_message
from recsys.personas import find_persona
from bot.settings import SettingsError, load_settings
from bot.slack import blocks
from bot.slack.command_text import CommandError
from bot.slack.services import Pipeline, ProfileError, ServiceError
from bot.store.approvals import DraftClosedError, DraftRecord
from bot.store.db import DatabaseFileError
from bot.wiring import Wiring, build_wiring
from recsys.personas import load_personas
from recsys.profile import Profile
from recsys.recommender import Recommendation


class FixedParts:
    """Stands in for SharedComponents: the given parts, already loaded."""

    def __init__(self, parts: Components) -> None:
        self.parts = parts
        self.loaded = True

    def get(self) -> Components:
        return self.parts


class TaggedRecommender:
    """Recommends one product whose catalog name carries promo tags."""

    brands = ("Brand",)
    catalog_match = None

    class catalog:  # noqa: N801 - the attribute the digests read
        interactions = pd.DataFrame({"product_id": ["P1"], "source": ["review"], "rating": [5.0]})

    def recommend(self, profile: Profile, k: int = 3) -> list[Recommendation]:
        return [Recommendation(1, "P1", "[20%OFF] 수분 크림 50ml 1+1 기획", "Moist cream", "Brand", "B01",
                               "skincare", "cream", 20000, None, 0.9, "why",
                               display_name="수분 크림 50ml")]


def test_digest_products_are_named_by_the_catalogs_display_name() -> None:
    wiring = Wiring(settings=load_settings(), personas=load_personas(), approvals=None,
                    components=FixedParts(Components(TaggedRecommender(), None, None)))  # type: ignore[arg-type]
    [product] = LiveSources(wiring).top_products(Profile(skin_type="dry"), 1)
    assert product.name == "수분 크림 50ml"
    assert product.extra["name"] == "[20%OFF] 수분 크림 50ml 1+1 기획"  # the stored row keeps it all


def test_a_command_read_with_the_brands_reaches_the_recommender_as_read(tmp_path: Path) -> None:
    """The ack's reading is used as it is; only one made before the brands were known is
    read again (a request may name a brand only the catalog knows)."""
    from bot.store.approvals import Store

    wiring = build_wiring(load_settings(), Store.open(tmp_path / "bot.db"))
    pipeline = Pipeline(wiring)
    early = pipeline.parse("30s dry-skin woman, moisture")
    assert early.with_brands is False and early.profile.persona
    reads: list[str] = []
    real = pipeline._read
    pipeline._read = lambda text: reads.append(text) or real(text)  # type: ignore[method-assign]
    pipeline.recommend_and_draft("30s dry-skin woman, moisture", k=1, parsed=early)
    assert reads == ["30s dry-skin woman, moisture"]  # read again: the catalog is loaded now
    late = real("30s dry-skin woman, moisture")
    assert late.with_brands is True
    outcome = pipeline.recommend_and_draft("30s dry-skin woman, moisture", k=1, parsed=late)
    assert reads == ["30s dry-skin woman, moisture"]  # not again
    assert outcome.persona == late.profile.persona


def test_one_persona_lookup_for_the_digests_the_command_and_the_cli() -> None:
    personas = [PersonaInfo("Dry_Moisture", "건성 보습", "", Profile()),
                PersonaInfo("Oily_Pores", "지성 모공", "", Profile())]
    assert find_persona(" dry_moisture ", personas) is personas[0]
    assert find_persona("지성 모공", personas) is personas[1]
    assert find_persona("지성", personas) is None

    class Sources:
        def personas(self) -> list[PersonaInfo]:
            return personas

    assert select_personas(Sources(), "DRY_MOISTURE") == [personas[0]]  # type: ignore[arg-type]
    assert parse_digest_command("subscribe 지성 모공 mon 09:00", personas, "C1").persona == "Oily_Pores"
    with pytest.raises(DigestCommandError, match="Unknown persona `지성`"):
        parse_digest_command("subscribe 지성", personas, "C1")


def _draft(findings: list[dict[str, str]], approvable: bool) -> DraftRecord:
    return DraftRecord(id="d_1", request_id="r_1", position=0, tone="friendly", status="pending",
                       version=1, text="t", provider="offline", model="m", fallback_reason=None,
                       findings=findings, approvable=approvable, source="drafted",  # type: ignore[arg-type]
                       decided_by=None, decided_at=None)


@pytest.mark.parametrize(("severities", "approvable", "level", "count"), [
    ([], True, "ok", 0),
    (["warning", "warning"], True, "warn", 2),
    (["error", "warning"], False, "error", 1),
    ([], False, "error", 1),  # not approvable without a finding still blocks
])
def test_one_badge_for_slack_and_the_terminal(severities: list[str], approvable: bool,
                                              level: str, count: int) -> None:
    verdict = badge(severities, approvable)
    assert (verdict.level, verdict.count, verdict.approvable) == (level, count, level != "error")
    context = blocks.draft_blocks(_draft([{"severity": s} for s in severities], approvable), "en")[1]
    shown = context["elements"][-1]["text"]  # type: ignore[index]
    assert shown.startswith({"ok": ":white_check_mark:", "warn": ":warning:", "error": ":no_entry:"}[level])


def test_every_bot_error_has_the_one_root_and_keeps_its_builtin_base() -> None:
    for error, base in [(SettingsError, RuntimeError), (ComponentError, RuntimeError),
                        (DatabaseFileError, RuntimeError), (DraftClosedError, RuntimeError),
                        (CommandError, ValueError), (ProfileError, ValueError),
                        (ServiceError, RuntimeError), (DigestCommandError, ValueError),
                        (PostError, Exception)]:
        assert issubclass(error, BotError) and issubclass(error, base), error
    assert user_message(ServiceError("the model is missing")) == "the model is missing"
    from crm.context import BrandsFileError, UnknownProductError
    from crm.llm import LLMError

    for error in (BrandsFileError, UnknownProductError, LLMError):  # through crm's root
        assert is_expected(error.__new__(error)), error
    assert user_message(KeyError("secret internals")) is None


def test_every_recsys_error_is_spoken_through_its_root() -> None:
    """recsys' errors reach a person by their one root, whichever module raises them."""
    from recsys.catalog import CatalogError
    from recsys.model import ModelLoadError
    from recsys.parsing import ProfileParseError
    from recsys.personas import PersonaFileError, UnknownPersonaError
    from recsys.review_tables import TableError
    from recsys.splits import EvaluationError
    from recsys.train import TrainingDataError

    for error in (CatalogError, ModelLoadError, ProfileParseError, PersonaFileError, UnknownPersonaError,
                  TableError, EvaluationError, TrainingDataError):
        assert is_expected(error.__new__(error)), error  # matched by its class, not built
    assert user_message(ValueError("a plain ValueError is internal")) is None


def test_the_cli_maps_errors_through_the_one_map() -> None:
    import typer

    with pytest.raises(typer.Exit) as exited:
        with fail_on():
            raise ComponentError("MODEL_DIR: no model", exit_code=1)
    assert exited.value.exit_code == 1
    with pytest.raises(KeyError):
        with fail_on():
            raise KeyError("internal")


def test_products_text_shows_the_name_it_is_given() -> None:
    from bot.digests.compose import DigestProduct, PersonaDigest, ProductLine

    info = PersonaInfo("Dry_Moisture", "건성 보습", "", Profile())
    section = PersonaDigest(info, (ProductLine(1, DigestProduct("P1", "수분 크림 50ml", "Brand", 1, 0.5), None),),
                            (), (), None, True)
    assert "*수분 크림 50ml*" in products_text(section)


def test_recommend_cli_reports_a_bad_catalog_through_the_wiring(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["recommend", "30s dry skin", "--no-save"],
                                env={"CATALOG_PATH": str(tmp_path)})
    assert result.exit_code == 2 and "CATALOG_PATH" in result.output
