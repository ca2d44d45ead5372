"""Retrieve what a draft is grounded in: brand voice, product facts and real review phrases.

The catalog's review texts are indexed once in an in-memory SQLite FTS5 table with the
``trigram`` tokenizer, which matches Korean substrings without a morphological analyser.
A request then touches only the target product's reviews (B-tree lookup) and ranks them by
how much the reviewer resembles the target customer (skin type, concerns, age band, rating)
plus the full-text relevance of the review to the customer's concerns. Snippets are verbatim
substrings of the reviews, so a draft never puts words in a customer's mouth.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from crm.errors import CRMError
from recsys.catalog import Catalog
from recsys.labels import label
from recsys.paths import DEFAULT_TONE
from recsys.profile import Profile

# Korean words a reviewer uses for each concern. Terms of three or more characters go to the
# FTS5 trigram index; shorter ones are checked on the few candidate reviews of one product.
CONCERN_TERMS: dict[str, tuple[str, ...]] = {
    "moisture": ("보습", "촉촉", "수분", "건조", "속당김", "당김"),
    "anti_aging": ("탄력", "주름", "쫀쫀", "생기", "안티에이징"),
    "calming": ("진정", "순해", "순하", "순한", "편안", "붉은", "예민"),
    "brightening": ("톤업", "맑아", "화사", "칙칙", "광채", "환해"),
    "pores": ("모공", "피지", "매끈", "산뜻", "번들"),
    "acne": ("트러블", "뾰루지", "좁쌀", "진정"),
    "gift": ("선물", "포장", "고급", "센스"),
    "repurchase": ("재구매", "또 샀", "쟁여", "정착"),
    "ingredients": ("성분", "전성분", "순한 성분", "함유"),
}

# Words about how a product feels in use: what makes a review line worth quoting.
EXPERIENCE_TERMS = (
    "촉촉", "흡수", "제형", "발려", "밀착", "산뜻", "가벼", "순하", "순한", "편하", "편안", "향이", "결이",
    "매끈", "보습", "당김", "스며", "지속", "발색", "커버", "잔향", "부드럽", "윤기", "탄력", "맑아",
    "쫀쫀", "거품", "끈적임", "끈적이지", "탱탱", "깔끔", "튼튼", "밀리지", "무너짐", "표현돼", "머릿결",
    "풍성", "부드러", "따가움 없", "백탁 없",
)
GENERIC_TERMS = (
    "구매했어요", "샀어요", "써봤어요", "가격", "가성비", "세일", "이벤트", "편이라", "피부예요",
    "용량", "뚜껑", "펌프", "용기", "추천합니다", "인생템", "만족해요", "고민이 많았", "크기예요",
)
NEGATIVE_TERMS = (
    "아쉬", "별로", "실망", "비추", "답답", "부담스러", "따가웠", "따갑", "화끈", "헐거", "불편", "기름지", "건조해져",
    "올라와", "안 살", "안 할", "잘 모르", "호불호", "약해요", "복잡", "짧아", "그냥 그래", "보통이",
    "나쁘지는", "기대보다", "기대가 커", "변화는 없", "더 좋은 게", "의구심", "반신반의", "의문",
    # a scent or finish that does not last, a product that did not suit
    "금방 사라", "금방 날아", "빨리 날아", "빨리 사라", "오래가지 않", "오래 안 가", "지속력이 짧", "지속력은 짧",
    "안 맞", "안맞", "뒤집", "트러블이 나", "트러블이 생", "자극이 있", "끈적여", "끈적거", "밀려요", "뭉쳐",
)

# What a review says about products that act on no skin: scent, use, the gift.
KIND_TERMS: dict[str, tuple[str, ...]] = {
    "fragrance": ("향", "잔향", "지속", "은은", "향기", "레이어링", "선물", "포장", "분위기"),
    "home": ("향", "은은", "공간", "방", "집", "선물", "포장", "향기"),
    "tool": ("부드럽", "편해", "편하", "쓰기", "사용감", "밀착", "튼튼", "깔끔", "두툼", "도톰", "촘촘"),
    "lifestyle": ("예뻐", "예쁘", "귀여", "수납", "넉넉", "가볍", "선물", "튼튼", "여행"),
}
# A quote carries no one's contact details, no markup or quotes of its own, no purchase talk.
_UNQUOTABLE = re.compile(r"\d{2,4}[-. ]\d{3,4}[-. ]\d{4}|[\w.+-]+@[\w-]+\.\w+|https?://|카톡 ?아이디|주소"
                         r"|[*#<>|“”\"]|사은품|증정|구매 ?금액|적립|쿠폰")
# Brands a review may compare with besides the catalog's own (whose names are known at index
# time): the big names shoppers mention. A quote naming another brand is never used.
OTHER_BRANDS = ("다이슨", "샤넬", "디올", "에스티로더", "랑콤", "조말론", "이솝", "바이레도", "딥티크",
                "올리브영", "시세이도", "SK-II", "키엘", "클리니크", "입생로랑")

MIN_SNIPPETS = 2
MIN_QUALITY = 1.0  # first choice: at least one word about the product's feel or the concern
MAX_SNIPPETS = 4
MAX_SNIPPET_CHARS = 70
HIGH_RATING = 4.0

_SENTENCE_END = re.compile(r"(?<=[.!?~。])\s+|\n+")


@dataclass(frozen=True)
class BrandGuide:
    """A brand's voice as its tone guide describes it (``data/brands.json`` or a mall's
    ``brand_stories.json``).

    ``default_tone`` marks a brand that has no guide: it speaks in the mall's default tone
    (``data/default_tone.json``) with no story, and the drafter says so on every draft.
    ``sender`` is the name after ``(광고)``: the drafter sets it to the mall
    (``CRM_SENDER_NAME``) — the law names who sends, not the brand; a guide's own
    ``sender_name`` is used only by callers that give no sender.
    """

    brand_id: str
    name: str
    name_en: str = ""
    story: str = ""
    tone_keywords: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    sender_name: str = ""
    emoji_style: str = ""
    default_tone: bool = False

    @property
    def sender(self) -> str:
        """The name that follows the ``(광고)`` label."""
        return self.sender_name or self.name

    @property
    def uses_emoji(self) -> bool:
        return self.emoji_style != "none"

    def to_dict(self) -> dict[str, Any]:
        return {
            "brand_id": self.brand_id,
            "name": self.name,
            "name_en": self.name_en,
            "story": self.story,
            "tone_keywords": list(self.tone_keywords),
            "colors": list(self.colors),
            "sender_name": self.sender,
            "emoji_style": self.emoji_style,
            "default_tone": self.default_tone,
        }


@dataclass(frozen=True)
class ProductFacts:
    """The facts a message may state about a product; ``functions`` gate functional claims."""

    product_id: str
    name: str
    name_en: str
    brand: str
    brand_id: str
    category: str
    sub_type: str
    price: int
    ingredients: tuple[str, ...]
    concerns: tuple[str, ...]
    skin_types: tuple[str, ...]
    functions: tuple[str, ...]
    description: str
    # Product understanding (recsys.mining columns; plain defaults for a catalog without them).
    kind: str = ""
    is_set: bool = False
    volume: str = ""
    target_gender: str = ""
    display_name: str = ""
    short_name: str = ""
    support: Mapping[str, int] = field(default_factory=dict)

    @property
    def copy_name(self) -> str:
        """The name copy uses: the short name (no promo tags, volume or variant list)."""
        return self.short_name or self.display_name or self.name

    def to_dict(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "name": self.name,
            "name_en": self.name_en,
            "brand": self.brand,
            "brand_id": self.brand_id,
            "category": self.category,
            "sub_type": self.sub_type,
            "price": self.price,
            "ingredients": list(self.ingredients),
            "concerns": list(self.concerns),
            "skin_types": list(self.skin_types),
            "functions": list(self.functions),
            "description": self.description,
            "kind": self.kind,
            "is_set": self.is_set,
            "volume": self.volume,
            "target_gender": self.target_gender,
            "display_name": self.display_name,
            "short_name": self.short_name,
            "support": dict(self.support),
        }


@dataclass(frozen=True)
class ReviewSnippet:
    """A verbatim piece of one review, with who wrote it and why it was chosen."""

    text: str
    rating: float | None
    reviewer: str
    similarity: float
    # Who wrote it, as far as the review's profile says (None/() when it does not): lets a
    # caller keep quotes from reviewers of one persona.
    reviewer_profile: Profile | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "rating": self.rating,
            "reviewer": self.reviewer,
            "similarity": round(self.similarity, 3),
        }


@dataclass(frozen=True)
class DraftContext:
    """Everything the drafting prompt and the offline copywriter may use, and nothing else."""

    profile: Profile
    brand: BrandGuide
    product: ProductFacts
    snippets: tuple[ReviewSnippet, ...] = ()
    style_examples: tuple[str, ...] = ()
    #: Every review text of the product: a quoted sentence must occur in one of them.
    reviews: tuple[str, ...] = ()

    @property
    def sender(self) -> str:
        """Who sends the message: the name the ``(광고)`` line carries."""
        return self.brand.sender

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile.to_dict(),
            "brand": self.brand.to_dict(),
            "product": self.product.to_dict(),
            "snippets": [s.to_dict() for s in self.snippets],
            "style_examples": list(self.style_examples),
        }


class UnknownProductError(CRMError, KeyError):
    """The product id is not in the indexed catalog."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown product"


