"""The Slack services build their parts from settings through bot.components: a named but
missing file is a clear error naming the setting, never a silent switch to demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.slack.services import Pipeline, ServiceError
from bot.settings import load_settings
from bot.store.approvals import Store
from bot.wiring import build_wiring


def test_missing_catalog_names_the_setting(tmp_path: Path) -> None:
    settings = load_settings(catalog_path=tmp_path / "missing.json")
    pipeline = Pipeline(build_wiring(settings, Store.open(tmp_path / "bot.db")))
    with pytest.raises(ServiceError, match="CATALOG_PATH"):
        pipeline.parts()


def test_contact_number_reaches_the_drafter(tmp_path: Path) -> None:
    settings = load_settings(crm_contact_number="1588-1234")
    parts = Pipeline(build_wiring(settings, Store.open(tmp_path / "bot.db"))).parts()
    recommender, drafter = parts.recommender, parts.drafter
    assert drafter.contact_number == "1588-1234"
    assert recommender.catalog.products.shape[0] > 0
