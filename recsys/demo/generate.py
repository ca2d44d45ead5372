"""The seeded generator of the demo catalog, its reviews and its ground-truth oracle.

The real Amore Mall export cannot ship, so ``data/`` holds a fictional K-beauty catalog
generated here with a fixed seed. Reviews are *purchases drawn from an explicit preference
model* (:class:`recsys.demo.oracle.PreferenceModel`), and ``data/oracle.json`` stores everything needed to
recompute the true purchase probability of every product for any profile — so benchmarks
can report how close a learned recommender gets to the best possible ranking.

Run ``python -m recsys.demo --out data`` (or ``personabot catalog generate``); the
same seed always writes byte-identical files.

The population and the model work on *segments*: an age band (10, 20, ..., 60), a gender,
a skin type and one concern, the same four parts a review's ``profile_info`` carries
(``30대/여성/건성/보습``).
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from recsys.demo.oracle import SKIN_RELEVANCE, Oracle, Population, PreferenceModel, default_population
from recsys.demo.tables import (
    AGE_BANDS,
    BENEFIT_WORDS,
    BRANDS,
    CATEGORIES,
    CATEGORY_KO,
    CONCERN_KO,
    CRM_EXAMPLES,
    FRAGRANCE_NOTES,
    GENDERS,
    HARSH_INGREDIENTS,
    INGREDIENTS,
    MAKEUP_FINISH,
    SUB_TYPE_INDEX,
    SUB_TYPES,
    TIER_PRICE,
    TOOL_WORDS,
    TREATMENT_SUB_TYPES,
    UV_SUB_TYPES,
    Brand,
    SubType,
)
from recsys.labels import SKIN_KO
from recsys.profile import CONCERNS, SKIN_TYPES

SEED = 20240527
N_PRODUCTS = 800
N_REVIEWS = 7000
LATENT_DIM = 4
FIRST_REVIEW_DAY = date(2023, 1, 1)
LAST_REVIEW_DAY = date(2025, 12, 31)


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------


def _round_price(raw: float) -> int:
    """Real shelf prices: 100-won steps under 10,000 won, 1,000 up to 100,000, then 5,000."""
    raw = min(max(raw, 3000.0), 300000.0)
    if raw < 10000:
        return int(round(raw / 100.0) * 100)
    step = 1000 if raw < 100000 else 5000
    return int(round(raw / step) * step)


def _choice(rng: np.random.Generator, items: Sequence[Any], p: Sequence[float] | None = None) -> Any:
    if p is None:
        return items[int(rng.integers(len(items)))]
    cdf = np.cumsum(p)
    return items[min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), len(items) - 1)]


def _sample_without_replacement(rng: np.random.Generator, weights: np.ndarray, k: int) -> list[int]:
    """``k`` distinct indices drawn proportionally to ``weights`` (exponential-race keys)."""
    keys = rng.exponential(size=len(weights)) / weights
    return sorted(np.argsort(keys)[:k].tolist())


def generate_products(rng: np.random.Generator) -> list[dict[str, Any]]:
    """~800 products: brand → category → sub-type → concerns, ingredients, price, name."""
    brand_weights = np.array([1.4 if b.categories.get("skincare", 0) > 0.5 else 1.0 for b in BRANDS])
    products: list[dict[str, Any]] = []
    seen_names: set[str] = set()
    for idx in range(N_PRODUCTS):
        brand = _choice(rng, BRANDS, brand_weights)
        cats = list(brand.categories)
        category = _choice(rng, cats, [brand.categories[c] for c in cats])
        sub = _choice(rng, SUB_TYPES[category])
        concerns = _product_concerns(rng, brand, category, sub)
        skin_types = _product_skin_types(rng, category, concerns)
        ingredients = _product_ingredients(rng, category, concerns, sub)
        functions = _product_functions(rng, sub, concerns)
        price_mult = TIER_PRICE[brand.tier] * math.exp(rng.normal(0.0, 0.28))
        price = _round_price(sub.base_price * price_mult)
        line_ko, line_en = _choice(rng, brand.lines)
        word_ko, word_en = _name_word(rng, category, concerns)
        if word_ko and word_ko in line_ko:  # no "히알루 수분 수분 크림"
            word_ko, word_en = "", ""
        name = f"{brand.name_ko} {line_ko} {word_ko} {sub.ko}".replace("  ", " ")
        name_en = f"{brand.name_en} {line_en} {word_en} {sub.en}".replace("  ", " ")
        if name in seen_names:
            name, name_en = f"{name} 기획세트", f"{name_en} Set"
            price = _round_price(price * 1.35)
            if "gift" not in concerns:
                concerns.append("gift")
        if name in seen_names:
            name, name_en = f"{name} 대용량", f"{name_en} Jumbo"
            price = _round_price(price * 1.5)
        seen_names.add(name)
        name = f"{name} {sub.size}"
        product_id = f"KB{idx + 1:04d}"
        products.append({
            "product_id": product_id,
            "name": name,
            "name_en": name_en,
            "brand": brand.name_ko,
            "brand_id": brand.brand_id,
            "category": CATEGORY_KO[category],
            "sub_type": sub.ko,
            "price": price,
            "key_ingredients": ingredients,
            "concerns": concerns,
            "skin_types": skin_types,
            "functions": functions,
            "image_url": f"https://img.example.com/p/{product_id}.jpg",
            "description": _description(brand, sub, category, concerns, ingredients, skin_types),
            "reviews": [],
            # internal, stripped before writing
            "_category": category,
            "_sub_key": sub.key,
        })
    return products


def _product_concerns(rng, brand: Brand, category: str, sub: SubType) -> list[str]:
    pool = [c for c in sub.concerns]
    chosen: list[str] = []
    hero = [c for c in brand.hero_concerns if c not in ("gift",) or category in ("fragrance", "body")]
    # A brand's hero concern rides along where it makes sense for the product: always when
    # the sub-type serves it, often for mild skin benefits, never on a brush or a perfume.
    if hero and (not pool or rng.random() < 0.75):
        pick = _choice(rng, hero)
        if pick in pool or pick == "gift":
            chosen.append(pick)
        elif category in ("skincare", "men", "body") and (pick in ("moisture", "calming", "ingredients")
                                                          or rng.random() < 0.4):
            chosen.append(pick)
        elif category == "makeup" and pick == "moisture":
            chosen.append(pick)
    if pool:
        extra = _choice(rng, pool)
        if extra not in chosen:
            chosen.append(extra)
    if pool and rng.random() < 0.3:
        extra = _choice(rng, pool)
        if extra not in chosen:
            chosen.append(extra)
    if brand.style == "clean" and category not in ("tools", "fragrance") and "ingredients" not in chosen:
        chosen.append("ingredients")
    if brand.tier == 4 and category in ("fragrance", "skincare") and rng.random() < 0.5 and "gift" not in chosen:
        chosen.append("gift")
    return [c for c in CONCERNS if c in chosen]


def _product_skin_types(rng, category: str, concerns: list[str]) -> list[str]:
    if category in ("fragrance", "tools") or rng.random() < 0.22:
        return list(SKIN_TYPES)
    favoured = {
        "moisture": ("dry", "normal"), "anti_aging": ("dry", "normal"), "calming": ("sensitive",),
        "brightening": ("normal", "combination"), "pores": ("oily", "combination"),
        "acne": ("oily", "combination", "sensitive"), "ingredients": ("sensitive",),
    }
    skins: set[str] = set()
    for c in concerns:
        skins.update(favoured.get(c, ()))
    if not skins:
        skins.add(_choice(rng, SKIN_TYPES))
    if rng.random() < 0.3:
        skins.add(_choice(rng, SKIN_TYPES))
    return [s for s in SKIN_TYPES if s in skins]


def _product_ingredients(rng, category: str, concerns: list[str], sub: SubType) -> list[str]:
    out: list[str] = []
    for c in concerns:
        pool = INGREDIENTS.get(c, ())
        if pool:
            pick = _choice(rng, pool)
            if pick not in out:
                out.append(pick)
    if category == "fragrance":
        out.append("향료")
    elif category in ("body", "makeup") and rng.random() < 0.35:
        out.append("향료")
    if category != "tools" and len(out) < 2:
        filler = _choice(rng, INGREDIENTS["moisture"])
        if filler not in out:
            out.append(filler)
    if category == "tools" and sub.key in ("led_mask", "galvanic", "cleansing_device"):
        return []
    return out if category != "tools" else []


def _product_functions(rng, sub: SubType, concerns: list[str]) -> list[str]:
    functions: list[str] = []
    if sub.key in ("sunscreen", "men_sunscreen") or (sub.key in UV_SUB_TYPES and rng.random() < 0.6):
        functions.append("uv")
    if sub.key in TREATMENT_SUB_TYPES:
        if "brightening" in concerns and rng.random() < 0.75:
            functions.append("whitening")
        if "anti_aging" in concerns and rng.random() < 0.75:
            functions.append("wrinkle")
    return [f for f in ("whitening", "wrinkle", "uv") if f in functions]


def _name_word(rng, category: str, concerns: list[str]) -> tuple[str, str]:
    if category == "fragrance":
        return _choice(rng, FRAGRANCE_NOTES)
    if category == "makeup" and rng.random() < 0.7:
        return _choice(rng, MAKEUP_FINISH)
    if category == "tools":
        return _choice(rng, TOOL_WORDS)
    named = [c for c in concerns if c in BENEFIT_WORDS and c != "ingredients"]
    if not named:
        return ("", "")
    return BENEFIT_WORDS[_choice(rng, named)]


_CONCERN_PHRASE = {
    "moisture": "속건조까지 촉촉하게 채워주는",
    "anti_aging": "탄력 있는 피부 결을 가꿔주는",
    "calming": "예민해진 피부를 편안하게 진정시키는",
    "brightening": "칙칙한 피부 톤을 맑게 밝혀주는",
    "pores": "모공과 피지를 깔끔하게 정돈하는",
    "acne": "트러블 고민 피부를 산뜻하게 관리하는",
    "ingredients": "꼭 필요한 성분만 담은",
    "gift": "선물하기 좋은",
}


def _description(brand: Brand, sub: SubType, category: str, concerns, ingredients, skin_types) -> str:
    phrase = next((_CONCERN_PHRASE[c] for c in concerns if c in _CONCERN_PHRASE), "매일 쓰기 좋은")
    parts = [f"{phrase} {brand.name_ko}의 {sub.ko}."]
    if ingredients:
        first = ingredients[0]
        both = f"{first}{_and_particle(first)} {ingredients[1]}" if len(ingredients) > 1 else first
        parts.append(f"{both} 함유.")
    if category == "fragrance":
        parts.append("은은하게 오래 남는 잔향이 특징입니다.")
    elif category == "tools":
        parts.append("매일 손쉽게 쓰는 뷰티 툴입니다.")
    elif len(skin_types) == len(SKIN_TYPES):
        parts.append("모든 피부 타입에 추천합니다.")
    else:
        parts.append(f"{'·'.join(SKIN_KO[s] for s in skin_types)} 피부에 추천합니다.")
    return " ".join(parts)


def _and_particle(word: str) -> str:
    """Korean "and": 과 after a final consonant (받침), 와 after a vowel."""
    last = word[-1]
    if "가" <= last <= "힣":
        return "과" if (ord(last) - ord("가")) % 28 else "와"
    return "와"


def generate_model(rng: np.random.Generator, products: list[dict[str, Any]]) -> dict[str, Any]:
    """Draw the latents, round them as they will be stored, and build the model from them."""
    brand_quality = {b.brand_id: round(float(rng.normal(0.0, 0.3)), 4) for b in BRANDS}
    sub_latent = {key: rng.normal(0.0, 1.0, LATENT_DIM) for key in sorted(SUB_TYPE_INDEX)}
    quality = np.array([round(float(brand_quality[p["brand_id"]] + rng.normal(0.0, 0.6)), 4) for p in products])
    latent = np.round(
        np.array([sub_latent[p["_sub_key"]] + rng.normal(0.0, 0.5, LATENT_DIM) for p in products]) / math.sqrt(LATENT_DIM),
        4,
    )
    segment_latent = np.round(rng.normal(0.0, 1.0, (len(AGE_BANDS), len(GENDERS), len(SKIN_TYPES), LATENT_DIM)), 4)
    oracle_products = []
    for i, p in enumerate(products):
        oracle_products.append({
            "product_id": p["product_id"],
            "brand_id": p["brand_id"],
            "category": p["_category"],
            "price": p["price"],
            "sub_type_price": SUB_TYPE_INDEX[p["_sub_key"]].base_price,
            "concerns": p["concerns"],
            "skin_types": p["skin_types"],
            "harsh": bool(HARSH_INGREDIENTS & set(p["key_ingredients"])),
            "quality": float(quality[i]),
            "latent": [float(x) for x in latent[i]],
        })
    population = default_population()
    oracle_dict = {
        "description": (
            "Ground truth of the demo catalog: P(product | profile) = softmax(utility / temperature). "
            "See recsys.demo.oracle.PreferenceModel for the utility and Oracle.scores to evaluate it."
        ),
        "seed": SEED,
        "parameters": {
            **PreferenceModel.default_parameters(),
            "harsh_ingredients": sorted(HARSH_INGREDIENTS),
            "segment_latent": segment_latent.tolist(),
        },
        "axes": {"age_bands": list(AGE_BANDS), "genders": list(GENDERS), "skin_types": list(SKIN_TYPES),
                 "concerns": list(CONCERNS), "categories": list(CATEGORIES)},
        "population": {
            "band": _r(population.band),
            "gender": _r(population.gender),
            "skin_given_band": _r(population.skin_given_band),
            "concern_given_band_skin": _r(population.concern_given_band_skin),
        },
        "brands": [{"brand_id": b.brand_id, "target_age": b.target_age} for b in BRANDS],
        "products": oracle_products,
    }
    return oracle_dict


def _r(a: np.ndarray) -> list:
    return np.round(a, 6).tolist()


# --------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reviewer:
    band: int
    gender: int
    skin: int
    concern: int


def draw_reviewers(rng: np.random.Generator, population: Population, n: int) -> list[Reviewer]:
    joint = population.joint()
    flat = joint.ravel() / joint.sum()
    cells = rng.choice(flat.size, size=n, p=flat)
    return [Reviewer(*map(int, np.unravel_index(c, joint.shape))) for c in cells]


def profile_info(rng: np.random.Generator, r: Reviewer) -> str:
    """The mall's ``30대/여성/건성/보습`` string, with the gaps and variants real exports have."""
    u = rng.random()
    if u < 0.05:
        return ""
    skin, concern = SKIN_TYPES[r.skin], CONCERNS[r.concern]
    skin_word = SKIN_KO[skin]
    if skin == "oily" and concern == "moisture" and rng.random() < 0.5:
        skin_word = "수분부족지성"
    elif skin == "dry" and rng.random() < 0.15:
        skin_word = "악건성"
    elif skin == "sensitive" and rng.random() < 0.3:
        skin_word = "민감"
    concern_word = CONCERN_KO[concern]
    if concern == "anti_aging" and rng.random() < 0.4:
        concern_word = "탄력"
    elif concern == "acne" and rng.random() < 0.3:
        concern_word = "여드름"
    parts = [f"{AGE_BANDS[r.band]}대", "여성" if GENDERS[r.gender] == "F" else "남성", skin_word, concern_word]
    if u < 0.20:
        drop = set(_sample_without_replacement(rng, np.ones(4), int(rng.integers(1, 3))))
        parts = [p for i, p in enumerate(parts) if i not in drop]
    return "/".join(parts)


