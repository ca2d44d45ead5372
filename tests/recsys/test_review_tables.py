"""Review tables (one row per review, CSV/TSV/XLSX): column detection, grouping, tags, errors."""

from __future__ import annotations

import csv
import math
from datetime import datetime
from pathlib import Path

import pytest

from recsys.catalog import CatalogError, load_catalog
from recsys.review_tables import parse_columns

# The shape of a mall's review export: Korean headers, prices as text, 0 for "not rated",
# reviewer tags in their own columns, one product spelled with different spacing.
KO_HEADERS = ["상품명", "브랜드", "판매가", "별점", "리뷰내용", "피부타입", "연령대", "성별", "작성일"]
KO_ROWS = [
    ["수분 에센스 토너 200ml", "하루온", "25,000원", "5", "촉촉하고 좋아요", "건성", "30대", "여성", "2024.03.01"],
    ["수분에센스 토너 200ML", "하루온", "", "0", "보습이 오래가요", "복합성", "40대", "여성", "2024-03-05"],
    ["퓨어 선크림 SPF50+ PA++++ 50ml", "맑은결", "18000", "4", "백탁이 없어요", "", "", "", ""],
    ["퓨어 선크림 SPF50+ PA++++ 50ml", "맑은결", "18000", "", "무난해요", "지성", "20대", "남성", "2024.04.02"],
    ["옴므 올인원 150ml", "옴므랩", "32,000", "5", "남편이 좋아해요", "", "", "", ""],
]


def write_csv(path: Path, headers: list[str], rows: list[list[str]], *, encoding: str = "utf-8-sig",
              delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, headers: list[str], rows: list[list[object]], *, blank_rows: int = 0) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for _ in range(blank_rows):
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _product(catalog, name_part: str):
    rows = catalog.products[catalog.products["name"].str.contains(name_part, regex=False)]
    assert len(rows) == 1, rows["name"].tolist()
    return rows.iloc[0]


def test_csv_with_korean_headers_groups_rows_into_products(tmp_path: Path) -> None:
    catalog = load_catalog(write_csv(tmp_path / "reviews.csv", KO_HEADERS, KO_ROWS))
    assert catalog.format == "review_table"
    assert catalog.column_map == {"name": "상품명", "brand": "브랜드", "price": "판매가", "rating": "별점",
                                  "review": "리뷰내용", "date": "작성일", "skin_type": "피부타입",
                                  "age": "연령대", "gender": "성별"}
    assert catalog.summary()["column_map"] == catalog.column_map
    assert len(catalog.products) == 3  # "수분 에센스 토너 200ml" and "수분에센스 토너 200ML" are one product
    toner = _product(catalog, "토너")
    assert toner["brand"] == "하루온" and toner["price"] == 25_000  # the first non-empty price
    assert toner["review_count"] == 2 and toner["sub_type"] == "토너" and toner["kind"] == "skincare"
    assert math.isnan(toner["rating"])  # the table gives no product rating: missing, not invented
    sun = _product(catalog, "선크림")
    assert "uv" in sun["functions"]
    inter = catalog.interactions
    assert len(inter) == 5 and (inter["source"] == "review").all()
    ratings = dict(zip(inter["text"], inter["rating"]))
    assert ratings["촉촉하고 좋아요"] == 5.0
    assert math.isnan(ratings["보습이 오래가요"]) and math.isnan(ratings["무난해요"])  # 0 and blank: missing
    dry = inter[inter["text"] == "촉촉하고 좋아요"].iloc[0]
    assert (dry["skin_type"], dry["age_min"], dry["age_max"], dry["gender"]) == ("dry", 30, 39, "F")
    man = inter[inter["text"] == "무난해요"].iloc[0]
    assert (man["skin_type"], man["gender"]) == ("oily", "M")
    assert str(inter[inter["text"] == "보습이 오래가요"].iloc[0]["date"].date()) == "2024-03-05"


