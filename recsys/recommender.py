"""Serve recommendations: one customer-tower pass and a top-k search of the product index.

Product embeddings and popularity biases are computed once at load and folded into one
matrix (``[e, w·b]``, :mod:`recsys.index`), so a query is one inner-product top-k: an exact
scan of only the rows the hard filters admit (the default), or an HNSW graph past a
million products (``RECSYS_INDEX``, docs/recsys.md "Serving at scale").

The profile's hard filters are not features: the model ranks, the filters decide what may
be shown (:meth:`Recommender.allowed`, rules in docs/requests.md):

* named product types admit their families (``sub_types``); otherwise a named kind (or the
  legacy ``category`` mapped onto kinds) admits products of that kind;
* named brands, a set (``wants_set``) and the budget admit only those;
* gender: a women's request never gets men-only products (``target_gender == "men"``); a
  men's request gets men's or unisex products — of the asked kind, never another kind;
* a price of 0 is unknown: such products are left out only when a budget is given.

When the filters leave fewer than ``k`` products the answer is shorter and says so
(:class:`Recommendations`); it is never padded with products the marketer ruled out.

Inside what the filters admit, soft preferences order the answer before the model does
(:meth:`Recommender._tiers`): a named type before the rest of its family; for a request
without a gender, men-only lines after the rest; for a request naming only skin, skincare
before makeup, body and hair. They never remove a product.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import torch

from recsys.catalog import Catalog
from recsys.features import Vocab, encode_products, encode_profiles, interaction_profiles
from recsys.labels import CONCERN_EN, CONCERN_KO, SKIN_EN, SKIN_KO, product_kind_label
from recsys.index import Filter, Partitions, choose_kind, fold, fold_query
from recsys.index import build as build_index
from recsys.model import ModelLoadError, TwoTower, load_checkpoint
from recsys.paths import DEMO_MODEL_DIR, resolve_catalog_path
from recsys.product_types import BY_NAME, CATEGORY_KIND, KIND_KO, SET_WORDS, SKIN_KINDS, canonical, compact, kind_of
from recsys.profile import SKIN_CONCERNS, Profile

MAX_EXPLANATION = 150
ENCODE_CHUNK = 65_536


@dataclass(frozen=True)
class Recommendation:
    """One ranked product with the facts a marketer needs and why it was picked."""

    rank: int
    product_id: str
    name: str
    name_en: str
    brand: str
    brand_id: str
    category: str
    sub_type: str
    price: int
    image_url: str | None
    score: float
    explanation: str
    #: The same reason in Korean, whatever ``lang`` asked for: Korean screens show this one.
    explanation_ko: str = ""
    #: The name without promo tags (the catalog's ``display_name``; ``name`` otherwise).
    display_name: str = ""
    #: What the product is (recsys.product_types.KINDS), "" when unknown.
    kind: str = ""


class Recommendations(list):
    """The ranked products for one request, and how many the hard filters let through.

    A plain list of :class:`Recommendation` (so callers that only iterate keep working) that
    also says when the filters left fewer products than were asked for: the answer is then
    shorter, never padded with products the marketer ruled out.
    """

    def __init__(self, items: Iterable[Recommendation] = (), *, requested: int = 0,
                 profile: Profile | None = None):
        super().__init__(items)
        self.requested = requested
        self.profile = profile

    @property
    def shortfall(self) -> int:
        """How many fewer products than asked for the filters allow (0: none missing)."""
        return max(0, self.requested - len(self))

    def note(self, lang: str = "en") -> str | None:
        """One line saying the filters left too few products, or None when none are missing."""
        if not self.shortfall:
            return None
        filters = filter_summary(self.profile, lang) if self.profile is not None else ""
        if lang == "ko":
            head = (f"조건에 맞는 상품이 {len(self)}개뿐입니다 (요청 {self.requested}개)" if self
                    else "조건에 맞는 상품이 없습니다")
            return f"{head}: {filters}" if filters else head
        head = (f"only {len(self)} product{' matches' if len(self) == 1 else 's match'} the filters "
                f"({self.requested} asked)" if self else "no product matches the filters")
        return f"{head}: {filters}" if filters else head


def _won(value: int) -> str:
    return f"₩{value:,}"


def filter_summary(profile: Profile, lang: str = "en") -> str:
    """The hard filters of ``profile`` in words: ``선크림 · 남성/공용 · ₩50,000 이하``."""
    parts: list[str] = []
    named = profile.named_types or profile.sub_types
    if named:
        parts.append("/".join(t if lang == "ko" else BY_NAME[t].en for t in named[:3] if t in BY_NAME)
                     + ("…" if len(named) > 3 else ""))
    else:
        kinds = _profile_kinds(profile)
        if kinds:
            parts.append("/".join(sorted(KIND_KO[k] if lang == "ko" else k for k in kinds)))
    if profile.brands:
        parts.append("/".join(profile.brands))
    if profile.wants_set:
        parts.append("세트" if lang == "ko" else "sets")
    if profile.gender == "M":
        parts.append("남성·공용" if lang == "ko" else "men's or unisex")
    elif profile.gender == "F":
        parts.append("남성 전용 제외" if lang == "ko" else "no men-only")
    lo, hi = profile.price_min, profile.price_max
    if lo is not None and hi is not None:
        parts.append(f"{_won(lo)}–{_won(hi)}")
    elif hi is not None:
        parts.append(f"{_won(hi)} 이하" if lang == "ko" else f"≤ {_won(hi)}")
    elif lo is not None:
        parts.append(f"{_won(lo)} 이상" if lang == "ko" else f"≥ {_won(lo)}")
    return " · ".join(parts)


@dataclass(frozen=True)
class HardFilters:
    """What a profile's hard filters admit; ``None`` means no restriction on that field.

    The one statement of the filter rules (docs/requests.md), for the mask in
    :meth:`Recommender.allowed` and for any index that selects partitions instead
    (:class:`recsys.index.Partitions` takes the same kinds, sub-types and genders).
    """

    sub_types: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    genders: tuple[str, ...] | None = None
    brands: tuple[str, ...] | None = None
    sets_only: bool = False
    price_min: int | None = None
    price_max: int | None = None


#: Product ``target_gender`` values each profile gender admits.
GENDERS_FOR = {"F": ("women", "unisex"), "M": ("men", "unisex")}
#: Product ``target_gender`` values ranked first for a request that names no gender.
NOT_MEN_ONLY = ("women", "unisex")


def hard_filters(profile: Profile) -> HardFilters:
    """The filters a marketer's request means.

    Named types admit their families and nothing else (a kind adds nothing then); otherwise
    the named kind, or the legacy category mapped onto kinds; otherwise, when the request
    names a skin type or a skin concern, the kinds that act on skin (SKIN_KINDS). Gender never widens the kind:
    a men's request gets men's or unisex products of the asked kind, a women's request
    never men-only products. A stored profile with the legacy category ``men`` admits
    men's products of any kind.
    """
    kinds = None if profile.sub_types else (_profile_kinds(profile) or None)
    if kinds is None and not profile.sub_types and (
            profile.skin_type or set(profile.concerns) & set(SKIN_CONCERNS)):
        kinds = tuple(sorted(SKIN_KINDS))  # "40대 주름" is about skin: no perfume, no brush
    genders = GENDERS_FOR.get(profile.gender or "")
    if profile.category == "men":
        genders = ("men",)
    return HardFilters(
        sub_types=tuple(profile.sub_types) or None, kinds=kinds, genders=genders,
        brands=tuple(profile.brands) or None, sets_only=profile.wants_set,
        price_min=profile.price_min, price_max=profile.price_max)


def prefers_skincare(profile: Profile) -> bool:
    """True for a request about skin only: a skin type or skin concern, no product type, no kind.

    Such a request admits every kind that acts on skin (:func:`hard_filters`), but ranks
    skincare first (:meth:`Recommender.recommend`).
    """
    return (not profile.sub_types and not _profile_kinds(profile) and profile.category != "men"
            and bool(profile.skin_type or set(profile.concerns) & set(SKIN_CONCERNS)))


def _profile_kinds(profile: Profile) -> tuple[str, ...]:
    """The kinds a profile asks for (a legacy category already set its ``kind``)."""
    return (profile.kind,) if profile.kind else ()


class ReviewEvidence:
    """What each product's own reviews say, precomputed once per catalog.

    Only real reviews count (interactions whose ``source`` is ``"review"``): the prototype's
    synthetic customers are not reviewers. Each review is counted once. Which concerns a
    review says the product helped with (:func:`recsys.mining.review_benefits`) is read
    only for the products an explanation is written for, and remembered.
    """

    def __init__(self, catalog: Catalog):
        position = {pid: i for i, pid in enumerate(catalog.products["product_id"])}
        self._reviews: dict[int, list[tuple[str | None, float | None, str]]] = defaultdict(list)
        frame = catalog.interactions
        if frame.empty:
            return
        if "source" in frame:
            frame = frame[frame["source"] == "review"]
        texts = frame["text"] if "text" in frame else pd.Series([""] * len(frame), index=frame.index)
        for pid, skin, rating, text in zip(frame["product_id"], frame["skin_type"], frame["rating"], texts):
            pos = position.get(pid)
            if pos is None:
                continue
            self._reviews[pos].append((skin if isinstance(skin, str) else None, _rating(rating),
                                       text if isinstance(text, str) else ""))

    def count(self, pos: int, skin: str | None = None) -> int:
        """Reviews of the product (by reviewers of ``skin`` when given)."""
        return sum(1 for s, _, _ in self._reviews.get(pos, ()) if skin is None or s == skin)

    def rating(self, pos: int) -> float | None:
        """Mean of the reviews' known ratings (0 and blank are unknown), or None."""
        known = [r for _, r, _ in self._reviews.get(pos, ()) if r is not None]
        return sum(known) / len(known) if known else None

    def mentions(self, pos: int, concern: str, skin: str | None = None) -> int:
        """Reviews (by reviewers of ``skin`` when given) saying the product helped with ``concern``."""
        return sum(1 for s, _, text in self._reviews.get(pos, ())
                   if (skin is None or s == skin) and concern in _benefits(text))


