"""What a review says about its writer, and what it says the product did.

Real exports carry no reviewer profiles: whatever is known about a reviewer is in the review
text (``30대후반 입니다``, ``저는 건성인데``, ``수부지``, ``남편 선물로``). :func:`reviewer_profile`
reads it so reviews become training interactions; :func:`review_benefits` reads which concerns
the product helped with, so a product's concerns rest on what its reviews say.

Precision comes first, because a wrong profile teaches the model something false while a
missing one only teaches nothing. Korean review text is hard on rules: spacing is free, the
subject is usually dropped, and advice (``지성분들께 추천해요``), other people (``엄마 선물``,
``남편도 이제 마흔``), contrast (``보습력은 약하지만 진정에 좋아요``) and negation
(``지성까진 아님``, ``건조하지 않아요``) sit in the same sentence as the facts. So vocabulary is
matched on the surface text, and the kiwipiepy morphological analysis of the words around
each match decides what it means:

* a skin type or age is the writer's when the sentence says so about them: a copula right
  after it (``건성이에요``, ``복합성 피부라``, ``30대후반 입니다``), ``X이/가 되다``
  (``40대가 되니``), a first-person word just before it (``저는``, ``제 복합성 피부``), a
  ``피부타입:`` label, or the start of a short line (``악건성 / 40대 …``). It is not theirs
  when the words after it address or describe others (``분``, honorific ``-시-``), set a
  condition (``-라면``), state suitability (``건성피부에도``, ``건성용``), are negated
  (``지성은 아닌``), or point elsewhere in time (``20대때부터``, ``30대후반까진``), nor when a
  person other than the writer is named before it in the clause (``아빠가 지성피부``);
* gender comes from what the writer says about themselves (``여자인 저``) or their partner
  (``남편``, ``신랑``, ``남친`` → F; ``와이프``, ``아내``, ``여친`` → M); both at once → unknown;
* a benefit is a concern word in a clause whose polarity, after counting negators and
  improvers (``없``, ``않``, ``잡아주``, ``개선``, ``가라앉``), says the product helped.
  Clauses end at contrast and other connective endings, so ``…약하지만 진정에 좋아요`` is two
  clauses. "No breakouts" is tolerance, not an acne benefit; hearsay (``…다고 해요``),
  advice to others and concerns (``…이 고민``) are not benefits.

Both functions are pure: text in, values out. The analyser loads once, lazily (about a second),
and only for texts that contain a cue word at all, so a catalog whose reviews say nothing
about their writers never pays for it. Conventions (age ranges, mixed skin types) follow the
labelled set in ``benchmarks/labels/README.md``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from recsys.parsing import parse_profile_info
from recsys.profile import CONCERNS, Profile

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

# The six skin concerns a review can speak to (the others in CONCERNS are about buying).
SKIN_CONCERNS = tuple(c for c in CONCERNS if c in
                      {"moisture", "anti_aging", "calming", "brightening", "pores", "acne"})


@dataclass(frozen=True)
class _Tok:
    form: str
    tag: str
    start: int
    end: int


@dataclass(frozen=True)
class _Sentence:
    text: str  # the whole line the sentence is in; token offsets index into it
    tokens: tuple[_Tok, ...]
    line_start: bool  # the sentence starts its line


@lru_cache(maxsize=1)
def _analyser() -> "Kiwi":
    from kiwipiepy import Kiwi

    return Kiwi(load_multi_dict=False, load_typo_dict=False)  # neither is needed; both cost load time


def _normalise(text: str) -> str:
    text = html.unescape(text or "")
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\u00a0", " ")


# Sentences end at . ! ? after a word (not inside "4.5"), at line breaks and at " / " items.
_SENTENCE_END = re.compile(r"[\r\n]+|\s/\s|(?<=[가-힣a-zA-Z)ㅋㅎㅠㅜ~])[.!?…]+")


@lru_cache(maxsize=8192)
def _analyse(text: str) -> tuple[_Sentence, ...]:
    """The sentences of ``text`` that hold a cue word, with their morphemes.

    Sentences are cut by a regex rather than by the analyser (which costs ten times more), and
    only sentences with a cue are analysed at all.
    """
    kiwi = _analyser()
    out: list[_Sentence] = []
    pos, line_start = 0, True
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        stripped = piece.strip()
        if stripped and _CUES.search(stripped):
            toks = tuple(_Tok(t.form, t.tag, t.start, t.start + t.len) for t in kiwi.tokenize(stripped))
            if toks:
                out.append(_Sentence(stripped, toks, line_start))
        if stripped:
            line_start = False
        if m is not None:
            if m.group().strip() in {"", "/"}:
                line_start = True  # a line break or a " / " item starts a new line
            pos = m.end()
    return tuple(out)


# --------------------------------------------------------------------------------------
# Morpheme classes the rules read.
# --------------------------------------------------------------------------------------

_FIRST_PERSON = {"저", "나", "내", "제", "저희", "우리"}  # as NP
_OTHERS = (
    "남편", "신랑", "아내", "와이프", "엄마", "어머니", "어머님", "친정엄마", "아빠", "아버지", "아버님",
    "부모님", "딸", "아들", "동생", "언니", "오빠", "누나", "친구", "지인", "남친", "여친",
    "남자친구", "여자친구", "애아빠", "시어머니", "할머니", "할아버지", "상사", "후배", "선배", "조카",
    "가족", "애기", "아기", "유튜버", "직원",
)
_OTHER_NOUNS = frozenset(_OTHERS)
# A connective ending ends its clause unless an auxiliary follows (건조하-지 않-, 잡-아 주-).
_CONTRAST_EC = frozenset({"지만", "는데", "ᆫ데", "은데", "으나", "나", "는데도", "ᆫ데도", "지마는",
                          "어도", "아도", "더라도", "다가", "면서도"})
_NEGATORS = frozenset({"않", "아니", "없", "없이", "안", "못", "말"})
_HEARSAY = re.compile(r"(?:다|라|냐)고\s*(?:하|해(?!도)|들|함|했)|다길래|라길래|다던데|다더라|대요|래요|다네요")


def _hearsay(sent: "_Sentence", a: int, tail: list["_Tok"]) -> bool:
    """"…에 도움이 된다고 해요": what someone else claims, up to just past the clause."""
    end = (tail[-1].end if tail else a) + 8
    return _HEARSAY.search(sent.text[a:end]) is not None


def _clause_after(sent: _Sentence, pos: int) -> list[_Tok]:
    """The morphemes from character ``pos`` to the end of its clause."""
    out: list[_Tok] = []
    toks = sent.tokens
    for i, t in enumerate(toks):
        if t.start < pos:
            continue
        if t.tag in {"SF", "SP", "SS", "SE"} or t.tag == "EF":
            break
        out.append(t)
        if t.tag == "EC" and (t.form in _CONTRAST_EC or not _aux_follows(toks, i)):
            break
    return out


def _aux_follows(toks: tuple[_Tok, ...] | list[_Tok], i: int) -> bool:
    """An auxiliary verb follows the ending at ``i``, maybe after a particle ("부족하지도 않고")."""
    j = i + 1
    while j < len(toks) and toks[j].tag == "JX":
        j += 1
    return j < len(toks) and (toks[j].tag == "VX" or toks[j].form in {"않", "못", "말"})


def _clause_before(sent: _Sentence, pos: int) -> list[_Tok]:
    """The morphemes of the clause before character ``pos``, nearest last."""
    out: list[_Tok] = []
    toks = [t for t in sent.tokens if t.end <= pos]
    for i in range(len(toks) - 1, -1, -1):
        t = toks[i]
        if t.tag in {"SF", "SP", "EF"} or (t.tag == "EC" and (t.form in _CONTRAST_EC or not _aux_follows(toks, i))):
            break
        out.append(t)
    out.reverse()
    return out


def _sentence_before(sent: _Sentence, pos: int) -> list[_Tok]:
    return [t for t in sent.tokens if t.end <= pos]


def _names_other(tokens: Iterable[_Tok]) -> bool:
    return any((t.form in _OTHER_NOUNS and t.tag in {"NNG", "NNP"}) or (t.tag == "NNB" and t.form == "분")
               or t.form == "분들" for t in tokens)


def _first_person(tokens: Iterable[_Tok]) -> bool:
    return any(t.tag == "NP" and t.form in _FIRST_PERSON for t in tokens)


def _one_in(sent: _Sentence, pos: int) -> bool:
    """"… 1인" ("복합성 피부로 모공이 고민인 1인"): the writer introducing themselves."""
    return bool(re.search(r"1\s*인(?![가-힣])", sent.text[pos:pos + 40]))


# --------------------------------------------------------------------------------------
# Skin type
# --------------------------------------------------------------------------------------

_SKIN_TERMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), v) for p, v in (
        (r"수부지|수분\s*부족\s*형?\s*지성", "oily"),
        (r"(?:(?:악|극|초극강|속당김|살짝|중)\s*)?건성|(?:피부|얼굴)[이가는]?\s*(?:좀\s*|많이\s*|살짝\s*)?건조(?=하고\s*(?:예민|민감)|한\s*편)",
         "dry"),
        (r"(?:극\s*)*지성(?!\s*두피)", "oily"),
        (r"복합성?(?=\s*(?:피부|타입|예민|민감|[,)/]|$))|복합성", "combination"),
        (r"민감성|민감\s*피부|민감한\s*(?:피부|편)|예민한\s*(?:피부|편)|예민\s*피부|"
         r"(?:피부|얼굴)[이가는도]?\s*(?:좀\s*|많이\s*|살짝\s*|상당히\s*|꽤\s*)?(?:민감|예민)", "sensitive"),
        (r"중성\s*피부", "normal"),
    )
)
# What may sit between a skin word and its copula: 피부, 타입, 편, the 인/한 that binds them.
_SKIN_FILLER = frozenset({"피부", "타입", "피부타입", "편", "쪽", "성", "형", "예민", "민감", "하", "ᆫ", "계열",
                          "좀", "많이", "살짝", "꽤"})
_SUITABILITY = frozenset({"좋", "추천", "적합", "맞", "딱", "강추", "무난", "괜찮"})
_BAD_TAIL_FORMS = frozenset({"분", "분들", "님", "용", "라면", "면", "으면", "다면", "이라면", "까지", "때"})


_TRAIT = re.compile(r"여드름|트러블|모공|홍조|속건조|주름|잡티|각질|뾰루지|민감|예민|건성|지성|복합성|수부지")


def _skin_is_own(sent: _Sentence, start: int, end: int) -> bool:
    tail = _clause_after(sent, end)
    before = _clause_before(sent, start)
    if _names_other(before[-6:]):
        return False
    if any(t.form in _BAD_TAIL_FORMS or t.form in _OTHER_NOUNS for t in tail[:6]):
        return False
    if any(t.tag == "EP" and t.form in {"시", "으시"} for t in tail[:6]):
        return False
    if any(t.tag == "VCN" for t in tail[:5]) or any(t.form == "아님" for t in tail[:5]):
        return False
    if "향" in sent.text[max(0, start - 6):start] or "냄새" in sent.text[max(0, start - 6):start]:
        return False  # "향에 민감해서": the nose, not the skin
    # The morpheme right after the skin word and its filler decides.
    i = 0
    while i < len(tail) and tail[i].form in _SKIN_FILLER and tail[i].tag != "VCP":
        if tail[i].form == "에" and i + 1 < len(tail) and tail[i + 1].form in {"도", "게"}:
            return False  # "건성피부에도", "지성에게도": suitability, not self
        i += 1
    nxt = tail[i] if i < len(tail) else None
    near_self = _first_person(_sentence_before(sent, start)[-12:]) or _one_in(sent, end)
    labelled = re.search(r"피부\s*타입\s*[:은는]?\s*$", sent.text[max(0, start - 12):start]) is not None
    if sent.text.startswith(("피부", "얼굴"), start) and not re.search(r"사람|분|님|하시|이시", sent.text[end:]):
        return True  # "얼굴이 예민해서", "피부가 건조하고 예민한 편": the writer's skin, subject dropped
    if nxt is not None and nxt.tag in {"JKB"} and nxt.form in {"에", "에게", "한테"}:
        after = tail[i + 1:i + 4]
        if after and after[0].form in {"도", "게"}:
            return False  # "건성피부에도", "민감한 피부에도": suits them too, says nothing of the writer
        if any(t.form in _SUITABILITY for t in after) and not near_self:
            return False
    if nxt is not None and nxt.tag == "VCP":
        return True
    if nxt is not None and nxt.form in _SELF_NOUNS and i + 1 < len(tail) and tail[i + 1].tag == "VCP":
        return True  # "30대 지성 여성입니다"
    if nxt is not None and nxt.form == "에" and i + 1 < len(tail) and (
        tail[i + 1].tag == "VA" or _TRAIT.match(sent.text, tail[i + 1].start)
    ):
        return True  # a list of the writer's traits: "수부지에 심한 지성에 …", "수부지에 여드름이"
    if nxt is not None and nxt.form in {"이", "가"} and any(t.form in {"되", "돼"} for t in tail[i + 1:i + 3]):
        return True  # "극지성이 되서"
    if nxt is not None and nxt.form in {"으로", "로"} and any(t.form.startswith("살") for t in tail[i + 1:i + 3]):
        return True  # "수분부족형지성으로 살아왔어요"
    if near_self or labelled:
        return True
    # A short line that is only a label or a note: "악건성 / 40대 …", "이마는 복합, 아래로는 건성타입".
    short = len(sent.text.strip()) <= 30 and not re.search(r"분|추천|라면|용", sent.text)
    if short and nxt is None:
        return True
    return False


def _resolve_skin(found: list[str]) -> str | None:
    """One skin type from several words: mixed zones → combination; a base type beats sensitive."""
    kinds = set(found)
    if "combination" in kinds or {"dry", "oily"} <= kinds:
        return "combination"
    for base in ("dry", "oily"):
        if base in kinds:
            return base
    if "sensitive" in kinds:
        return "sensitive"
    return "normal" if "normal" in kinds else None


# --------------------------------------------------------------------------------------
# Age
# --------------------------------------------------------------------------------------

_NATIVE_AGES = {"스물": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60}
_AGE_TERM = re.compile(
    r"(?<![0-9.,~\-])([1-6])0\s*대(?:\s*(?:초중반|중후반|초반|중반|후반|(?:초|중|후)(?![가-힣])))?"
    r"|(?<![0-9.,~\-])([1-9][0-9])\s*(?:살|세(?![가-힣])|세(?=[이에입인예가의로]))"
    r"|(?<![0-9.,~\-])([1-9][0-9])(?=\s*(?:이|가)\s*(?:되|됐|된|넘))"
    r"|(스물|서른|마흔|쉰|예순)(?=\s*(?:살|이|가|대|중반|후반|초반))"
)
_AGE_BAD_NEXT = frozenset({"부터", "까지", "때", "용", "분", "분들", "님", "이상", "이하", "미만", "에게", "한테",
                           "여성", "남성", "여자", "남자", "피부", "사람", "친구", "들", "층", "이후", "전", "후",
                           "시절", "초", "이전", "무렵", "엔", "에", "에는", "쯤", "정도", "대상", "고객"})
_SELF_NOUNS = frozenset({"여성", "여자", "남성", "남자", "주부", "직장인", "아줌마", "엄마", "워킹맘", "학생", "대학생"})
_AGE_BAD_NEXT_PREFIX = ("때", "땐", "부터", "부턴", "까지", "까진", "분")


def _age_is_own(sent: _Sentence, start: int, end: int) -> bool:
    tail = _clause_after(sent, end)
    before = _clause_before(sent, start)
    if _names_other(before[-6:]):
        return False
    rest = sent.text[end:end + 8].lstrip()
    if rest.startswith(_AGE_BAD_NEXT_PREFIX):
        return False
    nxt = tail[0] if tail else None
    if nxt is not None and nxt.form in _SELF_NOUNS and len(tail) > 1 and tail[1].tag == "VCP" and not any(
        t.tag == "EP" and t.form in {"시", "으시"} for t in tail[1:4]
    ):
        return True  # "30대 여성입니다", "40대 주부예요"
    if nxt is not None and (nxt.form in _AGE_BAD_NEXT or nxt.form in _OTHER_NOUNS):
        return False
    if any(t.tag == "EP" and t.form in {"시", "으시"} for t in tail[:4]):
        return False
    if any(t.form in _OTHER_NOUNS or t.form in {"분", "분들"} for t in tail[:4]):
        return False
    if nxt is not None and nxt.tag == "VCP":
        return not any(t.form in {"라면", "면", "다면"} for t in tail[:3])
    if nxt is not None and nxt.form in {"이", "가"} and any(
        t.form in {"되", "돼", "넘", "넘어가", "넘어오"} for t in tail[1:3]
    ):
        return True
    if nxt is not None and nxt.tag == "VV" and nxt.form in {"되", "돼"}:
        return True  # "20대 후반 되니까"
    if _first_person(before[-4:]):
        return True
    if re.search(r"(?:나이|연령대?)\s*[:은는]?\s*$", sent.text[max(0, start - 8):start]):
        return True  # "나이: 35살", "연령대 30대"
    # The writer's own label at the start of a line or parenthesis: "33살 애둘 낳았지만",
    # "(30대 초반, 여행 자주 다님)", "악건성 / 40대 겨울철 …".
    head = sent.text[:start].rstrip()
    at_start = (sent.line_start and not before) or head.endswith("(")
    return at_start and not re.search(r"분|추천|어울", sent.text)


def _age_of(match: re.Match[str]) -> tuple[int, int] | None:
    native = match.group(4)
    text = match.group(0)
    if native:
        text = str(_NATIVE_AGES[native]) + ("대" if "대" in match.string[match.end():match.end() + 1] else "살")
    elif match.group(3):
        text = match.group(3) + "살"
    text = text.replace("중후반", "후반").replace("초중반", "중반")
    profile = parse_profile_info(text)
    if profile.age_min is None and profile.age_max is None:
        return None
    lo = profile.age_min if profile.age_min is not None else profile.age_max
    hi = profile.age_max if profile.age_max is not None else profile.age_min
    return (lo, hi) if lo is not None and hi is not None and 10 <= lo <= hi <= 99 else None


# --------------------------------------------------------------------------------------
# Gender
# --------------------------------------------------------------------------------------

_PARTNER = re.compile(r"(남편|신랑|남친|남자\s*친구|애\s*아빠|친정|시댁|시어머니|와이프|아내|여친|여자\s*친구|집사람)"
                      r"(?!\s*분)")
_PARTNER_GENDER = {"남편": "F", "신랑": "F", "남친": "F", "남자친구": "F", "애아빠": "F", "친정": "F",
                   "시댁": "F", "시어머니": "F", "와이프": "M", "아내": "M", "여친": "M", "여자친구": "M",
                   "집사람": "M"}
_SELF_GENDER = re.compile(r"(여자|여성|아줌마|주부|남자|남성|아재|유부남|유부녀)(?=\s*(?:인|입니다|이에요|예요|이고|이라|라서|이지만))")
_SELF_GENDER_VALUE = {"여자": "F", "여성": "F", "아줌마": "F", "주부": "F", "유부녀": "F",
                      "남자": "M", "남성": "M", "아재": "M", "유부남": "M"}


def _genders(sent: _Sentence) -> set[str]:
    found: set[str] = set()
    starts = {t.start for t in sent.tokens if t.tag in {"NNG", "NNP"}}
    for m in _PARTNER.finditer(sent.text):
        if m.start() not in starts:
            continue  # "닦아내다" holds 아내 but no wife
        before = sent.text[max(0, m.start() - 6):m.start()]
        if re.search(r"(친구|언니|동생|지인|엄마|누나|딸|아들)\s*(?:의|네)?\s*$", before):
            continue  # someone else's husband
        found.add(_PARTNER_GENDER[re.sub(r"\s+", "", m.group(1))])
    for m in _SELF_GENDER.finditer(sent.text):
        toks = _sentence_before(sent, m.start())
        if _names_other(toks[-4:]):
            continue
        tail = sent.text[m.end():m.end() + 12]
        self_ref = re.match(r"\s*인\s*(?:저|제가|나)", tail) or _first_person(toks[-5:]) or (
            sent.line_start and len(toks) <= 3 and re.match(r"\s*(?:입니다|이에요|예요)", tail))
        if self_ref:
            found.add(_SELF_GENDER_VALUE[m.group(1)])
    return found


# --------------------------------------------------------------------------------------
# Concerns and benefits
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    concern: str
    pattern: re.Pattern[str]
    problem: bool  # a problem word (건조, 트러블): helped when improved or negated


def _terms(concern: str, good: str, problem: str) -> list[_Term]:
    out = []
    if good:
        out.append(_Term(concern, re.compile(good), False))
    if problem:
        out.append(_Term(concern, re.compile(problem), True))
    return out


# A concern word that names a product or a line ("탄력크림", "미백 기능성", "보습 위주의") is
# not a result.
_NAMING = r"(?!\s*(?:위주|크림|라인|세트|앰플|에센스|제품|기능|성분|케어\s*제품|템|용|팩|제(?![가-힣])))"
_TERMS: tuple[_Term, ...] = tuple(
    _terms("moisture",
           rf"촉촉|보습(?:력|감|효과|\s*효과)?{_NAMING}|수분감|수분\s*(?:을\s*)?(?:공급|충전|보충|채워|유지)|"
           r"유\s*[ㆍ·]?\s*수분\s*밸런스|수분\s*(?:과|,)\s*유분",
           r"속\s*건조|건조(?:함|하|해|한|했|감)|당김|당기|땡김|땡기|푸석|각질|메마르|매마르|메말|매말|속당김")
    + _terms("anti_aging", rf"(?:탄력|탄탄(?!히)|리프팅|안티\s*에이징){_NAMING}", rf"(?:잔주름|주름|처짐|늘어짐){_NAMING}")
    + _terms("calming", rf"진정(?!성){_NAMING}", r"붉은\s*기|홍조|열감|붉어|예민(?:해진|함|해졌)|자극받은|따가움|피부염")
    + _terms("brightening",
             rf"밝아(?:지|졌|진|져|보)|밝게\s*(?:표현|보|해|만들)|밝혀|환해|환하게|화사해|화사하게|톤\s*업|미백{_NAMING}|"
             r"맑아(?:지|졌|진|져)|안색이\s*맑|브라이트닝|화이트닝|뽀얀|뽀얗",
             r"칙칙|기미|색소\s*침착")
    + _terms("pores", "", r"모공")
    + _terms("acne", "", r"트러블|여드름|뾰루지|좁쌀")
)
# Negative predicates: they flip a good word ("보습력은 약하지만", "촉촉함이 부족").
_WEAK = frozenset({"부족", "약하", "떨어지", "떨어", "아쉽", "별로", "모르", "덜", "못하", "실망", "글쎄"})
# Improvers: they turn a problem word into a benefit ("속건조를 잡아준다", "트러블이 가라앉").
_IMPROVERS = {
    "moisture": frozenset({"해결", "잡", "해소", "줄", "줄어들", "개선", "완화", "해결", "채우", "채워지", "덜", "사라지", "달래"}),
    "anti_aging": frozenset({"해결", "개선", "줄", "줄어들", "완화", "펴", "덜", "좋아지"}),
    "calming": frozenset({"해결", "가라앉", "줄", "줄어들", "완화", "진정", "덜", "사라지", "개선"}),
    "brightening": frozenset({"개선", "완화", "옅", "연해지", "맑아지", "밝아지", "줄", "덜", "사라지"}),
    "pores": frozenset({"정돈", "줄", "줄어들", "가리", "커버", "메우", "조이", "처리", "덜", "블러", "개선", "쫀쫀",
                        "촘촘", "잡", "주"}),
    "acne": frozenset({"진정", "가라앉", "들어가", "줄", "줄어들", "개선", "사라지", "없어지", "잡", "좋", "잠재우"}),
}
# Problem words whose plain absence counts ("건조함 없이" is moisture); for acne and calming
# "트러블 없이" / "따갑지 않게" is tolerance, not a benefit.
_NEGATION_HELPS = frozenset({"moisture", "pores"})
_CONCERN_MARKERS = frozenset({"고민", "걱정", "신경", "신경쓰", "심하", "심해", "넓", "많", "커지", "늘어지",
                              "올라오", "생기", "처지", "편", "원하", "스트레스", "기대", "나", "있", "도드라지"})
# Subjects that make 탄력/촉촉 a property of a thing, not of skin ("퍼프는 부드럽고 탄력이 있으며").
_THINGS = frozenset({"퍼프", "모", "브러쉬", "브러시", "면봉", "면봉대", "솜", "스펀지", "재질", "소재", "고무", "원단",
                     "케이스", "용기", "기초", "팁", "어플리케이터"})


def _polarity_counts(tokens: list[_Tok], concern: str) -> tuple[int, int, int, bool]:
    """(negators, weak predicates, improvers, concern marker) among ``tokens``."""
    neg = weak = imp = 0
    marker = False
    for t in tokens:
        form = t.form
        if form in _NEGATORS and (t.tag in {"VX", "VCN", "VA", "MAG"} or form in {"없이", "않"}):
            neg += 1
        elif form in _WEAK or form.startswith(("부족", "약하")):
            weak += 1
        if form in _IMPROVERS[concern] or (form.startswith(tuple(_IMPROVERS[concern])) and t.tag.startswith(("V", "NNG"))):
            imp += 1
        if form in _CONCERN_MARKERS and t.tag.startswith(("NN", "V", "XR")):
            marker = True
    return neg, weak, imp, marker


def _mentions(text: str) -> Iterable[tuple[_Sentence, _Term, int, int]]:
    for sent in _analyse(text):
        seen: list[tuple[int, int]] = []
        for term in _TERMS:
            for m in term.pattern.finditer(sent.text):
                a, b = m.start(), m.end()
                if not (sent.tokens[0].start <= a < sent.tokens[-1].end):
                    continue
                if any(s <= a < e for s, e in seen):
                    continue
                seen.append((a, b))
                yield sent, term, a, b


_CONDITIONAL = frozenset({"면", "으면", "라면", "다면", "이라면"})


def _names_skin_type(tail: list[_Tok]) -> bool:
    """"건조한 피부", "예민한 피부에도": the words name a kind of skin."""
    return any(t.form in {"피부", "타입"} and t.tag == "NNG" for t in tail[:3]) and not any(
        t.tag in {"JKS", "JX"} for t in tail[:1])


def _thing_is_subject(before: list[_Tok]) -> bool:
    """The nearest subject before the word is a thing ("퍼프가 부드럽고 탄력이"), not skin."""
    for t in reversed(before[-10:]):
        if t.form in {"피부", "얼굴", "입술", "피부결"}:
            return False
        if t.form in _THINGS:
            return True
    return False


def _markers(tokens: list[_Tok]) -> bool:
    """A concern is being stated ("…이 고민", "탄력이 걱정"), not "고민 없이" / "걱정 끝"."""
    for i, t in enumerate(tokens):
        if t.form in {"고민", "걱정", "신경", "기대", "스트레스", "원하"}:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if not (nxt and nxt.form in {"없", "없이", "끝"}):
                return True
    return False


def _benefit(sent: _Sentence, term: _Term, a: int, b: int) -> bool:
    tail = _clause_after(sent, b)
    before = _clause_before(sent, a)
    if _hearsay(sent, a, tail) or _names_other(t for t in tail if t.form in {"분", "분들"}):
        return False
    if any(t.form == "때" for t in tail[:5]):
        return False  # "건조할 때", "수분 진정을 할 때도 유용": a use, not a result
    if _thing_is_subject(_sentence_before(sent, a)):
        return False
    if term.problem and _names_skin_type(tail):
        return False  # "건조한 피부에는 …": a skin type, not this product's result
    if term.problem and any(t.tag == "EC" and t.form in _CONDITIONAL for t in tail):
        return False
    neg, weak, imp, _ = _polarity_counts(tail, term.concern)
    if before and before[-1].tag == "MAG" and before[-1].form in {"안", "못", "덜"}:
        if term.problem and before[-1].form == "덜":
            imp += 1
        else:
            neg += 1
    if (_markers(tail) or _markers(before)) and not imp:
        return False
    if term.problem:
        helps = imp + (neg if term.concern in _NEGATION_HELPS else 0)
        return helps > 0 and (helps + (0 if term.concern in _NEGATION_HELPS else neg)) % 2 == 1
    return (neg + weak) % 2 == 0


def _concern_is_own(sent: _Sentence, term: _Term, a: int, b: int, about_self: bool) -> bool:
    """A concern word that states the writer's own problem ("속건조가 심한 편", "모공이 고민")."""
    tail = _clause_after(sent, b)
    before = _sentence_before(sent, a)
    clause_before = _clause_before(sent, a)
    if _names_other(before[-8:]) or _names_other(t for t in tail if t.form in {"분", "분들"}):
        return False
    if _hearsay(sent, a, tail) or re.search(r"경우|두피|눈썹", sent.text[a:b + 12]):
        return False
    if any(t.form in _THINGS for t in clause_before) or re.search(r"두피|눈썹", sent.text[:a]):
        return False  # scalp and brows are not the skin profile
    if term.concern != "moisture" and "입술" in sent.text[:a]:
        return False  # dry lips are a moisture concern; nothing else of the lips is
    if term.problem and _names_skin_type(tail):
        return False
    for i, t in enumerate(tail[:6]):
        if t.form == "때" and not any(x.tag == "EP" for x in tail[max(0, i - 3):i]):
            return False  # "건조할 때": a situation, not the writer ("생겼을 때" is)
        if t.form == "수" and t.tag == "NNB" and not any(x.tag == "EP" for x in tail[i:i + 4]):
            return False  # "건조함이 느껴질 수 있어요": a possibility
    neg, weak, imp, marker = _polarity_counts(tail, term.concern)
    if imp or any(t.tag == "EC" and t.form in _CONDITIONAL for t in tail):
        return False
    if not term.problem and term.concern != "anti_aging":
        return False  # only 탄력 states a concern by its lack ("탄력이 떨어져"); 촉촉/진정 do not
    present = (neg == 0) if term.problem else (neg + weak) % 2 == 1
    if not present:
        return False
    if _markers(tail) or _markers(clause_before):
        return True
    skin_subject = any(t.form in {"피부", "얼굴"} and t.tag == "NNG" for t in clause_before[-3:])
    self_ref = about_self or skin_subject or _first_person(before) or re.search(r"제\s*고민", sent.text[:a]) is not None
    return marker or self_ref


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------

