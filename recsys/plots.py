"""Evaluation charts (matplotlib, Agg backend, PNG): where a picture says more than a table.

* ``plot_by_persona`` — a metric per persona for the model, every baseline and the oracle.
* ``plot_embedding_map`` — t-SNE of product embeddings coloured by category, with each
  persona's representative profile embedded by the customer tower and drawn on top, so
  one sees which corner of the catalog each persona is sent to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

LABELS = {"model": "two-tower", "random": "random", "popularity": "popularity",
          "persona_popularity": "persona popularity", "naive_bayes": "naive Bayes", "oracle": "oracle (ceiling)"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_by_persona(report: dict[str, Any], path: Path, metric: str = "hit") -> Path:
    """Grouped bars of ``metric`` by persona (plus "all") for every scorer in ``report``."""
    plt = _pyplot()
    groups = {"all": report, **report["by_persona"]}
    names = ["model", *report["baselines"], *(["oracle"] if report.get("oracle") else [])]

    def value(entry: dict[str, Any], name: str) -> float:
        if name == "model":
            return entry["model"][metric]
        if name == "oracle":
            return (entry.get("oracle") or {}).get(metric, 0.0)
        return entry["baselines"][name][metric]

    x = np.arange(len(groups))
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(max(7, 1.4 * len(groups)), 4))
    colours = plt.get_cmap("tab10")
    for i, name in enumerate(names):
        ax.bar(x + (i - (len(names) - 1) / 2) * width, [value(g, name) for g in groups.values()], width,
               label=LABELS.get(name, name), color="0.35" if name == "oracle" else colours(i))
    ax.set_xticks(x, [f"{g}\n(n={e['n']})" for g, e in groups.items()], fontsize=8)
    ax.set_ylabel(f"{metric}@{report['k']}")
    ax.set_title(f"{metric}@{report['k']} by persona on held-out interactions")
    ax.legend(fontsize=7, ncol=3)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_embedding_map(recommender: Any, path: Path, personas: Any = None, seed: int = 0) -> Path:
    """t-SNE of product + persona embeddings (same space: cosine is what the model scores)."""
    from sklearn.manifold import TSNE

    plt = _pyplot()
    if personas is None:
        from recsys.personas import load_personas
        personas = load_personas()
    products = recommender.product_embeddings
    users = recommender.profile_embeddings([p.representative_profile for p in personas])
    points = np.vstack([products, users])
    coords = TSNE(n_components=2, metric="cosine", init="pca", random_state=seed,
                  perplexity=min(30.0, max(2.0, (len(points) - 1) / 3))).fit_transform(points)
    categories = recommender.catalog.products["category"].to_numpy()
    fig, ax = plt.subplots(figsize=(8, 6.5))
    colours = plt.get_cmap("tab10")
    for i, category in enumerate(sorted(set(categories))):
        sel = categories == category
        ax.scatter(coords[: len(products)][sel, 0], coords[: len(products)][sel, 1], s=9, alpha=0.6,
                   color=colours(i), label=category)
    persona_xy = coords[len(products):]
    ax.scatter(persona_xy[:, 0], persona_xy[:, 1], s=220, marker="*", color="black", edgecolor="white", zorder=3)
    for (px, py), persona in zip(persona_xy, personas):
        ax.annotate(persona.name, (px, py), xytext=(6, 6), textcoords="offset points", fontsize=8, weight="bold")
    ax.set_title("Two-tower embeddings (t-SNE): products by category, ★ persona profiles")
    ax.legend(fontsize=8, markerscale=2, loc="best")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
