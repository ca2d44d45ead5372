"""The offline copywriter: deterministic Korean CRM copy built from retrieved context.

No model and no network: each tone has banks of hooks, body lines, review lines and calls
to action, filled from the brand's tone keywords, the product's facts and a review snippet
quoted verbatim. Choices are seeded by product + profile + tone, so the same request always
gives the same draft while different products and customers read differently.

What the copy says comes from the product, never from the customer's wish:

* a benefit (보습, 탄력, 진정, 맑은 톤, 모공, 트러블, 자외선 차단) only when the product's facts
  support it (:class:`crm.claims.ClaimFacts`) — the customer's wish only orders them, and a
  product with none is described by its feel and use, not given a default benefit;
* each kind has copy of its own: fragrances speak of scent, mood, layering and gifting, home
  scents and tools of use and occasion, lifestyle goods of use and gifting, sets of what is
  inside, men's products to men;
* functional claims (미백, 주름 개선, 자외선 차단) appear only when the product holds that
  registration, and no absolutes (최고, 100%), safety absolutes (무자극) or medical words;
* names are the clean short names (no promo tags, prices, origin notes or volumes), each
  particle is chosen from the spoken end of the word before it (:mod:`crm.korean`), and a
  line that needs a profile field the customer did not give is not used.

Review snippets that would trip a rule are not quoted.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable, Sequence

from crm import channels
from crm.claims import facts_for
from crm.context import DraftContext, ReviewSnippet
from crm.errors import UnknownChoiceError
from crm.korean import PAIRS, josa
from recsys.mining import review_benefits
from recsys.labels import SKIN_KO
from recsys.product_types import BY_NAME, KIND_KO, compact

MODEL_NAME = "offline-copywriter-v1"
NAME_TOKEN = "#{이름}"

# Benefit phrases per supported claim: sensory and cosmetic, never medical or functional.
BENEFITS = {
    "moisture": ("촉촉한 보습감", "속까지 채워지는 수분감", "오래가는 촉촉함"),
    "anti_aging": ("탄탄한 탄력감", "쫀쫀한 탄력 케어", "탄력 있는 피부결"),
    "calming": ("편안한 진정 케어", "예민한 날에도 편안한 피부", "차분하게 정돈되는 진정 케어"),
    "brightening": ("맑고 화사한 피부 톤", "맑은 피부 톤 케어", "생기 도는 맑은 피부 톤"),
    "pores": ("모공과 피지를 산뜻하게 정돈하는 케어", "피지 케어", "모공 케어"),
    "acne": ("트러블 걱정을 덜어 주는 산뜻한 케어", "트러블 피부를 위한 산뜻한 케어"),
    "uv": ("매일의 자외선 차단", "가볍게 바르는 데일리 선케어"),
}
# When a skin product's facts support no benefit: its feel and its place in a routine.
PLAIN = {
    "skincare": ("매일 손이 가는 데일리 케어", "가볍게 스며드는 사용감", "데일리 루틴의 기본"),
    "makeup": ("자연스러운 데일리 메이크업", "손쉬운 데일리 메이크업", "매일 손이 가는 메이크업"),
    "body": ("기분 좋은 바디 루틴", "매일의 바디 케어"),
    "hair": ("기분 좋은 헤어 루틴", "매일의 헤어 케어"),
}
# Registered functional cosmetics may say what they are registered for.
FUNCTION_CLAIMS = {"whitening": "미백 기능성", "wrinkle": "주름 개선 기능성", "uv": "자외선 차단 기능성"}
PAINS = {
    "moisture": "건조하게", "anti_aging": "탄력 없이", "calming": "예민하게", "brightening": "칙칙하게",
    "pores": "번들거리게", "acne": "울긋불긋하게",
}
CONCERN_NOUN = {
    "moisture": "보습", "anti_aging": "탄력", "calming": "진정", "brightening": "톤 케어",
    "pores": "모공·피지", "acne": "트러블", "uv": "자외선 차단",
}
# Ingredients a label must list but copy should not sell.
NOT_SELLING_POINTS = {"향료", "정제수", "글리세린", "부틸렌글라이콜"}

# --- copy per kind ------------------------------------------------------------------------
# Every template is used only when each value it names is known (see _usable). Keys:
# name, brand, product, brand_product, item, who, pain, noun, benefit, ingredient(s),
# keyword(_tag), contents, moment, price; particles as {을_를}, {이_가}, {은_는}, {으로_로} ….

HOOKS = {
    "skin": {
        "friendly": (
            "{name}님, 요즘 피부가 {pain} 느껴지진 않으세요?",
            "{name}님께 꼭 소개하고 싶은 {item}{이_가} 있어요 :)",
            "{name}님, {who}{을_를} 위한 반가운 소식 전해 드려요!",
            "{name}님, 오늘은 {benefit}{을_를} 챙겨 보시는 건 어떨까요?",
        ),
        "professional": (
            "{name} 고객님, {who}의 {noun} 고민을 위한 제안을 드립니다.",
            "{name} 고객님께 {brand_product}{을_를} 안내해 드립니다.",
            "{name} 고객님, {noun} 루틴을 점검해 보실 때입니다.",
        ),
        "trendy": (
            "{name}님, 요즘 {who} 찐템 뭔지 아세요? ✨",
            "{name}님 주목! {noun} 루틴에 들어갈 그 {item} 👀",
            "{name}님, 피드에서 자꾸 보이는 그 {item} 맞아요 💫",
        ),
    },
    "men": {
        "friendly": ("{name}님, 바쁜 아침에도 간단하게 챙기는 {item} 소개해 드려요 :)",
                     "{name}님, 남자 피부를 위한 {item}{이_가} 있어요!"),
        "professional": ("{name} 고객님, 남성 고객님을 위한 {brand_product}{을_를} 안내해 드립니다.",
                         "{name} 고객님, 간결한 남성 스킨케어 루틴을 제안해 드립니다."),
        "trendy": ("{name}님, 요즘 남자들 루틴은 이걸로 끝 👀", "{name}님 주목! 남자 피부 데일리템 ✨"),
    },
    "fragrance": {
        "friendly": ("{name}님, 오늘 기분에 어울리는 향 찾고 계셨나요?",
                     "{name}님께 꼭 소개하고 싶은 향이 있어요 :)",
                     "{name}님, 하루의 분위기를 바꿔 줄 {item} 소개해 드려요!"),
        "professional": ("{name} 고객님께 {brand_product}의 향을 안내해 드립니다.",
                         "{name} 고객님, 나만의 향을 찾으실 때입니다."),
        "trendy": ("{name}님, 요즘 시그니처 향 뭐 쓰세요? ✨", "{name}님 주목! 스치면 다시 돌아보게 되는 그 향 💫"),
    },
    "home": {
        "friendly": ("{name}님, 집에 머무는 시간을 더 향기롭게 만들어 볼까요?",
                     "{name}님께 공간을 채워 줄 향을 소개해 드려요 :)"),
        "professional": ("{name} 고객님, 머무는 공간을 위한 {item}{을_를} 제안해 드립니다.",
                         "{name} 고객님께 {brand_product}{을_를} 안내해 드립니다."),
        "trendy": ("{name}님, 방 분위기 바꾸는 가장 쉬운 방법 ✨", "{name}님 집들이 선물 고민 끝 🎁"),
    },
    "tool": {
        "friendly": ("{name}님, 매일 쓰는 {item} 이제 바꿔 볼까요?",
                     "{name}님께 메이크업과 스킨케어를 도와줄 {item}{을_를} 소개해 드려요 :)"),
        "professional": ("{name} 고객님, 데일리 루틴에 필요한 {item}{을_를} 안내해 드립니다.",
                         "{name} 고객님께 {brand_product}{을_를} 소개해 드립니다."),
        "trendy": ("{name}님, 파우치 속 필수템 챙기셨나요? 👀", "{name}님 주목! 루틴이 편해지는 {item} ✨"),
    },
    "lifestyle": {
        "friendly": ("{name}님, 일상을 더 즐겁게 해 줄 아이템 소개해 드려요 :)",
                     "{name}님, 여행이나 외출 준비 중이신가요?"),
        "professional": ("{name} 고객님께 {brand_product}{을_를} 안내해 드립니다.",
                         "{name} 고객님, 일상에 더하기 좋은 아이템을 제안해 드립니다."),
        "trendy": ("{name}님, 요즘 눈에 띄는 그 아이템 👀", "{name}님 주목! 들고 다니고 싶은 {item} ✨"),
    },
    "gift": {
        "friendly": ("{name}님, 소중한 분께 마음을 전할 선물 고민 중이신가요?",
                     "{name}님, 고마운 분께 드릴 선물 찾고 계셨다면 반가운 소식이에요 :)"),
        "professional": ("{name} 고객님, 특별한 날을 위한 선물을 제안해 드립니다.",
                         "{name} 고객님께 마음을 전하기 좋은 {item}{을_를} 소개해 드립니다."),
        "trendy": ("{name}님, 센스 있는 선물 찾는다면 여기 주목 🎁", "{name}님 선물 고민 끝! 요즘 찐 선물템 🎀"),
    },
}
BODIES = {
    "skin": {
        "friendly": (
            "{brand_product}{은_는} {ingredient}{을_를} 담아 {benefit}{을_를} 선물해 줘요.",
            "{keyword} 감성을 담은 {brand_product}, {benefit}{이_가} 필요한 날 딱이에요.",
            "{ingredient} 품은 {product}{으로_로} {benefit}{을_를} 느껴 보세요.",
            "{brand_product}{으로_로} {benefit}{을_를} 챙겨 보세요.",
        ),
        "professional": (
            "{product}{은_는} {ingredients}{을_를} 함유한 {item}{으로_로}, {benefit}{을_를} 위해 만들어졌습니다.",
            "{brand_product}{은_는} {benefit}{을_를} 원하시는 분께 권해 드리는 {keyword} {what}입니다.",
            "핵심 성분 {ingredients}{을_를} 담은 {product}{으로_로} {benefit}{을_를} 경험해 보십시오.",
            "{brand_product}{은_는} {benefit}{을_를} 원하시는 분께 권해 드리는 {what}입니다.",
        ),
        "trendy": (
            "{ingredient} 넣은 {product} 하나면 {benefit} 완성 ✨",
            "#{keyword_tag} 무드 그대로, {product}{으로_로} {benefit} 챙기기 💧",
            "{brand_product}, {benefit} 원하면 이거 하나로 끝 🙌",
        ),
    },
    "fragrance": {
        "friendly": ("{brand_product}{은_는} {benefit}{이_가} 매력적인 {what}{이에요_예요}.",
                     "{brand_product}, {moment} 뿌리기 좋은 {what}{이에요_예요}.",
                     "{brand_product} 한 번이면 {benefit}{이_가} 하루를 함께해요."),
        "professional": ("{brand_product}{은_는} {benefit}{을_를} 즐기시는 분께 권해 드리는 {what}입니다.",
                         "{brand_product}{은_는} {moment} 어울리는 {what}입니다.",
                         "다른 향과 레이어링해도 좋은 {brand_product}{으로_로} 나만의 향을 완성해 보십시오."),
        "trendy": ("{brand_product}, {benefit} 원하면 이거 하나로 끝 🙌", "{moment} 톡톡 뿌리는 {brand_product} ✨",
                   "#{keyword_tag} 무드 그대로, {brand_product} 💫"),
    },
    "home": {
        "friendly": ("{brand_product}{으로_로} {benefit}{을_를} 느껴 보세요.",
                     "{brand_product}{은_는} {moment} 두기 좋은 {what}{이에요_예요}."),
        "professional": ("{brand_product}{은_는} {benefit}{을_를} 원하시는 분께 권해 드리는 {what}입니다.",
                         "{brand_product}{은_는} {moment} 두기 좋은 {what}입니다."),
        "trendy": ("{brand_product} 하나면 {benefit} 완성 ✨", "{moment} {brand_product} 하나 두기 🕯"),
    },
    "tool": {
        "friendly": ("{brand_product}{은_는} {moment} 쓰기 좋은 {what}{이에요_예요}.",
                     "{brand_product}{으로_로} {benefit}{을_를} 느껴 보세요."),
        "professional": ("{brand_product}{은_는} {moment} 쓰기 좋은 {what}입니다.",
                         "{brand_product}{은_는} {benefit}{을_를} 원하시는 분께 권해 드리는 {what}입니다."),
        "trendy": ("{brand_product}, {moment} 하나면 끝 🙌", "{brand_product}{으로_로} {benefit} 챙기기 ✨"),
    },
    "lifestyle": {
        "friendly": ("{brand_product}{은_는} {moment} 챙기기 좋은 아이템이에요.",
                     "{brand_product}{으로_로} {benefit}{을_를} 더해 보세요."),
        "professional": ("{brand_product}{은_는} {moment} 챙기기 좋은 아이템입니다.",
                         "{brand_product}{은_는} {benefit}{을_를} 찾으시는 분께 권해 드리는 아이템입니다."),
        "trendy": ("{brand_product}, {moment} 필수템 🙌", "{brand_product} 하나로 {benefit} ✨"),
    },
    "gift": {
        "friendly": ("{brand_product}, 받는 분이 반가워할 {item} 선물로 딱이에요.",
                     "{keyword} 감성을 담은 {brand_product}{으로_로} 마음을 전해 보세요.",
                     "{brand_product}{으로_로} 마음을 전해 보세요."),
        "professional": ("{brand_product}{은_는} 품격 있는 선물을 찾으시는 분께 권해 드리는 {what}입니다.",
                         "{keyword} 감성을 담은 {brand_product}{은_는} 소중한 분께 드리기 좋은 선물입니다."),
        "trendy": ("선물템 고민 끝, {brand_product} 하나면 센스 인정 🎁", "#{keyword_tag} 무드 선물 = {brand_product} ✨"),
    },
}
# What each kind is praised for instead of a skin benefit, and when it is used.
KIND_BENEFITS = {
    "fragrance": ("은은하게 남는 잔향", "기분을 바꿔 주는 향", "레이어링하기 좋은 향"),
    "home": ("공간을 채우는 은은한 향", "집에서 보내는 여유로운 시간", "향기로운 휴식"),
    "tool": ("간편한 데일리 루틴", "손이 편한 사용감", "깔끔한 마무리"),
    "lifestyle": ("소소한 즐거움", "센스 있는 데일리 아이템", "산뜻한 기분 전환"),
}
MOMENTS = {
    "fragrance": ("외출 전에", "기분 전환이 필요할 때", "특별한 약속이 있는 날"),
    "home": ("거실이나 침실에", "현관이나 서재에", "휴식 공간에"),
    "tool": ("매일 아침", "메이크업할 때", "여행 갈 때"),
    "lifestyle": ("여행 갈 때", "매일 외출할 때", "선물할 때"),
}
SET_LINES = {
    "friendly": "{contents}{으로_로} 구성된 세트예요.",
    "professional": "{contents}{으로_로} 구성된 세트입니다.",
    "trendy": "구성은 {contents} ✔",
}
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
_KEY = re.compile(r"\{([^{}]+)\}")


def _usable(templates: Sequence[str], values: dict[str, str]) -> tuple[str, ...]:
    """Templates whose every value is known: no 「20대 내 피부」 when the skin type is missing."""
    def known(template: str) -> bool:
        return all(k in PAIRS or values.get(k) for k in _KEY.findall(template))

    return tuple(t for t in templates if known(t))


def _fill(template: str, values: dict[str, str]) -> str:
    """Format with particle placeholders resolved against the spoken end of what precedes them."""
    out = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        key, _, rest = tail.partition("}")
        out.append(head)
        if key in PAIRS:
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
    """What the product is, in Korean: its canonical sub-type, else its kind."""
    product = context.product
    sub = product.sub_type.strip()
    if sub in BY_NAME or any("가" <= ch <= "힣" for ch in sub):
        return sub
    return KIND_KO.get(product.kind, "") or "아이템"


def _what(context: DraftContext, name: str) -> str:
    """The item word for 「…는 … 좋은 {what}이에요」: 제품 when the name already says it."""
    item = _item_name(context)
    spellings = (item, *(BY_NAME[item].spellings if item in BY_NAME else ()))
    said = compact(name)
    return "제품" if any(compact(w) in said for w in spellings if len(compact(w)) >= 2) else item


def _claims(context: DraftContext) -> list[str]:
    """Benefits the copy may speak to: the product's supported ones, the customer's first.

    The customer's wish only orders them; it never adds one, and nothing is a default.
    """
    supported = facts_for(context).supported
    wanted = [c for c in context.profile.concerns if c in supported and c in BENEFITS]
    rest = sorted(c for c in supported if c in BENEFITS and c not in wanted)
    return wanted + rest


def _mode(context: DraftContext) -> str:
    """Which bank of copy: the product's kind, or gift copy when the customer shops a gift."""
    kind = context.product.kind
    if "gift" in context.profile.concerns:
        return "gift"
    if kind in KIND_BENEFITS:
        return kind
    if context.product.target_gender == "men":
        return "men"
    return "skin"


