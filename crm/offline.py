"""The offline copywriter: deterministic Korean CRM copy built from retrieved context.

No model and no network: each tone has banks of hooks, benefit lines, review lines and calls
to action, filled from the brand's tone keywords, the product's facts and a review snippet
quoted verbatim. Choices are seeded by product + profile + tone, so the same request always
gives the same draft while different products and customers read differently.

The words are chosen to stay inside the cosmetics-advertising rules: functional claims
(미백, 주름 개선, 자외선 차단) appear only when the product holds that registration, and no
absolutes (최고, 100%), safety absolutes (무자극) or medical words are used. Review snippets
that would trip a rule are not quoted.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable, Sequence

from crm import channels
from crm.context import DraftContext, ReviewSnippet

MODEL_NAME = "offline-copywriter-v1"
NAME_TOKEN = "#{이름}"

SKIN_KO = {"dry": "건성", "oily": "지성", "combination": "복합성", "sensitive": "민감성", "normal": "중성"}
SUB_TYPE_KO = {
    "cream": "크림", "toner": "토너", "serum": "세럼", "essence": "에센스", "ampoule": "앰플",
    "lotion": "로션", "emulsion": "에멀전", "cleanser": "클렌저", "cleansing_foam": "클렌징 폼",
    "cleansing_oil": "클렌징 오일", "mask": "마스크", "sheet_mask": "시트 마스크", "pad": "패드",
    "sunscreen": "선크림", "sun_cream": "선크림", "mist": "미스트", "eye_cream": "아이크림",
    "cushion": "쿠션", "foundation": "파운데이션", "lipstick": "립스틱", "lip_tint": "립 틴트",
    "tint": "틴트", "eyeshadow": "아이섀도", "eye_shadow": "아이섀도", "mascara": "마스카라",
    "primer": "프라이머", "concealer": "컨실러", "blusher": "블러셔", "perfume": "향수",
    "eau_de_parfum": "오 드 퍼퓸", "body_mist": "바디 미스트", "hand_cream": "핸드크림",
    "body_lotion": "바디로션", "body_wash": "바디워시", "shampoo": "샴푸", "treatment": "트리트먼트",
    "brush": "브러시", "puff": "퍼프", "device": "디바이스", "all_in_one": "올인원",
}
CATEGORY_KO = {
    "skincare": "스킨케어", "makeup": "메이크업", "fragrance": "향수", "body": "바디케어",
    "tools": "뷰티 툴", "men": "맨즈 케어", "other": "아이템",
}

# Safe benefit phrases per concern: sensory and cosmetic, never medical or functional.
BENEFITS = {
    "moisture": ("촉촉한 보습감", "속까지 채워지는 수분감", "오래가는 촉촉함"),
    "anti_aging": ("탄탄한 탄력감", "생기 있는 피부결", "쫀쫀한 탄력 케어"),
    "calming": ("편안한 진정 케어", "예민한 날에도 편안한 사용감", "차분하게 정돈되는 피부"),
    "brightening": ("맑고 화사한 피부 톤", "환하게 피어나는 톤 케어", "생기 도는 맑은 피부"),
    "pores": ("매끈한 피부결", "산뜻하게 정돈되는 피부결", "보송한 피지 케어"),
    "acne": ("산뜻하게 정돈되는 피부", "가볍고 산뜻한 사용감", "깨끗하게 정돈되는 피부결"),
    "gift": ("마음을 전하기 좋은 선물", "받는 분이 반가워할 구성", "센스 있는 선물"),
    "repurchase": ("다시 찾게 되는 사용감", "꾸준히 손이 가는 데일리 케어", "믿고 쓰는 데일리템"),
    "ingredients": ("꼼꼼히 고른 성분", "성분을 생각한 포뮬러", "순한 성분 구성"),
}
# Registered functional cosmetics may say what they are registered for.
FUNCTION_CLAIMS = {"whitening": "미백 기능성", "wrinkle": "주름 개선 기능성", "uv": "자외선 차단 기능성"}
PAINS = {
    "moisture": "건조하게", "anti_aging": "푸석하게", "calming": "예민하게", "brightening": "칙칙하게",
    "pores": "번들거리게", "acne": "울긋불긋하게",
}
CONCERN_NOUN = {
    "moisture": "보습", "anti_aging": "탄력", "calming": "진정", "brightening": "톤 케어",
    "pores": "모공·피지", "acne": "트러블", "gift": "선물", "repurchase": "데일리 케어",
    "ingredients": "성분",
}

# Ingredients a label must list but copy should not sell.
NOT_SELLING_POINTS = {"향료", "정제수", "글리세린", "부틸렌글라이콜"}

HOOKS = {
    "friendly": (
        "{name}님, 요즘 피부가 {pain} 느껴지진 않으세요?",
        "{name}님께 꼭 소개하고 싶은 {item}{이_가} 있어요 :)",
        "{name}님, {who} 피부를 위한 반가운 소식 전해 드려요!",
        "{name}님, 오늘은 {benefit}{을_를} 챙겨 보시는 건 어떨까요?",
    ),
    "professional": (
        "{name} 고객님, {who} 피부의 {noun} 고민을 위한 제안을 드립니다.",
        "{name} 고객님께 {brand_product}{을_를} 안내해 드립니다.",
        "{name} 고객님, {noun} 루틴을 점검해 보실 때입니다.",
    ),
    "trendy": (
        "{name}님, 요즘 {who} 피부 찐템 뭔지 아세요? ✨",
        "{name}님 주목! {noun} 루틴에 들어갈 그 {item} 👀",
        "{name}님, 피드에서 자꾸 보이는 그 {item} 맞아요 💫",
    ),
}
BODIES = {
    "friendly": (
        "{brand_product}{은_는} {ingredient}{을_를} 담아 {benefit}{을_를} 선물해 줘요.",
        "{keyword} 감성을 담은 {brand_product}, {benefit}{이_가} 필요한 날 딱이에요.",
        "{ingredient} 품은 {product}{으로_로} {benefit}{을_를} 느껴 보세요.",
    ),
    "professional": (
        "{product}{은_는} {ingredients}{을_를} 함유한 {item}{으로_로}, {benefit}{을_를} 위해 만들어졌습니다.",
        "{brand_product}{은_는} {benefit}{을_를} 원하시는 분께 권해 드리는 {keyword} {item}입니다.",
        "핵심 성분 {ingredients}{을_를} 담은 {product}{으로_로} {benefit}{을_를} 경험해 보십시오.",
    ),
    "trendy": (
        "{ingredient} 넣은 {product} 하나면 {benefit} 완성 ✨",
        "#{keyword_tag} 무드 그대로, {product}{으로_로} {benefit} 챙기기 💧",
        "{brand_product}, {benefit} 원하면 이거 하나로 끝 🙌",
    ),
}
# Gifts are bought for someone else: the copy speaks to the giver, not the giver's skin.
GIFT_HOOKS = {
    "friendly": ("{name}님, 소중한 분께 마음을 전할 선물 고민 중이신가요?",
                 "{name}님, 고마운 분께 드릴 선물 찾고 계셨다면 반가운 소식이에요 :)"),
    "professional": ("{name} 고객님, 특별한 날을 위한 선물을 제안해 드립니다.",
                     "{name} 고객님께 마음을 전하기 좋은 {item}{을_를} 소개해 드립니다."),
    "trendy": ("{name}님, 센스 있는 선물 찾는다면 여기 주목 🎁", "{name}님 선물 고민 끝! 요즘 찐 선물템 🎀"),
}
GIFT_BODIES = {
    "friendly": ("{brand_product}, 받는 분이 반가워할 {item} 선물로 딱이에요.",
                 "{keyword} 감성을 담은 {brand_product}{으로_로} 마음을 전해 보세요."),
    "professional": ("{brand_product}{은_는} 품격 있는 선물을 찾으시는 분께 권해 드리는 {item}입니다.",
                     "{keyword} 감성을 담은 {brand_product}{은_는} 소중한 분께 드리기 좋은 선물입니다."),
    "trendy": ("선물템 고민 끝, {brand_product} 하나면 센스 인정 🎁", "#{keyword_tag} 무드 선물 = {brand_product} ✨"),
}
# Bodies that lean on an ingredient; skipped for fragrances, tools and ingredient-less items.
INGREDIENT_FREE_CATEGORIES = ("fragrance", "tools")

REVIEWS = {
    "friendly": ("먼저 써 보신 {reviewer} 고객님도 이렇게 말씀하셨어요. “{quote}”", "실제 후기 한 줄 전해 드려요. “{quote}”"),
    "professional": ("{reviewer} 고객 리뷰: “{quote}”", "실사용 리뷰: “{quote}”"),
    "trendy": ("찐후기 👉 “{quote}”", "리뷰 실화? “{quote}” 🔥"),
}
FUNCTION_LINES = {
    "friendly": "{claims} 제품이라 더 든든해요.",
    "professional": "{claims} 화장품으로 등록된 제품입니다.",
    "trendy": "{claims}까지 챙긴 똑똑한 선택 ✔",
}
PRICES = {
    "friendly": "가격은 {price}원이에요.",
    "professional": "판매가 {price}원",
    "trendy": "{price}원으로 득템 가능 💸",
}
CTAS = {
    "friendly": ("지금 바로 만나 보세요 👉 자세히 보기", "아래 버튼에서 자세히 확인해 보세요 :)"),
    "professional": ("자세한 정보는 아래 버튼에서 확인해 주십시오.", "상세 정보 보기를 눌러 확인해 주십시오."),
    "trendy": ("지금 바로 체크하기 🛒", "놓치기 전에 구경 가기 👉"),
}
SMS_HOOKS = {
    "friendly": "{name}님, {benefit} 챙겨 보세요",
    "professional": "{name} 고객님께 {noun} 제안",
    "trendy": "{name}님 {noun} 찐템!",
}


def _has_batchim(word: str) -> bool | None:
    for ch in reversed(word.strip()):
        if "가" <= ch <= "힣":
            return (ord(ch) - 0xAC00) % 28 != 0
        if ch.isdigit():
            return ch in "013678"
        if ch.isalpha():
            return ch.lower() in "lmnr"
        if ch in ")]}'\"”’":
            continue
        return None
    return None


def _rieul_batchim(word: str) -> bool:
    for ch in reversed(word.strip()):
        if "가" <= ch <= "힣":
            return (ord(ch) - 0xAC00) % 28 == 8
        if ch.isalnum():
            return ch in "178" or ch.lower() == "l"
    return False


def josa(word: str, pair: str) -> str:
    """The right particle after ``word``: pair is "을_를", "이_가", "은_는" or "으로_로"."""
    with_batchim, without = pair.split("_")
    batchim = _has_batchim(word)
    if pair == "으로_로" and _rieul_batchim(word):
        return without
    if batchim is None:
        return f"{with_batchim}({without})" if pair != "으로_로" else "(으)로"
    return with_batchim if batchim else without


def _fill(template: str, values: dict[str, str]) -> str:
    """Format with particle placeholders resolved against the word in front of them."""
    out = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        key, _, rest = tail.partition("}")
        out.append(head)
        if key in ("을_를", "이_가", "은_는", "으로_로"):
            out.append(josa("".join(out), key))
        else:
            out.append(values[key])
    out.append(rest)
    return "".join(out)


def seed_for(context: DraftContext, tone: str, channel: str) -> int:
    key = json.dumps(
        [context.product.product_id, context.profile.to_dict(), tone, channel],
        sort_keys=True, ensure_ascii=False,
    )
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")


def _item_name(context: DraftContext) -> str:
    sub = context.product.sub_type.strip()
    if sub and any("가" <= ch <= "힣" for ch in sub):
        return sub
    return SUB_TYPE_KO.get(sub.lower().replace(" ", "_").replace("-", "_"), "") or CATEGORY_KO.get(
        context.product.category, "아이템"
    )


def _concerns(context: DraftContext) -> list[str]:
    """Concerns the copy may speak to: shared ones first, then what the product targets.

    A benefit the product does not target is never promised because the customer wants it.
    """
    target = [c for c in context.profile.concerns if c in BENEFITS]
    own = [c for c in context.product.concerns if c in BENEFITS]
    shared = [c for c in target if c in own]
    return shared or own or target or ["moisture"]


def _benefit(context: DraftContext, rng: random.Random) -> str:
    return rng.choice(BENEFITS[rng.choice(_concerns(context)[:2])])


def _main_concern(context: DraftContext) -> str:
    return _concerns(context)[0]


_VOLUME = re.compile(r"\s+\d+(?:\.\d+)?\s?(?:ml|mL|ML|g|매|개입|개|대|ea|EA)(?:\s?[×x]\s?\d+)?$")


def display_name(context: DraftContext) -> str:
    """The product name as copy reads it: without the trailing volume (``50ml``, ``10매``)."""
    return _VOLUME.sub("", context.product.name.strip()) or context.product.name


def _brand_product(context: DraftContext, name: str) -> str:
    """"브랜드 제품명" without saying the brand twice when the name already starts with it."""
    brand = context.brand.name
    return name if name.startswith(brand) else f"{brand} {name}"


def _who(context: DraftContext) -> str:
    profile = context.profile
    parts = []
    if profile.age_band:
        parts.append(f"{profile.age_band}대")
    parts.append(SKIN_KO.get(profile.skin_type or "", "내"))
    return " ".join(parts)


def _keyword(context: DraftContext, rng: random.Random) -> str:
    keywords = [k for k in context.brand.tone_keywords if k.strip()]
    return rng.choice(keywords) if keywords else "데일리"


def reviewer_phrase(label: str) -> str:
    """"30대/여성/건성" → "30대 건성"; the gender adds nothing to a quote's credibility."""
    parts = [p for p in label.split("/") if p and p not in ("여성", "남성")]
    return " ".join(parts) or "구매"


