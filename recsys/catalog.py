"""Load product catalogs and interactions from the mall's export formats into clean frames.

Contract (other modules rely on these columns; helpers add columns only at the end):

``Catalog.products`` — one row per product, ``product_id`` unique:
    product_id: str, name: str (Korean), name_en: str ("" if unknown),
    brand: str (display name), brand_id: str (key into data/brands.json, "" if unknown),
    category: str in recsys.profile.CATALOG_CATEGORIES, category_label: str (original label/code),
    sub_type: str ("" if unknown), price: int (KRW, 0 if unknown),
    ingredients: list[str], concerns: list[str] (recsys.profile.CONCERNS it targets),
    skin_types: list[str] (recsys.profile.SKIN_TYPES it targets),
    functions: list[str] (functional-cosmetic registrations: "whitening", "wrinkle", "uv"),
    image_url: str | None, description: str ("" if unknown),
    kind: str (recsys.product_types.KINDS, "" if unknown), is_set: bool, volume: str,
    target_gender: "men" | "women" | "unisex", display_name: str (no promo tags),
    short_name: str (for copy), rating: float (product-level, NaN if missing),
    review_count: int, support: dict[str, int] (concern/skin type → supporting reviews),
    evidence: list[dict] (``field, value, source, detail`` for each derived value)

Where an export gives no ``sub_type``, ``concerns``, ``skin_types`` or ``functions`` (a
legacy export gives none: its ``sub_category`` is a code such as ``0``), they come from
:func:`recsys.mining.product_attributes` reading the name, description, category code and
reviews; an export's own values win, and an export's own ``sub_type`` is kept when it is a
canonical :mod:`recsys.product_types` name (the demo catalog's are).

``Catalog.interactions`` — one row per review or purchase:
    product_id: str, user_id: str | None, age_min: Int64 (nullable), age_max: Int64,
    gender: str | None, skin_type: str | None, concerns: list[str], persona: str | None,
    rating: float (NaN if unknown), date: datetime64 (NaT if unknown), text: str,
    source: "review" | "customers",
    profile_source: "export" (the export's ``profile_info`` or customer fields) | "mined" (read
    from the review text by :func:`recsys.reviewers.reviewer_profile`) | "" (nothing known)

Formats, detected from the records' keys:

* ``products`` — the demo catalog and the mall's newer export (``products.json``):
  ``product_id, name, brand | brand_name, category, price, reviews[{text, profile_info,
  rating, date}]`` plus optional ``name_en, brand_id, sub_type, key_ingredients, concerns,
  skin_types, functions, image_url, description``. ``category`` is a Korean name
  (``스킨케어``), an English name or a code; ``price`` a number or a string like ``"12,000원"``.
  Reviews become interactions: ``profile_info`` is read with
  :func:`recsys.parsing.parse_profile_info` and the persona assigned from it; a review without
  one gets what its text says about the writer (:func:`recsys.reviewers.reviewer_profile`,
  ``profile_source = "mined"``).
* ``legacy`` — the mall's older ``amoremall_reviews.json``: ``product_id, product_name, price,
  brand_name, category`` (code), ``sub_category, rating, reviews[{reviewer, rating, content,
  date}]``. Reviews carry no profile, so each gets what its text says about the writer
  (``profile_source = "mined"``, persona assigned the same way); ``reviewer`` becomes ``user_id``.
* ``customers`` — the prototype's ``customers.json``, an interactions source only:
  ``{user_id, persona_name, age, gender, skin_type, skin_concern, purchased_product_id,
  product_category}``. Pass it as ``interactions_path`` next to its catalog; on its own it is a
  :class:`CatalogError` that says so (never a silent fallback to the demo products).
* ``review_table`` — one row per review as CSV/TSV or XLSX (:mod:`recsys.review_tables`):
  columns found from common Korean/English headers or named by ``columns``, rows grouped into
  products; ``Catalog.column_map`` says which header each field was read from.

Category codes: 97 skincare, 98 makeup, 99 fragrance, 100 body, 101 tools, 103 men; any other
code or name becomes ``other``; ``category_label`` keeps the original.

Customers vocabulary mapping (prototype → ours):

    skin dry/oily/combination/sensitive/normal  → the same skin type
    skin mature                                 → no skin type, adds the anti_aging concern
    skin unknown (or anything else)             → no skin type (None)
    concern moisture → moisture      concern wrinkle    → anti_aging
    concern calming  → calming       concern gift       → gift
    concern repurchase → repurchase  concern texture    → ingredients (cares about the formula)
    age (exact years) → age_min = age_max = age
    gender female/woman/f/여성/여자 → "F";  male/man/m/남성/남자 → "M";  else None
    persona_name → kept when it names one of our personas, else assigned from the fields
                   (None when no field is known)

Bad input: a file that is not JSON, has the wrong top-level type, or an unknown record shape
raises :class:`CatalogError` naming the file (and record and field). Individual bad records
(missing ``product_id``, unreadable price, duplicate id, a review that is not an object) are
skipped and listed in ``Catalog.skipped``; when more than half of a file's records are bad the
whole file is rejected with :class:`CatalogError`. Interactions whose product is not in the
catalog are dropped and counted in :meth:`Catalog.summary`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from recsys.errors import RecsysError
from recsys.mining import product_attributes
from recsys.parsing import parse_profile_info
from recsys.paths import DEMO_CATALOG
from recsys.product_types import canonical, category_of, kind_of
from recsys.profile import CONCERNS, SKIN_TYPES, Profile
from recsys.reviewers import reviewer_profile

PRODUCT_COLUMNS = (
    "product_id", "name", "name_en", "brand", "brand_id", "category", "category_label", "sub_type",
    "price", "ingredients", "concerns", "skin_types", "functions", "image_url", "description",
    "kind", "is_set", "volume", "target_gender", "display_name", "short_name", "rating", "review_count",
    "support", "evidence",
)
INTERACTION_COLUMNS = (
    "product_id", "user_id", "age_min", "age_max", "gender", "skin_type", "concerns", "persona",
    "rating", "date", "text", "source", "profile_source",
)

_CONCERN_WORDS = {c: c for c in CONCERNS} | {
    "보습": "moisture", "수분": "moisture", "hydration": "moisture",
    "주름": "anti_aging", "탄력": "anti_aging", "wrinkle": "anti_aging", "anti-aging": "anti_aging",
    "진정": "calming", "soothing": "calming", "미백": "brightening", "brightening": "brightening",
    "whitening": "brightening", "모공": "pores", "트러블": "acne", "여드름": "acne",
    "선물": "gift", "재구매": "repurchase", "성분": "ingredients", "texture": "ingredients",
}
_SKIN_WORDS = {s: s for s in SKIN_TYPES} | {
    "건성": "dry", "지성": "oily", "복합성": "combination", "민감성": "sensitive", "중성": "normal",
    "combo": "combination", "all": None,
}
_FUNCTION_WORDS = {
    "whitening": "whitening", "미백": "whitening", "brightening": "whitening",
    "wrinkle": "wrinkle", "주름개선": "wrinkle", "주름": "wrinkle", "anti_aging": "wrinkle",
    "uv": "uv", "자외선차단": "uv", "자외선 차단": "uv", "spf": "uv", "sunscreen": "uv",
}
# Prototype customers.json vocabularies (see the table in the module docstring).
CUSTOMER_SKIN = {"dry": "dry", "oily": "oily", "combination": "combination", "sensitive": "sensitive",
                 "normal": "normal", "mature": None, "unknown": None}
CUSTOMER_CONCERNS = {"moisture": "moisture", "wrinkle": "anti_aging", "gift": "gift",
                     "repurchase": "repurchase", "calming": "calming", "texture": "ingredients"}
GENDER_WORDS = {"f": "F", "female": "F", "woman": "F", "women": "F", "여성": "F", "여자": "F", "w": "F",
                "m": "M", "male": "M", "man": "M", "men": "M", "남성": "M", "남자": "M"}
_PRICE_TEXT = re.compile(r"^\s*(?:₩|krw)?\s*([0-9][0-9,]*)(?:\.0+)?\s*(?:원|won|krw)?\s*$", re.IGNORECASE)


class CatalogError(RecsysError, ValueError):
    """A catalog file that cannot be used; the message names file, record and field."""


class _BadRecord(Exception):
    """One record that cannot be used; becomes a line in ``Catalog.skipped``."""

    def __init__(self, field_name: str, problem: str):
        super().__init__(f"field {field_name!r}: {problem}")


@dataclass
class Catalog:
    products: pd.DataFrame
    interactions: pd.DataFrame
    source: Path | None = None
    format: str = "products"
    skipped: list[str] = field(default_factory=list)
    unmatched_interactions: int = 0
    column_map: dict[str, str] = field(default_factory=dict)  # review tables: field -> the table's header

    def summary(self) -> dict[str, Any]:
        """Counts for the CLI and the Slack ``catalog`` reply; nothing dropped goes unmentioned."""
        inter = self.interactions
        dates = inter["date"].dropna()
        known = inter[["age_min", "gender", "skin_type"]].notna().any(axis=1) | inter["concerns"].map(bool)
        return {
            "source": str(self.source) if self.source else None,
            "format": self.format,
            "products": len(self.products),
            "brands": int(self.products["brand"].nunique()),
            "categories": {k: int(v) for k, v in self.products["category"].value_counts().sort_index().items()},
            "price_min": int(self.products["price"].min()) if len(self.products) else 0,
            "price_max": int(self.products["price"].max()) if len(self.products) else 0,
            "interactions": len(inter),
            "interactions_with_profile": int(known.sum()),
            "sources": {k: int(v) for k, v in inter["source"].value_counts().sort_index().items()},
            "first_date": dates.min().date().isoformat() if len(dates) else None,
            "last_date": dates.max().date().isoformat() if len(dates) else None,
            "unmatched_interactions": self.unmatched_interactions,
            "skipped": len(self.skipped),
            "column_map": dict(self.column_map),
        }

    def describe(self) -> str:
        """One line: ``products.json (products): 800 products, 24 brands, 7,000 interactions, 0 skipped``."""
        s = self.summary()
        name = Path(s["source"]).name if s["source"] else "catalog"
        extra = f", {s['unmatched_interactions']:,} unmatched" if s["unmatched_interactions"] else ""
        return (
            f"{name} ({s['format']}): {s['products']:,} products, {s['brands']} brands, "
            f"{s['interactions']:,} interactions{extra}, {s['skipped']} skipped"
        )


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------


def load_catalog(path: str | Path, interactions_path: str | Path | None = None, *,
                 columns: dict[str, str] | str | None = None) -> Catalog:
    """Load any supported export (see module docstring) into a :class:`Catalog`.

    ``interactions_path`` adds interactions from a second file (a customers file, or another
    catalog's reviews) to those of ``path``; ``Catalog.interactions.source`` tells them apart.
    ``columns`` (``{"review": "내용"}`` or ``"review=내용,name=상품명"``) names the columns of a
    review table (CSV/TSV/XLSX) where its headers are not the usual ones.
    """
    path = Path(path)
    from recsys.review_tables import is_table

    if columns and not is_table(path) and not (interactions_path and is_table(Path(interactions_path))):
        raise CatalogError(f"{path}: a column mapping (--columns) applies to review tables (CSV/TSV/XLSX) only; "
                           "drop it for a JSON export")
    skipped: list[str] = []
    records, fmt, column_map = _read_export(path, columns, skipped)
    if fmt == "customers":
        raise CatalogError(_customers_alone(path, records))
    products, interactions = _products_and_reviews(path, records, fmt, skipped)
    frames = [interactions]
    if interactions_path is not None:
        extra_path = Path(interactions_path)
        extra_records, extra_fmt, _ = _read_export(extra_path, columns, skipped)
        if extra_fmt == "customers":
            frames.append(_customers_interactions(extra_path, extra_records, skipped))
        else:
            frames.append(_products_and_reviews(extra_path, extra_records, extra_fmt, skipped)[1])
    interactions = pd.concat(frames, ignore_index=True) if len(frames) > 1 else interactions
    known = interactions["product_id"].isin(set(products["product_id"]))
    unmatched = int((~known).sum())
    if unmatched:
        interactions = interactions[known].reset_index(drop=True)
    return Catalog(products, interactions, source=path, format=fmt, skipped=skipped,
                   unmatched_interactions=unmatched, column_map=column_map)


def fingerprint(catalog: Catalog) -> str:
    """Identifies an interactions frame, so a recorded split is only reused on the same data."""
    digest = hashlib.sha1()
    for pid, date in zip(catalog.interactions["product_id"], catalog.interactions["date"]):
        digest.update(f"{pid}|{date}\n".encode("utf-8"))
    return f"{len(catalog.interactions)}:{digest.hexdigest()[:16]}"


def catalog_fingerprint(catalog: Catalog) -> str:
    """Identifies a catalog's products (ids, names, brands), so a model knows the catalog it was trained on.

    Prices, ratings and reviews may change between exports of the same catalog; the products
    a model learned item embeddings for may not.
    """
    digest = hashlib.sha1()
    products = catalog.products
    for pid, name, brand in zip(products["product_id"], products["name"], products["brand"]):
        digest.update(f"{pid}|{name}|{brand}\n".encode("utf-8"))
    return f"{len(products)}:{digest.hexdigest()[:16]}"


@lru_cache(maxsize=1)
def load_demo_catalog() -> Catalog:
    """The shipped demo catalog, loaded once per process. Treat its frames as read-only."""
    return load_catalog(DEMO_CATALOG)


# --------------------------------------------------------------------------------------
# Reading and detecting
# --------------------------------------------------------------------------------------


def _read_export(path: Path, columns: dict[str, str] | str | None, skipped: list[str]
                 ) -> tuple[list[Any], str, dict[str, str]]:
    """``(records, format, column_map)`` of a JSON export or a review table (recsys.review_tables)."""
    from recsys import review_tables

    if not review_tables.is_table(path):
        records = _read_records(path)
        return records, _detect_format(path, records), {}
    try:
        mapping = columns if isinstance(columns, dict) else review_tables.parse_columns(columns)
        table = review_tables.read_review_table(path, mapping)
    except review_tables.TableError as exc:
        raise CatalogError(str(exc)) from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    skipped.extend(table.skipped)
    return table.records, "review_table", table.column_map


def _customers_alone(path: Path, records: list[Any]) -> str:
    """Why a customers file cannot be a catalog, and how many of its rows the demo catalog would match."""
    ids = [str(r.get("purchased_product_id", "")).strip() for r in records if isinstance(r, dict)]
    try:
        demo = set(load_demo_catalog().products["product_id"])
        matched = f" ({sum(pid in demo for pid in ids)} of its {len(ids)} rows name a product of the demo catalog)"
    except CatalogError:
        matched = ""
    return (
        f"{path.name} is a customers file ({len(ids)} purchase rows, no products): it needs its catalog; "
        f"give the catalog file and add this one with --interactions {path.name}{matched}"
    )


def _read_records(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{path}: file not found; check the path") from None
    except UnicodeDecodeError:
        raise CatalogError(f"{path}: not UTF-8 text; export the file as UTF-8 JSON") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); fix or re-export the file"
        ) from None
    if isinstance(data, dict):
        for key in ("products", "customers", "items", "data"):
            if isinstance(data.get(key), list):
                return data[key]
        raise CatalogError(
            f"{path}: expected a JSON list of records (or an object with a 'products' list), "
            f"got an object with keys {sorted(data)[:6]}"
        )
    if not isinstance(data, list):
        raise CatalogError(f"{path}: expected a JSON list of records, got {type(data).__name__}")
    if not data:
        raise CatalogError(f"{path}: the file holds no records")
    return data


def _detect_format(path: Path, records: list[Any]) -> str:
    votes = {"products": 0, "legacy": 0, "customers": 0}
    ids = 0
    for record in records[:50]:
        if not isinstance(record, dict):
            continue
        ids += "product_id" in record
        if "purchased_product_id" in record or "persona_name" in record:
            votes["customers"] += 1
        elif "product_name" in record or "sub_category" in record:
            votes["legacy"] += 1
        elif "name" in record:
            votes["products"] += 1
    fmt, count = max(votes.items(), key=lambda kv: kv[1])
    if count == 0 and ids:
        return "products"  # records with ids but no names: let the per-record checks say what is missing
    if count == 0:
        raise CatalogError(
            f"{path}: unrecognised records; expected products (product_id, name, ...), the legacy "
            f"export (product_id, product_name, ...) or customers (user_id, purchased_product_id, ...)"
        )
    return fmt


def _usable_records(
    path: Path, records: list[Any], id_key: str, build: Callable[[Any], dict[str, Any]],
    skipped: list[str],
) -> list[tuple[str, Any, dict[str, Any]]]:
    """``(where, record, row)`` for each record ``build`` accepts; the rest are listed in
    ``skipped`` by file, index, id and field, and more than half bad is a :class:`CatalogError`."""
    usable: list[tuple[str, Any, dict[str, Any]]] = []
    problems: list[str] = []
    for index, record in enumerate(records):
        rid = record.get(id_key) if isinstance(record, dict) else None
        where = f"{path.name} record {index}" + (f" ({id_key} {rid!r})" if rid not in (None, "") else "")
        try:
            usable.append((where, record, build(record)))
        except _BadRecord as exc:
            problems.append(f"{where}: {exc}")
    skipped.extend(problems)
    if records and len(problems) * 2 > len(records):
        raise CatalogError(
            f"{path}: {len(problems)} of {len(records)} records are unusable, e.g. {problems[0]}"
        )
    return usable


# --------------------------------------------------------------------------------------
# Products and their reviews
# --------------------------------------------------------------------------------------


def _products_and_reviews(
    path: Path, records: list[Any], fmt: str, skipped: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    legacy = fmt == "legacy"
    seen: set[str] = set()

    def build(record: Any) -> dict[str, Any]:
        row = _product_row(record, legacy)
        if row["product_id"] in seen:
            raise _BadRecord("product_id", f"duplicate id {row['product_id']!r}")
        seen.add(row["product_id"])
        return row

    usable = _usable_records(path, records, "product_id", build, skipped)
    rows = [_understood(row, record.get("reviews")) for _, record, row in usable]
    reviews = [
        (row["product_id"], review, f"{where} review {r_index}")
        for where, record, row in usable
        for r_index, review in enumerate(record.get("reviews") or ())
    ]
    products = pd.DataFrame(rows, columns=list(PRODUCT_COLUMNS))
    products["price"] = products["price"].astype("int64")
    products["rating"] = products["rating"].astype(float)
    products["review_count"] = products["review_count"].astype("int64")
    products["is_set"] = products["is_set"].astype(bool)
    products["image_url"] = _none_for_missing(products["image_url"])
    interactions = _review_interactions(reviews, legacy, skipped)
    return products, interactions


def _product_row(record: Any, legacy: bool) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise _BadRecord("record", f"expected an object, got {type(record).__name__}")
    pid = record.get("product_id")
    if pid is None or str(pid).strip() == "":
        raise _BadRecord("product_id", "missing")
    name_key = "product_name" if legacy else "name"
    name = record.get(name_key) or (record.get("name") if legacy else record.get("product_name"))
    if name is None or name == "":
        raise _BadRecord(name_key, "missing")
    if not isinstance(name, str) or not name.strip():
        raise _BadRecord(name_key, f"expected the product name as text, got {name!r}")
    if not isinstance(record.get("reviews"), (list, type(None))):
        raise _BadRecord("reviews", f"expected a list of reviews, got {type(record['reviews']).__name__}")
    category, label = _category(record.get("category"))
    brand = record.get("brand") if record.get("brand") is not None else record.get("brand_name")
    sub_type = record.get("sub_type") if record.get("sub_type") is not None else record.get("sub_category")
    ingredients = record.get("key_ingredients", record.get("ingredients"))
    return {
        "product_id": str(pid).strip(),
        "name": name.strip(),
        "name_en": _text(record.get("name_en")),
        "brand": _text(brand),
        "brand_id": _text(record.get("brand_id")),
        "category": category,
        "category_label": label,
        "sub_type": _text(sub_type),
        "price": _price(record.get("price")),
        "ingredients": _str_list(ingredients, "key_ingredients"),
        "concerns": _vocab_list(record.get("concerns"), _CONCERN_WORDS, "concerns"),
        "skin_types": _vocab_list(record.get("skin_types"), _SKIN_WORDS, "skin_types"),
        "functions": _vocab_list(record.get("functions"), _FUNCTION_WORDS, "functions"),
        "image_url": record.get("image_url") or None,
        "description": _text(record.get("description")),
        "rating": _rating(record.get("rating")),
        "_given": {name for name in ("concerns", "skin_types", "functions") if record.get(name) is not None},
    }


def _understood(row: dict[str, Any], reviews: Any) -> dict[str, Any]:
    """``row`` with what :func:`product_attributes` reads from its text, the export's own values first.

    A field the export carries wins even when empty: a demo product with ``"functions": []`` is
    registered for nothing, whatever its name says.
    """
    texts = [
        _text(r.get("text", r.get("content"))) for r in (reviews or ()) if isinstance(r, dict)
    ]
    if canonical(row["sub_type"]) and {"concerns", "skin_types"} <= row["_given"]:
        texts = []  # the export gives what reviews would tell; reading them all is the slow part
    mined = product_attributes(
        row["name"], reviews=texts, description=row["description"], category=row["category_label"],
        brand=row["brand"],
    )
    evidence = [e.to_dict() for e in mined.evidence]
    own_type = canonical(row["sub_type"])
    if own_type:
        evidence = [e for e in evidence if e["field"] not in ("sub_type", "kind")]
        evidence += [{"field": "sub_type", "value": own_type, "source": "export", "detail": row["sub_type"]},
                     {"field": "kind", "value": kind_of(own_type), "source": "export", "detail": row["sub_type"]}]
        row["sub_type"] = own_type
    else:
        row["sub_type"] = mined.sub_type
    given = row.pop("_given")
    for name in ("concerns", "skin_types", "functions"):
        if name in given:
            evidence = [e for e in evidence if e["field"] != name]
            evidence += [{"field": name, "value": v, "source": "export", "detail": ""} for v in row[name]]
        else:
            row[name] = list(getattr(mined, name))
    row.update(
        kind=kind_of(own_type) if own_type else mined.kind,
        is_set=mined.is_set,
        volume=mined.volume,
        target_gender=mined.target_gender,
        display_name=mined.display_name,
        short_name=mined.short_name,
        review_count=len(texts),
        support=dict(mined.support),
        evidence=evidence,
    )
    if row["category"] == "men" and row["target_gender"] == "unisex":
        row["target_gender"] = "men"
    return row


def _category(value: Any) -> tuple[str, str]:
    if value is None or value == "":
        return "other", ""
    return category_of(value), str(value).strip()


def _price(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise _BadRecord("price", f"expected a number or a string like \"12,000원\", got {value!r}")
    if isinstance(value, (int, float)):
        if math.isnan(value) or value < 0:
            raise _BadRecord("price", f"expected a non-negative number, got {value!r}")
        return int(round(value))
    if isinstance(value, str):
        match = _PRICE_TEXT.match(value)
        if match:
            return int(match.group(1).replace(",", ""))
    raise _BadRecord("price", f"expected a number or a string like \"12,000원\", got {value!r}")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _str_list(value: Any, field_name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[,/·]", value) if part.strip()]
    if not isinstance(value, list):
        raise _BadRecord(field_name, f"expected a list, got {type(value).__name__}")
    return [str(v).strip() for v in value if str(v).strip()]


def _vocab_list(value: Any, vocabulary: dict[str, str | None], field_name: str) -> list[str]:
    out: list[str] = []
    for word in _str_list(value, field_name):
        mapped = vocabulary.get(word.casefold(), vocabulary.get(word))
        if mapped and mapped not in out:
            out.append(mapped)
    return out


def _review_interactions(reviews: list[tuple[str, Any, str]], legacy: bool, skipped: list[str]) -> pd.DataFrame:
    profiles: dict[str, Profile] = {}
    columns: dict[str, list[Any]] = {name: [] for name in INTERACTION_COLUMNS}
    for product_id, review, where in reviews:
        if not isinstance(review, dict):
            skipped.append(f"{where}: expected an object, got {type(review).__name__}")
            continue
        text = review.get("content") if legacy else review.get("text")
        if text is None:
            text = review.get("text", review.get("content"))
        info = review.get("profile_info")
        if isinstance(info, str) and info.strip():  # the export's own profile wins
            profile = profiles.get(info)
            if profile is None:
                profile = profiles[info] = _review_profile(info)
            profile_source = "export" if _known(profile) else ""
        else:  # no profile given: what the reviewer says about themselves
            mined = reviewer_profile(_text(text))
            profile = _with_persona(mined) if mined is not None else Profile()
            profile_source = "mined" if mined is not None else ""
        columns["product_id"].append(product_id)
        columns["user_id"].append(_text(review.get("reviewer")) or None)
        columns["age_min"].append(profile.age_min)
        columns["age_max"].append(profile.age_max)
        columns["gender"].append(profile.gender)
        columns["skin_type"].append(profile.skin_type)
        columns["concerns"].append(list(profile.concerns))
        columns["persona"].append(profile.persona)
        columns["rating"].append(_rating(review.get("rating")))
        columns["date"].append(review.get("date"))
        columns["text"].append(_text(text))
        columns["source"].append("review")
        columns["profile_source"].append(profile_source)
    return _interaction_frame(columns)


def _review_profile(info: Any) -> Profile:
    """The reviewer's profile, with a persona whenever any field of it is known."""
    if not isinstance(info, str):
        return Profile()
    return _with_persona(parse_profile_info(info))


def _known(profile: Profile) -> bool:
    return bool(profile.age_min is not None or profile.age_max is not None or profile.gender
                or profile.skin_type or profile.concerns)


def _with_persona(profile: Profile) -> Profile:
    """A review's profile with its persona, when the review says anything about its writer."""
    if not _known(profile):
        return profile
    from recsys.personas import with_persona

    return with_persona(profile)


def _rating(value: Any) -> float:
    try:
        rating = float(value)
    except (TypeError, ValueError):
        return math.nan
    # Exports write 0 for "not rated": a rating of 0 is missing, never zero stars.
    return rating if 0 < rating <= 5 else math.nan


def _interaction_frame(columns: dict[str, list[Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(columns, columns=list(INTERACTION_COLUMNS))
    frame["product_id"] = frame["product_id"].astype(str)
    frame["age_min"] = frame["age_min"].astype("Int64")
    frame["age_max"] = frame["age_max"].astype("Int64")
    frame["rating"] = frame["rating"].astype(float)
    frame["date"] = _dates(frame["date"])
    for name in ("user_id", "gender", "skin_type", "persona"):
        frame[name] = _none_for_missing(frame[name])
    frame["profile_source"] = frame["profile_source"].astype(object).where(frame["profile_source"].notna(), "")
    return frame


def _none_for_missing(column: pd.Series) -> pd.Series:
    """Optional text as Python objects with ``None`` (pandas' string dtype would turn None into NaN)."""
    return column.astype(object).where(column.notna(), None)


def _dates(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.replace(".", "-", regex=False).str.slice(0, 10)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")


# --------------------------------------------------------------------------------------
# Customers (prototype) interactions
# --------------------------------------------------------------------------------------


def _customers_interactions(path: Path, records: list[Any], skipped: list[str]) -> pd.DataFrame:
    from recsys.personas import assign_persona, persona_names

    personas = set(persona_names())
    columns: dict[str, list[Any]] = {name: [] for name in INTERACTION_COLUMNS}
    def build(record: Any) -> dict[str, Any]:
        return _customer_row(record, personas, assign_persona)

    for _, _, row in _usable_records(path, records, "user_id", build, skipped):
        for name in INTERACTION_COLUMNS:
            columns[name].append(row[name])
    return _interaction_frame(columns)


def _customer_row(record: Any, personas: set[str], assign: Callable[[Profile], str]) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise _BadRecord("record", f"expected an object, got {type(record).__name__}")
    pid = record.get("purchased_product_id")
    if pid is None or str(pid).strip() == "":
        raise _BadRecord("purchased_product_id", "missing")
    age = _customer_age(record.get("age"))
    gender = GENDER_WORDS.get(_text(record.get("gender")).casefold())
    raw_skin = _text(record.get("skin_type")).casefold()
    skin = CUSTOMER_SKIN.get(raw_skin)
    concerns: list[str] = []
    if raw_skin == "mature":
        concerns.append("anti_aging")
    for word in _str_list(record.get("skin_concern"), "skin_concern"):
        mapped = CUSTOMER_CONCERNS.get(word.casefold())
        if mapped and mapped not in concerns:
            concerns.append(mapped)
    profile = Profile(age_min=age, age_max=age, gender=gender, skin_type=skin, concerns=tuple(concerns))
    persona = _text(record.get("persona_name"))
    if persona not in personas:
        known = any(v is not None for v in (age, gender, skin)) or concerns
        persona = assign(profile) if known else None
    return {
        "product_id": str(pid).strip(),
        "user_id": _text(record.get("user_id")) or None,
        "age_min": age,
        "age_max": age,
        "gender": gender,
        "skin_type": skin,
        "concerns": concerns,
        "persona": persona,
        "rating": math.nan,
        "date": record.get("date"),
        "text": "",
        "source": "customers",
        "profile_source": "export" if _known(profile) else "",
    }


def _customer_age(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        age = int(float(value))
    except (TypeError, ValueError):
        raise _BadRecord("age", f"expected a number of years, got {value!r}") from None
    if not 0 < age < 120:
        raise _BadRecord("age", f"expected an age between 1 and 119, got {value!r}")
    return age