def generate_reviews(rng: np.random.Generator, products: list[dict[str, Any]], oracle: Oracle) -> None:
    """Draw ~7,000 purchases from the preference model and write a review for each."""
    reviewers = draw_reviewers(rng, oracle.population, N_REVIEWS)
    cdf = np.cumsum(oracle.segment_probs, axis=-1)
    m = oracle.model
    days = (LAST_REVIEW_DAY - FIRST_REVIEW_DAY).days + 1
    day_weight = np.linspace(0.6, 1.4, days)
    day_weight /= day_weight.sum()
    review_days = rng.choice(days, size=N_REVIEWS, p=day_weight)
    for r, day in zip(reviewers, review_days):
        row = cdf[r.band, r.gender, r.skin, r.concern]
        i = min(int(np.searchsorted(row, rng.random() * row[-1], side="right")), len(row) - 1)
        product = products[i]
        fit = _match_quality(m, r, i)
        rating = _rating(rng, fit)
        product["reviews"].append({
            "text": review_text(rng, product, r, rating),
            "profile_info": profile_info(rng, r),
            "rating": rating,
            "date": (FIRST_REVIEW_DAY + timedelta(days=int(day))).isoformat(),
        })
    for product in products:
        product["reviews"].sort(key=lambda rv: rv["date"], reverse=True)


