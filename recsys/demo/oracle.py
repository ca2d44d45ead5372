"""The demo generator's ground truth: the preference model, the population and the oracle.

``data/oracle.json`` stores everything :class:`Oracle` needs to recompute the true purchase
probability of every demo product for any profile, so benchmarks and ``personabot evaluate``
on the demo catalog can report how close a learned recommender gets to the best possible
ranking. The caller that knows it is looking at the demo passes the oracle in
(:func:`demo_oracle`); the evaluation code never loads it by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from recsys.demo.tables import AGE_BANDS, CATEGORIES, GENDERS
from recsys.paths import DEMO_CATALOG, DEMO_ORACLE
from recsys.profile import CONCERNS, SKIN_TYPES, Profile


# --------------------------------------------------------------------------------------
# The ground-truth preference model
# --------------------------------------------------------------------------------------

# How much a product targeting a concern pleases someone with that concern, by age band
# (10, 20, 30, 40, 50, 60). anti_aging barely matters to teens and dominates from 40;
# acne is a teen and twenties concern. "repurchase" has no product tag: it scales quality.
CONCERN_AGE_WEIGHT: dict[str, tuple[float, ...]] = {
    "moisture": (1.0, 1.3, 1.5, 1.6, 1.7, 1.7),
    "anti_aging": (-0.6, 0.2, 1.4, 2.3, 2.7, 2.7),
    "calming": (1.3, 1.5, 1.5, 1.3, 1.1, 1.0),
    "brightening": (0.6, 1.3, 1.7, 1.7, 1.5, 1.3),
    "pores": (1.5, 1.7, 1.3, 0.9, 0.6, 0.5),
    "acne": (2.4, 1.9, 1.0, 0.5, 0.2, 0.1),
    "gift": (1.6, 1.9, 1.9, 1.9, 1.9, 1.9),
    "ingredients": (1.0, 1.6, 1.6, 1.4, 1.1, 1.0),
    "repurchase": (0.0,) * 6,
}
REPURCHASE_QUALITY_BOOST = 0.9
# Category taste by gender, plus a shift by age band (teens love colour makeup, 50+ less).
GENDER_CATEGORY: dict[str, dict[str, float]] = {
    "F": {"skincare": 0.0, "makeup": 0.3, "fragrance": 0.0, "body": -0.1, "tools": -0.3, "men": -3.5},
    "M": {"skincare": -0.3, "makeup": -2.8, "fragrance": 0.3, "body": 0.0, "tools": -1.2, "men": 2.4},
}
AGE_CATEGORY: dict[str, tuple[float, ...]] = {
    "skincare": (-0.2, 0.0, 0.1, 0.2, 0.3, 0.3),
    "makeup": (0.7, 0.5, 0.1, -0.2, -0.5, -0.8),
    "fragrance": (-0.4, 0.3, 0.3, 0.1, -0.1, -0.3),
    "body": (0.0, 0.0, 0.1, 0.1, 0.1, 0.2),
    "tools": (-0.6, 0.0, 0.2, 0.3, 0.2, -0.2),
    "men": (0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
}
# Where a product's skin-type targeting matters (a perfume suits every skin).
SKIN_RELEVANCE = {"skincare": 1.0, "men": 1.0, "makeup": 0.6, "body": 0.3, "fragrance": 0.0, "tools": 0.0}
# Price sensitivity per age band, on log(price / PRICE_REF): teens are the most sensitive.
PRICE_SENSITIVITY = (1.2, 0.85, 0.55, 0.35, 0.25, 0.25)
PRICE_REF = 25000
# Buyers compare a price mostly with what that kind of product usually costs (a 3,000-won
# cotton pad is not a cheaper cream), and only partly with their overall budget.
ABSOLUTE_PRICE_SHARE = 0.35
GIFT_PRICE_PREFERENCE = 0.5


@dataclass
class PreferenceModel:
    """The true taste of the population: utility(segment, product), then a softmax.

    utility = quality                                     (popularity / quality latent)
            + w_skin · relevance(category) · skin_fit     (skin type match)
            + Σ_concern weight[concern, age] · targets    (age × concern)
            + repurchase · 0.9 · quality                  (loyal buyers follow quality)
            − sensitive · w_harsh · harsh_ingredient      (skin × ingredient)
            + gender_category + age_category              (gender × category, age × category)
            + w_brand · (affinity(age, brand age) − ½)    (brand affinity by age band)
            − sensitivity[age] · (log(price / usual price of the sub-type)
                                  + 0.35 · log(price / 25,000))  (price sensitivity by age)
            + gift · 0.5 · log(price / 25,000)            (gift buyers like pricier)
            + w_latent · ⟨product latent, segment latent⟩ (taste not in the attributes)
    P(product | segment) = softmax(utility / temperature) over the whole catalog.
    """

    product_ids: list[str]
    category: np.ndarray  # (P,) index into CATEGORIES
    brand: np.ndarray  # (P,) index into brand_target_age
    log_price: np.ndarray  # (P,) log(price / PRICE_REF)
    log_relative_price: np.ndarray  # (P,) log(price / usual price of its sub-type)
    targets: np.ndarray  # (P, len(CONCERNS)) 0/1
    skin_fit: np.ndarray  # (P, len(SKIN_TYPES)) +1 match, +0.3 all-skin, -0.6 other
    harsh: np.ndarray  # (P,) 0/1
    quality: np.ndarray  # (P,)
    latent: np.ndarray  # (P, LATENT_DIM)
    segment_latent: np.ndarray  # (bands, genders, skins, LATENT_DIM)
    brand_target_age: np.ndarray  # (B,)
    temperature: float = 0.9
    w_skin: float = 1.1
    w_harsh: float = 1.3
    w_brand: float = 1.6
    brand_age_width: float = 11.0
    w_latent: float = 0.7
    price_ref: float = PRICE_REF
    absolute_price_share: float = ABSOLUTE_PRICE_SHARE
    gift_price_preference: float = GIFT_PRICE_PREFERENCE
    repurchase_quality_boost: float = REPURCHASE_QUALITY_BOOST
    price_sensitivity: Sequence[float] = PRICE_SENSITIVITY
    concern_age_weight: dict[str, Sequence[float]] = field(default_factory=lambda: dict(CONCERN_AGE_WEIGHT))
    gender_category: dict[str, dict[str, float]] = field(default_factory=lambda: dict(GENDER_CATEGORY))
    age_category: dict[str, Sequence[float]] = field(default_factory=lambda: dict(AGE_CATEGORY))
    skin_relevance: dict[str, float] = field(default_factory=lambda: dict(SKIN_RELEVANCE))

    SCALARS = ("temperature", "w_skin", "w_harsh", "w_brand", "brand_age_width", "w_latent", "price_ref",
               "absolute_price_share", "gift_price_preference", "repurchase_quality_boost")
    TABLES = ("price_sensitivity", "concern_age_weight", "gender_category", "age_category", "skin_relevance")

    @classmethod
    def default_parameters(cls) -> dict[str, Any]:
        """The shipped parameter values (what oracle.json stores under ``parameters``)."""
        fields = cls.__dataclass_fields__
        out: dict[str, Any] = {}
        for name in cls.SCALARS + cls.TABLES:
            f = fields[name]
            value = f.default_factory() if callable(f.default_factory) else f.default
            out[name] = json.loads(json.dumps(value))
        return out

    def base_utility(self, band: int, gender: int, skin: int) -> np.ndarray:
        """Utility before concerns for one (age band, gender, skin type) cell, shape (P,)."""
        cat_bias = np.array(
            [self.gender_category[GENDERS[gender]][c] + self.age_category[c][band] for c in CATEGORIES]
        )
        relevance = np.array([self.skin_relevance[c] for c in CATEGORIES])[self.category]
        age = AGE_BANDS[band] + 5
        affinity = np.exp(-0.5 * ((age - self.brand_target_age) / self.brand_age_width) ** 2)
        u = (
            self.quality
            + self.w_skin * relevance * self.skin_fit[:, skin]
            + cat_bias[self.category]
            + self.w_brand * (affinity[self.brand] - 0.5)
            - self.price_sensitivity[band] * (self.log_relative_price + self.absolute_price_share * self.log_price)
            + self.w_latent * self.latent @ self.segment_latent[band, gender, skin]
        )
        if SKIN_TYPES[skin] == "sensitive":
            u = u - self.w_harsh * self.harsh
        return u

    def concern_utility(self, band: int, concern: int) -> np.ndarray:
        """What holding one concern adds to the utility of each product, shape (P,)."""
        name = CONCERNS[concern]
        u = self.concern_age_weight[name][band] * self.targets[:, concern]
        if name == "repurchase":
            u = u + self.repurchase_quality_boost * self.quality
        if name == "gift":
            u = u + self.gift_price_preference * self.log_price
        return u

    def probabilities(self, utility: np.ndarray) -> np.ndarray:
        """Softmax over the last axis at the model's temperature."""
        z = utility / self.temperature
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def segment_probabilities(self) -> np.ndarray:
        """P(product | band, gender, skin, concern) for every segment, shape (6, 2, 5, 9, P)."""
        nb, ng, ns, nc = len(AGE_BANDS), len(GENDERS), len(SKIN_TYPES), len(CONCERNS)
        concern_u = np.stack([[self.concern_utility(b, c) for c in range(nc)] for b in range(nb)])
        out = np.empty((nb, ng, ns, nc, len(self.product_ids)))
        for b in range(nb):
            for g in range(ng):
                for s in range(ns):
                    out[b, g, s] = self.probabilities(self.base_utility(b, g, s)[None, :] + concern_u[b])
        return out


