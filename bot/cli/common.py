"""Small helpers every CLI command shares: consoles, clean failures, settings, the wiring."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from bot.errors import user_message
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from recsys.catalog import Catalog
    from recsys.personas import Persona
    from bot.wiring import Wiring

console = Console()
err_console = Console(stderr=True)


COLUMNS_HELP = ("Review tables (CSV/TSV/XLSX) only: which header holds which field, where the usual Korean/English "
                "headers are not used, e.g. review=내용,name=상품명,rating=별점 (fields: product_id, name, brand, "
                "price, category, rating, review, reviewer, date, skin_type, age, gender, concerns).")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error on stderr and exit with ``code`` (no traceback).

    The message often echoes user input or file contents, so it is printed as literal
    text: brackets such as ``[/x]`` are shown as typed, never read as rich markup. It is
    never folded either, so a long path stays one copyable line.
    """
    err_console.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def fail_on() -> Iterator[None]:
    """Inside, an error meant for a person (:func:`bot.errors.user_message`: the bot's, crm's,
    recsys') ends the command with its one line and exit code, never a traceback; anything
    else propagates as the internal error it is."""
    try:
        yield
    except Exception as exc:
        message = user_message(exc)
        if message is None:
            raise
        fail(message, getattr(exc, "exit_code", 2))


def wiring_or_exit(settings: Settings, *, store: bool = False) -> Wiring:
    """The command's wiring (:func:`bot.wiring.build_wiring`): the personas first (a bad
    ``PERSONAS_PATH`` is one line naming it), then, with ``store``, the approvals store on
    ``DB_PATH`` (an unusable file is one line naming it)."""
    from bot.store.approvals import Store
    from bot.store.db import db_errors
    from bot.wiring import build_wiring

    personas_or_exit(settings)
    approvals = None
    if store:
        with fail_on(), db_errors(settings.db_path):
            approvals = Store.open(settings.db_path)
    return build_wiring(settings, approvals)


def personas_or_exit(settings: Settings) -> tuple[Persona, ...]:
    """The team's personas from ``PERSONAS_PATH``, or a one-line error naming it."""
    from recsys.personas import PersonaFileError, load_personas

    try:
        return load_personas(settings.personas_path)
    except PersonaFileError as exc:
        fail(f"PERSONAS_PATH: {exc}")


def settings_or_exit(**overrides: object) -> Settings:
    """The settings, or a one-line :class:`SettingsError` naming the variable (exit 2)."""
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc))


def require_file(path: Path | None, option: str) -> None:
    """Fail (exit 2) before any work when ``option`` names a folder or nothing at all."""
    if path is None:
        return
    if path.is_dir():
        fail(f"{option} {path} is a folder; give the path of a file in it")
    if not path.exists():
        fail(f"{option} {path}: file not found; check the path")


def require_output_folder(path: Path | None, option: str) -> None:
    """Fail (exit 2) before any work when ``option`` (a folder, created if missing) cannot be one.

    It cannot when the path, or the nearest part of it that exists, is a file.
    """
    if path is None:
        return
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        where = "" if existing == path else f" ({existing} is a file)"
        fail(f"{option} {path} is not a folder{where}; choose a folder path (it is created if missing)")


def catalog_brands(catalog: Catalog) -> tuple[str, ...]:
    """The brand names of a loaded catalog, as the parser reads them from requests."""
    brands = catalog.products["brand"]
    return tuple(str(b) for b in brands.dropna().unique() if str(b).strip())


_BRANDS_CACHE: dict[tuple[str, float], tuple[str, ...]] = {}


def request_brands(settings: Settings) -> tuple[str, ...]:
    """The brands of the catalog a request would be served from: ``CATALOG_PATH``, else the
    catalog recorded in ``MODEL_DIR/model.json`` (the demo one when none is recorded).

    Loaded once per file version; a catalog that cannot be loaded is a one-line warning on
    stderr and no brands: a broken catalog must not stop ``parse`` from showing what the rest
    of the text means.
    """
    import json

    from recsys.catalog import CatalogError, load_catalog
    from recsys.model import META_FILE
    from recsys.paths import resolve_catalog_path

    path, columns = settings.catalog_path, None
    if path is None:
        try:
            meta = json.loads((Path(settings.model_dir) / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        meta = meta if isinstance(meta, dict) else {}
        path, columns = resolve_catalog_path(meta.get("catalog")), meta.get("columns") or None
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError as exc:
        err_console.print(f"warning: catalog {path} not readable ({exc.strerror}); brands not read",
                          markup=False, highlight=False, soft_wrap=True)
        return ()
    if key not in _BRANDS_CACHE:
        try:
            _BRANDS_CACHE[key] = catalog_brands(load_catalog(path, columns=columns))
        except (CatalogError, OSError, ValueError) as exc:
            err_console.print(f"warning: catalog {path}: {exc}; brands not read",
                              markup=False, highlight=False, soft_wrap=True)
            return ()
    return _BRANDS_CACHE[key]
