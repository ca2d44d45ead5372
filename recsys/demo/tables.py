"""The demo world's fixed tables: brands, sub-types, ingredients, words and CRM examples.

Only the demo generator (:mod:`recsys.demo.generate`) and its oracle read these; the
recommender never does. Changing a value changes the shipped ``data/`` files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
