"""One error root: every error recsys raises on purpose is a RecsysError and keeps its builtin base."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import recsys
from recsys.catalog import CatalogError, load_catalog
from recsys.errors import RecsysError
from recsys.personas import UnknownPersonaError, get_persona

# Each public error and the builtin base that existing ``except`` clauses rely on.
BUILTIN_BASE = {
    "CatalogError": ValueError,
    "EvaluationError": ValueError,
    "ModelLoadError": RuntimeError,
    "PersonaFileError": ValueError,
    "ProfileParseError": ValueError,
    "SearchIndexError": RuntimeError,
    "TableError": ValueError,
    "TrainingDataError": ValueError,
    "UnknownPersonaError": KeyError,
}


def _public_errors() -> dict[str, type[BaseException]]:
    """Every public exception class defined in a recsys module (``__main__`` modules skipped)."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(recsys.__path__, "recsys."):
        if info.name.rpartition(".")[2] == "__main__":
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == info.name
                    and not name.startswith("_")):
                found[name] = obj
    return found


def test_every_public_recsys_error_derives_from_the_root_and_keeps_its_builtin_base() -> None:
    errors = _public_errors()
    assert set(errors) == set(BUILTIN_BASE) | {"RecsysError"}
    for name, cls in errors.items():
        assert issubclass(cls, RecsysError), name
        if name != "RecsysError":
            assert issubclass(cls, BUILTIN_BASE[name]), name


def test_the_root_and_the_old_clauses_both_catch_real_failures(tmp_path: Path) -> None:
    with pytest.raises(RecsysError) as caught:
        get_persona("Nobody")
    assert isinstance(caught.value, UnknownPersonaError) and isinstance(caught.value, KeyError)
    assert "valid personas" in str(caught.value)
    with pytest.raises(ValueError) as missing:
        load_catalog(tmp_path / "missing.json")
    assert isinstance(missing.value, CatalogError) and isinstance(missing.value, RecsysError)