_CUES = re.compile(
    r"[0-9]\s*대|[0-9]\s*[살세]|[0-9]\s*[이가]\s*[되됐된넘]|스물|서른|마흔|쉰|예순|건성|지성|복합|민감|예민|수부지|중성|"
    r"남편|신랑|남친|남자\s*친구|애\s*아빠|친정|시댁|시어머니|와이프|아내|여친|여자\s*친구|집사람|여자|여성|남자|남성|아줌마|"
    r"주부|아재|유부|" + "|".join(t.pattern.pattern for t in _TERMS)
)


def reviewer_profile(text: str) -> Profile | None:
    """What the review's writer says about themselves, or None when it says nothing.

    Age (``30대후반``, ``40대가 되니``, ``33살``), gender (``여자인 저``; a husband → F, a wife →
    M), own skin type (``저는 건성인데``, ``수부지``, ``복합성 예민 피부``) and own concerns
    (``속건조가 고민``, ``모공이 넓은 편``). Advice, other people, conditions and negations are
    not the writer (see the module docstring). The persona is left to the caller.
    """
    text = _normalise(text)
    if not text.strip() or not _CUES.search(text):
        return None
    skins: list[str] = []
    ages: list[tuple[int, int]] = []
    genders: set[str] = set()
    concerns: list[str] = []
    own_sentences: set[_Sentence] = set()  # sentences where the writer describes their skin
    for sent in _analyse(text):
        for pattern, value in _SKIN_TERMS:
            for m in pattern.finditer(sent.text):
                if sent.tokens[0].start <= m.start() < sent.tokens[-1].end and _skin_is_own(sent, m.start(), m.end()):
                    skins.append(value)
                    own_sentences.add(sent)
                    if value == "oily" and re.match(r"수부지|수분", m.group()):
                        concerns.append("moisture")
        for m in _AGE_TERM.finditer(sent.text):
            if sent.tokens[0].start <= m.start() < sent.tokens[-1].end and _age_is_own(sent, m.start(), m.end()):
                age = _age_of(m)
                if age:
                    ages.append(age)
                    own_sentences.add(sent)
        genders |= _genders(sent)
    for sent, term, a, b in _mentions(text):
        if term.concern not in concerns and _concern_is_own(sent, term, a, b, sent in own_sentences):
            concerns.append(term.concern)
    # Several different ages (a life story: "20대 초반부터 … 20대 후반 되니까") → the latest.
    age = max(ages, key=lambda r: r[0]) if ages else None
    gender = next(iter(genders)) if len(genders) == 1 else None
    profile = Profile(
        age_min=age[0] if age else None,
        age_max=age[1] if age else None,
        gender=gender,
        skin_type=_resolve_skin(skins),
        concerns=tuple(c for c in SKIN_CONCERNS if c in concerns),
    )
    if profile == Profile():
        return None
    return profile


def review_benefits(text: str) -> tuple[str, ...]:
    """The skin concerns the review says the product helped with, in CONCERNS order.

    ``"보습력은 약하지만 진정에 좋아요"`` → ``("calming",)``: each concern word is judged in its
    own clause, with negators, weak predicates (``약하``, ``부족``) and improvers (``잡아주``,
    ``가라앉``) counted. Tolerance (``트러블 없이``), hearsay (``…에 좋다고 해요``), advice to
    others and stated concerns are not benefits.
    """
    text = _normalise(text)
    if not text.strip() or not _CUES.search(text):
        return ()
    found = {term.concern for sent, term, a, b in _mentions(text) if _benefit(sent, term, a, b)}
    return tuple(c for c in SKIN_CONCERNS if c in found)
