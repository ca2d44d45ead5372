"""The free-text parser that builds a :class:`~recsys.profile.Profile`.

A marketer types ``30s dry-skin woman, moisture`` or ``30대 건성 여성 보습``; a review carries
``30대/여성/건성/보습``. :func:`parse_profile` and :func:`parse_profile_info` read both into
the structured record and assign its persona (:func:`recsys.personas.assign_persona`).

The parser runs on every Slack request and on every review's ``profile_info`` when the
catalog loads, so it is built for speed (tens of thousands of parses per second): all
patterns are precompiled, numeric patterns only run when a cheap check says they can match,
and typo correction is a one-edit check against a short list of distinctive words, tried
only on English words that matched nothing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Callable, Sequence

from recsys.errors import RecsysError
from recsys.personas import Persona, assign_persona, find_persona, load_personas
from recsys.product_types import BY_NAME, FAMILIES, PRODUCT_TYPES, SET_WORDS
from recsys.profile import Profile

Personas = tuple[Persona, ...]


class ProfileParseError(RecsysError, ValueError):
    """Raised when text holds nothing recognisable; the message says what was understood."""


# --------------------------------------------------------------------------------------
# Parser. Text is normalised once (NFKC, casefold, Slack mentions/links/emoji removed).
# Then, in order: an explicit ``persona=...`` is cut out; ``age_min=``/``price_max=``-style
# keys are read; markup and separators become spaces; precompiled price patterns and then
# age patterns each record what they read and blank their span, so a number read as a
# price is never read again as an age; finally words are looked up in the vocabulary
# (English by token, Korean by longest match inside each Hangul run) and English words
# that match nothing get one typo-correction try. A negated term ("no makeup", "not oily",
# "perfume-free", "민감성 아님", "무자극") is skipped, so it never becomes a filter. The first
# value found for a field wins; concerns accumulate in reading order.
# --------------------------------------------------------------------------------------

EXAMPLES = ('"30s dry-skin woman, moisture"', '"30대 건성 여성 보습"')

# (phrase, ((field, value), ...)). Fields: gender (F/M/both), skin, concern, category.
_F, _M, _BOTH = (("gender", "F"),), (("gender", "M"),), (("gender", "both"),)


def _sk(v: str) -> tuple[tuple[str, str], ...]:
    return (("skin", v),)


def _co(v: str) -> tuple[tuple[str, str], ...]:
    return (("concern", v),)


def _ca(v: str) -> tuple[tuple[str, str], ...]:
    return (("category", v),)


def _ki(v: str) -> tuple[tuple[str, str], ...]:
    return (("kind", v),)


def _rc(v: str) -> tuple[tuple[str, str], ...]:
    return (("recipient", v),)


_PHRASES: list[tuple[str, tuple[tuple[str, str], ...]]] = []


def _add(meaning: tuple[tuple[str, str], ...], phrases: str) -> None:
    for phrase in phrases.split("|"):
        _PHRASES.append((phrase.strip(), meaning))


_add(_F, "woman|women|womens|womans|female|females|lady|ladies|girl|girls|f|여성|여자|주부|"
         "여성분")
_add(_M, "man|men|mens|male|males|guy|guys|m|boy|boys|gentleman|gentlemen|남성|남자|남성분")
_add(_BOTH, "unisex|both genders|both sexes|men and women|women and men|male and female|"
            "female and male|any gender|all genders|gender both|gender any|gender all|"
            "gender neutral|남녀|남녀공용|유니섹스|성별무관|성별 무관")
_add(_sk("dry"), "dry|dry skin|very dry|extra dry|건성|악건성|건성피부")
_add(_sk("oily"), "oily|oily skin|greasy|지성|지성피부")
_add(_sk("oily") + _co("moisture"),
     "dehydrated oily|dehydrated oily skin|oily dehydrated|수부지|수분부족지성|수분부족형지성|"
     "수분 부족 지성|수분부족 지성")
_add(_sk("combination"), "combination|combination skin|combo|combi|mixed skin|복합성|복합|"
                         "복합성피부")
_add(_sk("sensitive"), "sensitive|sensitive skin|sensitivity|atopic|eczema|민감성|민감|예민|"
                       "민감성피부|아토피")
_add(_sk("normal"), "normal|normal skin|중성|중성피부")
_add(_co("moisture"), "moisture|moisturizing|moisturising|moisturizer|moisturiser|moist|"
                      "hydration|hydrating|hydrate|dryness|dehydration|dehydrated|보습|수분|"
                      "속건조|건조|건조함|촉촉")
_add(_co("anti_aging"), "wrinkle|wrinkles|fine lines|fine line|firmness|firming|elasticity|"
                        "anti aging|anti ageing|antiaging|anti age|aging|ageing|anti wrinkle|"
                        "lifting|sagging|mature|mature skin|주름|탄력|안티에이징|노화|리프팅|"
                        "주름개선")
_add(_co("calming"), "soothing|soothe|calming|calm|redness|rosacea|irritation|진정|홍조|붉은기|자극|"
                     "저자극|무자극")
_add(_co("brightening"), "whitening|brightening|brighten|bright|dark spots|dark spot|dullness|"
                         "dull|glow|glowy|tone up|radiance|radiant|pigmentation|"
                         "hyperpigmentation|melasma|미백|기미|잡티|톤업|브라이트닝|광채|칙칙|"
                         "피부톤|화이트닝")
_add(_co("pores"), "pores|pore|sebum|oil control|blackheads|blackhead|모공|피지|블랙헤드|유분")
_add(_co("acne"), "acne|acne prone|breakouts|breakout|blemishes|blemish|trouble|troubles|"
                  "pimples|pimple|여드름|트러블|뾰루지")
_add(_co("gift"), "gift|gifts|gifting|present|presents|선물|기프트")
_add(_co("repurchase"), "repurchase|repurchases|repeat buyers|repeat buyer|repeat customers|"
                        "repeat customer|repeat purchase|loyal|loyalty|rebuy|regulars|재구매|"
                        "단골|재구입")
_add(_co("ingredients"), "ingredients|ingredient|ingredient conscious|clean beauty|ewg|"
                         "fragrance free|perfume free|scent free|unscented|성분|전성분|무향|"
                         "무향료|무첨가|향 없는|향없는|향이 없는|향 없이|향없이|향료 없는")
_add(_ca("skincare") + _ki("skincare"), "skincare|skin care|스킨케어|스킨 케어|기초|기초화장품")
_add(_ca("makeup") + _ki("makeup"), "makeup|make up|메이크업|색조")
_add(_ca("fragrance") + _ki("fragrance"), "fragrance|fragrances|perfume|perfumes|cologne|향수|퍼퓸")
_add(_ca("body") + _ki("body"), "body|body care|bodycare|바디|바디케어")
_add(_ca("body") + _ki("hair"), "hair|hair care|haircare|헤어|헤어케어")
_add(_ca("tools") + _ki("tool"), "tools|tool|beauty tools|beauty device|device|devices|도구|뷰티툴|"
                                 "디바이스")
_add(_ki("home"), "home fragrance|room fragrance|홈프래그런스|홈 프래그런스|방향제")

# Who will use the product. A recipient decides the profile's gender ("여성이 남편 선물" is for
# a man); boyfriend/girlfriend words also say the request is a gift, as they always did.
RECIPIENT_GENDER = {"boyfriend": "M", "husband": "M", "father": "M", "son": "M", "brother": "M",
                    "grandfather": "M", "girlfriend": "F", "wife": "F", "mother": "F",
                    "daughter": "F", "sister": "F", "grandmother": "F"}
_add(_rc("boyfriend") + _co("gift"), "boyfriend|boyfriends|bf|남자친구|남친|남자 친구")
_add(_rc("girlfriend") + _co("gift"), "girlfriend|girlfriends|gf|여자친구|여친|여자 친구")
_add(_rc("husband"), "husband|husbands|hubby|남편|신랑")
_add(_rc("wife"), "wife|wives|아내|와이프")
_add(_rc("father"), "dad|dads|father|fathers|daddy|아빠|아버지|아버님|시아버지|장인어른")
_add(_rc("mother"), "mom|moms|mother|mothers|mum|mums|mommy|엄마|어머니|어머님|시어머니|장모님")
_add(_rc("son"), "son|sons|아들")
_add(_rc("daughter"), "daughter|daughters|딸아이")
_add(_rc("brother"), "brother|brothers|오빠|남동생")
_add(_rc("sister"), "sister|sisters|언니|누나|여동생")
_add(_rc("grandfather"), "grandfather|grandpa|할아버지")
_add(_rc("grandmother"), "grandmother|grandma|할머니")

# Negation cues are vocabulary too, with meanings the word scan acts on instead of
# applying them. A negator ("no", "not", "without", "free of") negates the next term, with
# fillers ("not *for* men", "no *added* fragrance") and coordinators ("no makeup *or*
# perfume": both) in between; a separator or any other word ends its reach, as does a number
# (numeric spans are blanked to a separator). A term is also negated by what follows it:
# "free" ("perfume-free"), or in Korean 아님/아닌/제외/빼고/없는/없이/... in the same Hangul run
# or the next word, after an optional particle ("민감성이 아닌"), or by a 무 just before it
# ("무자극" is vocabulary, so it stays calming). Phrases such as "fragrance free" and "무향"
# are matched whole first, so they keep their own meaning.
_NEGATOR, _FILLER, _COORDINATOR, _SEPARATOR = (
    (("cue", "negator"),), (("cue", "filler"),), (("cue", "coordinator"),), (("cue", "separator"),)
)
_add(_NEGATOR, "no|not|non|without|except|excluding|exclude|excludes|neither|never|avoid|"
               "avoiding|free of|other than|rather than|don't|doesn't|isn't|aren't|dont|"
               "doesnt|isnt|arent")
_add(_FILLER, "for|a|an|any|the|too|very|so|really|added|strong|heavy|much|suitable|meant|"
              "aimed|at|targeting|interested|in|want|wants|like|likes|need|needs|use|uses|"
              "wear|wears|buy|buys|overly|extra")
_add(_COORDINATOR, "or|nor|/")
_add(_SEPARATOR, ",|;|.|!|?")
_NEG_AFTER_WORDS = frozenset({"free"})
_NEG_AFTER_KO = ("아님", "아닌", "아니고", "아니라", "아니에", "아니예", "아냐", "제외", "빼고",
                 "없는", "없이", "없음", "말고")
_PARTICLES = "이가은는을를도"

_MEANING = {" ".join(p.split()): m for p, m in _PHRASES}
# "i'm" stays one token so its "m" is never read as a gender; "women's" is cut to "women".
# Separators and "/" are tokens because they bound a negation's reach.
_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|[가-힣]+|[,;.!?/]")


def _add_product_vocabulary() -> None:
    """Product types and set words from :mod:`recsys.product_types`, the one vocabulary.

    Each spelling becomes a phrase meaning ``("type", canonical name)``, or ``("family",
    family)`` when it is the family's own word ("클렌징", "립"). A spelling that is already a
    request word keeps that meaning alone: a category and kind ("향수", "perfume": every
    fragrance), a concern ("톤업", "moisturizer"), the gift word "기프트". A compound spelling also carries the concerns, skin types and set words inside it
    ("수분크림" is moisture, "트러블 패치" acne, "기초세트" a set) and the category word
    inside it when that category is of the type's kind ("body lotion" stays category body).
    """
    base = dict(_MEANING)
    sets = {" ".join(_TOKEN.findall(w.casefold())): (("set", "1"),) for w in SET_WORDS}
    inner_lookup = {**sets, **base}
    inner_ko = {k: m for k, m in inner_lookup.items() if not k.isascii() and " " not in k}
    inner_max = max(map(len, inner_ko))

    def inner(key: str, kind: str) -> tuple[tuple[str, str], ...]:
        if " " in key:
            parts = [inner_lookup.get(token, ()) for token in key.split()]
        else:
            parts, i = [], 0
            while i < len(key):
                for size in range(min(inner_max, len(key) - i), 0, -1):
                    sub = key[i:i + size]
                    if sub != key and sub in inner_ko:
                        parts.append(inner_ko[sub])
                        i += size
                        break
                else:
                    i += 1
        out: list[tuple[str, str]] = []
        for meaning in parts:
            kinds = {v for f, v in meaning if f == "kind"}
            for f, v in meaning:
                if f in ("concern", "skin", "set") or (f in ("category", "kind") and kinds == {kind}):
                    out.append((f, v))
        return tuple(out)

    for word, meaning in sets.items():
        if word not in base:
            _MEANING[word] = meaning + inner(word, "")
    for product_type in PRODUCT_TYPES:
        for spelling in (product_type.name, product_type.en, *product_type.spellings):
            key = " ".join(_TOKEN.findall(spelling.casefold().replace("-", " ")))
            keys = {key, key.replace(" ", "")} if not key.replace(" ", "").isascii() else {key}
            for k in keys:
                if not k or k in _MEANING and _MEANING[k] is not base.get(k):
                    continue  # an earlier type took this spelling
                existing = base.get(k)
                # A word for the whole family ("향수", "클렌징", "perfume") names no one type.
                family = product_type.family.replace(" ", "")
                generic = k.replace(" ", "") == family and product_type.family not in BY_NAME
                meaning = ((("family", product_type.family),) if generic
                           else (("type", product_type.name),)) + inner(k, product_type.kind)
                if existing is None:
                    _MEANING[k] = meaning


_add_product_vocabulary()


# Decade words are vocabulary too ("thirties", "early thirties", "삼십대"): age "lo-hi".
_DECADE_WORDS = {
    "teens": 1, "teen": 1, "teenagers": 1, "teenager": 1, "twenties": 2, "thirties": 3,
    "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "twentysomething": 2,
    "twenty something": 2, "thirtysomething": 3, "thirty something": 3,
    "fortysomething": 4, "forty something": 4, "fifty something": 5,
    "십대": 1, "이십대": 2, "삼십대": 3, "사십대": 4, "오십대": 5, "육십대": 6, "칠십대": 7,
}
for _word, _d in _DECADE_WORDS.items():
    _MEANING[_word] = (("age", f"{_d * 10}-{_d * 10 + 9}"),)
    if _word.isascii():
        for _q, _shift in (("early", 0), ("mid", 3), ("late", 6)):
            _MEANING[f"{_q} {_word}"] = (("age", f"{_d * 10 + _shift}-{_d * 10 + _shift + 3}"),)

# Multi-word phrases are tried only from a word that can start one.
_PHRASE_SIZES: dict[str, tuple[int, ...]] = {}
for _p in _MEANING:
    if " " in _p:
        _first, _n = _p.split()[0], len(_p.split())
        _PHRASE_SIZES[_first] = tuple(sorted({*_PHRASE_SIZES.get(_first, ()), _n}, reverse=True))
# One-syllable Korean words ("팩", "립", "샷") are read only as whole words: inside a run they
# are too often part of another word ("임팩트", "슬립").
_KO_MEANING = {p: m for p, m in _MEANING.items() if not p.isascii() and " " not in p and len(p) > 1}
_KO_MAX_LEN = max(map(len, _KO_MEANING))

# Common misspellings that the one-edit check below cannot reach.
_TYPOS = {
    "dyr": "dry", "drty": "dry", "oilly": "oily", "olly": "oily", "oliy": "oily", "oilyy": "oily",
    "femail": "female", "femle": "female", "acen": "acne", "anke": "acne", "gfit": "gift",
    "giftt": "gift", "wemen": "women", "womem": "women", "combinaton": "combination",
}
# Distinctive English words whose one-edit misspellings are safe to correct.
_FUZZY_WORDS = (
    "woman", "women", "female", "ladies", "sensitive", "moisture", "moisturizing", "hydration",
    "hydrating", "combination", "wrinkle", "wrinkles", "elasticity", "firmness", "soothing",
    "redness", "whitening", "brightening", "blemishes", "breakouts", "pimples", "skincare",
    "makeup", "fragrance", "perfume", "ingredients", "ingredient", "repurchase", "antiaging",
    "dryness", "teenagers", "twenties", "thirties", "forties", "fifties", "sixties",
    "gentleman", "gentlemen", "calming", "dullness", "pigmentation",
)


# Product words come from the product vocabulary: every one-word English spelling of seven
# letters or more ("sunscreen", "cleansing", "diffuser"); shorter ones ("toner", "serum") have
# everyday neighbours one edit away ("tone", "sedum").
_FUZZY_WORDS += tuple(sorted(
    {k for k, m in _MEANING.items() if k.isascii() and " " not in k and len(k) >= 7
     and any(f in ("type", "family") for f, _ in m)} - set(_FUZZY_WORDS)))
_FUZZY_MAX_LEN = max(map(len, _FUZZY_WORDS)) + 1


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


_FUZZY_INDEX: dict[str, str] = {}
for _w in _FUZZY_WORDS:
    for _v in {_w} | _deletions(_w):
        _FUZZY_INDEX.setdefault(_v, _w)


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1:] == b[i + 1:] or (
            i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
        )
    return a[i + 1:] == b[i:] if la > lb else a[i:] == b[i + 1:]


@lru_cache(maxsize=4096)
def _correct(token: str) -> str | None:
    """The vocabulary word a leftover token most likely misspells, or None."""
    if token in _TYPOS:
        return _TYPOS[token]
    for candidate in (token, *_deletions(token)):
        word = _FUZZY_INDEX.get(candidate)
        if word is not None and _one_edit(token, word):
            return word
    return None


# Korean typos are one jamo off (클랜징 for 클렌징, 디퓨져 for 디퓨저, 에쎈스 for 에센스): a Hangul
# word that matched nothing is compared, letter by letter, with the Korean words of three
# syllables or more (shorter ones have real neighbours: 크림/그림).
def _jamo(word: str) -> str:
    out = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            out.append(chr(0x1100 + code // 588))
            out.append(chr(0x1161 + (code % 588) // 28))
            if code % 28:
                out.append(chr(0x11A7 + code % 28))
        else:
            out.append(ch)
    return "".join(out)


_KO_FUZZY_INDEX: dict[str, str] = {}
for _w in sorted(p for p in _MEANING if not p.isascii() and " " not in p and len(p) >= 3):
    _jw = _jamo(_w)
    for _v in {_jw} | _deletions(_jw):
        _KO_FUZZY_INDEX.setdefault(_v, _w)
_KO_TAILS = ("으로", "에서", "이랑", "을", "를", "이", "가", "은", "는", "도", "로", "랑", "와", "과",
             "만", "의", "용")


@lru_cache(maxsize=4096)
def _correct_ko(run: str) -> str | None:
    """The Korean vocabulary word a Hangul run misspells (a particle may follow), or None."""
    stems = [run] + [run[: -len(t)] for t in _KO_TAILS if run.endswith(t) and len(run) > len(t)]
    for stem in stems:
        if len(stem) < 3:
            continue
        jw = _jamo(stem)
        for candidate in (jw, *_deletions(jw)):
            word = _KO_FUZZY_INDEX.get(candidate)
            if word is not None and word != stem and _one_edit(jw, _jamo(word)):
                return word
    return None


# --- brands --------------------------------------------------------------------------------
# A brand is read only as a whole word, or followed by a particle or a product word
# ("설화수를", "설화수크림"), so a brand that is also a common word ("포근") is not read out of
# "포근한". The brand's span is blanked, so "퍼퓸샵" does not also read as perfume.
_BRAND_TAILS = frozenset(_KO_TAILS + ("제품", "꺼", "거", "에"))


@lru_cache(maxsize=8)
def _brand_matcher(brands: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    names: dict[str, str] = {}
    for brand in brands:
        if isinstance(brand, str):
            key = "".join(unicodedata.normalize("NFKC", brand).casefold().split())
            if key and not key.isdigit():
                names.setdefault(key, brand)
    if not names:
        return None, names
    spelled = sorted(names, key=len, reverse=True)
    alternatives = []
    for key in spelled:
        original = unicodedata.normalize("NFKC", names[key]).casefold().split()
        alternatives.append(r"\s*".join(re.escape(w) for w in original))
    return re.compile(r"(?<![a-z0-9가-힣])(?:" + "|".join(alternatives) + ")"), names


def _scan_brands(s: str, r: _Reading, brands: tuple[str, ...]) -> str:
    pattern, names = _brand_matcher(brands)
    if pattern is None:
        return s
    out, last = [], 0
    for m in pattern.finditer(s):
        text, end = m.group(), m.end()
        if text[-1].isascii():
            if end < len(s) and (s[end].isascii() and s[end].isalnum()):
                continue
        else:
            tail_end = end
            while tail_end < len(s) and "가" <= s[tail_end] <= "힣":
                tail_end += 1
            tail = s[end:tail_end]
            if tail and tail not in _BRAND_TAILS and not any(
                    tail[:size] in _KO_MEANING for size in range(min(len(tail), _KO_MAX_LEN), 1, -1)):
                continue
        brand = names["".join(text.split())]
        if brand not in r.brands:
            r.brands.append(brand)
        out.append(s[last:m.start()] + " " * len(text))
        last = end
    return "".join(out) + s[last:] if out else s


# --- normalisation ---------------------------------------------------------------------
# The classes exclude "<" so a run of unclosed "<@" costs linear, not quadratic, time.
_SLACK_LABELLED = re.compile(r"<(?:https?://|mailto:|tel:|#)[^<>|]*\|([^<>]*)>")
_SLACK_OTHER = re.compile(r"<(?:[@#!][^<>\s]*|https?://[^<>\s]*|mailto:[^<>\s]*)>")
_EMOJI = re.compile(r":[a-z0-9_+'-]+:")
# Slack/markdown markup and key separators become spaces ("*dry*", "skin_type=oily").
_MARKUP = re.compile(r"[*_`\[\](){}\"“”:=]")
_LETTER_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_DIGIT = re.compile(r"[0-9]")

# Cheap checks say which families of numeric patterns can match at all, so a plain
# "30대 건성" never pays for the price, range or open-ended age patterns.
_MONEY_HINT = re.compile(r"[0-9](?:[0-9]{3}|,[0-9]{3}|\s*(?:k|[만천원]|won|krw))")
_PAIR_HINT = re.compile(r"[0-9][^0-9]+[0-9]")
_QUALIFIER_HINT = re.compile(r"early|mid|late|초|중|후")
_OPEN_HINT = re.compile(
    r"\+|이상|이후|넘은|이하|까지|미만|and |or |plus|over|above|least|under|below|younger|less"
)
_EXACT_HINT = re.compile(r"세|살|year|yr|yo|y/o|y\.o|age|나이|만")


def _hints(s: str) -> set[str]:
    """Families of numeric patterns worth running on ``s``: money, unit, pair, qualifier..."""
    kinds = set()
    if _MONEY_HINT.search(s):
        kinds.add("money")
        if "만" in s or "천" in s:
            kinds.add("unit")
    if _PAIR_HINT.search(s):
        kinds.add("pair")
    if _QUALIFIER_HINT.search(s):
        kinds.add("qualifier")
    if _OPEN_HINT.search(s):
        kinds.add("open")
    if _EXACT_HINT.search(s):
        kinds.add("exact")
    return kinds


# Every numeric pattern starts with a digit or a literal word so the regex engine can skip
# ahead to candidate positions; "not preceded by a digit" is checked just after the first
# digit with a two-character lookbehind. "₩30k" / "krw 30,000" are rewritten to "30k원"
# during normalisation, so money always reads number, unit, currency.
# A digit that starts a number: not after a digit, nor after "1," / "1." (inside "1,000").
_D1 = r"[0-9](?<![0-9].)(?<![0-9][.,].)"
_NUM_END = r"(?![0-9]|[.,][0-9])"  # "35," ends a number, "35,000" does not
_NUM = rf"({_D1}(?:[0-9]{{0,2}}(?:,[0-9]{{3}}){{1,3}}|[0-9]{{0,8}}(?:\.[0-9]{{1,2}})?))(?![0-9])"
_MONEY = rf"{_NUM}(k(?![a-z])|\s*[만천])?\s*(원|won(?![a-z])|krw(?![a-z]))?"
_CURRENCY_PREFIX = re.compile(r"(?:₩|krw)\s*([0-9][0-9,.]*(?:k(?![a-z])|\s*[만천])?)")
# "만원대", "오만원 이하", "십만원대": a Korean numeral (or none, meaning one) before 만/천 원
_WORD_MONEY = re.compile(r"(?<![0-9가-힣])([일이삼사오육칠팔구]?십?[일이삼사오육칠팔구]?)\s*([만천])\s*원")
_NUMERALS = {ch: i for i, ch in enumerate("일이삼사오육칠팔구", start=1)}
_PERSONA_RE = re.compile(r"(?:(?<![a-z])persona|페르소나)\s*[:=]\s*([^\s,;/*`]+)")
_KEY_RE = re.compile(
    rf"(age_min|min_age|age_max|max_age|price_min|min_price|price_max|max_price)\s*[:=]\s*{_MONEY}"
)

# --- prices -----------------------------------------------------------------------------
_P_COMPOUND = re.compile(r"([0-9]{1,4})\s*만\s*([0-9])\s*천")  # "1만5천원" is 15,000
_P_BAND = re.compile(rf"{_NUM}\s*([만천])\s*원?\s*대")
_P_RANGE = re.compile(
    rf"{_MONEY}\s*(?:-|~|–|to|and)\s*{_MONEY}(?!\s*(?:대|세|살|'?s(?![a-z])))"
)
_P_MAX_PRE = re.compile(
    r"(?:under|below|less than|cheaper than|no more than|not more than|at most|up to|max|"
    r"maximum|within|budget(?: of)?|price|around|about|예산|가격|<=?|≤)"
    rf"\s*[:=]?\s*{_MONEY}"
)
_P_MAX_SUF = re.compile(
    rf"{_MONEY}\s*(?:이하|미만|까지|아래|이내|안쪽|정도|내외|선(?![가-힣])|or less|or under|and under|"
    r"max(?![a-z])|tops(?![a-z]))"
)
_P_MIN_PRE = re.compile(
    r"(?:over|above|more than|at least|min|minimum|from|starting at|>=?|≥)"
    rf"\s*[:=]?\s*{_MONEY}"
)
_P_MIN_SUF = re.compile(
    rf"{_MONEY}\s*(?:이상|초과|넘는|넘게|부터|and up(?![a-z])|and above|or more|plus(?![a-z])|\+)"
)
_P_BARE = re.compile(_MONEY)
_UNIT = {"k": 1000, "천": 1000, "만": 10000}

# --- ages -------------------------------------------------------------------------------
_DECADE = r"([1-9])(?<![0-9].)0\s*(?:'s|’s|s(?![a-z])|대|\s*-?\s*somethings?(?![a-z]))"
_QUALIFIER = {"early": 0, "mid": 1, "late": 2, "초반": 0, "초": 0, "중반": 1, "중": 1,
              "후반": 2, "후": 2}
_OPEN_UP = r"(?:\+|이상|이후|넘은|and up(?![a-z])|and older|and over|and above|or older|plus(?![a-z]))"
_A_DECADE_RANGE = re.compile(
    rf"{_DECADE}\s*(?:-|~|–|to|and|or|&|/|,|와|과|에서)\s*{_DECADE}"
    r"|([1-9])(?<![0-9].)0\s*(?:-|~|–|to)\s*([1-9])0\s*(?:대|'?s(?![a-z]))"
)
_A_RANGE = re.compile(
    rf"({_D1}[0-9])\s*(?:-|~|–|to)\s*([0-9]{{2}}){_NUM_END}\s*"
    r"(?:세|살|years?\s*old|yrs?\s*old|yo(?![a-z]))?"
    r"|between\s+([0-9]{2})\s+and\s+([0-9]{2})(?![0-9])"
)
_A_QUALIFIED = re.compile(rf"(early|mid|late)\s*-?\s*{_DECADE}|{_DECADE}\s*(초반|중반|후반|초|중|후)")
_A_OPEN_DECADE = re.compile(rf"{_DECADE}\s*{_OPEN_UP}|{_DECADE}\s*(이하|까지)")
_A_OPEN = re.compile(
    rf"({_D1}[0-9])(?![0-9])\s*(?:세|살)?\s*{_OPEN_UP}"
    r"|(?:over|above|older than|at least|aged over)\s*([0-9]{2})(?![0-9])"
    r"|(?:under|below|younger than|less than)\s*([0-9]{2})(?![0-9])"
    rf"|({_D1}[0-9])(?![0-9])\s*(?:세|살)?\s*미만"
    rf"|({_D1}[0-9])(?![0-9])\s*(?:세|살)\s*이하"
)
_A_DECADE = re.compile(_DECADE)
_A_EXACT = re.compile(
    rf"({_D1}[0-9])(?![0-9])\s*(?:세|살|-?\s*years?\s*-?\s*old|yrs?\s*old|yo(?![a-z])|y/o|y\.o\.?)"
    r"|(?:age|aged|나이|만)\s*([0-9]{2})(?![0-9])"
)
_A_BARE = re.compile(rf"({_D1}[0-9]){_NUM_END}(?!\s*%)")
_BARE_AGE_RANGE = (14, 99)  # bare two-digit numbers outside this are rarely ages ("top 10")


class _Reading:
    """What the parser has read so far; the first value found for a field wins."""

    __slots__ = ("age", "genders", "skin", "concerns", "category", "price_min", "price_max",
                 "age_key_min", "age_key_max", "types", "families", "kind", "wants_set", "recipients",
                 "brands")

    def __init__(self) -> None:
        self.age: tuple[int | None, int | None] | None = None
        self.age_key_min: int | None = None
        self.age_key_max: int | None = None
        self.genders: set[str] = set()
        self.skin: str | None = None
        self.concerns: list[str] = []
        self.category: str | None = None
        self.price_min: int | None = None
        self.price_max: int | None = None
        self.types: list[str] = []
        self.families: list[str] = []
        self.kind: str | None = None
        self.wants_set = False
        self.recipients: list[str] = []
        self.brands: list[str] = []

    def set_age(self, lo: int | None, hi: int | None) -> None:
        if self.age is None:
            if lo is not None and hi is not None and lo > hi:
                lo, hi = hi, lo
            self.age = (lo, hi)

    def set_price(self, lo: int | None, hi: int | None) -> None:
        if lo is not None and self.price_min is None:
            self.price_min = lo
        if hi is not None and self.price_max is None:
            self.price_max = hi

    def apply(self, meaning: tuple[tuple[str, str], ...]) -> None:
        for field_name, value in meaning:
            if field_name == "gender":
                self.genders.add(value)
            elif field_name == "skin":
                self.skin = self.skin or value
            elif field_name == "concern":
                if value not in self.concerns:
                    self.concerns.append(value)
            elif field_name == "age":
                lo, hi = value.split("-")
                self.set_age(int(lo), int(hi))
            elif field_name == "type":
                if value not in self.types:
                    self.types.append(value)
            elif field_name == "family":
                if value not in self.families:
                    self.families.append(value)
            elif field_name == "kind":
                self.kind = self.kind or value
            elif field_name == "set":
                self.wants_set = True
            elif field_name == "recipient":
                if value not in self.recipients:
                    self.recipients.append(value)
            elif field_name == "category":
                self.category = self.category or value

    def fields(self) -> dict[str, Any]:
        """The Profile fields, persona excluded.

        The gender is the user's: a recipient's when one is named (both genders named:
        none), otherwise the one gender word read. The kind is the one named, else the kind
        all named product types share. ``sub_types`` is each named type's family, named
        types first.
        """
        lo, hi = self.age if self.age is not None else (None, None)
        lo = self.age_key_min if self.age_key_min is not None else lo
        hi = self.age_key_max if self.age_key_max is not None else hi
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        p_lo, p_hi = self.price_min, self.price_max
        if p_lo is not None and p_hi is not None and p_lo > p_hi:
            p_lo, p_hi = p_hi, p_lo
        genders = {RECIPIENT_GENDER[r] for r in self.recipients} or self.genders
        mixed = "both" in genders
        genders = genders - {"both"}
        gender = next(iter(genders)) if len(genders) == 1 and not mixed else None
        families = [BY_NAME[t].family for t in self.types] + self.families
        admitted = dict.fromkeys(self.types)
        for family in families:
            admitted.update(dict.fromkeys(FAMILIES[family]))
        kind = self.kind
        if kind is None and admitted:
            kinds = {BY_NAME[t].kind for t in admitted}
            kind = next(iter(kinds)) if len(kinds) == 1 else None
        return dict(age_min=lo, age_max=hi, gender=gender, skin_type=self.skin,
                    concerns=tuple(self.concerns), category=self.category, price_min=p_lo,
                    price_max=p_hi, sub_types=tuple(admitted), named_types=tuple(self.types),
                    kind=kind, brands=tuple(self.brands), wants_set=self.wants_set,
                    recipient=self.recipients[0] if self.recipients else None)

    def understood(self) -> bool:
        return bool(self.age or self.age_key_min is not None or self.age_key_max is not None
                    or self.genders or self.skin or self.concerns or self.category
                    or self.price_min is not None or self.price_max is not None
                    or self.types or self.families or self.kind or self.wants_set or self.recipients
                    or self.brands)


def _money(num: str, unit: str | None, suffix: str | None) -> int | None:
    """KRW amount of one money match, or None when the number does not look like money."""
    value = float(num.replace(",", ""))
    unit = (unit or "").strip()
    if unit:
        value *= _UNIT[unit]
    if not (unit or suffix) and value < 1000:
        return None
    return int(round(value))


def _blank(match: re.Match[str]) -> str:
    """Spaces over a span that was read, led by a separator so no negation reaches past it."""
    return ";" + " " * (match.end() - match.start() - 1)


def _scan_prices(s: str, r: _Reading, hints: set[str]) -> str:
    def band(m: re.Match[str]) -> str:
        n = float(m.group(1).replace(",", ""))
        unit = _UNIT[m.group(2)]
        digits = m.group(1).replace(",", "").split(".")[0]
        step = 10 ** (len(digits) - len(digits.rstrip("0"))) if digits.strip("0") else 1
        lo = int(round(n * unit))
        r.set_price(lo, lo + step * unit - 1)
        return _blank(m)

    def rng(m: re.Match[str]) -> str:
        n1, u1, s1, n2, u2, s2 = m.groups()
        if not (u1 or "").strip() and (u2 or "").strip():
            u1 = u2  # "3~5만원": the unit is written once, on the upper end
        if not (u1 or s1 or u2 or s2):
            return m.group()
        lo = _money(n1, u1, s1 or s2 or u2)
        hi = _money(n2, u2, s2 or s1 or u1)
        if lo is None or hi is None or lo > hi:
            return m.group()
        r.set_price(lo, hi)
        return _blank(m)

    def bound(is_max: bool, need_marker: bool = False) -> Callable[[re.Match[str]], str]:
        def handle(m: re.Match[str]) -> str:
            num, unit, suffix = m.groups()[-3:]
            if need_marker and not (unit or suffix):
                return m.group()
            value = _money(num, unit, suffix)
            if value is None:
                return m.group()
            if is_max:
                r.set_price(None, value)
            else:
                r.set_price(value, None)
            return _blank(m)
        return handle

    if "unit" in hints:
        s = _P_COMPOUND.sub(lambda m: str(int(m.group(1)) * 10000 + int(m.group(2)) * 1000), s)
        s = _P_BAND.sub(band, s)
    if "pair" in hints:
        s = _P_RANGE.sub(rng, s)
    s = _P_MAX_PRE.sub(bound(True), s)
    s = _P_MAX_SUF.sub(bound(True), s)
    s = _P_MIN_PRE.sub(bound(False), s)
    s = _P_MIN_SUF.sub(bound(False), s)
    return _P_BARE.sub(bound(True, need_marker=True), s)


def _scan_ages(s: str, r: _Reading, hints: set[str]) -> str:
    def decade_range(m: re.Match[str]) -> str:
        a, b, c, d = m.groups()
        lo, hi = (int(a), int(b)) if a else (int(c), int(d))
        r.set_age(min(lo, hi) * 10, max(lo, hi) * 10 + 9)
        return _blank(m)

    def num_range(m: re.Match[str]) -> str:
        a, b, c, d = m.groups()
        r.set_age(int(a or c), int(b or d))
        return _blank(m)

    def qualified(m: re.Match[str]) -> str:
        q1, d1, d2, q2 = m.groups()
        base = int(d1 or d2) * 10
        q = _QUALIFIER[q1 or q2]
        r.set_age(base + 3 * q, base + 3 * q + 3)
        return _blank(m)

    def open_decade(m: re.Match[str]) -> str:
        up, down, _ = m.groups()
        if up:
            r.set_age(int(up) * 10, None)
        else:
            r.set_age(None, int(down) * 10 + 9)
        return _blank(m)

    def open_age(m: re.Match[str]) -> str:
        up1, up2, under, below, at_most = m.groups()
        if up1 or up2:
            r.set_age(int(up1 or up2), None)
        elif under or below:
            r.set_age(None, int(under or below) - 1)
        else:
            r.set_age(None, int(at_most))
        return _blank(m)

    def decade(m: re.Match[str]) -> str:
        base = int(m.group(1)) * 10
        r.set_age(base, base + 9)
        return _blank(m)

    def exact(m: re.Match[str]) -> str:
        age = int(m.group(1) or m.group(2))
        r.set_age(age, age)
        return _blank(m)

    def bare(m: re.Match[str]) -> str:
        age = int(m.group(1))
        if r.age is None and _BARE_AGE_RANGE[0] <= age <= _BARE_AGE_RANGE[1]:
            r.set_age(age, age)
            return _blank(m)
        return m.group()

    if "pair" in hints:
        s = _A_DECADE_RANGE.sub(decade_range, s)
        s = _A_RANGE.sub(num_range, s)
    if "qualifier" in hints:
        s = _A_QUALIFIED.sub(qualified, s)
    if "open" in hints:
        s = _A_OPEN_DECADE.sub(open_decade, s)
        s = _A_OPEN.sub(open_age, s)
    s = _A_DECADE.sub(decade, s)
    if "exact" in hints:
        s = _A_EXACT.sub(exact, s)
    return _A_BARE.sub(bare, s) if r.age is None else s


def _negated_after(meaning: tuple[tuple[str, str], ...], rest: str, nxt: str) -> bool:
    """Whether what follows a term negates it: ``rest`` of its Hangul run, then token ``nxt``.

    Concerns are exempt: in beauty talk "잡티 없는 피부", "트러블 없이" or "oil-free" name the
    very concern the customer has, while "향수 제외" or "민감성 아님" rule a filter out.
    """
    if all(kind == "concern" for kind, _ in meaning):
        return False
    if rest:
        if rest[0] in _PARTICLES:
            rest = rest[1:]
        if rest:
            return rest.startswith(_NEG_AFTER_KO)
    return nxt in _NEG_AFTER_WORDS or nxt.startswith(_NEG_AFTER_KO)


def _scan_run(run: str, nxt: str, negated: bool, r: _Reading) -> None:
    """Read the terms inside one Hangul run, longest phrase first (``30대건성여성``).

    ``negated`` says a negator came just before the run; it applies to the run's first term.
    A run in which nothing matched gets one typo-correction try (:func:`_correct_ko`).
    """
    if not _scan_run_once(run, nxt, negated, r) and len(run) >= 3:
        fixed = _correct_ko(run)
        if fixed is not None:
            _scan_run_once(fixed, nxt, negated, r)


def _scan_run_once(run: str, nxt: str, negated: bool, r: _Reading) -> bool:
    """One longest-match pass over ``run``; whether any vocabulary word was found."""
    j, last, size_max, found = 0, 0, len(run), False
    while j < size_max:
        for size in range(min(_KO_MAX_LEN, size_max - j), 0, -1):
            meaning = _KO_MEANING.get(run[j:j + size])
            if meaning is not None:
                break
        else:
            j += 1
            continue
        end = j + size
        found = True
        if not (negated or (j - 1 == last and run[last] == "무")
                or _negated_after(meaning, run[end:], nxt)):
            r.apply(meaning)
        negated = False
        j = last = end
    return found


def _phrase_at(tokens: list[str], start: int, word: str) -> tuple[tuple[tuple[str, str], ...] | None, int]:
    """The longest phrase starting at ``tokens[start]`` and how many tokens it spans.

    A Korean phrase's last word may carry a particle ("클렌징 오일을").
    """
    for size in _PHRASE_SIZES.get(word, ()):
        words = tokens[start:start + size]
        if len(words) < size:
            continue
        meaning = _MEANING.get(" ".join(words))
        if meaning is None and not words[-1].isascii():
            last = words[-1]
            for tail in _KO_TAILS:
                if last.endswith(tail) and len(last) > len(tail):
                    meaning = _MEANING.get(" ".join([*words[:-1], last[: -len(tail)]]))
                    if meaning is not None:
                        break
        if meaning is not None:
            return meaning, size
    return _MEANING.get(word), 1


def _scan_words(s: str, r: _Reading) -> None:
    """Look up English words (and short phrases) and Korean runs in the vocabulary.

    Korean is written without spaces between profile words (``30대건성여성``), so a run of
    Hangul that is not one vocabulary word is matched greedily inside. English words that
    match nothing get one typo-correction try. Meanings are applied in reading order, except
    for negated terms, which are skipped (see the negation cues above).
    """
    tokens = _TOKEN.findall(s)
    n = len(tokens)
    i = 0
    negated = False  # a negator was read and has not reached its term yet
    while i < n:
        word = tokens[i]
        i += 1
        if "'" in word or "’" in word:
            word = word.replace("’", "'")
            stem, _, tail = word.partition("'")
            if tail == "s":
                word = stem
            elif _MEANING.get(word) is not _NEGATOR:
                negated = False
                continue
        meaning, size = _phrase_at(tokens, i - 1, word)
        if meaning is None and word.isascii() and (4 <= len(word) <= _FUZZY_MAX_LEN
                                                   or word in _TYPOS):
            fixed = _correct(word)
            if fixed is not None:
                tokens[i - 1] = word = fixed  # "clensing oil" is then read as one phrase
                meaning, size = _phrase_at(tokens, i - 1, word)
        if meaning is None and not word.isascii() and len(word) >= 3 and i < n:
            fixed = _correct_ko(word)  # "클랜징 오일": the misspelt word starts a phrase
            if fixed is not None and fixed in _PHRASE_SIZES:
                fixed_meaning, fixed_size = _phrase_at([*tokens[:i - 1], fixed, *tokens[i:]], i - 1, fixed)
                if fixed_size > 1:
                    meaning, size = fixed_meaning, fixed_size
        i += size - 1
        if meaning is None:
            if not word.isascii():
                _scan_run(word, tokens[i] if i < n else "", negated, r)
            negated = False
            continue
        kind, value = meaning[0]
        if kind == "cue":
            if value == "negator":
                negated = True
            elif value == "separator":
                negated = False
            continue
        if negated:
            negated = i < n and _MEANING.get(tokens[i]) is _COORDINATOR
        elif not _negated_after(meaning, "", tokens[i] if i < n else ""):
            r.apply(meaning)


def _normalise(text: str) -> str:
    s = (text if text.isascii() else unicodedata.normalize("NFKC", text)).casefold()
    if "<" in s:
        s = _SLACK_LABELLED.sub(r" \1 ", s)
        s = _SLACK_OTHER.sub(" ", s)
    if "₩" in s or "krw" in s:
        s = _CURRENCY_PREFIX.sub(r"\1원", s)
    if "만" in s or "천" in s:
        s = _WORD_MONEY.sub(_digits_money, s)
    return _EMOJI.sub(" ", s) if ":" in s else s


def _digits_money(m: re.Match[str]) -> str:
    """``오만원`` → ``5만원``, ``만원`` → ``1만원``, ``이십만원`` → ``20만원`` (then read as money)."""
    word, unit = m.groups()
    tens, _, ones = word.rpartition("십")
    value = (_NUMERALS.get(tens, 1) * 10 if "십" in word else 0) + _NUMERALS.get(ones, 0 if "십" in word else 1)
    return f"{value}{unit}원"


def _scan_keys(s: str, r: _Reading) -> str:
    def key(m: re.Match[str]) -> str:
        name, num, unit, suffix = m.groups()
        if name in ("age_min", "min_age", "age_max", "max_age"):
            if unit or suffix or "." in num or "," in num or not 0 < int(num) < 130:
                return m.group()
            if "min" in name:
                r.age_key_min = int(num)
            else:
                r.age_key_max = int(num)
            return _blank(m)
        value = int(round(float(num.replace(",", "")) * _UNIT.get((unit or "").strip(), 1)))
        if "min" in name:
            r.set_price(value, None)
        else:
            r.set_price(None, value)
        return _blank(m)

    return _KEY_RE.sub(key, s)


def _read(text: str, personas: Personas | None,
          brands: tuple[str, ...] = ()) -> tuple[_Reading, str | None]:
    """Read every field from ``text``; returns the reading and the explicit persona, if any."""
    r = _Reading()
    s = _normalise(text)
    persona = None
    if "persona" in s or "페르소나" in s:
        s, persona = _scan_persona(s, personas)
    if brands:
        s = _scan_brands(s, r, brands)
    if "=" in s or ":" in s:
        s = _scan_keys(s, r)
    s = _MARKUP.sub(" ", s)
    if "-" in s:
        s = _LETTER_HYPHEN.sub(" ", s)
    if _DIGIT.search(s):  # every price and numeric age pattern needs a digit
        hints = _hints(s)
        if "money" in hints:
            s = _scan_prices(s, r, hints)
        s = _scan_ages(s, r, hints)
    _scan_words(s, r)
    return r, persona


def describe(profile: Profile) -> str:
    """A short English summary of the fields that are set: ``age 30–39, gender F, dry skin``."""
    parts: list[str] = []
    if profile.age_min is not None or profile.age_max is not None:
        if profile.age_max is None:
            parts.append(f"age {profile.age_min}+")
        elif profile.age_min is None:
            parts.append(f"age ≤{profile.age_max}")
        elif profile.age_min == profile.age_max:
            parts.append(f"age {profile.age_min}")
        else:
            parts.append(f"age {profile.age_min}–{profile.age_max}")
    if profile.gender:
        parts.append(f"gender {profile.gender}")
    if profile.skin_type:
        parts.append(f"{profile.skin_type} skin")
    if profile.concerns:
        parts.append("concerns " + "/".join(profile.concerns))
    if profile.category:
        parts.append(f"category {profile.category}")
    if profile.price_min is not None:
        parts.append(f"price ≥ ₩{profile.price_min:,}")
    if profile.price_max is not None:
        parts.append(f"price ≤ ₩{profile.price_max:,}")
    if profile.named_types:
        parts.append("type " + "/".join(BY_NAME[t].en for t in profile.named_types if t in BY_NAME))
    if profile.kind:
        parts.append(f"kind {profile.kind}")
    if profile.brands:
        parts.append("brand " + "/".join(profile.brands))
    if profile.wants_set:
        parts.append("a set")
    if profile.recipient:
        parts.append(f"for {profile.recipient}")
    return ", ".join(parts) or "nothing"


def _quote(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return repr(one_line if len(one_line) <= limit else one_line[: limit - 1] + "…")


def _scan_persona(s: str, personas: Personas | None) -> tuple[str, str | None]:
    """Cut ``persona=...`` / ``persona: ...`` out of ``s``; returns the rest and the raw name.

    The name is cut before the other scans so ``persona=Gift_Buyer`` is not also read as
    the gift concern. A Korean persona name may contain spaces, so those are matched whole.
    """
    m = _PERSONA_RE.search(s)
    if m is None:
        return s, None
    end = m.end()
    for persona in personas if personas is not None else load_personas():
        ko = persona.name_ko.casefold()
        if s.startswith(ko, m.start(1)):
            return s[: m.start()] + " " + s[m.start(1) + len(ko):], persona.name
    return s[: m.start()] + " " + s[end:], m.group(1).strip(".,;:!?*_`'\"")


def _resolve_persona(raw: str, text: str, understood: Profile, personas: Personas | None) -> str:
    """The persona file's spelling of an explicit persona name; unknown names raise."""
    personas = personas if personas is not None else load_personas()
    persona = find_persona(raw, personas)
    if persona is not None:
        return persona.name
    original = re.search(re.escape(raw), text, re.IGNORECASE)
    shown = original.group() if original else raw
    raise ProfileParseError(
        f"Unknown persona {shown!r} in {_quote(text)} (understood: {describe(understood)}); "
        f"valid personas: {', '.join(p.name for p in personas)} — "
        f"e.g. {EXAMPLES[0]} or \"30대 건성 여성 보습 persona=Dry_Winter\"."
    )


