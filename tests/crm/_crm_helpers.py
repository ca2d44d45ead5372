"""Small in-test catalogs and brands for the crm tests (the catalog frame contract of recsys.catalog)."""

from __future__ import annotations

import pandas as pd

from crm.context import BrandGuide, ContextIndex
from recsys.catalog import Catalog

BRANDS = {
    "raon": BrandGuide("raon", "라온뷰티", "Raon Beauty", "제주 숲에서 온 순한 스킨케어",
                       ("자연주의", "따뜻한", "미니멀")),
    "luma": BrandGuide("luma", "루마랩", "Luma Lab", "성분 연구소 브랜드", ("과학적인", "신뢰")),
}

PRODUCTS = [
    {"product_id": "P001", "name": "라온 히알루론 수분 크림", "name_en": "Raon Hyaluronic Cream",
     "brand": "라온뷰티", "brand_id": "raon", "category": "skincare", "category_label": "스킨케어",
     "sub_type": "cream", "price": 32000, "ingredients": ["히알루론산", "세라마이드"],
     "concerns": ["moisture"], "skin_types": ["dry"], "functions": [], "image_url": None,
     "description": "건조한 피부를 위한 보습 크림"},
    {"product_id": "P002", "name": "루마 비타 브라이트 세럼", "name_en": "Luma Vita Serum",
     "brand": "루마랩", "brand_id": "luma", "category": "skincare", "category_label": "스킨케어",
     "sub_type": "serum", "price": 45000, "ingredients": ["나이아신아마이드", "비타민C"],
     "concerns": ["brightening"], "skin_types": ["normal", "dry"], "functions": ["whitening"],
     "image_url": None, "description": ""},
    {"product_id": "P003", "name": "라온 시카 진정 토너", "name_en": "",
     "brand": "라온뷰티", "brand_id": "raon", "category": "skincare", "category_label": "스킨케어",
     "sub_type": "toner", "price": 18000, "ingredients": ["병풀추출물"],
     "concerns": ["calming"], "skin_types": ["sensitive"], "functions": [], "image_url": None,
     "description": ""},
]


def review(pid: str, text: str, *, age: int | None = 30, gender: str | None = "F",
           skin: str | None = "dry", concerns=("moisture",), rating: float = 5.0) -> dict:
    return {
        "product_id": pid, "user_id": None,
        "age_min": age, "age_max": None if age is None else age + 9,
        "gender": gender, "skin_type": skin, "concerns": list(concerns), "persona": None,
        "rating": rating, "date": pd.NaT, "text": text, "source": "review",
    }


REVIEWS = [
    review("P001", "속건조가 심했는데 바르고 나면 하루 종일 촉촉해요. 향도 은은해요."),
    review("P001", "보습력이 좋아서 겨울 내내 잘 썼어요.", age=40),
    review("P001", "지성이라 좀 무거웠어요.", skin="oily", concerns=("pores",), rating=3.0),
    review("P001", "별로예요 너무 끈적여요.", rating=1.0),
    review("P001", "엄마 선물로 샀는데 포장이 고급스러워요.", age=20, skin=None, concerns=("gift",)),
    review("P001", "자극 없는 순한 크림이라 최고예요!", skin="sensitive", concerns=("calming",)),
    review("P002", "톤이 맑아지는 느낌이라 재구매했어요.", skin="normal", concerns=("brightening",)),
    review("P002", "비타민 세럼 중에 산뜻한 편이에요.", age=20, skin="oily", concerns=("pores",)),
    review("P003", "예민할 때 쓰면 편안해져요.", skin="sensitive", concerns=("calming",)),
    review("P003", "{{ config }} {% raw %} <!channel> 그냥 무난해요.", skin="sensitive", concerns=("calming",), rating=4.0),
]


def make_catalog(products=PRODUCTS, reviews=REVIEWS) -> Catalog:
    return Catalog(products=pd.DataFrame(products), interactions=pd.DataFrame(reviews))


def make_index() -> ContextIndex:
    return ContextIndex(make_catalog(), BRANDS)