def safe_quotes(
    snippets: Sequence[ReviewSnippet], screen: Callable[[str], bool], channel: str
) -> list[str]:
    """Snippets that may be quoted in an ad: no rule trips, and encodable on SMS/LMS."""
    quotes = []
    for snippet in snippets:
        text = snippet.text
        if channels.is_text_channel(channel) and not channels.encodable(text):
            continue
        if screen(text):
            quotes.append(text)
    return quotes


def compose(
    context: DraftContext,
    tone: str,
    *,
    channel: str = "kakao",
    optout_number: str = "080-000-0000",
    contact_number: str = "",
    add_label: bool = True,
    screen: Callable[[str], bool] = lambda text: True,
) -> str:
    """One draft for ``tone``; deterministic for (product, profile, tone, channel)."""
    if tone not in HOOKS:
        raise ValueError(f"unknown tone {tone!r} (use one of {', '.join(HOOKS)})")
    rng = random.Random(seed_for(context, tone, channel))
    product = context.product
    concern = _main_concern(context)
    ingredients = [i for i in product.ingredients if i.strip() and i not in NOT_SELLING_POINTS][:2]
    keyword = _keyword(context, rng)
    values = {
        "name": NAME_TOKEN,
        "brand": context.brand.name,
        "product": display_name(context),
        "brand_product": _brand_product(context, display_name(context)),
        "item": _item_name(context),
        "who": _who(context),
        "pain": PAINS.get(concern, "푸석하게"),
        "noun": CONCERN_NOUN[concern],
        "benefit": _benefit(context, rng),
        "ingredient": ingredients[0] if ingredients else "",
        "ingredients": ", ".join(ingredients),
        "keyword": keyword,
        "keyword_tag": keyword.replace(" ", ""),
        "price": f"{product.price:,}" if product.price else "",
    }
    header = channels.header_line(context.brand.sender, channel) if add_label else ""
    footer = channels.footer(optout_number, channel, contact_number) if add_label else ""
    if channel == "sms":
        return _compact(values, tone, header, footer, channel)

    gift = concern == "gift"
    bodies = GIFT_BODIES[tone] if gift else BODIES[tone]
    if not ingredients or product.category in INGREDIENT_FREE_CATEGORIES:
        bodies = tuple(b for b in bodies if "{ingredient" not in b) or GIFT_BODIES[tone]
    lines = [_fill(rng.choice(GIFT_HOOKS[tone] if gift else HOOKS[tone]), values), ""]
    lines.append(_fill(rng.choice(bodies), values))
    claims = [FUNCTION_CLAIMS[f] for f in product.functions if f in FUNCTION_CLAIMS]
    if claims:
        lines.append(_fill(FUNCTION_LINES[tone], {"claims": "·".join(claims)}))
    quotes = safe_quotes(context.snippets, screen, channel)
    if quotes:
        quote = quotes[rng.randrange(min(2, len(quotes)))]
        reviewer = next((s.reviewer for s in context.snippets if s.text == quote), "")
        lines.append(
            _fill(rng.choice(REVIEWS[tone]), {"quote": quote, "reviewer": reviewer_phrase(reviewer)})
        )
    if values["price"]:
        lines.append(_fill(PRICES[tone], values))
    lines += ["", rng.choice(CTAS[tone])]
    text = "\n".join(([header] if header else []) + lines + ([footer] if footer else []))
    if channels.is_text_channel(channel) or not context.brand.uses_emoji:
        text = channels.strip_emoji(text)
    return channels.strip_unencodable(text) if channels.is_text_channel(channel) else text


def _compact(values: dict[str, str], tone: str, header: str, footer: str, channel: str) -> str:
    """SMS: 90 EUC-KR bytes hold label, sender, one short line and the opt-out line."""
    candidates = [
        _fill(SMS_HOOKS[tone], values),
        f"{values['name']}님, {values['noun']} {values['item']} 제안",
        f"{values['name']}님 {values['item']} 추천",
        f"{values['name']}님 신상 추천",
    ]
    for body in candidates:
        text = channels.strip_unencodable("\n".join(p for p in (header, body, footer) if p))
        if channels.fits(text, channel):
            return text
    return channels.strip_unencodable("\n".join(p for p in (header, footer) if p))


def compose_all(
    context: DraftContext,
    tones: Iterable[str],
    *,
    channel: str = "kakao",
    optout_number: str = "080-000-0000",
    contact_number: str = "",
    add_label: bool = True,
    screen: Callable[[str], bool] = lambda text: True,
) -> dict[str, str]:
    return {
        tone: compose(
            context, tone, channel=channel, optout_number=optout_number,
            contact_number=contact_number, add_label=add_label, screen=screen,
        )
        for tone in tones
    }