def _as_tuple(value: Any) -> tuple[str, ...]:
    if _is_na(value):
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.replace(";", ",").split(",") if p.strip())
    return tuple(str(v) for v in value if str(v).strip())


def _brand_from_record(brand_id: str, record: Mapping[str, Any]) -> BrandGuide:
    tone = record.get("tone_keywords", record.get("tone", record.get("keywords", ())))
    if isinstance(tone, Mapping):
        tone = tone.get("keywords") or tone.get("ko") or list(tone.values())
    colors = record.get("colors", record.get("visual_colors", ()))
    if isinstance(colors, Mapping):
        colors = list(colors.values())
    story = record.get("story") or record.get("story_ko") or record.get("description") or ""
    if isinstance(story, Mapping):
        story = story.get("ko") or story.get("en") or ""
    return BrandGuide(
        brand_id=brand_id,
        name=str(record.get("name_ko") or record.get("name_kr") or record.get("name") or record.get("brand")
                 or brand_id),
        name_en=str(record.get("name_en") or ""),
        story=str(story),
        tone_keywords=_as_tuple(tone),
        colors=_as_tuple(colors),
        sender_name=str(record.get("sender_name") or ""),
        emoji_style=str(record.get("emoji_style") or ""),
    )


def parse_brands(data: Any) -> dict[str, BrandGuide]:
    """Brand tone guides from a parsed guide file, keyed by brand id.

    Two shapes: ``data/brands.json`` (a list of records with ``brand_id, name_ko, name_en,
    story{ko,en}, tone_keywords, colors, emoji_style``) and a mall's ``brand_stories.json``
    (an object keyed by brand name: ``{name_kr, name_en, story, url, visual_colors,
    tone_keywords}``), whose key is the id. Catalog products find their guide by id or by
    the brand's Korean or English name (:func:`match_brand`).
    """
    if isinstance(data, Mapping) and "brands" in data:
        data = data["brands"]
    items: Iterable[tuple[str, Mapping[str, Any]]]
    if isinstance(data, Mapping):
        items = ((str(k), v) for k, v in data.items())
    else:
        items = ((str(r.get("brand_id") or r.get("id") or r.get("name")), r) for r in data)
    return {bid: _brand_from_record(bid, rec) for bid, rec in items}


