"""CLI commands: ``personabot catalog generate`` and ``personabot catalog info``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.text import Text

from bot.commands.common import console, fail, require_file

catalog_app = typer.Typer(
    help=(
        "The product catalog: regenerate the shipped demo data or inspect a catalog file.\n\n"
        "Try:  personabot catalog info data/products.json"
    ),
    no_args_is_help=True,
)


@catalog_app.command("generate")
def generate(
    out: Path = typer.Option(None, "--out", help="Folder to write into (default: the project's data/)."),
    seed: int = typer.Option(None, "--seed", help="Random seed (default: the shipped seed)."),
) -> None:
    """Regenerate the demo catalog, its oracle, brand guides and CRM examples.

    With the default seed the files are byte-identical to the shipped ones, so
    `git status` stays clean after running it.

    Examples:

      personabot catalog generate

      personabot catalog generate --out /tmp/demo --seed 7
    """
    from recsys import demo_data
    from recsys.paths import DATA_DIR

    target = out if out is not None else DATA_DIR
    try:
        written = demo_data.write(target, demo_data.SEED if seed is None else seed)
    except OSError as exc:
        fail(f"cannot write to {target}: {exc.strerror or exc}; choose another --out folder")
    for path in written:
        console.print(Text(f"wrote {path} ({path.stat().st_size:,} bytes)"), highlight=False)


@catalog_app.command("info")
def info(
    path: Path = typer.Argument(None, help="A products.json, amoremall_reviews.json or customers.json file "
                                           "(default: the shipped demo catalog)."),
    interactions: Path = typer.Option(None, "--interactions", help="Extra interactions, e.g. a customers.json."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    show_skipped: bool = typer.Option(False, "--skipped", help="List every skipped record."),
) -> None:
    """Load a catalog file and print what it holds: products, brands, categories, interactions, skipped records.

    Examples:

      personabot catalog info

      personabot catalog info exports/amoremall_reviews.json --skipped

      personabot catalog info data/products.json --interactions exports/customers.json --json
    """
    require_file(path, "catalog file")
    require_file(interactions, "--interactions")
    from recsys.catalog import CatalogError, load_catalog
    from recsys.paths import DEMO_CATALOG

    try:
        catalog = load_catalog(path or DEMO_CATALOG, interactions_path=interactions)
    except CatalogError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot read {exc.filename or path}: {exc.strerror or exc}; check the file's permissions")
    summary = catalog.summary()
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        from rich.table import Table

        console.print(Text(catalog.describe()), highlight=False)
        table = Table(show_header=False, box=None)
        for key, value in summary.items():
            shown = ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict) else value
            if key.startswith("price_"):
                shown = f"₩{value:,}"
            table.add_row(key, Text("—" if shown is None else str(shown)))
        console.print(table)
    if catalog.skipped and (show_skipped or not as_json):
        listed = catalog.skipped if show_skipped else catalog.skipped[:5]
        for line in listed:
            console.print(f"skipped: {line}", highlight=False, markup=False)
        if len(listed) < len(catalog.skipped):
            console.print(f"... and {len(catalog.skipped) - len(listed)} more (use --skipped)", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(catalog_app, name="catalog")
