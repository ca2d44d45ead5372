"""A brands file that was named but is missing or broken is a clear error, never silent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm.context import BrandsFileError, ContextIndex, load_brands
from tests.crm._crm_helpers import make_catalog


def test_a_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "brands.json"
    with pytest.raises(BrandsFileError, match="brands file not found") as caught:
        ContextIndex.from_files(make_catalog(), missing)
    assert str(missing) in str(caught.value)


@pytest.mark.parametrize(("content", "expected"), [
    ('{"brands": [', "is not valid JSON (line 1"),
    ("42", "does not hold brand records"),
    ('["just a name"]', "does not hold brand records"),
    (b"\xff\xfe\x00", "cannot be read"),
])
def test_a_broken_file_is_one_line_naming_it(tmp_path: Path, content: str | bytes, expected: str) -> None:
    path = tmp_path / "brands.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(BrandsFileError) as caught:
        load_brands(path)
    message = str(caught.value)
    assert expected in message and str(path) in message and "\n" not in message
    assert isinstance(caught.value, ValueError)


def test_a_folder_is_not_a_brands_file(tmp_path: Path) -> None:
    with pytest.raises(BrandsFileError, match="cannot be read"):
        load_brands(tmp_path)


def test_valid_guides_load_and_none_means_no_guides(tmp_path: Path) -> None:
    path = tmp_path / "brands.json"
    path.write_text(json.dumps([{"brand_id": "B01", "name_ko": "라온뷰티", "tone_keywords": ["촉촉한"]}]),
                    encoding="utf-8")
    assert load_brands(path)["B01"].tone_keywords == ("촉촉한",)
    assert ContextIndex.from_files(make_catalog(), path).brands["B01"].name == "라온뷰티"
    assert ContextIndex.from_files(make_catalog(), None).brands == {}