@dataclass
class Population:
    """Who writes reviews: P(band) · P(gender) · P(skin | band) · P(concern | band, skin)."""

    band: np.ndarray  # (6,)
    gender: np.ndarray  # (2,)
    skin_given_band: np.ndarray  # (6, 5)
    concern_given_band_skin: np.ndarray  # (6, 5, 9)

    def joint(self) -> np.ndarray:
        """P(band, gender, skin, concern), shape (6, 2, 5, 9)."""
        return (
            self.band[:, None, None, None]
            * self.gender[None, :, None, None]
            * self.skin_given_band[:, None, :, None]
            * self.concern_given_band_skin[:, None, :, :]
        )


def default_population() -> Population:
    band = np.array([0.07, 0.30, 0.30, 0.19, 0.10, 0.04])
    gender = np.array([0.87, 0.13])
    # dry, oily, combination, sensitive, normal
    skin = np.array([
        [0.10, 0.34, 0.26, 0.18, 0.12],
        [0.18, 0.24, 0.28, 0.20, 0.10],
        [0.28, 0.15, 0.26, 0.20, 0.11],
        [0.38, 0.09, 0.22, 0.19, 0.12],
        [0.46, 0.06, 0.18, 0.17, 0.13],
        [0.52, 0.04, 0.15, 0.16, 0.13],
    ])
    # moisture, anti_aging, calming, brightening, pores, acne, gift, repurchase, ingredients
    by_band = np.array([
        [0.14, 0.01, 0.12, 0.10, 0.18, 0.33, 0.05, 0.04, 0.03],
        [0.20, 0.05, 0.14, 0.16, 0.17, 0.14, 0.05, 0.04, 0.05],
        [0.24, 0.17, 0.13, 0.18, 0.10, 0.05, 0.05, 0.04, 0.04],
        [0.24, 0.34, 0.09, 0.16, 0.05, 0.02, 0.04, 0.03, 0.03],
        [0.25, 0.42, 0.07, 0.12, 0.03, 0.01, 0.04, 0.03, 0.03],
        [0.26, 0.45, 0.07, 0.10, 0.02, 0.01, 0.03, 0.03, 0.03],
    ])
    by_skin = np.array([
        [2.0, 1.1, 0.8, 1.0, 0.4, 0.5, 1.0, 1.0, 1.0],  # dry
        [0.6, 0.8, 0.7, 1.0, 2.0, 1.8, 1.0, 1.0, 1.0],  # oily
        [1.0, 1.0, 0.9, 1.0, 1.4, 1.2, 1.0, 1.0, 1.0],  # combination
        [0.9, 0.9, 2.6, 0.8, 0.6, 1.0, 1.0, 1.0, 1.6],  # sensitive
        [1.0, 1.0, 0.8, 1.2, 0.9, 0.8, 1.0, 1.0, 1.0],  # normal
    ])
    concern = by_band[:, None, :] * by_skin[None, :, :]
    concern /= concern.sum(axis=-1, keepdims=True)
    return Population(band, gender, skin, concern)