def _benefit(context: DraftContext, rng: random.Random) -> str:
    """A benefit phrase from the supported claims, else the kind's own praise, else its feel."""
    claims = _claims(context)
    kind = context.product.kind
    if kind in KIND_BENEFITS:
        return rng.choice(KIND_BENEFITS[kind])
    if claims:
        return rng.choice(BENEFITS[rng.choice(claims[:2])])
    return rng.choice(PLAIN.get(kind, PLAIN["skincare"]))


_CONTENTS = re.compile(r"\(([^()]*\d[^()]*\+[^()]*)\)")
_COUNT = re.compile(r"(\d+)\s?종")


def set_contents(name: str) -> str:
    """What a set holds, as its name says: 「150ml+125ml」, 「2종」, 「본품과 리필」; ``""`` if unsaid."""
    listed = _CONTENTS.search(name)
    if listed:
        parts = [" ".join(p.split()) for p in listed.group(1).split("+") if p.strip()]
        return " + ".join(parts)
    count = _COUNT.search(name)
    if count:
        return f"{count.group(1)}종"
    if "리필" in name and ("본품" in name or "듀오" in name):
        return "본품과 리필"
    return ""


def _brand_product(context: DraftContext, name: str) -> str:
    """"브랜드 제품명" without saying the brand twice when the name already starts with it."""
    brand = context.brand.name
    return name if not brand or name.startswith(brand) else f"{brand} {name}"


