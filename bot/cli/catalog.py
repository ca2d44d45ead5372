"""CLI commands: ``personabot catalog generate`` and ``personabot catalog info``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.text import Text

from bot.cli.common import COLUMNS_HELP, console, fail, fail_on, require_file, settings_or_exit

if TYPE_CHECKING:
    from recsys.catalog import Catalog

# The --json summary: nested JSON that the printer below indexes by its documented keys
# (docs/catalogs.md), so its values stay Any.
Summary = dict[str, Any]

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
    from recsys.demo.generate import SEED, write
    from recsys.paths import DATA_DIR

    target = out if out is not None else DATA_DIR
    try:
        written = write(target, SEED if seed is None else seed)
    except OSError as exc:
        fail(f"cannot write to {target}: {exc.strerror or exc}; choose another --out folder")
    for path in written:
        console.print(Text(f"wrote {path} ({path.stat().st_size:,} bytes)"), highlight=False)


EXAMPLES = 3  # examples shown per understood field
UNDERSTOOD_FIELDS = ("sub_type", "kind", "concerns", "functions")
FIELD_LABELS = {"sub_type": "sub-type 세부 유형", "kind": "kind 분류", "concerns": "concerns 고민",
                "functions": "functions 기능성"}
PROFILE_FIELDS = ("age_min", "gender", "skin_type")


@catalog_app.command("info")
def info(
    path: Path = typer.Argument(None, help="A products.json, amoremall_reviews.json or a review table "
                                           "(CSV/TSV/XLSX, one row per review) (default: the shipped demo catalog)."),
    interactions: Path = typer.Option(None, "--interactions", help="Extra interactions, e.g. a customers.json."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON (keys: see docs/catalogs.md)."),
    show_skipped: bool = typer.Option(False, "--skipped", help="List every skipped record."),
    columns: str = typer.Option(None, "--columns", help=COLUMNS_HELP),
    model: Path = typer.Option(None, "--model", help="Model folder to compare with (default: MODEL_DIR)."),
) -> None:
    """Load a catalog and show what personabot understood of it, with examples.

    Products with a recognised sub-type, kind, concerns and functions; reviews with a
    reviewer profile (from the export or mined from the text); missing ratings; brands
    without a tone guide (BRANDS_PATH); how much of the catalog the model (MODEL_DIR) has
    seen; for a review table, which column each field was read from.

    A customers.json is not a catalog: give its catalog and add it with --interactions.

    Examples:

      personabot catalog info

      personabot catalog info exports/amoremall_reviews.json --skipped

      personabot catalog info exports/reviews.csv --columns review=내용,name=상품명

      personabot catalog info data/products.json --interactions exports/customers.json --json
    """
    require_file(path, "catalog file")
    require_file(interactions, "--interactions")
    from recsys.catalog import load_catalog
    from recsys.paths import DEMO_CATALOG

    settings = settings_or_exit()
    try:
        with fail_on():  # an unreadable catalog: one line saying what is wrong with it
            catalog = load_catalog(path or DEMO_CATALOG, interactions_path=interactions, columns=columns)
    except OSError as exc:
        fail(f"cannot read {exc.filename or path}: {exc.strerror or exc}; check the file's permissions")
    summary = catalog.summary()
    summary.update(understanding(catalog))
    summary["brands_without_tone_guide"] = brands_without_guide(catalog, settings.brands_path)
    summary["model"] = model_coverage(catalog, model if model is not None else settings.model_dir)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        _print_info(catalog, summary)
    if catalog.skipped and (show_skipped or not as_json):
        listed = catalog.skipped if show_skipped else catalog.skipped[:5]
        for line in listed:
            console.print(f"skipped: {line}", highlight=False, markup=False)
        if len(listed) < len(catalog.skipped):
            console.print(f"... and {len(catalog.skipped) - len(listed)} more (use --skipped)", highlight=False)


def _has(value: object) -> bool:
    """A recognised value: non-blank text or a non-empty list (NaN and None are not)."""
    if isinstance(value, str):
        return bool(value.strip())
    return hasattr(value, "__len__") and len(value) > 0  # type: ignore[arg-type]


def _values(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [str(v) for v in value] if _has(value) else []  # type: ignore[attr-defined]


def understanding(catalog: Catalog) -> Summary:
    """What the loader recognised, with counts and examples (the ``--json`` keys ``understood``,
    ``not_understood``, ``reviews`` and ``ratings_missing``).

    Columns another loader version lacks are reported as ``None`` rather than guessed.
    """
    products = catalog.products
    names = products["display_name"] if "display_name" in products else products["name"]
    understood: Summary = {}
    not_understood: dict[str, list[str]] = {}
    for fld in UNDERSTOOD_FIELDS:
        if fld not in products:
            understood[fld] = None
            continue
        have = products[fld].map(_has)
        counts: dict[str, int] = {}
        examples: list[dict[str, object]] = []
        shown: set[str] = set()
        for name, pid, value in zip(names, products["product_id"], products[fld]):
            values = _values(value)
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            key = ",".join(values)
            if values and key not in shown and len(examples) < EXAMPLES:
                shown.add(key)
                examples.append({"product_id": str(pid), "name": str(name),
                                 "value": values[0] if fld in ("sub_type", "kind") else values})
        understood[fld] = {
            "products": int(have.sum()),
            "share": round(float(have.mean()), 3) if len(products) else 0.0,
            "values": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "examples": examples,
        }
        not_understood[fld] = [str(n) for n in names[~have].head(EXAMPLES)]
    inter = catalog.interactions
    reviews = inter[inter["source"] == "review"]
    with_profile = reviews[list(PROFILE_FIELDS)].notna().any(axis=1) | reviews["concerns"].map(bool)
    source = reviews["profile_source"] if "profile_source" in reviews else None
    review_counts = {
        "total": int(len(reviews)),
        "with_profile": int(with_profile.sum()),
        # None until the loader records where a profile came from (the export or the review text)
        "mined_profile": int((source == "mined").sum()) if source is not None else None,
        "export_profile": int((source == "export").sum()) if source is not None else None,
    }
    rated = products["rating"].isna() if "rating" in products else None
    return {
        "understood": understood,
        "not_understood": not_understood,
        "reviews": review_counts,
        "ratings_missing": {
            "products": int(rated.sum()) if rated is not None else None,
            "reviews": int(reviews["rating"].isna().sum()),
        },
    }


def brands_without_guide(catalog: Catalog, brands_path: Path | None) -> Summary:
    """Brands of the catalog with no tone guide in ``brands_path``, matched as
    :meth:`crm.context.ContextIndex.brand_for` matches them (by brand id, else by name)."""
    from crm.context import BrandsFileError, load_brands

    try:
        guides = load_brands(brands_path) if brands_path else {}
    except BrandsFileError as exc:
        return {"count": None, "brands": [], "error": str(exc)}
    names = {g.name for g in guides.values()} | {g.name_en for g in guides.values() if g.name_en}
    missing = sorted({
        str(brand) for brand, brand_id in zip(catalog.products["brand"], catalog.products["brand_id"])
        if brand and not (brand_id and brand_id in guides) and brand not in names
    })
    return {"count": len(missing), "brands": missing, "error": None}


def model_coverage(catalog: Catalog, model_dir: Path) -> Summary:
    """How much of ``catalog`` the model in ``model_dir`` has seen (``recsys.model_catalog``)."""
    from recsys.model import ModelLoadError, load_checkpoint
    from recsys.model_catalog import catalog_match

    try:
        _, vocab, meta = load_checkpoint(Path(model_dir))
    except ModelLoadError as exc:
        return {"dir": str(model_dir), "error": str(exc)}
    return {"dir": str(model_dir), "error": None, **catalog_match(meta, vocab, catalog).to_dict()}


def _print_info(catalog: Catalog, summary: Summary) -> None:
    from rich.table import Table

    console.print(Text(catalog.describe()), highlight=False)
    table = Table(show_header=False, box=None)
    for key in ("format", "products", "brands", "categories", "price_min", "price_max", "interactions",
                "interactions_with_profile", "sources", "first_date", "last_date", "unmatched_interactions"):
        value = summary[key]
        shown = ", ".join(f"{k} {v}" for k, v in value.items()) if isinstance(value, dict) else value
        if key.startswith("price_"):
            shown = f"₩{value:,}"
        table.add_row(key, Text("—" if shown is None else str(shown)))
    if summary["column_map"]:
        table.add_row("columns 열", Text(", ".join(f"{f}←{h}" for f, h in summary["column_map"].items())))
    console.print(table)

    n = summary["products"]
    console.print(Text("Understood 이해한 것", style="bold"))
    rows = Table(show_header=False, box=None)
    rows.add_column(no_wrap=True)
    rows.add_column(overflow="fold")
    for fld, entry in summary["understood"].items():
        label = FIELD_LABELS[fld]
        if entry is None:
            rows.add_row(label, Text("— (not read by this loader)"))
            continue
        top = ", ".join(f"{v} {c}" for v, c in list(entry["values"].items())[:6])
        examples = "; ".join(
            f"{e['name']} → {e['value'] if isinstance(e['value'], str) else ', '.join(e['value'])}"
            for e in entry["examples"])
        missed = summary["not_understood"].get(fld) or [] if fld in ("sub_type", "kind") else []
        line = f"{entry['products']:,} of {n:,} products ({entry['share']:.0%})"
        line += f" · {top}" if top else ""
        line += f"\n  e.g. {examples}" if examples else ""
        line += f"\n  not recognised: {'; '.join(missed)}" if missed else ""
        rows.add_row(label, Text(line))
    reviews = summary["reviews"]
    mined = (f", {reviews['mined_profile']:,} mined from the text 리뷰 본문에서"
             if reviews["mined_profile"] is not None else "")
    rows.add_row("reviewers 리뷰어", Text(f"{reviews['with_profile']:,} of {reviews['total']:,} reviews with a "
                                         f"reviewer profile{mined}"))
    missing = summary["ratings_missing"]
    products_missing = "—" if missing["products"] is None else f"{missing['products']:,} of {n:,} products"
    rows.add_row("ratings missing 평점 없음",
                 Text(f"{products_missing}, {missing['reviews']:,} of {reviews['total']:,} reviews (0 or blank = missing)"))
    guides = summary["brands_without_tone_guide"]
    if guides.get("error"):
        rows.add_row("tone guides 톤 가이드", Text(f"— {guides['error']}"))
    else:
        listed = ", ".join(guides["brands"][:8]) + (" …" if len(guides["brands"]) > 8 else "")
        rows.add_row("no tone guide 톤 가이드 없음",
                     Text(f"{guides['count']} of {summary['brands']} brands" + (f": {listed}" if listed else "")))
    model = summary["model"]
    if model.get("error"):
        rows.add_row("model 모델", Text(f"— {model['error']}"))
    else:
        from recsys.model_catalog import CatalogMatch

        match = CatalogMatch(**{k: v for k, v in model.items() if k not in ("dir", "error")})
        text = (f"{model['dir']}: trained on this catalog; seen {match.seen_text('en')}" if match.same
                else f"{model['dir']}: {match.message('en')}")
        rows.add_row("model 모델", Text(text))
    console.print(rows)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(catalog_app, name="catalog")