def _match_quality(m: PreferenceModel, r: Reviewer, i: int) -> float:
    """How well the bought product actually suits the reviewer (drives the star rating)."""
    relevance = SKIN_RELEVANCE[CATEGORIES[m.category[i]]]
    fit = 0.5 * m.quality[i] + relevance * m.skin_fit[i, r.skin] + m.targets[i, r.concern]
    if SKIN_TYPES[r.skin] == "sensitive" and m.harsh[i]:
        fit -= 1.2
    return float(fit)


def _rating(rng: np.random.Generator, fit: float) -> int:
    score = 0.9 * fit + rng.normal(0.0, 0.9)
    for threshold, stars in ((1.1, 5), (0.3, 4), (-0.3, 3), (-0.85, 2)):
        if score >= threshold:
            return stars
    return 1


# Review fragments: each aspect has positive and negative lines; {sub} is the sub-type.
_FRAGMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "texture_light": {
        "+": ("제형이 묽고 가벼워서 금방 흡수돼요.", "산뜻하게 스며들어서 끈적임이 전혀 없어요.",
              "물처럼 가벼운 제형이라 여름에도 부담 없어요.", "바르고 나서 겉돌지 않고 쏙 흡수되네요."),
        "-": ("생각보다 묽어서 손에서 자꾸 흘러요.", "흡수가 느리고 겉도는 느낌이 있어요."),
    },
    "texture_rich": {
        "+": ("꾸덕한 제형인데 펴 바르면 부드럽게 발려요.", "쫀쫀하게 밀착돼서 아침까지 유지돼요.",
              "리치한 크림 제형이라 밤에 바르고 자기 좋아요."),
        "-": ("너무 무거워서 바르고 나면 답답해요.", "끈적임이 오래 남아서 아침에는 못 쓰겠어요."),
    },
    "moisture": {
        "+": ("속건조가 심한데 하루 종일 촉촉해요.", "건조한 날에도 당김이 없어요.",
              "보습력이 좋아서 각질이 확실히 줄었어요.", "세안 후 바로 바르면 촉촉함이 오래가요."),
        "-": ("보습은 좀 아쉬워서 크림을 덧발라야 해요.", "오후가 되면 다시 건조해져요."),
    },
    "oil_control": {
        "+": ("지성인데도 번들거림이 덜해요.", "오후까지 유분 올라오는 게 확실히 덜하네요.",
              "피지 정리가 잘 돼서 화장이 덜 무너져요."),
        "-": ("지성 피부에는 조금 기름지게 느껴져요.", "오후 되면 번들거려요."),
    },
    "sensitive": {
        "+": ("민감한 피부인데 따가움 없이 편하게 썼어요.", "예민한 피부라 걱정했는데 순하게 잘 맞아요.",
              "붉어짐이 가라앉고 피부가 편안해졌어요."),
        "-": ("민감성이라 그런지 바르고 조금 따가웠어요.", "저한테는 자극이 있어서 붉어졌어요.",
              "예민한 날에 쓰니 화끈거림이 있었어요."),
    },
    "effect_anti_aging": {
        "+": ("꾸준히 쓰니 피부가 탱탱해진 느낌이에요.", "눈가 잔주름 때문에 샀는데 만족스러워요.",
              "탄력이 생긴 것 같아서 엄마도 같이 써요."),
        "-": ("탄력 효과는 아직 잘 모르겠어요.", "가격 대비 눈에 띄는 변화는 없었어요."),
    },
    "effect_brightening": {
        "+": ("피부 톤이 한결 맑아졌어요.", "칙칙했던 피부가 환해 보인다는 말을 들었어요.",
              "잡티가 옅어진 느낌이라 계속 쓰려고요."),
        "-": ("톤 변화는 크게 못 느꼈어요.", "한 통 다 썼는데 톤은 그대로예요."),
    },
    "effect_acne": {
        "+": ("트러블이 올라오다가도 금방 가라앉아요.", "좁쌀이 많이 줄었어요.",
              "턱 여드름 때문에 샀는데 확실히 덜 나요."),
        "-": ("오히려 트러블이 올라와서 중단했어요.", "좁쌀이 더 생긴 것 같아요."),
    },
    "effect_pores": {
        "+": ("모공이 덜 부각되고 결이 매끈해졌어요.", "코 옆 피지가 확실히 정리돼요."),
        "-": ("모공 커버는 기대보다 약해요.",),
    },
    "cleansing": {
        "+": ("메이크업이 깔끔하게 지워지고 당김이 없어요.", "세안 후에도 뽀득하지 않고 촉촉해요.",
              "거품이 쫀쫀하고 순하게 잘 씻겨요.", "블랙헤드가 녹아 나오는 느낌이에요."),
        "-": ("세안 후에 좀 당겨요.", "눈에 들어가면 따가워요."),
    },
    "sun": {
        "+": ("백탁 없이 가볍게 발려서 매일 발라요.", "눈시림이 없어서 운동할 때도 좋아요.",
              "메이크업 전에 발라도 밀리지 않아요."),
        "-": ("백탁이 조금 있어요.", "덧바르면 밀림이 생겨요."),
    },
    "patch": {
        "+": ("자기 전에 붙이고 자면 아침에 확실히 가라앉아 있어요.", "얇아서 낮에 붙여도 티가 안 나요.",
              "접착력이 좋아서 잘 안 떨어져요."),
        "-": ("가장자리가 금방 들떠요.", "두께가 있어서 낮에는 티가 나요."),
    },
    "mask": {
        "+": ("시트가 얼굴에 착 붙고 에센스가 넉넉해요.", "중요한 날 전에 붙이면 화장이 잘 먹어요."),
        "-": ("시트가 커서 눈가가 남아요.", "에센스가 너무 많아서 흘러요."),
    },
    "scent": {
        "+": ("향이 은은해서 기분까지 좋아져요.", "인공적인 향이 아니라 좋아요.",
              "향이 거의 없어서 부담 없어요.", "은은한 허브향이 나서 힐링돼요."),
        "-": ("향이 좀 강해서 호불호 갈릴 것 같아요.", "냄새가 제 취향은 아니에요."),
    },
    "makeup_finish": {
        "+": ("얇게 발리는데 커버력이 좋아요.", "밀착력이 좋아서 오후까지 무너짐이 적어요.",
              "발색이 예쁘고 오래가요.", "컬러가 화면이랑 똑같아서 만족해요.", "각질 부각 없이 매끈하게 표현돼요."),
        "-": ("건조한 부위에 각질이 부각돼요.", "지속력이 아쉬워서 수정 화장이 필요해요.",
              "생각했던 색보다 어둡게 나와요."),
    },
    "fragrance": {
        "+": ("잔향이 포근하게 오래 남아요.", "뿌리자마자 주변에서 무슨 향이냐고 물어봤어요.",
              "첫 향은 상큼하고 잔향은 부드러워요.", "계절 상관없이 쓰기 좋은 향이에요."),
        "-": ("지속력이 짧아서 자주 뿌려야 해요.", "처음 향이 너무 강하게 느껴져요."),
    },
    "body": {
        "+": ("샤워 후에 바르면 다음 날까지 촉촉해요.", "온 가족이 같이 쓰기 좋아요.",
              "거품이 풍성하고 헹굼 후에도 당기지 않아요.", "머릿결이 부드러워졌어요."),
        "-": ("양이 금방 줄어서 아쉬워요.", "헹군 뒤에 조금 뻣뻣한 느낌이 있어요."),
    },
    "tool": {
        "+": ("손에 잘 잡혀서 쓰기 편해요.", "마감이 깔끔하고 튼튼해요.",
              "사용법이 간단해서 매일 쓰게 돼요.", "세척도 쉽고 위생적이에요."),
        "-": ("생각보다 내구성이 약해요.", "사용법이 좀 복잡해요."),
    },
    "men": {
        "+": ("하나로 끝나서 아침에 정말 편해요.", "끈적이지 않아서 남자들이 쓰기 딱 좋아요.",
              "면도 후에 발라도 따갑지 않아요.", "향이 과하지 않아서 출근할 때 좋아요."),
        "-": ("남자 피부에는 좀 유분이 많게 느껴져요.", "향이 좀 강해요."),
    },
    "price": {
        "+": ("가격 대비 용량이 넉넉해요.", "세일할 때 쟁여두기 좋아요.", "이 가격에 이 정도면 가성비 최고예요."),
        "-": ("가격이 좀 부담스러워요.", "용량에 비해 비싼 편이에요."),
    },
    "premium": {
        "+": ("가격은 있지만 그만한 값을 해요.", "비싼 만큼 확실히 다르네요.", "용기가 고급스러워서 쓸 때마다 기분 좋아요."),
        "-": ("이 가격이면 더 좋은 게 있을 것 같아요.",),
    },
    "packaging": {
        "+": ("펌프형이라 위생적이고 편해요.", "용기가 예뻐서 화장대에 두기 좋아요.", "휴대하기 좋은 크기예요."),
        "-": ("펌프가 잘 안 나와서 불편해요.", "뚜껑이 헐거워서 새요."),
    },
    "gift": {
        "+": ("선물했는데 받는 분이 너무 좋아하셨어요.", "포장이 고급스러워서 선물용으로 딱이에요.",
              "엄마 생신 선물로 샀는데 만족하셨어요.", "친구 생일 선물로 줬더니 반응 최고였어요."),
        "-": ("선물용으로 샀는데 포장이 좀 허술했어요.",),
    },
    "repurchase": {
        "+": ("벌써 세 통째 재구매예요.", "다 쓰면 또 살 거예요.", "정착템 찾아서 계속 재구매 중입니다."),
        "-": ("재구매는 안 할 것 같아요.", "한 번 써본 걸로 만족할게요."),
    },
    "ingredients": {
        "+": ("전성분 확인하고 샀는데 자극 성분이 없어서 좋아요.", "성분이 착해서 믿고 써요.",
              "비건 인증이라 마음 편하게 써요."),
        "-": ("성분은 좋은데 효과는 잘 모르겠어요.",),
    },
}
_OPENERS = ("{band}대 {skin} 피부예요.", "피부가 {skin} 쪽이라 고민이 많았어요.", "", "", "", "",
            "처음 써봤어요.", "친구 추천으로 구매했어요.", "리뷰 보고 샀어요.", "이벤트 때 구매했어요.")