def _who(context: DraftContext) -> str:
    """「30대 건성 피부」, 「건성 피부」, 「30대 피부」, or ``""`` when neither is known."""
    profile = context.profile
    parts = [f"{profile.age_band}대"] if profile.age_band else []
    if profile.skin_type in SKIN_KO:
        parts.append(SKIN_KO[profile.skin_type])
    return " ".join(parts + ["피부"]) if parts else ""


def _keyword(context: DraftContext, rng: random.Random) -> str:
    keywords = [k for k in context.brand.tone_keywords if k.strip()]
    return rng.choice(keywords) if keywords else ""


def reviewer_phrase(label: str) -> str:
    """"30대/여성/건성" → "30대 건성"; the gender adds nothing to a quote's credibility."""
    parts = [p for p in label.split("/") if p and p not in ("여성", "남성")]
    return " ".join(parts)


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
    if tone not in HOOKS["skin"]:
        raise UnknownChoiceError(f"unknown tone {tone!r} (use one of {', '.join(HOOKS['skin'])})")
    rng = random.Random(seed_for(context, tone, channel))
    product = context.product
    mode = _mode(context)
    claims = _claims(context)
    main = claims[0] if claims and mode in ("skin", "men", "gift") else ""
    ingredients = [i for i in product.ingredients if i.strip() and i not in NOT_SELLING_POINTS][:2]
    if product.kind in KIND_BENEFITS:
        ingredients = []
    keyword = _keyword(context, rng)
    name = product.copy_name
    values = {
        "name": NAME_TOKEN,
        "brand": context.brand.name,
        "product": name,
        "brand_product": _brand_product(context, name),
        "item": _item_name(context),
        "what": _what(context, name),
        "who": _who(context) if product.target_gender != "men" or mode == "skin" else "",
        "pain": PAINS.get(main, ""),
        "noun": CONCERN_NOUN.get(main, ""),
        "benefit": _benefit(context, rng),
        "ingredient": ingredients[0] if ingredients else "",
        "ingredients": ", ".join(ingredients),
        "keyword": keyword,
        "keyword_tag": keyword.replace(" ", ""),
        "moment": rng.choice(MOMENTS.get(product.kind, ("",))),
        "contents": set_contents(product.name) if product.is_set else "",
        "price": f"{product.price:,}" if product.price else "",
    }
    header = channels.header_line(context.brand.sender, channel) if add_label else ""
    footer = channels.footer(optout_number, channel, contact_number) if add_label else ""
    if channel == "sms":
        return _compact(values, tone, header, footer, channel)

    hook_mode = "skin" if mode == "men" and not _usable(HOOKS["men"][tone], values) else mode
    body_mode = mode if mode in BODIES else "skin"
    hooks = _usable(HOOKS[hook_mode][tone], values) or _usable(HOOKS["gift"][tone], values)
    bodies = _usable(BODIES[body_mode][tone], values) or _usable(BODIES["gift"][tone], values)
    lines = [_fill(rng.choice(hooks), values), "", _fill(rng.choice(bodies), values)]
    if values["contents"]:
        lines.append(_fill(SET_LINES[tone], values))
    registered = [FUNCTION_CLAIMS[f] for f in product.functions if f in FUNCTION_CLAIMS]
    if registered:
        lines.append(_fill(FUNCTION_LINES[tone], {"claims": "·".join(registered)}))
    quote = _quote(context, screen, channel, claims, rng)
    if quote:
        reviewer = reviewer_phrase(next((s.reviewer for s in context.snippets if s.text == quote), ""))
        review_values = {"quote": quote, "reviewer": reviewer}
        lines.append(_fill(rng.choice(_usable(REVIEWS[tone], review_values)), review_values))
    if values["price"]:
        lines.append(_fill(PRICES[tone], values))
    lines += ["", rng.choice(CTAS[tone])]
    text = "\n".join(([header] if header else []) + lines + ([footer] if footer else []))
    if channels.is_text_channel(channel) or not context.brand.uses_emoji:
        text = channels.strip_emoji(text)
    return channels.strip_unencodable(text) if channels.is_text_channel(channel) else text