class BrandsFileError(CRMError, ValueError):
    """The brand tone-guide file is missing, unreadable or not brand records (message names it).

    Drafting silently without tone guides would hide a wrong path, so a file that was named
    but cannot be used is an error, never an empty guide set.
    """


def load_brands(path: Path | str) -> dict[str, BrandGuide]:
    """Read ``data/brands.json``; a brand missing there still drafts from catalog facts."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BrandsFileError(f"brands file not found: {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise BrandsFileError(f"brands file {file} cannot be read ({reason})") from None
    try:
        return parse_brands(json.loads(text))
    except json.JSONDecodeError as exc:
        raise BrandsFileError(f"brands file {file} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except (AttributeError, TypeError):
        raise BrandsFileError(f"brands file {file} does not hold brand records "
                              "(expected a list of objects or an object keyed by brand id)") from None


def _brand_key(name: str) -> str:
    """A brand name compared loosely: case, spaces and punctuation do not count."""
    return "".join(ch for ch in str(name).casefold() if ch.isalnum())


class BrandMatcher:
    """Finds a product's guide by brand id, else by the guide's Korean or English name or id."""

    def __init__(self, guides: Mapping[str, BrandGuide]) -> None:
        self.guides = dict(guides)
        self._by_name: dict[str, BrandGuide] = {}
        for bid, guide in self.guides.items():
            for name in (guide.name, guide.name_en, bid):
                key = _brand_key(name)
                if key:
                    self._by_name.setdefault(key, guide)

    def match(self, brand_id: str, brand: str) -> BrandGuide | None:
        if brand_id and brand_id in self.guides:
            return self.guides[brand_id]
        for name in (brand, brand_id):
            guide = self._by_name.get(_brand_key(name)) if name else None
            if guide is not None:
                return guide
        return None


def load_default_tone(path: Path | str | None = None) -> BrandGuide:
    """The mall's default voice for brands without a guide (``data/default_tone.json``).

    It carries tone keywords and an emoji style only: a brand's story is its own, so a
    brand without a guide has none rather than the mall's.
    """
    file = Path(path) if path else DEFAULT_TONE
    try:
        record = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BrandsFileError(f"default tone file not found: {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise BrandsFileError(f"default tone file {file} cannot be read ({reason})") from None
    except json.JSONDecodeError as exc:
        raise BrandsFileError(f"default tone file {file} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(record, Mapping) or not _as_tuple(record.get("tone_keywords")):
        raise BrandsFileError(f"default tone file {file} needs an object with a non-empty tone_keywords list")
    guide = _brand_from_record("", record)
    return BrandGuide(brand_id="", name=guide.name, tone_keywords=guide.tone_keywords,
                      emoji_style=guide.emoji_style, default_tone=True)


def brands_without_guide(catalog: Catalog, guides: Mapping[str, BrandGuide]) -> list[tuple[str, int]]:
    """Catalog brands no tone guide matches, with their product counts (most products first).

    ``personabot catalog info`` lists them: their drafts use the mall's default tone.
    """
    matcher = BrandMatcher(guides)
    counts: dict[str, int] = {}
    frame = catalog.products
    ids = frame["brand_id"] if "brand_id" in frame else [""] * len(frame)
    for brand_id, brand in zip(ids, frame["brand"]):
        brand_id = "" if _is_na(brand_id) else str(brand_id)
        brand = "" if _is_na(brand) else str(brand)
        if matcher.match(brand_id, brand) is None:
            label = brand or brand_id or "(no brand)"
            counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _age_band(age_min: Any, age_max: Any) -> int | None:
    values = [int(v) for v in (age_min, age_max) if not _is_na(v)]
    if not values:
        return None
    return max(10, min(60, (sum(values) // len(values)) // 10 * 10))


def _is_na(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA (nullable columns); lists and strings are values."""
    if value is None:
        return True
    if isinstance(value, str) or not pd.api.types.is_scalar(value):
        return False
    return bool(pd.isna(value))