_CLOSERS = {
    5: ("강력 추천합니다!", "완전 만족해요 ㅎㅎ", "인생템이에요!!", "", "", "추천해요~"),
    4: ("전체적으로 만족해요.", "무난하게 잘 쓰고 있어요.", "", "", "좋아요."),
    3: ("그냥 그래요.", "나쁘지는 않아요.", "", "보통이에요."),
    2: ("아쉬워요.", "기대가 커서 그런지 실망했어요.", ""),
    1: ("다시는 안 살 것 같아요.", "비추합니다.", ""),
}


def review_text(rng: np.random.Generator, product: dict[str, Any], r: Reviewer, rating: int) -> str:
    """1–3 sentences a reviewer like ``r`` would write about ``product`` at ``rating`` stars."""
    category, sub_key = product["_category"], product["_sub_key"]
    skin, concern = SKIN_TYPES[r.skin], CONCERNS[r.concern]
    aspects = _aspects_for(category, sub_key, skin, concern, product)
    weights = np.array([w for _, w in aspects])
    n = 1 + int(rng.random() < 0.75) + int(rng.random() < 0.35)
    sentences: list[str] = []
    for k in _sample_without_replacement(rng, weights, min(n, len(aspects))):
        aspect = aspects[k][0]
        positive = rating >= 4 or (rating == 3 and rng.random() < 0.5)
        if aspect == "repurchase" and rating <= 3:
            positive = False
        lines = _FRAGMENTS[aspect]["+" if positive else "-"]
        sentences.append(_choice(rng, lines))
    if rng.random() < 0.3:
        opener = _choice(rng, _OPENERS).format(band=AGE_BANDS[r.band], skin=SKIN_KO[skin])
        if opener:
            sentences.insert(0, opener)
    closer = _choice(rng, _CLOSERS[rating])
    if closer and len(sentences) < 3:
        sentences.append(closer)
    return " ".join(sentences[:3])


