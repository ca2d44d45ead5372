"""PERSONAS_PATH reaches every parser the CLI uses; a broken file is one clear line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from recsys.paths import PERSONAS

RUNNER = CliRunner()


def _renamed_personas(tmp_path: Path) -> Path:
    text = PERSONAS.read_text(encoding="utf-8").replace("Dry_Winter", "Desert_Skin")
    path = tmp_path / "personas.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_uses_the_teams_personas_file(tmp_path: Path) -> None:
    env = {"PERSONAS_PATH": str(_renamed_personas(tmp_path))}
    result = RUNNER.invoke(app, ["parse", "30s dry-skin woman, moisture", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["persona"] == "Desert_Skin"
    readable = RUNNER.invoke(app, ["parse", "30s dry-skin woman"], env=env, terminal_width=160)
    assert readable.exit_code == 0 and "Desert_Skin" in readable.output


def test_recommend_uses_the_teams_personas_file(tmp_path: Path) -> None:
    env = {"PERSONAS_PATH": str(_renamed_personas(tmp_path)), "DB_PATH": str(tmp_path / "x.db")}
    result = RUNNER.invoke(app, ["recommend", "30s dry-skin woman", "--json", "--no-save"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["persona"] == "Desert_Skin"


def test_broken_personas_file_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "personas.json"
    broken.write_text("{not json", encoding="utf-8")
    for args in (["parse", "30s woman"], ["recommend", "30s woman"]):
        result = RUNNER.invoke(app, args, env={"PERSONAS_PATH": str(broken)})
        assert result.exit_code == 2, result.output
        assert "PERSONAS_PATH" in result.output and "Traceback" not in result.output