def _quote(
    context: DraftContext, screen: Callable[[str], bool], channel: str, claims: Sequence[str],
    rng: random.Random,
) -> str:
    """A review sentence about what the draft says.

    When the copy names a benefit, the quote is one that says the product delivered it
    (:func:`recsys.mining.review_benefits`, negations respected: 「보습감을 썩 주는 느낌은
    아니고」 does not back 보습); otherwise the best-ranked screened snippets.
    """
    quotes = safe_quotes(context.snippets, screen, channel)
    if not quotes:
        return ""
    pool = quotes
    if claims and context.product.kind not in KIND_BENEFITS:
        pool = [q for q in quotes if claims[0] in review_benefits(q)] or [
            q for q in quotes if not set(review_benefits(q)) or set(review_benefits(q)) & set(claims)]
    return pool[rng.randrange(min(2, len(pool)))] if pool else ""


def _compact(values: dict[str, str], tone: str, header: str, footer: str, channel: str) -> str:
    """SMS: 90 EUC-KR bytes hold label, sender, one short line and the opt-out line."""
    candidates = [_fill(t, values) for t in _usable((SMS_HOOKS[tone],), values)] + [
        _fill("{name}님, {noun} {item} 제안", values) if values["noun"] else "",
        _fill("{name}님 {item} 추천", values),
        _fill("{name}님 신상 추천", values),
    ]
    for body in candidates:
        if not body:
            continue
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
