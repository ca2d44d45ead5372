"""Bad input to the CLI is one clear line and exit 2, never a traceback (nor silent demo data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from bot.cli import app
from bot.cli import common
from bot.cli.digest import render_digest
from bot.components import ComponentError, build_components
from bot.store.db import DatabaseFileError, connect
from bot.digests.compose import compose_digest
from bot.settings import load_settings
from recsys.paths import DEMO_CATALOG, DEMO_MODEL_DIR
from tests.bot._digest_helpers import FakeSources

runner = CliRunner()
HAS_MODEL = (DEMO_MODEL_DIR / "model.json").exists() and DEMO_CATALOG.exists()
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="demo model not trained")


def one_line_error(result, code: int = 2) -> str:
    """The failure's text, after checking it is a clean exit with an ``error:`` line."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    return result.output.strip()


def corrupt_db(tmp_path: Path) -> Path:
    path = tmp_path / "bot.db"
    path.write_text("this is a text file, not a SQLite database\n" * 20)
    return path


def test_fail_prints_user_text_literally() -> None:
    result = runner.invoke(app, ["recommend", "[/x] zzz"])
    text = one_line_error(result)
    assert "[/x] zzz" in text


def test_fail_keeps_a_styled_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    console = Console(record=True, force_terminal=True, width=200)
    monkeypatch.setattr(common, "err_console", console)
    with pytest.raises(typer.Exit) as caught:
        common.fail("bad [bold]thing[/]")
    assert caught.value.exit_code == 2
    assert console.export_text(styles=False, clear=False).strip() == "error: bad [bold]thing[/]"
    assert "\x1b[1;31merror:" in console.export_text(styles=True)


def test_render_digest_shows_names_drafts_and_reviews_literally() -> None:
    sources = FakeSources(ranking={"Dry_Moisture": ["[/b]", "[red]P2"]}, draft_text="[광고] [/x] 보습 무료수신거부 080")
    digest = compose_digest(sources, "Dry_Moisture", None, period_label="Week [1]")
    out = Console(record=True, width=160)
    render_digest(digest, out)
    text = out.export_text()
    assert "Product [/b]" in text and "Product [red]P2" in text
    assert "[/b] kept my skin moist all day" in text
    assert "[광고] [/x] 보습" in text


@needs_model
def test_a_missing_catalog_path_is_an_error_not_the_demo_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere" / "products.json"
    monkeypatch.setenv("CATALOG_PATH", str(missing))
    text = one_line_error(runner.invoke(app, ["recommend", "30s dry-skin woman, moisture"]))
    assert f"catalog file not found: {missing} (CATALOG_PATH)" in text


def test_build_components_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ComponentError, match="CATALOG_PATH") as caught:
        build_components(load_settings(catalog_path=tmp_path))
    assert caught.value.exit_code == 2


@needs_model
@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "is not valid JSON (line 1"),
    (None, "brands file not found"),
])
def test_a_broken_or_missing_brands_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, expected: str
) -> None:
    brands = tmp_path / "brands.json"
    if content is not None:
        brands.write_text(content)
    monkeypatch.setenv("BRANDS_PATH", str(brands))
    text = one_line_error(runner.invoke(app, ["recommend", "30s dry-skin woman, moisture"]))
    assert expected in text and str(brands) in text and "BRANDS_PATH" in text


def test_a_corrupt_database_file_is_a_clear_error(tmp_path: Path) -> None:
    path = corrupt_db(tmp_path)
    with pytest.raises(DatabaseFileError, match="DB_PATH") as caught:
        connect(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("args", [["digest", "status"], ["digest", "run", "--subscription", "1"],
                                  ["digest", "run", "--subscription", "1", "--dry-run"]])
def test_digest_commands_report_a_corrupt_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    path = corrupt_db(tmp_path)
    monkeypatch.setenv("DB_PATH", str(path))
    text = one_line_error(runner.invoke(app, args))
    assert str(path) in text and "DB_PATH" in text and "not a database" in text


@pytest.mark.parametrize("where", ["missing-folder", "a-folder"])
def test_digest_chart_path_is_checked_before_composing(tmp_path: Path, where: str) -> None:
    chart = tmp_path / "nowhere" / "x.png" if where == "missing-folder" else tmp_path
    result = runner.invoke(app, ["digest", "run", "--persona", "Dry_Winter", "--dry-run", "--chart", str(chart)])
    text = one_line_error(result)
    assert "--chart" in text and "Dry_Winter" not in text  # nothing was composed or printed first


def test_catalog_info_on_a_folder(tmp_path: Path) -> None:
    text = one_line_error(runner.invoke(app, ["catalog", "info", str(tmp_path)]))
    assert f"{tmp_path} is a folder" in text


def test_evaluate_plots_onto_a_file_fails_before_evaluating(tmp_path: Path) -> None:
    target = tmp_path / "plots.png"
    target.write_text("")
    # The model folder does not exist: the --plots check must come first to be seen.
    result = runner.invoke(app, ["evaluate", "--model", str(tmp_path / "no-model"), "--plots", str(target)])
    text = one_line_error(result)
    assert f"--plots {target} is not a folder" in text


@pytest.mark.parametrize("inside", [False, True])
def test_train_out_onto_a_file_fails_before_training(tmp_path: Path, inside: bool) -> None:
    blocker = tmp_path / "model"
    blocker.write_text("")
    out = blocker / "sub" if inside else blocker
    catalog = tmp_path / "products.json"
    catalog.write_text(json.dumps([]))  # would fail in training; the --out check must come first
    text = one_line_error(runner.invoke(app, ["train", "--catalog", str(catalog), "--out", str(out)]))
    assert f"--out {out} is not a folder" in text


def test_train_catalog_folder_is_named_as_input(tmp_path: Path) -> None:
    text = one_line_error(runner.invoke(app, ["train", "--catalog", str(tmp_path), "--out", str(tmp_path / "m")]))
    assert f"--catalog {tmp_path} is a folder" in text


def test_digest_group_help_teaches_with_examples() -> None:
    result = runner.invoke(app, ["digest", "--help"], terminal_width=120)
    assert result.exit_code == 0
    assert "personabot digest run --persona Dry_Winter --dry-run" in result.output
    assert "personabot digest status" in result.output