def test_ids_without_an_id_column_are_stable_and_ids_group_when_present(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "reviews.csv", KO_HEADERS, KO_ROWS)
    first, again = load_catalog(path), load_catalog(path)
    assert list(first.products["product_id"]) == list(again.products["product_id"])
    assert all(pid.startswith("T-") for pid in first.products["product_id"])
    # With 상품번호 the id decides, even when the names are spelled differently.
    rows = [["A1", "토너 A", "5", "좋아요"], ["A1", "토너 A (리뉴얼)", "4", "괜찮아요"], ["B2", "크림 B", "", "굿"]]
    catalog = load_catalog(write_csv(tmp_path / "ids.csv", ["상품번호", "상품명", "평점", "리뷰"], rows))
    assert sorted(catalog.products["product_id"]) == ["A1", "B2"]
    assert _product(catalog, "토너")["name"] == "토너 A" and catalog.column_map["product_id"] == "상품번호"


def test_xlsx_with_korean_headers_reads_dates_and_numbers(tmp_path: Path) -> None:
    rows = [
        ["P-1", "자음 크림 50ml", "설화수", 95000, 5, "속건조가 사라졌어요", "건성", 34, datetime(2024, 5, 1, 9, 30)],
        ["P-1", "자음 크림 50ml", "설화수", 95000, 0, "향이 좋아요", None, None, None],
        ["P-2", "톤업 쿠션 15g", "라네즈", "38,000원", 4.5, "커버력 좋아요", "지성", "20대 후반", "2024.05.03"],
    ]
    path = write_xlsx(tmp_path / "리뷰.xlsx",
                      ["상품코드", "제품명", "브랜드명", "가격", "평점", "내용", "피부타입", "나이", "작성일자"],
                      rows, blank_rows=1)
    catalog = load_catalog(path)
    assert catalog.format == "review_table"
    assert catalog.column_map["name"] == "제품명" and catalog.column_map["review"] == "내용"
    cream = catalog.products.set_index("product_id").loc["P-1"]
    assert cream["price"] == 95_000 and cream["sub_type"] == "크림"
    assert catalog.products.set_index("product_id").loc["P-2", "price"] == 38_000
    inter = catalog.interactions.set_index("text")
    assert inter.loc["속건조가 사라졌어요", "age_min"] == 34 and inter.loc["속건조가 사라졌어요", "skin_type"] == "dry"
    assert str(inter.loc["속건조가 사라졌어요", "date"].date()) == "2024-05-01"
    assert math.isnan(inter.loc["향이 좋아요", "rating"]) and inter.loc["커버력 좋아요", "rating"] == 4.5


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_explicit_mapping_names_unusual_headers(tmp_path: Path, kind: str) -> None:
    headers = ["제품", "회사", "후기글", "점수"]
    rows = [["히알루론 앰플 30ml", "아이오페", "수분감 최고", "5"], ["히알루론 앰플 30ml", "아이오페", "좋아요", "4"]]
    path = (write_csv(tmp_path / "t.csv", headers, rows) if kind == "csv"
            else write_xlsx(tmp_path / "t.xlsx", headers, rows))
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert "the product name and the review text" in message
    assert "the columns are: 제품, 회사, 후기글, 점수" in message and "--columns review=내용,name=상품명" in message
    catalog = load_catalog(path, columns="name=제품, review=후기글,brand=회사,rating=점수")
    assert catalog.column_map == {"name": "제품", "brand": "회사", "rating": "점수", "review": "후기글"}
    assert len(catalog.products) == 1 and catalog.products.iloc[0]["brand"] == "아이오페"
    assert sorted(catalog.interactions["rating"]) == [4.0, 5.0]
    # A dict works the same, and an explicit mapping wins over a detected header.
    same = load_catalog(path, columns={"name": "제품", "review": "후기글"})
    assert same.column_map["review"] == "후기글"


def test_an_explicit_mapping_wins_over_a_detected_header(tmp_path: Path) -> None:
    rows = [["토너", "짧은 제목", "긴 리뷰 본문이에요"]]
    path = write_csv(tmp_path / "t.csv", ["상품명", "리뷰", "리뷰본문"], rows)
    assert load_catalog(path).interactions.iloc[0]["text"] == "짧은 제목"
    assert load_catalog(path, columns="review=리뷰본문").interactions.iloc[0]["text"] == "긴 리뷰 본문이에요"


