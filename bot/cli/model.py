"""CLI commands: ``personabot train`` and ``personabot evaluate`` for the two-tower model."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.text import Text

from bot.cli.common import COLUMNS_HELP, console, fail, fail_on, require_file, require_output_folder

if TYPE_CHECKING:
    from rich.table import Table

# recsys.evaluate's report: nested JSON indexed below by its documented keys, so Any.
Report = dict[str, Any]


class Protocol(str, Enum):
    random = "random"
    time = "time"
    cold = "cold"


def train(
    catalog: Path = typer.Option(..., "--catalog", help="products.json, amoremall_reviews.json or customers.json."),
    out: Path = typer.Option(..., "--out", help="Folder for weights.pt + model.json (created if missing)."),
    interactions: Path = typer.Option(None, "--interactions", help="Extra interactions, e.g. a customers.json."),
    epochs: int = typer.Option(60, "--epochs", min=1, help="Maximum epochs (early stopping usually ends sooner)."),
    seed: int = typer.Option(0, "--seed", help="Seed for the split, initialisation and shuffling."),
    holdout: float = typer.Option(0.2, "--holdout", min=0.0, max=0.9,
                                  help="Share of interactions held out for `personabot evaluate` (0: train on all)."),
    protocol: Protocol = typer.Option(Protocol.random, "--protocol",
                                      help="How the held-out share is chosen: random (stratified by persona), "
                                           "time (latest by date; needs dated interactions) or cold (whole products)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
    columns: str = typer.Option(None, "--columns", help=COLUMNS_HELP),
) -> None:
    """Train the two-tower recommender from reviews with a customer profile (and/or a customers file).

    A review's profile is its profile_info, or else what its text says about the writer ("30대후반 입니다", "저는 건성인데"), so a real export without profiles trains on its own.

    A seeded share of interactions is held out and recorded in OUT/model.json, so `personabot evaluate --model OUT` measures on interactions the model never saw.

    Same catalog + same seed = same model and same metrics. The demo catalog trains in about 10-20 s on 2 CPU cores.

    Examples:

      personabot train --catalog data/products.json --out data/model

      personabot train --catalog data/products.json --out /tmp/m --protocol cold --seed 1

      personabot train --catalog exports/amoremall_reviews.json --out /tmp/real

      personabot train --catalog exports/amoremall_reviews.json --interactions exports/customers.json --out /tmp/m

      personabot train --catalog data/products.json --out /tmp/full --holdout 0

      personabot train --catalog exports/reviews.xlsx --columns review=내용,name=상품명 --out /tmp/m

    A customers.json is not a catalog: pass it with --interactions next to the catalog it was bought from.
    """
    require_file(catalog, "--catalog")
    require_file(interactions, "--interactions")
    require_output_folder(out, "--out")
    from recsys.train import TrainConfig, train_to_dir

    try:
        with fail_on():  # a bad catalog or too little to train on: one line saying so
            summary = train_to_dir(catalog, out, TrainConfig(seed=seed, epochs=epochs),
                                   interactions_path=interactions, holdout=holdout,
                                   protocol=protocol.value, progress=not quiet, columns=columns)
    except OSError as exc:
        fail(f"cannot write the model to {out}: {exc.strerror or exc}; choose another --out folder")
    console.print(
        Text.assemble(
            ("trained", "bold green"),
            f" in {summary['seconds']:.1f} s · best epoch {summary['best_epoch']} · "
            f"{summary['n_train']:,} train / {summary['n_val']:,} validation / {summary['n_test']:,} held-out "
            f"interactions · {summary['steps']:,} optimizer steps of batch {summary['batch_size']} · "
            f"validation Hit@10 {summary['val_hit10']:.3f}\n"
            f"saved to {out}/ — next: personabot evaluate --model {out}",
        ),
        highlight=False,
    )


def _table(report: Report) -> Table:
    from rich.table import Table

    k = report["k"]
    table = Table(title=Text(f"{report['source']} · n={report['n']:,} · whole-catalog ranking"))
    table.add_column("scorer")
    for metric in ("Hit", "Category Hit", "NDCG", "MRR", "Coverage"):
        table.add_column(f"{metric}@{k}" if metric != "MRR" else metric, justify="right")
    rows = [("two-tower", report["model"]), *report["baselines"].items()]
    if report.get("oracle"):
        rows.append(("oracle (ceiling)", report["oracle"]))
    for name, m in rows:
        style = "bold" if name == "two-tower" else None
        table.add_row(name, *(f"{m[key]:.3f}" for key in ("hit", "category_hit", "ndcg", "mrr", "coverage")),
                      style=style)
    return table


def _persona_table(report: Report) -> Table:
    from rich.table import Table

    k = report["k"]
    names = list(report["baselines"])
    table = Table(title=f"Hit@{k} by persona")
    for col in ("persona", "n", "two-tower", *names, *(["oracle"] if report.get("oracle") else [])):
        table.add_column(col, justify="left" if col == "persona" else "right")
    for persona, entry in report["by_persona"].items():
        cells = [Text(str(persona)), str(entry["n"]), f"{entry['model']['hit']:.3f}",
                 *(f"{entry['baselines'][b]['hit']:.3f}" for b in names)]
        if entry.get("oracle"):
            cells.append(f"{entry['oracle']['hit']:.3f}")
        table.add_row(*cells)
    return table


def evaluate(
    model: Path = typer.Option(Path("data/model"), "--model", help="Folder written by `personabot train`."),
    catalog: Path = typer.Option(None, "--catalog", help="Catalog to rank (default: the one the model was trained on)."),
    interactions: Path = typer.Option(None, "--interactions",
                                      help="Evaluate on exactly this file's interactions (customers.json or a catalog)."),
    k: int = typer.Option(3, "--k", min=1, max=100, help="Cut-off for Hit, NDCG, Category Hit and Coverage."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with stable keys."),
    plots: Path = typer.Option(None, "--plots", help="Write by_persona.png and embeddings.png into this folder."),
    in_sample: bool = typer.Option(False, "--in-sample",
                                   help="Measure on the training interactions (optimistic; only to compare "
                                        "with the prototype's numbers)."),
    oracle: Path = typer.Option(None, "--oracle", help="Oracle file for the ceiling (default: data/oracle.json "
                                                       "when evaluating the demo catalog)."),
    columns: str = typer.Option(None, "--columns", help=COLUMNS_HELP),
) -> None:
    """Rank the whole catalog for every held-out interaction and compare with baselines.

    Reports Hit@k, Category Hit@k, NDCG@k, MRR and catalog coverage@k, overall and by persona, for the model, random, global popularity, persona popularity, naive-Bayes profile-conditional popularity and (demo catalog) the oracle ceiling.

    Without --interactions it uses the split recorded at training time. When the interactions you pass overlap the rows the model was trained on, the output (and "overlap"/"warning" in --json) says so: those numbers are in-sample.

    Examples:

      personabot evaluate --model data/model --k 10

      personabot evaluate --model data/model --catalog data/products.json --k 3 --json

      personabot evaluate --model data/model --interactions exports/customers.json --plots out/plots
    """
    require_file(catalog, "--catalog")
    require_file(interactions, "--interactions")
    require_file(oracle, "--oracle")
    require_output_folder(plots, "--plots")
    from recsys.demo.oracle import Oracle, demo_oracle_for
    from recsys.evaluate import evaluate_model_dir

    # The ceiling: the --oracle file, else the demo generator's own when this is the demo catalog.
    oracle_for = demo_oracle_for if oracle is None else (lambda _catalog: Oracle.load(oracle))
    with fail_on():  # a bad model, catalog or split: one line saying so
        report, recommender = evaluate_model_dir(model, catalog, interactions_path=interactions, k=k,
                                                 in_sample=in_sample, oracle_for=oracle_for, columns=columns)
    written: list[Path] = []
    if plots is not None:
        from recsys.plots import plot_by_persona, plot_embedding_map

        try:
            written.append(plot_by_persona(report, plots / "by_persona.png"))
            written.append(plot_embedding_map(recommender, plots / "embeddings.png"))
        except OSError as exc:
            fail(f"cannot write the plots to {plots}: {exc.strerror or exc}; choose another --plots folder", 1)
    match = recommender.catalog_match
    report["catalog"] = match.to_dict()
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if report.get("warning"):
        console.print(Text(f"warning: {report['warning']}", style="bold yellow"), highlight=False)
    seen = f"the model has seen {match.seen_text('en')} of this catalog"
    console.print(Text(seen if match.same else f"{match.message('en')}"), highlight=False)
    console.print(_table(report))
    console.print(_persona_table(report))
    for path in written:
        console.print(Text(f"wrote {path}"), highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("train")(train)
    app.command("evaluate")(evaluate)
