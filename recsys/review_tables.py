"""Read review tables (one row per review, CSV/TSV or XLSX) into product records.

Malls and review-analytics tools export reviews as spreadsheets rather than nested JSON:
one row per review with the product's name or id, brand, price, the rating, the review text
and sometimes the reviewer's own tags (skin type, age, gender). This module finds those
columns from common Korean and English headers (or from an explicit mapping such as
``review=내용,name=상품명``), groups the rows into products and returns records in the
``products`` shape :mod:`recsys.catalog` already understands, so every later rule (ids,
prices, ratings of 0 as missing, mined attributes) is the one rule of the catalog loader.

* Grouping: rows share a product when they share its id; without an id column, when they
  share the product name and brand (compared without case, spaces or punctuation). Products
  without an id get a stable one derived from that key (``T-`` and 10 hex digits), so the same
  export always yields the same ids.
* A product's price, brand and category are the first non-empty value among its rows.
* Reviewer tags (age, gender, skin type, concerns) become the review's ``profile_info``
  (``30대/여성/건성``), read by :func:`recsys.parsing.parse_profile_info`; an export's own tags
  win over anything mined from the review text.
* Encodings tried for CSV/TSV: utf-8 (with or without BOM), then cp949 (Excel's Korean default).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from recsys.errors import RecsysError

TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
ENCODINGS = ("utf-8-sig", "cp949")

# Field -> headers that name it (compared casefolded, without spaces, "_", "-", "."). One table.
HEADERS: dict[str, tuple[str, ...]] = {
    "product_id": ("상품번호", "상품코드", "상품id", "제품번호", "제품코드", "product_id", "productid",
                   "product_code", "item_id", "itemid", "sku", "goods_no", "goodsno"),
    "name": ("상품명", "제품명", "상품이름", "product_name", "productname", "name", "product", "item_name",
             "goods_name"),
    "brand": ("브랜드", "브랜드명", "brand", "brand_name", "brandname"),
    "price": ("가격", "판매가", "판매가격", "정가", "price", "sale_price", "saleprice"),
    "category": ("카테고리", "분류", "카테고리명", "category", "category_name"),
    "rating": ("평점", "별점", "리뷰평점", "rating", "score", "stars", "star"),
    "review": ("리뷰", "리뷰내용", "내용", "후기", "리뷰본문", "review", "review_text", "reviewtext",
               "content", "contents", "text", "body", "comment"),
    "reviewer": ("작성자", "닉네임", "아이디", "reviewer", "author", "user", "user_id", "userid", "nickname"),
    "date": ("작성일", "작성일자", "날짜", "등록일", "리뷰작성일", "date", "review_date", "created_at",
             "createdat", "written_at"),
    "skin_type": ("피부타입", "피부유형", "피부", "skin_type", "skintype", "skin"),
    "age": ("연령", "나이", "연령대", "age", "age_group", "agegroup", "age_band"),
    "gender": ("성별", "gender", "sex"),
    "concerns": ("피부고민", "고민", "concerns", "concern", "skin_concern", "skinconcern"),
}
FIELDS = tuple(HEADERS)
REQUIRED = ("name", "review")
PROFILE_FIELDS = ("age", "gender", "skin_type", "concerns")
COLUMNS_SYNTAX = "--columns review=내용,name=상품명"


class TableError(RecsysError, ValueError):
    """A review table that cannot be used; :mod:`recsys.catalog` reports it as a CatalogError."""


@dataclass
class ReviewTable:
    """The products of one review table and how its columns were read."""

    records: list[dict[str, Any]]
    column_map: dict[str, str]  # field -> header it was read from
    headers: list[str]
    rows: int
    skipped: list[str] = field(default_factory=list)


def is_table(path: Path) -> bool:
    return path.suffix.casefold() in TABLE_SUFFIXES or path.suffix.casefold() == ".xls"


def parse_columns(text: str | None) -> dict[str, str]:
    """``"review=내용,name=상품명"`` -> ``{"review": "내용", "name": "상품명"}`` (the ``--columns`` syntax)."""
    if text is None or not str(text).strip():
        return {}
    mapping: dict[str, str] = {}
    for part in str(text).split(","):
        if not part.strip():
            continue
        fld, sep, header = part.partition("=")
        fld, header = fld.strip().casefold(), header.strip()
        if not sep or not fld or not header:
            raise TableError(f"--columns: {part.strip()!r} is not FIELD=HEADER; write e.g. {COLUMNS_SYNTAX}")
        mapping[fld] = header
    return mapping


def read_review_table(path: Path, columns: dict[str, str] | None = None) -> ReviewTable:
    """Read ``path`` (CSV/TSV/XLSX) and group its rows into product records.

    ``columns`` maps fields (see :data:`HEADERS`) to the table's own headers and wins over
    detection; fields it does not name are still detected.
    """
    headers, rows = _read_rows(path)
    column_map = _map_columns(path, headers, columns or {})
    return _group(path, headers, rows, column_map)


# --------------------------------------------------------------------------------------
# Reading cells
# --------------------------------------------------------------------------------------


def _read_rows(path: Path) -> tuple[list[str], list[list[Any]]]:
    suffix = path.suffix.casefold()
    if suffix == ".xls":
        raise TableError(f"{path}: the old Excel .xls format is not supported; save it as .xlsx or CSV (UTF-8)")
    if not path.is_file():
        raise TableError(f"{path}: file not found; check the path")
    raw = _xlsx_rows(path) if suffix in (".xlsx", ".xlsm") else _csv_rows(path, suffix)
    rows = [row for row in raw if any(_cell(v) for v in row)]
    if not rows:
        raise TableError(f"{path}: the table is empty; export it with a header row and one row per review")
    headers = [_cell(v) for v in rows[0]]
    if len(rows) == 1:
        raise TableError(f"{path}: the table has a header row ({', '.join(h for h in headers if h)}) but no reviews")
    return headers, rows[1:]


def _csv_rows(path: Path, suffix: str) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(f"{path}: text in an unknown encoding (tried {', '.join(ENCODINGS)}); "
                         "export the table as CSV UTF-8")
    if "\x00" in text:
        raise TableError(f"{path}: not a text table (binary data); export it as CSV or XLSX")
    if suffix == ".tsv":
        delimiter = "\t"
    else:
        first = text.split("\n", 1)[0]
        delimiter = max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableError(f"{path}: not a readable CSV table ({exc}); re-export it") from None


def _xlsx_rows(path: Path) -> list[list[Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}); "
                         "open it in Excel and save it again as .xlsx, or export CSV") from None
    try:
        for sheet in book.worksheets:  # the first sheet with anything in it
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            if any(any(_cell(v) for v in row) for row in rows):
                return rows
        return []
    finally:
        book.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------


def _norm(header: str) -> str:
    return re.sub(r"[\s_\-.·/()]+", "", header).casefold()


_ALIASES = {_norm(alias): name for name, aliases in HEADERS.items() for alias in aliases}


def _map_columns(path: Path, headers: list[str], explicit: dict[str, str]) -> dict[str, str]:
    found = ", ".join(h for h in headers if h) or "none"
    by_norm: dict[str, str] = {}
    for header in headers:
        if header:
            by_norm.setdefault(_norm(header), header)
    mapping: dict[str, str] = {}
    for fld, header in explicit.items():
        if fld not in HEADERS:
            raise TableError(f"--columns: unknown field {fld!r}; fields are {', '.join(FIELDS)}")
        actual = header if header in headers else by_norm.get(_norm(header))
        if actual is None:
            raise TableError(f"{path}: --columns {fld}={header}: no such column; the columns are: {found}")
        mapping[fld] = actual
    taken = set(mapping.values())
    for header in headers:
        fld = _ALIASES.get(_norm(header)) if header else None
        if fld and fld not in mapping and header not in taken:
            mapping[fld] = header
            taken.add(header)
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        what = " and ".join("the review text" if f == "review" else "the product name" for f in missing)
        raise TableError(
            f"{path}: no column for {what}; the columns are: {found}; "
            f"name them with --columns {','.join(f'{f}=HEADER' for f in missing)} (e.g. {COLUMNS_SYNTAX})"
        )
    return {f: mapping[f] for f in FIELDS if f in mapping}


# --------------------------------------------------------------------------------------
# Rows into products
# --------------------------------------------------------------------------------------


def _group_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


def _group(path: Path, headers: list[str], rows: list[list[Any]], column_map: dict[str, str]) -> ReviewTable:
    index = {fld: headers.index(header) for fld, header in column_map.items()}

    def get(row: list[Any], fld: str) -> str:
        i = index.get(fld)
        return _cell(row[i]) if i is not None and i < len(row) else ""

    products: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    for number, row in enumerate(rows, start=2):  # spreadsheet row numbers: the header is row 1
        pid, name, brand = get(row, "product_id"), get(row, "name"), get(row, "brand")
        if not pid and not name:
            skipped.append(f"{path.name} row {number}: no product name or id")
            continue
        key = f"id:{pid}" if pid else f"name:{_group_key(name)}|{_group_key(brand)}"
        record = products.get(key)
        if record is None:
            record = products[key] = {
                "product_id": pid or "T-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10],
                "name": name, "brand": brand, "price": get(row, "price"), "category": get(row, "category"),
                "reviews": [],
            }
        for fld in ("name", "brand", "price", "category"):
            if not record[fld]:
                record[fld] = get(row, fld)
        record["reviews"].append({
            "text": get(row, "review"),
            "rating": _rating_text(get(row, "rating")),
            "date": get(row, "date"),
            "reviewer": get(row, "reviewer"),
            "profile_info": _profile_info({f: get(row, f) for f in PROFILE_FIELDS}),
        })
    if len(skipped) * 2 > len(rows):
        raise TableError(f"{path}: {len(skipped)} of {len(rows)} rows name no product, e.g. {skipped[0]}; "
                         f"check the column mapping (e.g. {COLUMNS_SYNTAX})")
    records = []
    for record in products.values():
        record = {k: v for k, v in record.items() if v != "" or k in ("product_id", "name")}
        records.append(record)
    return ReviewTable(records, column_map, headers, len(rows), skipped)


# A gender column's one-letter Korean values, which free text could not take as gender.
_GENDER_CELLS = {"여": "여성", "남": "남성"}
_RATING_CELL = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:점|/\s*5(?:\.0)?)?\s*$")


def _profile_info(tags: dict[str, str]) -> str:
    """Reviewer tags as a ``profile_info`` string: an age of ``34`` reads as ``34세``, gender ``여`` as 여성."""
    age, gender = tags.get("age", ""), tags.get("gender", "")
    tags = {**tags, "age": f"{age}세" if age.isdigit() else age, "gender": _GENDER_CELLS.get(gender, gender)}
    return "/".join(v for v in tags.values() if v)


def _rating_text(cell: str) -> str:
    """``4.5``, ``5점``, ``4/5`` or ``★★★★☆`` as a number in text; anything else as given (the
    loader reads what it cannot parse, and 0, as missing)."""
    if cell and set(cell) <= {"★", "☆"}:
        return str(cell.count("★"))
    match = _RATING_CELL.match(cell)
    return match.group(1) if match else cell