def test_cp949_csv_and_tsv(tmp_path: Path) -> None:
    cp949 = load_catalog(write_csv(tmp_path / "excel.csv", KO_HEADERS, KO_ROWS, encoding="cp949"))
    assert len(cp949.products) == 3 and "촉촉하고 좋아요" in set(cp949.interactions["text"])
    tsv = load_catalog(write_csv(tmp_path / "export.tsv", KO_HEADERS, KO_ROWS, delimiter="\t"))
    assert len(tsv.products) == 3 and tsv.column_map["review"] == "리뷰내용"
    semicolon = load_catalog(write_csv(tmp_path / "eu.csv", ["product_name", "brand", "rating", "review"],
                                       [["Hydra toner 200ml", "Haruon", "5", "so moist"]], delimiter=";"))
    assert semicolon.products.iloc[0]["name"] == "Hydra toner 200ml"
    assert semicolon.column_map == {"name": "product_name", "brand": "brand", "rating": "rating", "review": "review"}


def test_rows_without_a_product_are_skipped_and_named(tmp_path: Path) -> None:
    rows = [["토너", "좋아요"], ["", "이름 없는 리뷰"], ["토너", "또 좋아요"]]
    catalog = load_catalog(write_csv(tmp_path / "t.csv", ["상품명", "리뷰"], rows))
    assert catalog.skipped == ["t.csv row 3: no product name or id"]
    assert len(catalog.interactions) == 2
    with pytest.raises(CatalogError, match=r"2 of 3 rows name no product"):
        load_catalog(write_csv(tmp_path / "bad.csv", ["상품명", "리뷰"], [["", "a"], ["", "b"], ["토너", "c"]]))


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("empty.csv", b"", "the table is empty"),
    ("header.csv", "상품명,리뷰\n".encode(), "has a header row (상품명, 리뷰) but no reviews"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel .xls format is not supported"),
    ("binary.csv", b"\x00\x01\x02\xff\xfe", "text in an unknown encoding (tried utf-8-sig, cp949)"),
    ("nul.csv", b"name,review\n\x00\x00,x\n", "not a text table"),
])
def test_unreadable_tables_are_one_line_errors(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_bad_mappings_say_what_is_wrong(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", ["상품명", "리뷰"], [["토너", "좋아요"]])
    with pytest.raises(CatalogError, match=r"unknown field 'stars'; fields are product_id, name"):
        load_catalog(path, columns="stars=별점")
    with pytest.raises(CatalogError, match=r"--columns rating=별점: no such column; the columns are: 상품명, 리뷰"):
        load_catalog(path, columns="rating=별점")
    with pytest.raises(CatalogError, match=r"'review' is not FIELD=HEADER"):
        load_catalog(path, columns="review")


def test_parse_columns() -> None:
    assert parse_columns("review=내용, name = 상품명,") == {"review": "내용", "name": "상품명"}
    assert parse_columns(None) == {} and parse_columns("  ") == {}


def test_a_table_as_interactions_next_to_a_catalog(tmp_path: Path) -> None:
    table = write_csv(tmp_path / "more.csv", KO_HEADERS, KO_ROWS)
    base = load_catalog(table)
    both = load_catalog(table, interactions_path=table)
    assert len(both.interactions) == 2 * len(base.interactions) and both.unmatched_interactions == 0


def test_rating_and_tag_cells_as_exports_write_them(tmp_path: Path) -> None:
    rows = [["토너", "a", "★★★★☆", "여", "34"], ["토너", "b", "5점", "남", "20대"], ["토너", "c", "3/5", "", ""],
            ["토너", "d", "좋음", "F", ""], ["토너", "e", "☆☆☆☆☆", "", ""]]
    catalog = load_catalog(write_csv(tmp_path / "t.csv", ["상품명", "리뷰", "별점", "성별", "나이"], rows))
    inter = catalog.interactions.set_index("text")
    assert [inter.loc[t, "rating"] for t in "abc"] == [4.0, 5.0, 3.0]
    assert math.isnan(inter.loc["d", "rating"]) and math.isnan(inter.loc["e", "rating"])  # unreadable, 0 stars
    assert (inter.loc["a", "gender"], inter.loc["a", "age_min"]) == ("F", 34)
    assert (inter.loc["b", "gender"], inter.loc["b", "age_min"]) == ("M", 20) and inter.loc["d", "gender"] == "F"


def test_a_mapping_for_a_json_export_is_a_mistake_said_plainly(tmp_path: Path) -> None:
    from tests.recsys._catalog_helpers import fixture

    with pytest.raises(CatalogError, match=r"applies to review tables \(CSV/TSV/XLSX\) only"):
        load_catalog(fixture("products_small.json"), columns="review=내용")