def parse_profile(text: str, *, personas: Personas | None = None,
                  brands: Sequence[str] = ()) -> Profile:
    """Parse marketer free text (English, Korean or mixed) into a :class:`Profile`.

    Understands ages (``30s``, ``30대 초반``, ``25-34``, ``40+``, ``under 25``), gender words,
    skin types, concerns and their synonyms, category and budget (``under 50,000 won``,
    ``3만원대``), product types and kinds from :mod:`recsys.product_types` (``클렌징 오일``,
    ``sunscreen``, ``향수`` — a request naming only a type is valid), set wording (``세트``,
    ``기획``, ``gift set``), recipients (``남자친구``, ``아빠``, ``엄마``: the gender is the
    recipient's, since the profile describes who will use the product), ``brands`` of the
    loaded catalog (pass ``catalog.products["brand"].unique()``; read as whole words), typos
    (one edit in English, one jamo in Korean), Slack markup, ``key=value`` /
    ``label: value`` and the review ``profile_info`` format. A negated term (``no makeup``, ``not for men``, ``perfume-free``,
    ``민감성 아님``, ``향수 제외``) is ignored rather than read as a filter; ``fragrance-free``,
    ``unscented`` and ``무향`` mean the ``ingredients`` concern. The persona is the explicit
    ``persona=...`` if given, otherwise :func:`recsys.personas.assign_persona` of the parsed
    fields. ``personas`` (from
    :func:`recsys.personas.load_personas`) is the persona set used for that assignment and
    to validate an explicit name; the default is the shipped ``data/personas.json``.

    Raises :class:`ProfileParseError` when nothing recognisable is found or an explicit
    persona is unknown.
    """
    if not isinstance(text, str):
        raise ProfileParseError(f"Expected profile text, got {type(text).__name__}; "
                                f"try {EXAMPLES[0]} or {EXAMPLES[1]}.")
    reading, raw_persona = _read(text, personas, tuple(brands))
    profile = Profile(**reading.fields())
    persona = _resolve_persona(raw_persona, text, profile, personas) if raw_persona else None
    if persona is None and not reading.understood():
        raise ProfileParseError(
            f"Could not read a customer profile from {_quote(text)} (understood: nothing); "
            f"describe age, gender, skin type or concerns, e.g. {EXAMPLES[0]} or {EXAMPLES[1]}."
        )
    # The profile has not left this function yet, so setting its persona here is still
    # construction (the frozen-dataclass idiom), and it saves building a second object.
    object.__setattr__(profile, "persona", persona or assign_persona(profile, personas))
    return profile


def parse_profile_info(info: str, *, personas: Personas | None = None) -> Profile:
    """Parse a review's ``profile_info`` (``30대/여성/건성/보습``, ``여성/지성``, ``수분부족지성``).

    Never raises: returns ``Profile()`` with only the fields it could read. When anything was
    read the persona is assigned with the same rule as :func:`parse_profile`, so review-based
    interactions and marketer profiles share one persona scheme (``personas`` as there).
    """
    if not isinstance(info, str) or not info.strip():
        return Profile()
    reading, _ = _read(info, personas)
    if not reading.understood():
        return Profile()
    profile = Profile(**reading.fields())
    object.__setattr__(profile, "persona", assign_persona(profile, personas))
    return profile