def _reviewer_profile(age_band: int | None, gender: str | None, skin: str | None,
                      concerns: str | None) -> Profile | None:
    """The reviewer's profile from the review's fields; None when it names nothing."""
    known = tuple(c for c in (concerns or "").split(",") if c)
    if not (age_band or gender or skin or known):
        return None
    return Profile(age_min=age_band or None, age_max=(age_band + 9) if age_band else None,
                   gender=gender or None, skin_type=skin or None, concerns=known)


def _reviewer_label(age_band: int | None, gender: str | None, skin: str | None) -> str:
    parts = []
    if age_band:
        parts.append(f"{age_band}대")
    if gender:
        parts.append(label("gender", gender, "ko"))
    if skin:
        parts.append(label("skin_type", skin, "ko"))
    return "/".join(parts)


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def sentence_quality(sentence: str, terms: Iterable[str]) -> float:
    """How much a sentence says about the product's feel and effect for this customer.

    Concern words count most, words about texture/feel next; purchase circumstances
    (가격, 세일, 이벤트) and complaints make a poor quote for an ad.
    """
    score = 2.0 * sum(t in sentence for t in terms)
    score += sum(t in sentence for t in EXPERIENCE_TERMS)
    score -= 1.5 * sum(t in sentence for t in GENERIC_TERMS)
    score -= 5.0 * sum(t in sentence for t in NEGATIVE_TERMS)
    return score


