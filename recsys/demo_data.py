"""The seeded generator of the demo catalog, its reviews and its ground-truth oracle.

The real Amore Mall export cannot ship, so ``data/`` holds a fictional K-beauty catalog
generated here with a fixed seed. Reviews are *purchases drawn from an explicit preference
model* (:class:`PreferenceModel`), and ``data/oracle.json`` stores everything needed to
recompute the true purchase probability of every product for any profile — so benchmarks
can report how close a learned recommender gets to the best possible ranking.

Run ``python -m recsys.demo_data --out data`` (or ``personabot catalog generate``); the
same seed always writes byte-identical files.

The population and the model work on *segments*: an age band (10, 20, ..., 60), a gender,
a skin type and one concern, the same four parts a review's ``profile_info`` carries
(``30대/여성/건성/보습``).
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from recsys.labels import SKIN_KO
from recsys.profile import CONCERNS, SKIN_TYPES, Profile

SEED = 20240527
N_PRODUCTS = 800
N_REVIEWS = 7000
LATENT_DIM = 4
AGE_BANDS = (10, 20, 30, 40, 50, 60)
GENDERS = ("F", "M")
CATEGORIES = ("skincare", "makeup", "fragrance", "body", "tools", "men")
CATEGORY_KO = {
    "skincare": "스킨케어",
    "makeup": "메이크업",
    "fragrance": "향수",
    "body": "바디",
    "tools": "뷰티툴",
    "men": "맨즈",
}
CONCERN_KO = {
    "moisture": "보습",
    "anti_aging": "주름",
    "calming": "진정",
    "brightening": "미백",
    "pores": "모공",
    "acne": "트러블",
    "gift": "선물",
    "repurchase": "재구매",
    "ingredients": "성분",
}
FIRST_REVIEW_DAY = date(2023, 1, 1)
LAST_REVIEW_DAY = date(2025, 12, 31)


# --------------------------------------------------------------------------------------
# Brands
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    """A fictional brand and its positioning, which drives its products and who buys them."""

    brand_id: str
    name_ko: str
    name_en: str
    tier: int  # 1 budget, 2 mid, 3 premium, 4 luxury
    target_age: int
    categories: dict[str, float]  # category -> share of the brand's range
    hero_concerns: tuple[str, ...]
    style: str
    lines: tuple[tuple[str, str], ...]  # (Korean, English) product-line names
    story_ko: str
    story_en: str
    tone_keywords: tuple[str, ...]
    emoji_style: str
    colors: tuple[str, ...]
    sender_name: str


BRANDS: tuple[Brand, ...] = (
    Brand("yunseul", "윤슬", "Yunseul", 3, 36, {"skincare": 0.9, "body": 0.1},
          ("brightening", "anti_aging"), "elegant",
          (("루미너스", "Luminous"), ("비타 글로우", "Vita Glow"), ("펄 에센셜", "Pearl Essential")),
          "햇살에 반짝이는 물결처럼, 맑게 빛나는 피부 결을 위한 브랜드입니다.",
          "Named for sunlight glittering on water, Yunseul makes skincare for clear, luminous skin.",
          ("맑은", "우아한", "섬세한", "빛나는"), "minimal", ("#F4E9D8", "#C9A96E"), "윤슬"),
    Brand("dallae", "달래숲", "Dallae Forest", 2, 28, {"skincare": 0.85, "body": 0.15},
          ("calming", "moisture"), "natural",
          (("어성초 카밍", "Heartleaf Calming"), ("숲속 수분", "Forest Aqua"), ("쑥 릴리프", "Mugwort Relief")),
          "숲에서 자란 순한 원료로 예민한 피부를 다독이는 자연주의 스킨케어.",
          "Gentle forest botanicals that calm easily irritated skin.",
          ("순한", "편안한", "자연스러운", "다정한"), "nature", ("#DDEBD5", "#5E8C61"), "달래숲"),
    Brand("seoridam", "서리담", "Seoridam", 4, 52, {"skincare": 0.9, "body": 0.1},
          ("anti_aging", "moisture"), "heritage",
          (("진생 리추얼", "Ginseng Ritual"), ("설화 탄력", "Snowflower Firming"), ("흑삼 로열", "Black Ginseng Royal")),
          "한방의 지혜로 시간을 담은 피부에 깊은 탄력을 채우는 럭셔리 한방 브랜드.",
          "Luxury Korean herbal skincare drawing on centuries of hanbang wisdom for firm, resilient skin.",
          ("품격 있는", "깊은", "고요한", "전통의"), "none", ("#3B2A20", "#B8924A"), "서리담"),
    Brand("moalab", "모아랩", "Moa Lab", 1, 19, {"skincare": 0.9, "men": 0.1},
          ("acne", "pores"), "clinical",
          (("클리어 스팟", "Clear Spot"), ("퓨어 포어", "Pure Pore"), ("AC 밸런스", "AC Balance")),
          "트러블 고민을 연구하는 실속형 더마 스킨케어 랩.",
          "An affordable derma lab focused on blemish-prone skin.",
          ("간결한", "똑똑한", "믿을 수 있는", "실속 있는"), "minimal", ("#FFFFFF", "#2F80ED"), "모아랩"),
    Brand("haruon", "하루온", "Haruon", 2, 27, {"skincare": 0.8, "body": 0.2},
          ("moisture", "calming"), "daily",
          (("하이드라 밸런스", "Hydra Balance"), ("데일리 수분", "Daily Aqua"), ("세라 배리어", "Cera Barrier")),
          "매일 아침 켜는 하루의 온기처럼, 꾸준히 쓰기 좋은 데일리 수분 케어.",
          "Everyday hydration you will want to reach for every morning.",
          ("산뜻한", "친근한", "꾸준한", "밝은"), "friendly", ("#E3F2FD", "#4FA3D1"), "하루온"),
    Brand("bloompinch", "블룸핀치", "Bloom Pinch", 1, 20, {"makeup": 0.9, "tools": 0.1},
          ("brightening",), "trendy",
          (("젤리 팝", "Jelly Pop"), ("코튼 블룸", "Cotton Bloom"), ("스파클 데이", "Sparkle Day")),
          "오늘의 기분을 한 꼬집 더하는, 톡톡 튀는 컬러 메이크업.",
          "A pinch of colour for today's mood: playful, affordable makeup.",
          ("발랄한", "트렌디한", "귀여운", "톡톡 튀는"), "playful", ("#FFD1DC", "#FF6F91"), "블룸핀치"),
    Brand("objero", "오브제로", "Objero", 2, 29, {"makeup": 0.85, "fragrance": 0.15},
          ("pores",), "chic",
          (("벨벳 무드", "Velvet Mood"), ("누드 오브제", "Nude Objet"), ("모노 톤", "Mono Tone")),
          "오브제처럼 담백하고 세련된 무드를 완성하는 메이크업.",
          "Makeup as understated and refined as a design object.",
          ("세련된", "담백한", "시크한", "감각적인"), "minimal", ("#EDE6E1", "#6B5B53"), "오브제로"),
    Brand("lapelle", "라펠르", "La Pelle", 3, 38, {"makeup": 0.8, "skincare": 0.2},
          ("moisture", "anti_aging"), "elegant",
          (("스킨 핏", "Skin Fit"), ("글로우 세컨드", "Glow Second"), ("실크 커버", "Silk Cover")),
          "피부처럼 얇고 건강한 윤기를 입히는 프리미엄 베이스 메이크업.",
          "Premium base makeup that wears like healthy, glowing skin.",
          ("고급스러운", "우아한", "자연스러운", "완성도 높은"), "minimal", ("#F7E7E1", "#A8645A"), "라펠르"),
    Brand("neurin", "느린향", "Slow Scent", 3, 31, {"fragrance": 0.8, "body": 0.2},
          ("gift",), "emotional",
          (("오후의 정원", "Afternoon Garden"), ("비 온 뒤", "After Rain"), ("서재의 밤", "Library Night")),
          "천천히 머무는 향으로 하루의 장면을 기록하는 향 브랜드.",
          "Slow-unfolding scents that capture the moments of a day.",
          ("감성적인", "잔잔한", "시적인", "따뜻한"), "soft", ("#EFE8DF", "#7A6A8A"), "느린향"),
    Brand("pogeun", "포근", "Pogeun", 2, 34, {"body": 0.9, "fragrance": 0.1},
          ("moisture",), "cozy",
          (("코튼 허그", "Cotton Hug"), ("베이비 파우더", "Baby Powder"), ("밀크 배스", "Milk Bath")),
          "온 가족이 함께 쓰는 포근하고 순한 바디 & 헤어 케어.",
          "Soft, gentle hair and body care for the whole family.",
          ("포근한", "다정한", "순한", "편안한"), "friendly", ("#FFF5E6", "#E0A96D"), "포근"),
    Brand("malgeun", "맑은결", "Malgeun Gyeol", 1, 33, {"skincare": 0.85, "body": 0.15},
          ("moisture", "brightening"), "daily",
          (("녹차 밸런싱", "Green Tea Balancing"), ("쌀 브라이트", "Rice Bright"), ("히알루 수분", "Hyalu Aqua")),
          "좋은 원료를 합리적인 가격에, 누구나 매일 쓰는 기본 스킨케어.",
          "Good ingredients at honest prices: everyday basics for everyone.",
          ("깨끗한", "솔직한", "친근한", "실속 있는"), "friendly", ("#F1F8E9", "#7CB342"), "맑은결"),
    Brand("cheongdamcell", "청담셀", "Cheongdam Cell", 4, 47, {"skincare": 0.85, "tools": 0.15},
          ("anti_aging", "brightening"), "clinical",
          (("리프트 업", "Lift Up"), ("펩타이드 럭스", "Peptide Luxe"), ("골든 에이지", "Golden Age")),
          "청담 에스테틱의 노하우를 담은 하이엔드 탄력 케어.",
          "High-end firming care inspired by Cheongdam's aesthetic salons.",
          ("전문적인", "고급스러운", "신뢰감 있는", "정제된"), "none", ("#1C1C1C", "#D4AF37"), "청담셀"),
    Brand("greenbalance", "그린밸런스", "Green Balance", 2, 28, {"skincare": 0.8, "body": 0.2},
          ("ingredients", "calming"), "clean",
          (("비건 시카", "Vegan Cica"), ("클린 베리어", "Clean Barrier"), ("제로 웨이스트", "Zero Waste")),
          "성분 하나까지 투명하게, 지구와 피부의 균형을 생각하는 비건 브랜드.",
          "A vegan brand with fully transparent formulas, balancing skin and planet.",
          ("투명한", "건강한", "지속 가능한", "정직한"), "nature", ("#E8F5E9", "#2E7D32"), "그린밸런스"),
    Brand("moodsalon", "무드살롱", "Mood Salon", 2, 30, {"body": 0.75, "fragrance": 0.25},
          ("moisture", "gift"), "trendy",
          (("살롱 퍼퓸", "Salon Perfume"), ("블랙 티", "Black Tea"), ("로즈 베일", "Rose Veil")),
          "살롱에서 막 나온 듯한 향기로운 헤어 & 바디 리추얼.",
          "Fragrant hair and body rituals that feel fresh out of the salon.",
          ("향기로운", "트렌디한", "세련된", "기분 좋은"), "playful", ("#F3E5F5", "#8E24AA"), "무드살롱"),
    Brand("hommelab", "옴므랩", "Homme Lab", 2, 28, {"men": 1.0},
          ("pores", "acne"), "simple",
          (("올데이 프레시", "All-day Fresh"), ("스포츠 쿨", "Sport Cool"), ("베이직 핏", "Basic Fit")),
          "복잡한 단계 없이, 남자 피부에 필요한 것만 담은 그루밍 브랜드.",
          "Grooming with only what men's skin needs, no complicated steps.",
          ("간단한", "쿨한", "든든한", "깔끔한"), "minimal", ("#ECEFF1", "#37474F"), "옴므랩"),
    Brand("jademan", "제이드맨", "Jade Man", 3, 42, {"men": 0.85, "fragrance": 0.15},
          ("anti_aging", "moisture"), "premium",
          (("블랙 에디션", "Black Edition"), ("우디 클래식", "Woody Classic"), ("에이지 디펜스", "Age Defense")),
          "성숙한 남성을 위한 프리미엄 스킨케어와 시그니처 향.",
          "Premium skincare and signature scents for the modern gentleman.",
          ("품격 있는", "절제된", "신뢰감 있는", "클래식한"), "none", ("#263238", "#4CAF50"), "제이드맨"),
    Brand("tonepick", "톤앤픽", "Tone & Pick", 1, 24, {"tools": 0.8, "makeup": 0.2},
          (), "practical",
          (("데일리 툴", "Daily Tool"), ("프로 핏", "Pro Fit"), ("소프트 터치", "Soft Touch")),
          "메이크업이 쉬워지는 실속형 뷰티 툴 전문 브랜드.",
          "Practical beauty tools that make makeup easier.",
          ("실용적인", "꼼꼼한", "친근한", "가벼운"), "friendly", ("#FFF3E0", "#FB8C00"), "톤앤픽"),
    Brand("glowfit", "글로우핏", "Glowfit", 3, 39, {"tools": 0.7, "skincare": 0.3},
          ("anti_aging", "brightening"), "tech",
          (("홈 에스테틱", "Home Esthetic"), ("LED 글로우", "LED Glow"), ("마이크로 리프트", "Micro Lift")),
          "집에서 누리는 에스테틱, 뷰티 디바이스와 홈케어 솔루션.",
          "Salon results at home: beauty devices and home-care solutions.",
          ("스마트한", "혁신적인", "정확한", "세련된"), "minimal", ("#E1F5FE", "#0277BD"), "글로우핏"),
    Brand("supia", "수피아", "Supia", 2, 30, {"skincare": 0.8, "makeup": 0.2},
          ("calming", "brightening"), "sporty",
          (("에어리 선", "Airy Sun"), ("아쿠아 쉴드", "Aqua Shield"), ("데일리 톤업", "Daily Tone-up")),
          "햇빛 아래서도 가볍게, 자외선 케어에 집중한 선케어 브랜드.",
          "Light, comfortable sun care for every day outdoors.",
          ("활기찬", "가벼운", "상쾌한", "든든한"), "playful", ("#FFFDE7", "#FBC02D"), "수피아"),
    Brand("springday", "봄날연구소", "Spring Day Lab", 1, 26, {"skincare": 0.9, "body": 0.1},
          ("calming", "moisture"), "clinical",
          (("판테놀 리페어", "Panthenol Repair"), ("마데카 수딩", "Madeca Soothing"), ("세라 베이비", "Cera Baby")),
          "민감한 피부를 위한 저자극 포뮬러를 연구하는 더마 연구소.",
          "A derma lab formulating gentle care for sensitive skin.",
          ("차분한", "신뢰감 있는", "순한", "꼼꼼한"), "minimal", ("#F9FBE7", "#9E9D24"), "봄날연구소"),
    Brand("musedeparis", "뮤즈드파리", "Muse de Paris", 4, 38, {"fragrance": 0.85, "body": 0.15},
          ("gift",), "luxury",
          (("누아르 로즈", "Noir Rose"), ("블랑 머스크", "Blanc Musk"), ("앰버 에뚜왈", "Amber Étoile")),
          "파리의 아틀리에에서 영감을 받은 니치 퍼퓸 하우스.",
          "A niche perfume house inspired by Parisian ateliers.",
          ("관능적인", "고급스러운", "우아한", "신비로운"), "none", ("#111111", "#C2185B"), "뮤즈드파리"),
    Brand("coralbean", "코랄빈", "Coral Bean", 1, 18, {"makeup": 1.0},
          (), "playful",
          (("쥬시 립", "Juicy Lip"), ("데이지 글로우", "Daisy Glow"), ("캔디 팝", "Candy Pop")),
          "10대와 20대를 위한 말랑말랑 컬러, 립 전문 브랜드.",
          "Squishy, cheerful colour for teens and twenty-somethings, lips first.",
          ("상큼한", "귀여운", "발랄한", "솔직한"), "playful", ("#FFE0B2", "#FF7043"), "코랄빈"),
    Brand("hangyeol", "한결", "Hangyeol", 2, 50, {"skincare": 0.85, "body": 0.15},
          ("moisture", "anti_aging"), "heritage",
          (("쌀겨 보습", "Rice Bran Moisture"), ("오미자 탄력", "Omija Firming"), ("동백 영양", "Camellia Nourish")),
          "한결같은 마음으로 우리 땅의 원료를 담은 한방 보습 케어.",
          "Steady, honest Korean botanicals for deep nourishment.",
          ("한결같은", "따뜻한", "깊은", "정성스러운"), "soft", ("#FBE9E7", "#8D6E63"), "한결"),
    Brand("purecica", "퓨어시카", "Pure Cica", 1, 22, {"skincare": 0.9, "men": 0.1},
          ("acne", "calming"), "clean",
          (("시카 리페어", "Cica Repair"), ("티트리 클리어", "Tea Tree Clear"), ("그린 카밍", "Green Calming")),
          "병풀과 티트리로 트러블 피부를 산뜻하게 케어하는 실속 브랜드.",
          "Centella and tea tree care for breakout-prone skin, at a friendly price.",
          ("산뜻한", "솔직한", "가벼운", "깨끗한"), "nature", ("#E0F2F1", "#00897B"), "퓨어시카"),
)

# --------------------------------------------------------------------------------------
# Sub-types: Korean name, English name, base price (KRW), size, natural concerns
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubType:
    key: str
    ko: str
    en: str
    base_price: int
    size: str
    concerns: tuple[str, ...]


SUB_TYPES: dict[str, tuple[SubType, ...]] = {
    "skincare": (
        SubType("toner", "토너", "Toner", 24000, "200ml", ("moisture", "calming", "pores")),
        SubType("essence", "에센스", "Essence", 42000, "50ml", ("moisture", "brightening", "anti_aging")),
        SubType("serum", "세럼", "Serum", 45000, "30ml", ("brightening", "anti_aging", "calming")),
        SubType("ampoule", "앰플", "Ampoule", 48000, "30ml", ("anti_aging", "brightening", "calming")),
        SubType("cream", "크림", "Cream", 46000, "50ml", ("moisture", "anti_aging", "calming")),
        SubType("eye_cream", "아이크림", "Eye Cream", 52000, "25ml", ("anti_aging",)),
        SubType("lotion", "로션", "Emulsion", 29000, "150ml", ("moisture",)),
        SubType("cleansing_foam", "클렌징폼", "Cleansing Foam", 13000, "150ml", ("pores", "acne")),
        SubType("cleansing_oil", "클렌징오일", "Cleansing Oil", 22000, "200ml", ("pores", "moisture")),
        SubType("sunscreen", "선크림", "Sunscreen", 23000, "50ml", ("calming", "brightening")),
        SubType("sheet_mask", "마스크팩", "Sheet Mask", 15000, "10매", ("moisture", "brightening", "calming")),
        SubType("toner_pad", "토너패드", "Toner Pad", 25000, "70매", ("pores", "acne", "brightening")),
        SubType("mist", "미스트", "Face Mist", 16000, "120ml", ("moisture",)),
        SubType("spot_care", "스팟 패치", "Spot Patch", 8000, "60매", ("acne", "calming")),
    ),
    "makeup": (
        SubType("cushion", "쿠션", "Cushion", 36000, "15g×2", ("moisture", "pores")),
        SubType("foundation", "파운데이션", "Foundation", 42000, "30ml", ("pores", "moisture")),
        SubType("lipstick", "립스틱", "Lipstick", 27000, "3.5g", ()),
        SubType("lip_tint", "립틴트", "Lip Tint", 13000, "4g", ()),
        SubType("eyeshadow", "아이섀도 팔레트", "Eyeshadow Palette", 30000, "9색", ()),
        SubType("mascara", "마스카라", "Mascara", 16000, "8g", ()),
        SubType("eyeliner", "아이라이너", "Eyeliner", 13000, "0.5g", ()),
        SubType("blusher", "블러셔", "Blusher", 17000, "5g", ()),
        SubType("concealer", "컨실러", "Concealer", 16000, "6g", ("acne", "brightening")),
        SubType("primer", "프라이머", "Primer", 24000, "30ml", ("pores",)),
        SubType("tone_up", "톤업크림", "Tone-up Cream", 21000, "50ml", ("brightening",)),
        SubType("setting_powder", "파우더", "Setting Powder", 19000, "10g", ("pores",)),
    ),
    "fragrance": (
        SubType("edp", "오드퍼퓸", "Eau de Parfum", 95000, "50ml", ("gift",)),
        SubType("edt", "오드뚜왈렛", "Eau de Toilette", 68000, "50ml", ("gift",)),
        SubType("perfume_mist", "퍼퓸 미스트", "Perfume Mist", 22000, "100ml", ()),
        SubType("solid_perfume", "고체향수", "Solid Perfume", 14000, "5g", ("gift",)),
        SubType("diffuser", "디퓨저", "Diffuser", 36000, "200ml", ("gift",)),
    ),
    "body": (
        SubType("body_lotion", "바디로션", "Body Lotion", 16000, "400ml", ("moisture",)),
        SubType("body_wash", "바디워시", "Body Wash", 12000, "500ml", ()),
        SubType("shampoo", "샴푸", "Shampoo", 14000, "500ml", ()),
        SubType("treatment", "트리트먼트", "Hair Treatment", 15000, "300ml", ("moisture",)),
        SubType("hair_oil", "헤어오일", "Hair Oil", 19000, "100ml", ("moisture",)),
        SubType("hand_cream", "핸드크림", "Hand Cream", 9000, "50ml", ("moisture", "gift")),
        SubType("body_scrub", "바디스크럽", "Body Scrub", 17000, "300g", ("pores",)),
        SubType("scalp_scaler", "두피 스케일러", "Scalp Scaler", 18000, "150ml", ("calming",)),
    ),
    "tools": (
        SubType("brush", "메이크업 브러시", "Makeup Brush", 14000, "1개입", ()),
        SubType("puff", "퍼프", "Puff", 5000, "4개입", ()),
        SubType("curler", "뷰러", "Eyelash Curler", 9000, "1개입", ()),
        SubType("gua_sha", "괄사", "Gua Sha", 24000, "1개입", ("anti_aging",)),
        SubType("led_mask", "LED 마스크", "LED Mask", 240000, "1대", ("anti_aging", "brightening")),
        SubType("galvanic", "갈바닉 디바이스", "Galvanic Device", 170000, "1대", ("anti_aging",)),
        SubType("cleansing_device", "클렌징 디바이스", "Cleansing Device", 85000, "1대", ("pores",)),
        SubType("cotton_pad", "화장솜", "Cotton Pads", 3500, "80매", ()),
    ),
    "men": (
        SubType("all_in_one", "올인원", "All-in-One", 26000, "150ml", ("moisture", "pores")),
        SubType("men_toner", "스킨", "Toner", 21000, "150ml", ("pores", "calming")),
        SubType("men_lotion", "로션", "Lotion", 23000, "150ml", ("moisture",)),
        SubType("men_sunscreen", "선스틱", "Sun Stick", 19000, "20g", ("calming",)),
        SubType("men_bb", "비비크림", "BB Cream", 22000, "40ml", ("acne", "pores")),
        SubType("men_cleanser", "클렌저", "Cleanser", 12000, "150ml", ("pores", "acne")),
        SubType("shaving", "쉐이빙폼", "Shaving Foam", 9000, "200ml", ("calming",)),
    ),
}
SUB_TYPE_INDEX = {st.key: st for sts in SUB_TYPES.values() for st in sts}
TIER_PRICE = {1: 0.62, 2: 1.0, 3: 1.7, 4: 2.9}
UV_SUB_TYPES = {"sunscreen", "men_sunscreen", "tone_up", "cushion"}
TREATMENT_SUB_TYPES = {"essence", "serum", "ampoule", "cream", "eye_cream", "sheet_mask",
                       "toner_pad", "tone_up", "all_in_one", "men_lotion", "lotion"}

INGREDIENTS: dict[str, tuple[str, ...]] = {
    "moisture": ("히알루론산", "세라마이드", "판테놀", "스쿠알란", "글리세린", "베타글루칸"),
    "anti_aging": ("레티놀", "펩타이드", "아데노신", "콜라겐", "바쿠치올", "인삼추출물"),
    "calming": ("병풀추출물", "마데카소사이드", "어성초추출물", "알로에베라", "쑥추출물", "판테놀"),
    "brightening": ("나이아신아마이드", "비타민C", "알부틴", "트라넥삼산", "글루타치온"),
    "pores": ("살리실산", "녹차추출물", "화산송이", "카올린", "PHA"),
    "acne": ("티트리오일", "살리실산", "아연", "어성초추출물", "프로폴리스"),
    "ingredients": ("병풀추출물", "판테놀", "알로에베라"),
    "gift": (),
}
FRAGRANCE_NOTES = (("화이트 머스크", "White Musk"), ("로즈", "Rose"), ("우디 시더", "Woody Cedar"),
                   ("베르가못", "Bergamot"), ("무화과", "Fig"), ("피오니", "Peony"),
                   ("샌달우드", "Sandalwood"), ("블랙베리", "Blackberry"), ("화이트티", "White Tea"))
MAKEUP_FINISH = (("롱래스팅", "Long-lasting"), ("글로우", "Glow"), ("벨벳", "Velvet"),
                 ("매트", "Matte"), ("커버", "Cover"), ("워터", "Water"))
TOOL_WORDS = (("소프트", "Soft"), ("프로", "Pro"), ("에어", "Air"), ("데일리", "Daily"))
BENEFIT_WORDS = {
    "moisture": ("수분", "Hydrating"),
    "anti_aging": ("탄력", "Firming"),
    "calming": ("진정", "Soothing"),
    "brightening": ("브라이트닝", "Brightening"),
    "pores": ("포어", "Pore"),
    "acne": ("클리어", "Clear"),
    "ingredients": ("마일드", "Mild"),
    "gift": ("시그니처", "Signature"),
}
# Ingredients a sensitive skin tends to react to; the preference model penalises them.
HARSH_INGREDIENTS = frozenset({"레티놀", "살리실산", "비타민C", "향료", "AHA"})

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


def _default_population() -> Population:
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
    n = len(products)
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
    population = _default_population()
    oracle_dict = {
        "description": (
            "Ground truth of the demo catalog: P(product | profile) = softmax(utility / temperature). "
            "See recsys.demo_data.PreferenceModel for the utility and Oracle.scores to evaluate it."
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


CRM_EXAMPLES: tuple[dict[str, Any], ...] = (
    {"tone": "friendly", "brand_id": "haruon", "channel": "kakao",
     "text": "(광고) 하루온\n#{이름}님, 요즘 아침저녁으로 피부가 당기지 않으세요? 💧\n"
             "하루온 하이드라 밸런스 수분 크림으로 촉촉한 하루를 시작해 보세요.\n"
             "이번 주 회원님께만 15% 쿠폰을 드려요!\n▶ 쿠폰 받기\n\n무료수신거부 080-123-4567"},
    {"tone": "friendly", "brand_id": "pogeun", "channel": "kakao",
     "text": "(광고) 포근\n#{이름}님, 샤워 후 포근한 향기 어떠세요? 🛁\n"
             "온 가족이 함께 쓰는 코튼 허그 바디로션, 1+1 이벤트 중이에요.\n"
             "넉넉하게 쟁여두세요!\n▶ 지금 보기\n\n무료수신거부 080-123-4567"},
    {"tone": "professional", "brand_id": "seoridam", "channel": "kakao",
     "text": "(광고) 서리담\n#{이름} 고객님, 서리담 진생 리추얼 라인을 소개해 드립니다.\n"
             "인삼추출물을 담은 탄력 크림으로 깊어진 계절의 피부를 정성스럽게 가꿔 보세요.\n"
             "구매 고객께 체험용 키트를 함께 보내드립니다.\n▶ 자세히 보기\n\n무료수신거부 080-123-4567"},
    {"tone": "professional", "brand_id": "springday", "channel": "lms",
     "text": "(광고) 봄날연구소\n#{이름} 고객님, 환절기 피부가 예민해지는 시기입니다.\n"
             "판테놀 리페어 진정 크림은 민감한 피부를 위해 순한 포뮬러로 만들었습니다.\n"
             "이번 달 정기구매 신청 시 10% 할인이 적용됩니다.\n▶ 정기구매 신청\n문의 1588-1234\n\n무료수신거부 080-123-4567"},
    {"tone": "trendy", "brand_id": "bloompinch", "channel": "kakao",
     "text": "(광고) 블룸핀치\n#{이름}님 요즘 제일 핫한 컬러 뭔지 알아요? 🍑\n"
             "젤리 팝 립틴트 신상 3컬러 드디어 오픈!\n오늘 자정까지 2개 구매 시 미니 틴트 증정 🎁\n"
             "▶ 컬러 고르러 가기\n\n무료수신거부 080-123-4567"},
    {"tone": "trendy", "brand_id": "neurin", "channel": "kakao",
     "text": "(광고) 느린향\n#{이름}님, 비 온 뒤 공기 냄새 좋아하세요? 🌧️\n"
             "느린향 '비 온 뒤' 오드퍼퓸, 선물 포장 무료 이벤트 진행 중이에요.\n"
             "소중한 사람에게 오래 남는 향을 선물해 보세요.\n▶ 선물하기\n\n무료수신거부 080-123-4567"},
    {"tone": "professional", "brand_id": "jademan", "channel": "kakao",
     "text": "(광고) 제이드맨\n#{이름} 고객님, 바쁜 아침을 위한 블랙 에디션 올인원을 제안드립니다.\n"
             "한 번의 사용으로 스킨케어를 간결하게 마무리하세요.\n"
             "회원 전용 20% 할인 쿠폰이 발급되었습니다.\n▶ 쿠폰 확인\n\n무료수신거부 080-123-4567"},
    {"tone": "friendly", "brand_id": "greenbalance", "channel": "kakao",
     "text": "(광고) 그린밸런스\n#{이름}님, 성분 꼼꼼히 보시는 분들께 반가운 소식이에요 🌿\n"
             "비건 시카 라인 리필팩이 새로 나왔어요. 리필 구매 시 적립금 2배!\n"
             "▶ 리필팩 보기\n\n무료수신거부 080-123-4567"},
)


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