@lru_cache(maxsize=65_536)
def _benefits(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    from recsys.mining import review_benefits

    return tuple(review_benefits(text))


def _rating(value: Any) -> float | None:
    """A rating, or None when missing: NaN, blank, 0 (an export's "no rating") or not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and number > 0 else None


FUNCTION_FOR = {"anti_aging": "wrinkle", "brightening": "whitening"}
FUNCTION_KO = {"wrinkle": "주름개선 기능성", "whitening": "미백 기능성", "uv": "자외선 차단 기능성"}
FUNCTION_EN = {"wrinkle": "registered anti-wrinkle", "whitening": "registered whitening",
               "uv": "registered UV protection"}


def product_label(product: dict[str, Any], lang: str = "en") -> str:
    """What the product is, in words: its sub-type, else its kind (else its catalog category,
    unless that is ``other``); never a raw code, "" when nothing is known."""
    category = product.get("category")
    kind = product.get("kind") or (category if category != "other" else "")
    return product_kind_label(product.get("sub_type"), kind or "", lang)


def _adjective(skin: str) -> str:
    """``dry skin`` as an adjective: ``dry-skin`` (reviews)."""
    return SKIN_EN[skin].replace(" skin", "-skin")


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    try:
        return [str(v) for v in value]
    except TypeError:
        return []


def explain(profile: Profile, product: dict[str, Any], evidence: ReviewEvidence | None = None,
            pos: int = -1, lang: str = "en") -> str:
    """A short reason made of facts: what the product is, what it targets, what reviews say.

    ``토너 · 건성 리뷰 4건에서 보습 언급 · 평점 4.8★`` / ``toner · 4 dry-skin reviews mention
    moisture · 4.8★``. The type comes from the product's sub-type (or kind), never a raw
    export code; targets are the profile's skin type and concerns the product's own data
    lists; review counts are of real reviews, each counted once; a rating is shown only when
    known (the product's own, else its reviews' mean).
    """
    ko = lang == "ko"
    parts = [product_label(product, lang)]
    skin = profile.skin_type
    product_concerns = _list(product.get("concerns"))
    matched_skin = skin if skin in _list(product.get("skin_types")) else None
    matched = [c for c in profile.concerns if c in product_concerns]
    functions = _list(product.get("functions"))
    registered = [FUNCTION_FOR[c] for c in profile.concerns if FUNCTION_FOR.get(c) in functions]

    mentioned: tuple[str, int, bool] | None = None  # (concern, count, among the skin group)
    n_all = n_skin = 0
    if evidence is not None and pos >= 0:
        n_all = evidence.count(pos)
        n_skin = evidence.count(pos, skin) if skin else 0
        for concern in profile.concerns:
            if concern in ("gift", "repurchase"):
                continue
            in_group = evidence.mentions(pos, concern, skin) if n_skin else 0
            count = in_group or evidence.mentions(pos, concern)
            if count and (mentioned is None or count > mentioned[1]):
                mentioned = (concern, count, bool(in_group))
    support = product.get("support") if isinstance(product.get("support"), dict) else {}
    suits = int(support.get(skin, 0) or 0) if skin in SKIN_KO and not n_skin else 0
    tags = ([SKIN_KO[matched_skin] if ko else SKIN_EN[matched_skin]]
            if matched_skin and not (mentioned and mentioned[2]) and not n_skin and not suits else [])
    tags += [CONCERN_KO[c] if ko else CONCERN_EN[c] for c in matched
             if c in CONCERN_KO and not (mentioned and mentioned[0] == c)]
    if tags:
        parts.append(f"{'·'.join(tags)} 타깃" if ko else f"targets {', '.join(tags)}")
    parts += [FUNCTION_KO[f] if ko else FUNCTION_EN[f] for f in dict.fromkeys(registered)]
    if mentioned:
        concern, count, in_group = mentioned
        who_ko = f"{SKIN_KO[skin]} 리뷰" if in_group and skin else "리뷰"
        who_en = f"{_adjective(skin)} " if in_group and skin else ""
        parts.append(f"{who_ko} {count}건에서 {CONCERN_KO[concern]} 언급" if ko else
                     f"{count} {who_en}review{'s' if count != 1 else ''} mention{'' if count != 1 else 's'} "
                     f"{CONCERN_EN[concern]}")
        if n_skin and not in_group and skin:
            parts.append(f"{SKIN_KO[skin]} 리뷰 {n_skin}건" if ko else
                         f"{n_skin} {_adjective(skin)} review{'s' if n_skin != 1 else ''}")
    elif n_skin and skin:
        parts.append(f"{SKIN_KO[skin]} 리뷰 {n_skin}건" if ko else
                     f"{n_skin} {_adjective(skin)} review{'s' if n_skin != 1 else ''}")
    elif suits:
        parts.append(f"{SKIN_KO[skin]}에 맞다는 리뷰 {suits}건" if ko else
                     f"{suits} review{'s say' if suits != 1 else ' says'} it suits {SKIN_EN[skin]}")
    elif n_all:
        parts.append(f"리뷰 {n_all}건" if ko else f"{n_all} review{'s' if n_all != 1 else ''}")
    elif evidence is not None:
        parts.append("리뷰 없음" if ko else "no reviews yet")
    rating = _rating(product.get("rating"))
    if rating is None and evidence is not None and pos >= 0:
        rating = evidence.rating(pos)
    if rating is not None:
        parts.append(f"평점 {rating:.1f}★" if ko else f"{rating:.1f}★")
    text = " · ".join(part for part in parts if part)
    return text if len(text) <= MAX_EXPLANATION else text[: MAX_EXPLANATION - 1] + "…"


class Recommender:
    """A trained model bound to a catalog, ready to answer queries."""

    def __init__(self, model: TwoTower, vocab: Vocab, catalog: Catalog, *, meta: dict[str, Any] | None = None,
                 pop_weight: float | None = None, persona_of: Callable[[Profile], str] | None = None,
                 index: str = "exact", index_dir: Path | None = None, index_options: dict[str, Any] | None = None):
        """``index`` is a ``RECSYS_INDEX`` setting (exact | hnsw | auto, see :mod:`recsys.index`);
        an HNSW graph is cached in ``index_dir`` (the model folder when loaded) when given;
        ``index_options`` tune its search (``ef_search``, ``exact_below``) and grouping
        (``min_group``: one graph per (target gender, kind) of at least that many products)."""
        self.model = model.eval()
        self.vocab = vocab
        self.catalog = catalog
        self.meta = meta or {}
        self.temperature = model.cfg.temperature
        self.pop_weight = model.cfg.pop_weight if pop_weight is None else pop_weight
        self._persona_of = persona_of
        products = catalog.products
        embeddings, biases = [], []
        with torch.inference_mode():
            for start in range(0, len(products), ENCODE_CHUNK):
                emb, bias = model.product(encode_products(products.iloc[start : start + ENCODE_CHUNK], vocab))
                embeddings.append(emb.numpy())
                biases.append(bias.numpy())
        dim = model.cfg.dim
        self.product_embeddings = np.concatenate(embeddings) if embeddings else np.zeros((0, dim), np.float32)
        self.product_bias = np.concatenate(biases) if biases else np.zeros(0, np.float32)
        self._ids = products["product_id"].to_numpy()
        self._position = {pid: i for i, pid in enumerate(self._ids)}
        # integer codes for every filter column: a 1M-row mask costs ~1 ms
        self._sub_type, self._sub_type_code = _codes(_map_unique(products["sub_type"], canonical))
        self._kind, self._kind_code = _codes(_product_kinds(products))
        self._kind_names = list(self._kind_code)
        self._gender, self._gender_code = _codes(_product_genders(products))
        self._brand, self._brand_code = _codes(products["brand"].fillna("").astype(str))
        self._is_set = _product_sets(products)
        self._masks: dict[tuple[str, tuple[str, ...]], np.ndarray] = {}
        # torch views share memory with the numpy arrays; queries run on torch's own thread pool
        self._matrix = torch.from_numpy(self.product_embeddings)
        self._bias_term = torch.from_numpy((self.pop_weight * self.product_bias).astype(np.float32))
        self._price = products["price"].fillna(0).to_numpy(dtype=np.int64)
        # the search index: rows grouped by (kind, sub-type, gender) partition and price, so a
        # request's filters select row ranges (recsys.index); sets are a precomputed row list
        self._partitions = Partitions(np.asarray(self._kind_names + [""], dtype=object)[self._kind],
                                      np.asarray(list(self._sub_type_code) + [""], dtype=object)[self._sub_type],
                                      np.asarray(list(self._gender_code) + [""], dtype=object)[self._gender])
        self.index_kind = choose_kind(index, len(products))
        self.index = build_index(fold(self.product_embeddings, self.product_bias, self.pop_weight),
                                 self._partitions.codes, self._price, self._brand.astype(np.int64),
                                 kind=self.index_kind, cache_dir=index_dir, flags={"set": self._is_set},
                                 groups=self._partitions.groups(), **(index_options or {}))
        self._evidence = ReviewEvidence(catalog)
        self._match: Any = None

    @property
    def catalog_match(self) -> Any:
        """How the served catalog relates to the training one (a :class:`recsys.model_catalog.CatalogMatch`)."""
        if self._match is None:
            from recsys.model_catalog import catalog_match

            self._match = catalog_match(self.meta, self.vocab, self.catalog)
        return self._match

    @classmethod
    def load(cls, model_dir: str | Path | None = None, catalog: Catalog | str | Path | None = None,
             *, pop_weight: float | None = None, columns: dict[str, str] | str | None = None,
             index: str = "exact") -> "Recommender":
        """Load a checkpoint; ``catalog`` None means the catalog recorded at training time.

        ``columns`` names a review table's columns (recsys.review_tables); the recorded catalog
        is read with the mapping recorded at training time. ``index`` is the ``RECSYS_INDEX``
        setting; an HNSW graph is cached in ``model_dir`` (read-only: rebuilt each load).
        """
        from recsys.catalog import load_catalog

        model_dir = Path(model_dir) if model_dir is not None else DEMO_MODEL_DIR
        model, vocab, meta = load_checkpoint(model_dir)
        if not isinstance(catalog, Catalog):
            path = Path(catalog) if catalog is not None else resolve_catalog_path(meta.get("catalog"))
            if not path.is_file():
                raise ModelLoadError(f"catalog {path} (recorded in {model_dir}/model.json) not found; "
                                     "pass the catalog path explicitly (--catalog)")
            interactions = resolve_catalog_path(meta["interactions"]) if meta.get("interactions") else None
            if columns is None and catalog is None:
                columns = meta.get("columns") or None
            catalog = load_catalog(path, interactions, columns=columns)
        return cls(model, vocab, catalog, meta=meta, pop_weight=pop_weight, index=index, index_dir=model_dir)

    @property
    def brands(self) -> tuple[str, ...]:
        """The catalog's brand names, for :func:`recsys.parsing.parse_profile`'s ``brands``."""
        return tuple(name for name in self._brand_code if name.strip())

    def _with_persona(self, profile: Profile) -> Profile:
        from recsys.personas import with_persona

        return with_persona(profile, self._persona_of)

    def _users(self, profiles: Sequence[Profile]) -> torch.Tensor:
        with torch.inference_mode():
            return self.model.customer(encode_profiles([self._with_persona(p) for p in profiles], self.vocab))

    def profile_embeddings(self, profiles: Sequence[Profile]) -> np.ndarray:
        return self._users(profiles).numpy()

    def profile_embedding(self, profile: Profile) -> np.ndarray:
        return self.profile_embeddings([profile])[0]

    def _scores(self, profiles: Sequence[Profile]) -> torch.Tensor:
        with torch.inference_mode():
            return (self._users(profiles) / self.temperature) @ self._matrix.T + self._bias_term

    def score_profiles(self, profiles: Sequence[Profile]) -> np.ndarray:
        """Unfiltered scores (B, N) of every product for each profile: one matrix product."""
        return self._scores(profiles).numpy()

    def allowed(self, profile: Profile, exclude: Iterable[str] = ()) -> np.ndarray | None:
        """Boolean mask of products the profile's hard filters admit (None: all of them).

        See the module docstring for the rules; each is one vectorised comparison.
        """
        mask: np.ndarray | None = None

        def both(cond: np.ndarray) -> None:
            nonlocal mask
            mask = cond.copy() if mask is None else mask & cond  # never hand out a cached mask

        spec = hard_filters(profile)
        if spec.sub_types is not None:
            both(self._among("sub_type", spec.sub_types))
        if spec.kinds is not None:
            both(self._among("kind", spec.kinds))
        if spec.brands is not None:
            both(self._among("brand", spec.brands))
        if spec.sets_only:
            both(self._is_set)
        if spec.genders is not None:
            both(self._among("gender", spec.genders))
        if profile.price_min is not None or profile.price_max is not None:
            lo = profile.price_min if profile.price_min is not None else 1
            hi = profile.price_max if profile.price_max is not None else np.iinfo(np.int64).max
            both((self._price >= max(lo, 1)) & (self._price <= hi))
        excluded = [self._position[pid] for pid in exclude if pid in self._position]
        if excluded:
            cond = np.ones(len(self._ids), dtype=bool)
            cond[excluded] = False
            both(cond)
        return mask

    def _among(self, column: str, values: Iterable[str]) -> np.ndarray:
        """Products whose ``column`` is one of ``values``: a table look-up per product, and the
        mask remembered (requests repeat the same kinds and genders), so a 1M-row filter is
        one gather the first time and free after."""
        key = (column, tuple(sorted(set(values))))
        mask = self._masks.get(key)
        if mask is None:
            codes, lookup = {"sub_type": (self._sub_type, self._sub_type_code),
                             "kind": (self._kind, self._kind_code),
                             "brand": (self._brand, self._brand_code),
                             "gender": (self._gender, self._gender_code)}[column]
            table = np.zeros(len(lookup) + 1, dtype=bool)
            table[[lookup[v] for v in key[1] if v in lookup]] = True
            mask = table[codes]
            if len(self._masks) >= 64:
                self._masks.pop(next(iter(self._masks)))
            self._masks[key] = mask
        return mask

    def index_filter(self, profile: Profile, exclude: Iterable[str] = ()) -> Filter:
        """:func:`hard_filters` as an index :class:`~recsys.index.Filter` (same rules as :meth:`allowed`).

        Sub-types, kinds and genders select partitions, brands the brand row lists, sets the
        ``set`` row list, the budget a price range inside each partition; exclusions are
        product positions. Nothing catalog-sized is allocated per query.
        """
        spec = hard_filters(profile)
        partitions = None
        if spec.sub_types is not None or spec.kinds is not None or spec.genders is not None:
            partitions = self._partitions.select(kinds=spec.kinds, sub_types=spec.sub_types, genders=spec.genders)
        brands = None
        if spec.brands is not None:
            brands = frozenset(self._brand_code[b] for b in spec.brands if b in self._brand_code)
        return Filter(partitions=partitions, brands=brands, price_min=profile.price_min,
                      price_max=profile.price_max,
                      exclude=tuple(self._position[pid] for pid in exclude if pid in self._position),
                      flags=frozenset({"set"}) if spec.sets_only else frozenset())

    def recommend(self, profile: Profile, k: int = 3, exclude: Iterable[str] = (), *, lang: str = "en"
                  ) -> Recommendations:
        """The top-``k`` products for ``profile`` that pass its hard filters.

        Products of a type the request named ("클렌징 오일") come before the rest of their
        family (other cleansers), products not made for men only before men's lines when the
        request names no gender, and skincare before other skin kinds for a request naming
        only skin (:meth:`_tiers`), each group in model order. Fewer than ``k`` products pass:
        the result is shorter and its :meth:`Recommendations.note` says so.
        """
        profile = self._with_persona(profile)
        requested = k
        query = fold_query(self._users([profile]).numpy(), self.temperature)[0]
        flt = self.index_filter(profile, exclude)
        picked: list[tuple[int, float]] = []
        admitted = flt.partitions if flt.partitions is not None else frozenset(self._partitions.key_of)
        tiers = self._tiers(profile, admitted)
        if len(tiers) == 1:
            tiers = [flt.partitions]  # type: ignore[list-item]  # one group: the filter as it is
        for tier in tiers:
            if len(picked) >= k:
                break
            scores, positions = self.index.search(query, k - len(picked), replace(flt, partitions=tier))
            picked += list(zip(positions.tolist(), scores.tolist()))
        return Recommendations(
            (self._recommendation(rank, pos, score, profile, lang)
             for rank, (pos, score) in enumerate(picked, start=1)),
            requested=requested, profile=profile)

    def _tiers(self, profile: Profile, admitted: frozenset[int]) -> list[frozenset[int]]:
        """The admitted partitions in the order their products are shown, each tier in model order.

        Soft preferences, most important first, order the products lexicographically (a
        product meeting the first preference comes before any that does not, and so on):

        1. a named type inside a broader admitted family (``클렌징 오일`` among cleansers);
        2. not made for men only, for a request that does not say who it is for
           (``20대 지성 트러블``): a men's line is for requests that ask for men;
        3. skincare, for a request that names only skin (a skin type or skin concern, no type
           and no kind: ``30대 건성 보습``) — skin concerns mean skincare unless the marketer
           names another kind.
        """
        preferences: list[frozenset[int]] = []
        named = set(profile.named_types)
        if named and named != set(profile.sub_types):
            preferences.append(self._partitions.select(sub_types=named) or frozenset())
        if not profile.gender and profile.category != "men":
            preferences.append(self._partitions.select(genders=NOT_MEN_ONLY) or frozenset())
        if prefers_skincare(profile):
            preferences.append(self._partitions.select(kinds=("skincare",)) or frozenset())
        tiers = [admitted]
        for preferred in preferences:
            tiers = [part for tier in tiers for part in (tier & preferred, tier - preferred)]
        return [tier for tier in tiers if tier]

    def _recommendation(self, rank: int, pos: int, score: float, profile: Profile, lang: str) -> Recommendation:
        row = self.catalog.products.iloc[pos]
        image = row.get("image_url")
        product = row.to_dict()
        display = product.get("display_name")
        return Recommendation(
            rank=rank, product_id=str(row["product_id"]), name=str(row["name"]), name_en=str(row["name_en"] or ""),
            brand=str(row["brand"]), brand_id=str(row["brand_id"] or ""), category=str(row["category"]),
            sub_type=str(row["sub_type"] or ""), price=int(self._price[pos]),
            image_url=image if isinstance(image, str) and image else None, score=round(score, 4),
            explanation=explain(profile, product, self._evidence, pos, lang),
            explanation_ko=explain(profile, product, self._evidence, pos, "ko"),
            display_name=display if isinstance(display, str) and display else str(row["name"]),
            kind=self._kind_names[self._kind[pos]],
        )


def _codes(values: pd.Series) -> tuple[np.ndarray, dict[str, int]]:
    codes, names = pd.factorize(values)
    return codes.astype(np.int32), {str(name): i for i, name in enumerate(names)}


def _column(products: pd.DataFrame, name: str) -> pd.Series | None:
    """A mined column when the catalog has it (recsys.mining adds them at load)."""
    return products[name] if name in products.columns else None


def _product_kinds(products: pd.DataFrame) -> pd.Series:
    """Each product's kind: the catalog's ``kind``, else its sub-type's, else its category's."""
    given = _column(products, "kind")
    by_type = _map_unique(products["sub_type"], lambda v: kind_of(canonical(v)))
    by_category = _map_unique(products["category"], lambda c: CATEGORY_KIND.get(c, ""))
    kinds = by_type.where(by_type != "", by_category)
    if given is not None:
        given = given.fillna("").astype(str)
        kinds = given.where(given != "", kinds)
    return kinds.astype(str)


def _product_genders(products: pd.DataFrame) -> pd.Series:
    """``men`` / ``women`` / ``unisex``: the catalog's ``target_gender``, else category ``men``."""
    given = _column(products, "target_gender")
    legacy = _map_unique(products["category"], lambda c: "men" if c == "men" else "unisex")
    if given is None:
        return legacy.astype(str)
    given = given.fillna("").astype(str)
    return given.where(given != "", legacy).astype(str)


def _product_sets(products: pd.DataFrame) -> np.ndarray:
    """Whether each product is a set: the catalog's ``is_set``, else a set word in its name."""
    given = _column(products, "is_set")
    if given is not None:
        return given.fillna(False).astype(bool).to_numpy()
    words = tuple(compact(w) for w in SET_WORDS)
    return _map_unique(products["name"], lambda n: any(w in compact(n) for w in words)).to_numpy(bool)


def _map_unique(values: pd.Series, fn: Callable[[str], Any]) -> pd.Series:
    """``fn`` of each value as text, computed once per distinct value (catalogs repeat them)."""
    codes, uniques = pd.factorize(values.fillna("").astype(str))
    mapped = np.array([fn(str(u)) for u in uniques] + [fn("")], dtype=object)
    return pd.Series(mapped[codes], index=values.index)