def best_sentence(text: str, terms: Iterable[str], limit: int = MAX_SNIPPET_CHARS) -> tuple[str, float]:
    """The most quotable sentence of a review, verbatim (cut at a clause if too long), and its quality."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
    if not sentences:
        return "", float("-inf")
    term_list = list(terms)
    # A sentence that fits whole beats one cut mid-clause.
    ranked = sorted(
        ((sentence_quality(s, term_list) - (3.0 if len(s) > limit else 0.0), -i, s)
         for i, s in enumerate(sentences)), reverse=True
    )
    quality, _, sentence = ranked[0]
    if len(sentence) > limit:
        # cut where a clause ends ("…발리고", "…좋은데,"), so the quote still reads as one
        # thought; a sentence with no clause end in reach is a poor quote and ranks last
        cut = max(_clause_end(sentence, limit), sentence.rfind(",", 0, limit))
        if cut > limit // 2:
            sentence = sentence[:cut].rstrip(" ,")
        else:
            sentence, quality = sentence[: max(sentence.rfind(" ", 0, limit), limit // 2)].rstrip(" ,"), quality - 5.0
    return sentence, quality


_CLAUSE_END = re.compile(r"(?:고|서|며|면서|는데|은데|지만|니까|어서|아서|해서|라서)(?=\s)")


def _clause_end(sentence: str, limit: int) -> int:
    """The position just after the last clause ending before ``limit``, or -1."""
    ends = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, limit)]
    return ends[-1] if ends else -1


# The kind a coarse catalog category implies, for a catalog loaded without recsys.mining.
_CATEGORY_KINDS = {"fragrance": "fragrance", "tools": "tool", "body": "body", "makeup": "makeup"}


def _understood(row: Mapping[str, Any]) -> dict[str, Any]:
    """The product-understanding columns of a catalog row (recsys.mining), when it has them.

    A catalog without a ``kind`` column (a hand-built frame) gets the kind of its sub-type,
    else of its category.
    """
    from recsys.product_types import kind_of

    support = row.get("support")
    gender = row.get("target_gender")
    return {
        "kind": (str(row.get("kind") or "") or kind_of(str(row.get("sub_type") or ""))
                 or _CATEGORY_KINDS.get(str(row.get("category") or ""), "")),
        "is_set": bool(row.get("is_set")) if not _is_na(row.get("is_set")) else False,
        "volume": "" if _is_na(row.get("volume")) else str(row.get("volume") or ""),
        "target_gender": "" if _is_na(gender) else str(gender or ""),
        "display_name": "" if _is_na(row.get("display_name")) else str(row.get("display_name") or ""),
        "short_name": "" if _is_na(row.get("short_name")) else str(row.get("short_name") or ""),
        "support": {str(k): int(v) for k, v in support.items()} if isinstance(support, Mapping) else {},
    }


class ContextIndex:
    """Catalog text indexed once; ``context_for`` answers one request in milliseconds."""

    def __init__(self, catalog: Catalog, brands: Mapping[str, BrandGuide] | None = None, *,
                 default_tone: BrandGuide | None = None) -> None:
        self.brands: dict[str, BrandGuide] = dict(brands or {})
        self._matcher = BrandMatcher(self.brands)
        self.default_tone = default_tone or load_default_tone()
        products = catalog.products
        self._products: dict[str, ProductFacts] = {}
        for row in products.to_dict("records"):
            pid = str(row["product_id"])
            self._products[pid] = ProductFacts(
                product_id=pid,
                name=str(row.get("name") or ""),
                name_en=str(row.get("name_en") or ""),
                brand=str(row.get("brand") or ""),
                brand_id=str(row.get("brand_id") or ""),
                category=str(row.get("category") or ""),
                sub_type=str(row.get("sub_type") or ""),
                price=int(row.get("price") or 0),
                ingredients=_as_tuple(row.get("ingredients")),
                concerns=_as_tuple(row.get("concerns")),
                skin_types=_as_tuple(row.get("skin_types")),
                functions=_as_tuple(row.get("functions")),
                description=str(row.get("description") or ""),
                **_understood(row),
            )
        # One in-memory connection shared by the bot's worker threads, used under a lock.
        self._brand_names = sorted({str(b) for b in products.get("brand", pd.Series(dtype=str)).dropna()}
                                   | {b.name for b in self.brands.values()}, key=len, reverse=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(
            """
            CREATE TABLE reviews (
                id INTEGER PRIMARY KEY, product_id TEXT NOT NULL, text TEXT NOT NULL,
                skin_type TEXT, concerns TEXT, age_band INTEGER, gender TEXT, rating REAL
            );
            CREATE INDEX reviews_product ON reviews(product_id);
            CREATE VIRTUAL TABLE reviews_fts USING fts5(
                text, content='reviews', content_rowid='id', tokenize='trigram'
            );
            """
        )
        self._db.executemany(
            "INSERT INTO reviews (product_id, text, skin_type, concerns, age_band, gender, rating)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            self._review_rows(catalog),
        )
        self._db.execute("INSERT INTO reviews_fts(reviews_fts) VALUES ('rebuild')")
        self._db.commit()

    @classmethod
    def from_files(cls, catalog: Catalog, brands_path: Path | str | None,
                   default_tone_path: Path | str | None = None) -> "ContextIndex":
        """Index a loaded catalog with the tone guides at ``brands_path`` (None: no guides)
        and the mall's default tone at ``default_tone_path`` (None: the shipped one).

        Raises :class:`BrandsFileError` when a named file is missing or broken.
        """
        brands = load_brands(brands_path) if brands_path else {}
        return cls(catalog, brands, default_tone=load_default_tone(default_tone_path))

    @staticmethod
    def _review_rows(catalog: Catalog) -> Iterable[tuple[Any, ...]]:
        frame = catalog.interactions
        if frame is None or frame.empty:
            return
        for row in frame.to_dict("records"):
            text = row.get("text")
            if not isinstance(text, str) or not text.strip():
                continue
            rating = row.get("rating")
            if not _is_na(rating) and float(rating) <= 0:
                rating = None  # a 0 in an export is a missing rating (stars run 1-5)
            yield (
                str(row["product_id"]),
                text,
                None if _is_na(row.get("skin_type")) else row.get("skin_type"),
                ",".join(_as_tuple(row.get("concerns"))),
                _age_band(row.get("age_min"), row.get("age_max")),
                None if _is_na(row.get("gender")) else row.get("gender"),
                None if _is_na(rating) else float(rating),
            )

    @property
    def product_ids(self) -> list[str]:
        return list(self._products)

    def product(self, product_id: str) -> ProductFacts:
        try:
            return self._products[product_id]
        except KeyError:
            raise UnknownProductError(f"product {product_id!r} is not in the catalog") from None

    def brand_for(self, product: ProductFacts) -> BrandGuide:
        """The brand's tone guide, or the mall's default tone under the catalog's brand name."""
        guide = self._matcher.match(product.brand_id, product.brand)
        if guide is not None:
            return guide
        return replace(self.default_tone, brand_id=product.brand_id, name=product.brand or "브랜드")

    def context_for(
        self, profile: Profile, product_id: str, *, style_examples: Iterable[str] = (),
        sender: str | None = None,
    ) -> DraftContext:
        """What a draft may use; ``sender`` (the mall) is the name after ``(광고)``."""
        product = self.product(product_id)
        brand = self.brand_for(product)
        if sender:
            brand = replace(brand, sender_name=sender)
        return DraftContext(
            profile=profile,
            brand=brand,
            product=product,
            snippets=tuple(self.snippets(profile, product_id)),
            style_examples=tuple(s for s in style_examples if s and s.strip()),
            reviews=self.reviews_of(product_id),
        )

    def reviews_of(self, product_id: str) -> tuple[str, ...]:
        """Every review text of the product, in catalog order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT text FROM reviews WHERE product_id = ? ORDER BY id", (product_id,)
            ).fetchall()
        return tuple(r[0] for r in rows)

    def quote_terms(self, profile: Profile, product: ProductFacts) -> list[str]:
        """Words a quote should contain to back what the draft says about this product.

        Skin products: the benefits the product's facts support, the customer's among them
        first. Fragrances, home scents, tools and goods: what their reviews praise instead.
        """
        from crm.claims import ClaimFacts  # crm.claims reads ProductFacts; no cycle at import

        if product.kind in KIND_TERMS:
            return list(KIND_TERMS[product.kind])
        supported = ClaimFacts(kind=product.kind, concerns=product.concerns, functions=product.functions,
                               support=product.support).supported
        wanted = [c for c in profile.concerns if c in supported]
        ordered = wanted + sorted(supported - set(wanted))
        return [t for c in ordered for t in CONCERN_TERMS.get(c, ())] or list(EXPERIENCE_TERMS)

    def snippets(self, profile: Profile, product_id: str, limit: int = MAX_SNIPPETS) -> list[ReviewSnippet]:
        """Up to ``limit`` verbatim review snippets from the reviewers most like ``profile``."""
        product = self.product(product_id)
        terms = self.quote_terms(profile, product)
        others = [b for b in (*self._brand_names, *OTHER_BRANDS)
                  if b and b not in (product.brand, product.brand_id) and b not in product.brand]
        with self._lock:
            rows = self._db.execute(
                "SELECT id, text, skin_type, concerns, age_band, gender, rating"
                " FROM reviews WHERE product_id = ?",
                (product_id,),
            ).fetchall()
            relevance = self._relevance([r[0] for r in rows], terms)
        if not rows:
            return []
        band = profile.age_band
        ranked = []
        for rid, text, skin, rconcerns, age_band, gender, rating in rows:
            similarity = 0.0
            if profile.skin_type and skin == profile.skin_type:
                similarity += 2.0
            similarity += 1.5 * len(set(profile.concerns) & set(filter(None, rconcerns.split(","))))
            if band and age_band == band:
                similarity += 1.0
            if profile.gender and gender == profile.gender:
                similarity += 0.5
            if rating is not None:
                similarity += 1.0 if rating >= HIGH_RATING else (-2.0 if rating < 3 else 0.0)
            similarity += relevance.get(rid, 0.0) + 0.5 * sum(t in text for t in terms[:12])
            sentence, quality = best_sentence(text, terms)
            # an ad quotes praise: no complaint or doubt, whatever its rating
            if (_UNQUOTABLE.search(sentence) or any(b in sentence for b in others)
                    or any(t in sentence for t in NEGATIVE_TERMS)):
                continue
            if len(sentence) >= 6:
                label = _reviewer_label(age_band, gender, skin)
                ranked.append((similarity + 0.5 * quality, rid, sentence, quality, rating, label,
                               _reviewer_profile(age_band, gender, skin, rconcerns)))
        ranked.sort(key=lambda item: (-item[0], item[1]))
        snippets: list[ReviewSnippet] = []
        seen: set[str] = set()
        # Telling lines from high ratings first; plainer or 3-star ones only to reach the minimum.
        for floor, min_quality in ((HIGH_RATING, MIN_QUALITY), (3.0, 0.0)):
            for score, _rid, sentence, quality, rating, label, who in ranked:
                if len(snippets) == limit or (floor < HIGH_RATING and len(snippets) >= MIN_SNIPPETS):
                    break
                if (rating is not None and rating < floor) or quality < min_quality or sentence in seen:
                    continue
                seen.add(sentence)
                snippets.append(ReviewSnippet(sentence, rating, label, score, who))
        return snippets

    def _relevance(self, rowids: list[int], terms: list[str]) -> dict[int, float]:
        long_terms = sorted({t for t in terms if len(t) >= 3})
        if not long_terms or not rowids:
            return {}
        query = " OR ".join(_fts_phrase(t) for t in long_terms)
        marks = ",".join("?" * len(rowids))
        hits = self._db.execute(
            f"SELECT rowid, bm25(reviews_fts) FROM reviews_fts"
            f" WHERE reviews_fts MATCH ? AND rowid IN ({marks})",
            (query, *rowids),
        ).fetchall()
        # bm25() is lower-is-better and negative; map to a small positive bonus.
        return {rowid: min(2.0, -score) for rowid, score in hits}
