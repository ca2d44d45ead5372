"""Korean particles chosen from how the word before them is *said*, and a checker for them.

A particle's form (을/를, 은/는, 이/가, 으로/로, 과/와, 이에요/예요 …) depends on whether the
spoken word before it ends in a final consonant (받침), and 으로/로 also on whether that
consonant is ㄹ. Product names rarely end in plain Hangul: 「키트 (5mlx3)」, 「EDP」, 「50ml」,
「SPF50+」. So :func:`ending` reads the end of a word the way a Korean speaker says it —
digits as numbers (3 → 삼, 10 → 십, 1000 → 천), units as words (ml → 밀리리터, g → 그램),
capital abbreviations letter by letter (EDP → 이디피), English words by their final sound
(Cream → 크림), a bracketed aside by the word before it (「퍼퓸 (샌달우드/바질)」 → 퍼퓸) —
and :func:`josa` always picks one form. There is no ``을(를)`` fallback anywhere.

:func:`particle_errors` finds the particles in any text (kiwipiepy's morphological analysis,
loaded lazily once, tells a particle 이 from the 이 inside a word) and reports each one whose
form does not fit the word before it, plus every ``을(를)``-style hedge. The benchmark runs it
over drafts from every provider.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crm.errors import UnknownChoiceError

# Particle pairs: (after a final consonant, after a vowel).
PAIRS: dict[str, tuple[str, str]] = {
    "을_를": ("을", "를"), "은_는": ("은", "는"), "이_가": ("이", "가"), "과_와": ("과", "와"),
    "으로_로": ("으로", "로"), "이에요_예요": ("이에요", "예요"), "이나_나": ("이나", "나"),
    "이랑_랑": ("이랑", "랑"), "이라_라": ("이라", "라"), "이라서_라서": ("이라서", "라서"),
    "이라면_라면": ("이라면", "라면"), "이죠_죠": ("이죠", "죠"),
}
RIEUL = 8  # index of ㄹ among the final consonants of a precomposed syllable

# How digits end when read as Sino-Korean numbers: (has final consonant, final is ㄹ).
_DIGIT_END = {"0": (True, False), "1": (True, True), "2": (False, False), "3": (True, False),
              "4": (False, False), "5": (False, False), "6": (True, False), "7": (True, True),
              "8": (True, True), "9": (False, False)}
# Units as read aloud; the reading's last syllable decides.
UNIT_READINGS = {
    "ml": "밀리리터", "l": "리터", "g": "그램", "kg": "킬로그램", "mg": "밀리그램", "cm": "센티미터",
    "mm": "밀리미터", "oz": "온스", "ea": "개", "pcs": "피스", "%": "퍼센트",
    "+": "플러스",
}
# Letter names (EDP → 이디피): whether each ends in a final consonant, and whether it is ㄹ.
_LETTER_END = {c: (False, False) for c in "abcdeghijkopqtuvwyz"}
_LETTER_END.update({"f": (False, False), "l": (True, True), "m": (True, False), "n": (True, False),
                    "r": (True, True), "s": (False, False), "x": (False, False)})
_CLOSE_TO_OPEN = {")": "(", "]": "[", "}": "{", "）": "（", "］": "［", "】": "【", "」": "「",
                  "』": "『", "〉": "〈", "》": "《", ">": "<"}
_UNIT_RUN = re.compile(r"([0-9][0-9,.]*)\s*([A-Za-z%+]+)$")
_LATIN_RUN = re.compile(r"[A-Za-z]+$")
_DIGIT_RUN = re.compile(r"[0-9][0-9,.]*$")


@dataclass(frozen=True)
class Ending:
    """How the spoken word ends: a final consonant (받침), and whether that consonant is ㄹ."""

    batchim: bool
    rieul: bool = False


def _syllable_end(ch: str) -> Ending:
    final = (ord(ch) - 0xAC00) % 28
    return Ending(final != 0, final == RIEUL)


def _number_end(digits: str) -> Ending:
    """The end of a number read in Sino-Korean: 3 → 삼, 20 → 이십, 100 → 백, 1,000 → 천."""
    whole = digits.replace(",", "")
    if "." in whole:  # 1.5 → 일 점 오: the last digit is said
        whole = whole.rstrip(".")
        last = whole[-1] if whole else "0"
        return Ending(*_DIGIT_END[last])
    stripped = whole.lstrip("0")
    if not stripped:
        return Ending(*_DIGIT_END["0"])
    if stripped.endswith("0"):  # the last unit said: 십, 백, 천, 만, 억 — all end in a consonant
        return Ending(True)
    return Ending(*_DIGIT_END[stripped[-1]])


def _english_end(word: str) -> Ending:
    """An English word by its final sound as Korean writes it (Cream → 크림, Set → 세트)."""
    w = word.lower()
    if len(w) > 2 and w.endswith("e") and w[-2] not in "aeiouy":
        w = w[:-1]  # silent e: tone → ton, cleanse → cleans
    if w.endswith(("ng", "m", "n")):
        return Ending(True)
    if w.endswith("l"):
        return Ending(True, True)
    if w.endswith(("ck", "k", "c", "p")) and not w.endswith(("ch", "ph")):
        return Ending(True)
    return Ending(False)


def _latin_end(run: str) -> Ending:
    """Capital abbreviations are spelled out (EDP → 피, UV → 브이, MMY → 와이); words are said."""
    if (run.isupper() and len(run) <= 4) or len(run) == 1:
        return Ending(*_LETTER_END[run[-1].lower()])
    return _english_end(run)


def ending(text: str) -> Ending:
    """How the end of ``text`` is pronounced, for choosing the particle that follows it.

    Closing brackets are an aside: the word before the opening bracket decides, or the
    bracket's content when nothing precedes it. Quotes, spaces and symbols are skipped.
    """
    s = text.rstrip()
    while s:
        ch = s[-1]
        if "가" <= ch <= "힣":
            return _syllable_end(ch)
        if ch in _CLOSE_TO_OPEN:
            opening = s.rfind(_CLOSE_TO_OPEN[ch])
            if opening < 0:
                s = s[:-1]
                continue
            before, inside = s[:opening].rstrip(), s[opening + 1:-1]
            s = before or inside
            continue
        unit = _UNIT_RUN.search(s)
        if unit and unit.group(2).lower() in UNIT_READINGS:
            return ending(UNIT_READINGS[unit.group(2).lower()])
        if ch.isdigit():
            return _number_end(_DIGIT_RUN.search(s).group())
        if ch.isascii() and ch.isalpha():
            return _latin_end(_LATIN_RUN.search(s).group())
        if ch in "%+":
            return ending(UNIT_READINGS[ch])
        s = s[:-1]  # quotes, spaces, emoji, punctuation: look further back
    return Ending(False)


def josa(word: str, pair: str) -> str:
    """The particle of ``pair`` (``"을_를"``, ``"으로_로"``, ``"이에요_예요"`` …) that fits ``word``.

    ``pair`` may also be given as one form (``"을"`` or ``"를"``).
    """
    with_batchim, without = _pair(pair)
    end = ending(word)
    if with_batchim == "으로" and end.rieul:
        return without
    return with_batchim if end.batchim else without


def attach(word: str, pair: str) -> str:
    """``word`` followed by its particle: ``attach("EDP", "을")`` → ``"EDP를"``."""
    return word + josa(word, pair)


@lru_cache(maxsize=None)
def _pair(pair: str) -> tuple[str, str]:
    if pair in PAIRS:
        return PAIRS[pair]
    for forms in PAIRS.values():
        if pair in forms:
            return forms
    raise UnknownChoiceError(f"unknown particle {pair!r} (use one of {', '.join(PAIRS)})")


# --- the checker --------------------------------------------------------------------------

HEDGES = re.compile(r"을\s*\(\s*를\s*\)|를\s*\(\s*을\s*\)|은\s*\(\s*는\s*\)|는\s*\(\s*은\s*\)"
                    r"|이\s*\(\s*가\s*\)|가\s*\(\s*이\s*\)|\(\s*으\s*\)\s*로|과\s*\(\s*와\s*\)|와\s*\(\s*과\s*\)"
                    r"|\(\s*이\s*\)\s*(?:에요|예요|라|나|랑)")
# A particle form right after a written word, ending at a word boundary.
_CANDIDATE = re.compile(r"(?<=[^\s])(이에요|이예요|예요|으로|을|를|은|는|이|가|과|와|로)(?=[\s.,!?~…)\]”\"'’:;]|$)")
_PARTICLE_TAGS = ("JK", "JX", "JC", "VCP", "EF")
_HOSTS = ("NN", "NR", "NP", "SL", "SN", "SH", "SSC", "SW", "SO", "XSN", "ETN", "W_")


@dataclass(frozen=True)
class ParticleError:
    """A particle that does not fit the word before it (``expected`` is the right form)."""

    span: tuple[int, int]
    word: str
    particle: str
    expected: str


@lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()


def particle_errors(text: str) -> list[ParticleError]:
    """Every particle in ``text`` whose form does not fit the spoken end of the word before it.

    A form that fits is never an error. One that does not is an error when, written the right
    way, kiwipiepy reads it as a particle after a noun, number, foreign word or bracket — so
    the 은 of 작은 is never taken for a particle — and, after a Hangul word, when the corrected
    sentence is also clearly likelier to kiwipiepy's language model (the 이 of 듀이 or 나이
    is part of the word). Hedges like ``을(를)`` are always errors.
    """
    errors = [ParticleError(m.span(), text[max(0, m.start() - 12):m.start()], m.group(), "one form")
              for m in HEDGES.finditer(text)]
    for m in _CANDIDATE.finditer(text):
        written, start = m.group(1), m.start(1)
        pair = "이에요_예요" if written in ("이에요", "이예요", "예요") else next(
            p for p, forms in PAIRS.items() if written in forms)
        right = josa(text[:start], pair)
        if written == "이예요" and josa(text[:start + 1], pair) == "예요":
            continue  # 스프레이 + 예요: the 이 ends the word
        if right == written or any(a <= start < b for a, b, *_ in (e.span for e in errors)):
            continue
        fixed = text[:start] + right + text[m.end(1):]
        if not _reads_as_particle(fixed, start, len(right)):
            continue
        if pair != "이에요_예요" and "가" <= text[start - 1] <= "힣" and not _likelier(text, fixed, start):
            continue  # 듀이, 스프레이, 나이: the syllable belongs to the word
        word = text[_word_start(text, start):start]
        errors.append(ParticleError((start, m.end(1)), word, written, right))
    return sorted(errors, key=lambda e: e.span)


#: How much likelier (kiwipiepy log-probability) the corrected sentence must read before a
#: syllable after a Hangul word counts as a wrong particle rather than part of the word.
LIKELIER_BY = 3.0


def _likelier(text: str, fixed: str, start: int) -> bool:
    """Whether the line at ``start`` reads clearly likelier corrected than as written."""
    begin = text.rfind("\n", 0, start) + 1
    end_text, end_fixed = text.find("\n", start), fixed.find("\n", start)
    line = text[begin:None if end_text < 0 else end_text]
    corrected = fixed[begin:None if end_fixed < 0 else end_fixed]
    kiwi = _kiwi()
    return kiwi.analyze(corrected)[0][1] - kiwi.analyze(line)[0][1] >= LIKELIER_BY


def _reads_as_particle(text: str, start: int, length: int) -> bool:
    """Whether kiwipiepy reads ``text[start:start+length]`` as a particle (or copula) after a noun."""
    tokens = _kiwi().tokenize(text)
    for prev, tok in zip(tokens, tokens[1:]):
        if tok.start == start and prev.start + prev.len <= start:
            return tok.tag.startswith(_PARTICLE_TAGS) and prev.tag.startswith(_HOSTS)
    return False


def _word_start(text: str, pos: int) -> int:
    """Where the written word ending at ``pos`` starts (back to the previous space)."""
    i = pos
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return i