# --------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------


class Oracle:
    """The true purchase probability of every product for a profile.

    Unknown profile fields are averaged over the population (a mixture of the segments
    consistent with what is known, weighted by how common they are), so
    ``scores(parse_profile_info("30대/여성"))`` is exactly P(product | 30s, woman) under
    the generator. Ages resolve to the decades they overlap (``25-34`` mixes the 20s and 30s
    by population share). A profile's ``category`` and price range condition the choice
    (other products get probability 0) unless nothing would remain. The population holds one
    concern per person; a profile with several concerns adds their utility terms.
    """

    def __init__(self, model: PreferenceModel, population: Population):
        self.model = model
        self.population = population
        self.product_ids = model.product_ids
        self.segment_probs = model.segment_probabilities()  # (band, gender, skin, concern, product)
        self._joint = population.joint()
        self._categories = np.array(CATEGORIES)[model.category]
        self._prices = np.round(np.exp(model.log_price) * model.price_ref)

    @classmethod
    def load(cls, path: str | Path) -> "Oracle":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Oracle":
        params, pop, prods = data["parameters"], data["population"], data["products"]
        brand_ids = [b["brand_id"] for b in data["brands"]]
        brand_index = {b: i for i, b in enumerate(brand_ids)}
        concern_index = {c: i for i, c in enumerate(CONCERNS)}
        skin_index = {s: i for i, s in enumerate(SKIN_TYPES)}
        targets = np.zeros((len(prods), len(CONCERNS)))
        skin_fit = np.zeros((len(prods), len(SKIN_TYPES)))
        for i, p in enumerate(prods):
            for c in p["concerns"]:
                targets[i, concern_index[c]] = 1.0
            skin_fit[i] = _skin_fit_row([skin_index[s] for s in p["skin_types"]])
        model = PreferenceModel(
            product_ids=[p["product_id"] for p in prods],
            category=np.array([CATEGORIES.index(p["category"]) for p in prods]),
            brand=np.array([brand_index[p["brand_id"]] for p in prods]),
            log_price=np.log(np.array([p["price"] for p in prods], dtype=float) / params["price_ref"]),
            log_relative_price=np.log(np.array([p["price"] / p["sub_type_price"] for p in prods], dtype=float)),
            targets=targets,
            skin_fit=skin_fit,
            harsh=np.array([float(p["harsh"]) for p in prods]),
            quality=np.array([p["quality"] for p in prods]),
            latent=np.array([p["latent"] for p in prods]),
            segment_latent=np.array(params["segment_latent"]),
            brand_target_age=np.array([b["target_age"] for b in data["brands"]], dtype=float),
            **{name: params[name] for name in PreferenceModel.SCALARS + PreferenceModel.TABLES},
        )
        population = Population(
            band=np.array(pop["band"]),
            gender=np.array(pop["gender"]),
            skin_given_band=np.array(pop["skin_given_band"]),
            concern_given_band_skin=np.array(pop["concern_given_band_skin"]),
        )
        return cls(model, population)

    def scores(self, profile: Profile) -> np.ndarray:
        """True purchase probabilities, shape (P,), summing to 1, in catalog order."""
        bands = _bands_for(profile.age_min, profile.age_max)
        genders = [GENDERS.index(profile.gender)] if profile.gender in GENDERS else range(len(GENDERS))
        skins = [SKIN_TYPES.index(profile.skin_type)] if profile.skin_type in SKIN_TYPES else range(len(SKIN_TYPES))
        concerns = [CONCERNS.index(c) for c in profile.concerns if c in CONCERNS]
        weights = self._joint[np.ix_(bands, list(genders), list(skins))]  # (b, g, s, 9)
        if not concerns:
            probs = self.segment_probs[np.ix_(bands, list(genders), list(skins))]
            mixed = np.einsum("bgsc,bgscp->p", weights, probs) / weights.sum()
        elif len(concerns) == 1:
            c = concerns[0]
            probs = self.segment_probs[np.ix_(bands, list(genders), list(skins), [c])]
            w = weights[..., [c]]
            mixed = np.einsum("bgsc,bgscp->p", w, probs) / w.sum()
        else:
            mixed = self._multi_concern(bands, list(genders), list(skins), concerns, weights)
        return self._condition(mixed, profile)

    def _multi_concern(self, bands, genders, skins, concerns, weights) -> np.ndarray:
        m = self.model
        total = np.zeros(len(self.product_ids))
        wsum = 0.0
        for i, b in enumerate(bands):
            extra = sum(m.concern_utility(b, c) for c in concerns)
            for j, g in enumerate(genders):
                for k, s in enumerate(skins):
                    w = float(np.prod(weights[i, j, k, concerns]))
                    total += w * m.probabilities(m.base_utility(b, g, s) + extra)
                    wsum += w
        return total / wsum

    def _condition(self, probs: np.ndarray, profile: Profile) -> np.ndarray:
        keep = np.ones(len(probs), dtype=bool)
        if profile.category:
            keep &= self._categories == profile.category
        if profile.price_min is not None:
            keep &= self._prices >= profile.price_min
        if profile.price_max is not None:
            keep &= self._prices <= profile.price_max
        if keep.all() or not keep.any():
            return probs
        out = np.where(keep, probs, 0.0)
        return out / out.sum()


def demo_oracle_for(catalog_path: Path) -> Oracle | None:
    """The shipped oracle when ``catalog_path`` is the shipped demo catalog, else None.

    The ``oracle_for`` that ``personabot evaluate`` passes to
    :func:`recsys.evaluate.evaluate_model_dir`: only the demo has a ground truth.
    """
    if Path(catalog_path).resolve() == DEMO_CATALOG.resolve() and DEMO_ORACLE.is_file():
        return Oracle.load(DEMO_ORACLE)
    return None


def _bands_for(age_min: int | None, age_max: int | None) -> list[int]:
    lo = 0 if age_min is None else age_min
    hi = 200 if age_max is None else age_max
    bands = [i for i, b in enumerate(AGE_BANDS) if b <= hi and (b + 9 >= lo or b == AGE_BANDS[-1])]
    if not bands:
        bands = [0] if hi < AGE_BANDS[0] else [len(AGE_BANDS) - 1]
    return bands


def _skin_fit_row(skins: Sequence[int]) -> np.ndarray:
    row = np.full(len(SKIN_TYPES), -0.6)
    if len(skins) == len(SKIN_TYPES):
        return np.full(len(SKIN_TYPES), 0.3)
    row[list(skins)] = 1.0
    return row