def _aspects_for(category: str, sub_key: str, skin: str, concern: str, product) -> list[tuple[str, float]]:
    aspects: list[tuple[str, float]] = [("price", 0.6), ("packaging", 0.4)]
    if product["price"] >= 60000:
        aspects.append(("premium", 0.8))
    special = {"cleansing_foam": "cleansing", "cleansing_oil": "cleansing", "men_cleanser": "cleansing",
               "sunscreen": "sun", "men_sunscreen": "sun", "spot_care": "patch", "sheet_mask": "mask"}
    if sub_key in special:
        aspects.append((special[sub_key], 2.5))
    if category == "skincare" and sub_key not in special:
        rich = sub_key in ("cream", "eye_cream")
        aspects.append(("texture_rich" if rich else "texture_light", 1.2))
        aspects.append(("scent", 0.4))
        if (skin == "dry" or concern == "moisture") and sub_key != "spot_care":
            aspects.append(("moisture", 1.5))
        if skin == "oily" and sub_key != "spot_care":
            aspects.append(("oil_control", 1.0))
    elif category == "makeup":
        aspects.append(("makeup_finish", 2.0))
        if skin in ("dry", "oily"):
            aspects.append(("moisture" if skin == "dry" else "oil_control", 0.6))
    elif category == "fragrance":
        aspects += [("fragrance", 2.5), ("scent", 0.8)]
    elif category == "body":
        aspects += [("body", 2.0), ("scent", 1.0)]
    elif category == "tools":
        aspects.append(("tool", 2.5))
    elif category == "men":
        aspects += [("men", 2.0), ("texture_light", 0.6)]
    if skin == "sensitive" and category in ("skincare", "men", "makeup", "body"):
        aspects.append(("sensitive", 1.8))
    effect = {"anti_aging": "effect_anti_aging", "brightening": "effect_brightening",
              "acne": "effect_acne", "pores": "effect_pores"}.get(concern)
    if effect and category in ("skincare", "men"):
        aspects.append((effect, 1.6))
    if concern == "gift" or (category == "fragrance" and "gift" in product["concerns"]):
        aspects.append(("gift", 1.8 if concern == "gift" else 0.6))
    if concern == "repurchase":
        aspects.append(("repurchase", 2.0))
    else:
        aspects.append(("repurchase", 0.4))
    if concern == "ingredients" or "ingredients" in product["concerns"]:
        aspects.append(("ingredients", 1.2 if concern == "ingredients" else 0.4))
    return aspects


