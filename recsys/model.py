"""The two-tower recommender: a customer tower and a product tower meeting in cosine space.

    score(profile, product) = cos(customer(profile), product(product)) / temperature
                              + pop_weight * bias(product)

The customer tower reads age band, gender, skin type, concerns and persona (each may be
missing). The product tower reads the shared attributes of product understanding (canonical
sub-type, its family and kind, target gender, set or single, target skin types/concerns,
functions, price band) and catalog-specific features (item id, brand, category code, hashed
name n-grams, ingredients). In training, item ids are dropped at random, and the whole
catalog-specific group is dropped at random (``specific_dropout``) so the shared attributes
alone place a product: a product never seen in training — or a whole catalog never seen —
still lands in the right place. ``bias`` is a popularity term (item id + features) that
serving can turn down with ``pop_weight``.

Checkpoints are two files: ``weights.pt`` (a plain state dict, loaded with
``weights_only=True``) and ``model.json`` (config, vocabularies and training metadata).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from recsys.errors import RecsysError
from recsys.features import ProductBatch, ProfileBatch, Vocab
from recsys.profile import CONCERNS

WEIGHTS_FILE = "weights.pt"
META_FILE = "model.json"
FORMAT_VERSION = 2  # 2: shared attributes (kind, family, target gender, set) in the product tower


class ModelLoadError(RecsysError, RuntimeError):
    """A checkpoint folder that is missing or unreadable; the message says what to run."""


@dataclass
class ModelShape:
    """The tower sizes and scoring constants: what training chooses, not what the vocabulary fixes."""

    field_dim: int = 16
    hidden: int = 128
    dim: int = 32
    dropout: float = 0.1
    temperature: float = 0.1
    pop_weight: float = 1.0


@dataclass(kw_only=True)
class ModelConfig(ModelShape):
    """A :class:`ModelShape` plus the vocabulary sizes (saved flat in the checkpoint)."""

    n_items: int
    n_categories: int
    n_sub_types: int
    n_brands: int
    n_price_bands: int
    n_tags: int
    n_personas: int
    name_buckets: int
    n_ingredients: int = 0
    n_kinds: int = 0
    n_families: int = 0

    @classmethod
    def for_vocab(cls, vocab: Vocab, shape: ModelShape | None = None) -> "ModelConfig":
        return cls(
            n_items=len(vocab.product_ids), n_categories=len(vocab.categories),
            n_sub_types=len(vocab.sub_types), n_brands=len(vocab.brands),
            n_price_bands=vocab.n_price_bands, n_tags=vocab.n_tags,
            n_personas=len(vocab.personas), name_buckets=vocab.name_buckets,
            n_ingredients=len(vocab.ingredients), n_kinds=len(vocab.kinds), n_families=len(vocab.families),
            **asdict(shape or ModelShape()),
        )


def _mlp(n_in: int, hidden: int, n_out: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, n_out))


class CustomerTower(nn.Module):
    """Wide (a sum of per-field and cross-field embeddings) + deep (an MLP) over the profile.

    The wide part learns additive effects and the crosses the shop's taste is known to
    have (age x skin, age x gender, age x concern, the full age x gender x skin cell) from
    few examples each; the MLP adds what the crosses miss.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        f, d = cfg.field_dim, cfg.dim
        self.age = nn.Embedding(7, f)
        self.gender = nn.Embedding(3, f)
        self.skin = nn.Embedding(6, f)
        self.persona = nn.Embedding(cfg.n_personas + 1, f)
        self.concerns = nn.Linear(len(CONCERNS), f, bias=False)
        self.mlp = _mlp(5 * f, cfg.hidden, d, cfg.dropout)
        self.wide_cell = nn.Embedding(7 * 3 * 6, d)
        self.wide_age_skin = nn.Embedding(7 * 6, d)
        self.wide_age_gender = nn.Embedding(7 * 3, d)
        self.wide_gender_skin = nn.Embedding(3 * 6, d)
        self.wide_persona = nn.Embedding(cfg.n_personas + 1, d)
        self.wide_concerns = nn.Linear(len(CONCERNS), d, bias=False)
        self.wide_age_concern = nn.Linear(7 * len(CONCERNS), d, bias=False)

    def forward(self, p: ProfileBatch) -> torch.Tensor:
        x = torch.cat(
            [self.age(p.age), self.gender(p.gender), self.skin(p.skin), self.persona(p.persona),
             self.concerns(p.concerns)],
            dim=-1,
        )
        age_concern = (F.one_hot(p.age, 7).float()[:, :, None] * p.concerns[:, None, :]).flatten(1)
        wide = (
            self.wide_cell(p.age * 18 + p.gender * 6 + p.skin) + self.wide_age_skin(p.age * 6 + p.skin)
            + self.wide_age_gender(p.age * 3 + p.gender) + self.wide_gender_skin(p.gender * 6 + p.skin)
            + self.wide_persona(p.persona) + self.wide_concerns(p.concerns) + self.wide_age_concern(age_concern)
        )
        return F.normalize(wide + self.mlp(x), dim=-1)