# --------------------------------------------------------------------------------------
# Brand guides and CRM examples
# --------------------------------------------------------------------------------------


def brand_guides() -> list[dict[str, Any]]:
    """``data/brands.json``: the tone guide the drafter follows for each brand."""
    return [
        {
            "brand_id": b.brand_id,
            "name_ko": b.name_ko,
            "name_en": b.name_en,
            "story": {"ko": b.story_ko, "en": b.story_en},
            "tone_keywords": list(b.tone_keywords),
            "emoji_style": b.emoji_style,
            "colors": list(b.colors),
            "sender_name": b.sender_name,
            "positioning": {
                "price_tier": ("budget", "mid", "premium", "luxury")[b.tier - 1],
                "target_age": b.target_age,
                "hero_concerns": list(b.hero_concerns),
                "style": b.style,
            },
        }
        for b in BRANDS
    ]


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

PRODUCT_KEYS = ("product_id", "name", "name_en", "brand", "brand_id", "category", "sub_type", "price",
                "key_ingredients", "concerns", "skin_types", "functions", "image_url", "description", "reviews")


def generate(seed: int = SEED) -> dict[str, Any]:
    """Build every shipped file's content (no I/O); same seed, same content."""
    rng = np.random.default_rng(seed)
    products = generate_products(rng)
    oracle_dict = generate_model(rng, products)
    oracle_dict["seed"] = seed
    oracle = Oracle.from_dict(oracle_dict)
    generate_reviews(rng, products, oracle)
    clean = [{k: p[k] for k in PRODUCT_KEYS} for p in products]
    return {
        "products.json": clean,
        "oracle.json": oracle_dict,
        "brands.json": brand_guides(),
        "crm_examples.json": list(CRM_EXAMPLES),
    }


def dumps(data: Any) -> str:
    """Stable JSON: fixed key order, UTF-8 Korean, one record per line where it helps diffs."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write(out_dir: str | Path, seed: int = SEED) -> list[Path]:
    """Generate and write the demo files into ``out_dir``; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in generate(seed).items():
        path = out / name
        path.write_text(dumps(data), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the demo catalog, oracle and brand guides.")
    parser.add_argument("--out", default="data", help="output folder (default: data)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default: {SEED})")
    args = parser.parse_args(argv)
    for path in write(args.out, args.seed):
        print(path)


if __name__ == "__main__":
    main()