N_TARGET_GENDERS = 4  # unknown, men, women, unisex (recsys.features.TARGET_GENDERS)
N_SET_CODES = 3  # unknown, single, set


class ProductTower(nn.Module):
    """Wide (a sum of feature embeddings) + deep (an MLP) over the product, plus a bias."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        f, d = cfg.field_dim, cfg.dim
        self.item = nn.Embedding(cfg.n_items + 1, f)
        self.item_bias = nn.Embedding(cfg.n_items + 1, 1)
        self.category = nn.Embedding(cfg.n_categories + 1, f)
        self.sub_type = nn.Embedding(cfg.n_sub_types + 1, f)
        self.brand = nn.Embedding(cfg.n_brands + 1, f)
        self.price = nn.Embedding(cfg.n_price_bands, f)
        self.tags = nn.Linear(cfg.n_tags, f, bias=False)
        self.ingredients = nn.Linear(max(cfg.n_ingredients, 1), f, bias=False)
        self.log_price = nn.Linear(1, f)
        self.name = nn.EmbeddingBag(cfg.name_buckets, f, mode="mean")
        self.kind = nn.Embedding(cfg.n_kinds + 1, f)
        self.family = nn.Embedding(cfg.n_families + 1, f)
        self.gender = nn.Embedding(N_TARGET_GENDERS, f)
        self.is_set = nn.Embedding(N_SET_CODES, f)
        self.body = nn.Sequential(nn.Linear(13 * f, cfg.hidden), nn.GELU(), nn.Dropout(cfg.dropout))
        self.out = nn.Linear(cfg.hidden, d)
        self.bias_head = nn.Linear(cfg.hidden, 1)
        self.wide_item = nn.Embedding(cfg.n_items + 1, d)
        self.wide_category = nn.Embedding(cfg.n_categories + 1, d)
        self.wide_sub_type = nn.Embedding(cfg.n_sub_types + 1, d)
        self.wide_brand = nn.Embedding(cfg.n_brands + 1, d)
        self.wide_price = nn.Embedding(cfg.n_price_bands, d)
        self.wide_tags = nn.Linear(cfg.n_tags, d, bias=False)
        self.wide_ingredients = nn.Linear(max(cfg.n_ingredients, 1), d, bias=False)
        self.wide_log_price = nn.Linear(1, d, bias=False)
        self.wide_kind = nn.Embedding(cfg.n_kinds + 1, d)
        self.wide_family = nn.Embedding(cfg.n_families + 1, d)
        self.wide_gender = nn.Embedding(N_TARGET_GENDERS, d)
        self.wide_set = nn.Embedding(N_SET_CODES, d)

    def forward(self, p: ProductBatch, item_dropout: float = 0.0, bias_dropout: float = 0.0,
                specific_dropout: float = 0.0, attribute_dropout: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
        """Unit embeddings (N, dim) and popularity bias (N,).

        In training, item ids are replaced by 0 ("unseen product") at random — separately
        for the embedding and for the per-item bias — so index 0 learns what an average
        unseen product looks like and the features must carry the ranking. With
        ``specific_dropout`` a product also loses brand, category code, name and
        ingredients (what only this catalog has), so the shared attributes alone must place
        it; with ``attribute_dropout`` it loses its target tags or its sub-type (keeping
        family and kind), as products of a real export often come without them.
        """
        item, bias_item = p.item, p.item
        category, brand, sub_type, tags, ingredients = p.category, p.brand, p.sub_type, p.tags, p.ingredients
        name_weight = p.name_weight
        if self.training:
            def drop(rate: float) -> torch.Tensor:
                return torch.rand(item.shape) < rate

            item = torch.where(drop(item_dropout), torch.zeros_like(item), item)
            bias_item = torch.where(drop(bias_dropout), torch.zeros_like(item), bias_item)
            if specific_dropout > 0:
                gone = drop(specific_dropout)
                item, bias_item = item.masked_fill(gone, 0), bias_item.masked_fill(gone, 0)
                category, brand = category.masked_fill(gone, 0), brand.masked_fill(gone, 0)
                ingredients = ingredients * (~gone)[:, None]
                name_weight = name_weight * (~gone)
            if attribute_dropout > 0:
                tags = tags * (~drop(attribute_dropout))[:, None]
                sub_type = sub_type.masked_fill(drop(attribute_dropout), 0)
        if ingredients.shape[1] == 0:  # a catalog without ingredient tags
            ingredients = ingredients.new_zeros((len(item), 1))
        log_price = p.log_price[:, None]
        x = torch.cat(
            [self.item(item), self.category(category), self.sub_type(sub_type), self.brand(brand),
             self.price(p.price), self.log_price(log_price), self.tags(tags), self.ingredients(ingredients),
             self.name(p.name_ids, p.name_offsets) * name_weight[:, None], self.kind(p.kind),
             self.family(p.family), self.gender(p.gender), self.is_set(p.is_set)],
            dim=-1,
        )
        h = self.body(x)
        wide = (
            self.wide_item(item) + self.wide_category(category) + self.wide_sub_type(sub_type)
            + self.wide_brand(brand) + self.wide_price(p.price) + self.wide_tags(tags)
            + self.wide_ingredients(ingredients) + self.wide_log_price(log_price) + self.wide_kind(p.kind)
            + self.wide_family(p.family) + self.wide_gender(p.gender) + self.wide_set(p.is_set)
        )
        bias = self.bias_head(h).squeeze(-1) + self.item_bias(bias_item).squeeze(-1)
        return F.normalize(wide + self.out(h), dim=-1), bias


class TwoTower(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.customer = CustomerTower(cfg)
        self.product = ProductTower(cfg)
        for module in self.modules():
            # small embeddings: hashed n-gram buckets never seen in training stay near zero
            # instead of adding unit-variance noise to an unseen product
            if isinstance(module, (nn.Embedding, nn.EmbeddingBag)):
                nn.init.normal_(module.weight, std=0.02)
        nn.init.zeros_(self.product.item_bias.weight)

    def logits(self, users: torch.Tensor, items: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return users @ items.T / self.cfg.temperature + self.cfg.pop_weight * bias

    def forward(self, profiles: ProfileBatch, products: ProductBatch, item_dropout: float = 0.0,
                bias_dropout: float = 0.0, specific_dropout: float = 0.0, attribute_dropout: float = 0.0
                ) -> torch.Tensor:
        """Logits (B, N) of every profile against every product: the full-catalog softmax."""
        items, bias = self.product(products, item_dropout, bias_dropout, specific_dropout, attribute_dropout)
        return self.logits(self.customer(profiles), items, bias)


def save_checkpoint(out_dir: Path, model: TwoTower, vocab: Vocab, meta: dict[str, Any]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out_dir / WEIGHTS_FILE)
    payload = {"format": FORMAT_VERSION, "model_config": asdict(model.cfg), "vocab": vocab.to_dict(), **meta}
    (out_dir / META_FILE).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_checkpoint(model_dir: Path) -> tuple[TwoTower, Vocab, dict[str, Any]]:
    """Load ``model_dir`` or raise :class:`ModelLoadError` naming the fix."""
    hint = f"run `personabot train --catalog data/products.json --out {model_dir}`"
    meta_path, weights_path = model_dir / META_FILE, model_dir / WEIGHTS_FILE
    if not meta_path.is_file() or not weights_path.is_file():
        raise ModelLoadError(f"no model checkpoint in {model_dir} (needs {META_FILE} and {WEIGHTS_FILE}); {hint}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"format {meta.get('format')!r}, expected {FORMAT_VERSION}")
        names = {f.name for f in fields(ModelConfig)}
        cfg = ModelConfig(**{k: v for k, v in meta["model_config"].items() if k in names})
        vocab = Vocab.from_dict(meta["vocab"])
        model = TwoTower(cfg)
        state = torch.load(weights_path, map_location="cpu", weights_only=True)
        model.load_state_dict(state)
    except Exception as exc:  # any corruption means the same thing to the user
        raise ModelLoadError(f"model checkpoint in {model_dir} is unreadable ({type(exc).__name__}: "
                             f"{str(exc)[:160]}); {hint}") from exc
    model.eval()
    return model, vocab, meta
