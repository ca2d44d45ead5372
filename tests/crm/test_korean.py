"""Korean particles from the spoken end of the word, and the checker the benchmark uses."""

from __future__ import annotations

import pytest

from crm.korean import attach, ending, josa, particle_errors


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        # Hangul
        ("크림", "을_를", "을"), ("토너", "을_를", "를"), ("세럼", "이_가", "이"), ("미스트", "은_는", "는"),
        ("오일", "으로_로", "로"), ("크림", "으로_로", "으로"), ("토너", "이에요_예요", "예요"),
        ("크림", "이에요_예요", "이에요"), ("세럼", "과_와", "과"), ("토너", "과_와", "와"),
        # closing brackets: the aside is skipped, the word before it decides
        ("키트 (5mlx3)", "을_를", "를"), ("키트 (5mlx3)", "은_는", "는"), ("키트 (5mlx3)", "으로_로", "로"),
        ("세트 (150ml+125ml+50ml)", "은_는", "는"), ("퍼퓸 (샌달우드/블랙티/바질앤베티버)", "은_는", "은"),
        ("(5ml)", "을_를", "를"), ("“촉촉해요”", "이라_라", "라"),
        # digits, read as numbers
        ("3", "을_를", "을"), ("2", "을_를", "를"), ("10", "이_가", "이"), ("1000", "은_는", "은"),
        ("7", "으로_로", "로"), ("6", "으로_로", "으로"), ("1.5", "이_가", "가"),
        # units, read as words
        ("50ml", "을_를", "를"), ("15g", "을_를", "을"), ("50ml", "으로_로", "로"), ("2ea", "이_가", "가"),
        ("50%", "이_가", "가"), ("화장솜 50매", "을_를", "를"),
        # Latin: abbreviations spelled out, words said
        ("EDP", "을_를", "를"), ("EDT", "은_는", "는"), ("PDRN", "이_가", "이"), ("SPF50+", "을_를", "를"),
        ("PA++++", "이_가", "가"), ("Cream", "을_를", "을"), ("kit", "을_를", "를"), ("Oil", "으로_로", "로"),
    ],
)
def test_particles_follow_the_spoken_end(word: str, pair: str, expected: str) -> None:
    assert josa(word, pair) == expected


def test_there_is_always_one_form_never_a_hedge() -> None:
    for word in ("★", "", "🙂", "...", "#{이름}"):
        for pair in ("을_를", "은_는", "이_가", "으로_로"):
            assert josa(word, pair) in pair.split("_")
    assert attach("EDP", "을") == "EDP를" and attach("쿠션", "를") == "쿠션을"
    assert ending("오일").rieul and not ending("크림").rieul


def test_unknown_particle_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown particle"):
        josa("크림", "에게")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("키트 (5mlx3)을 추천해요.", [("을", "를")]),
        ("세트 (150ml+125ml+50ml)은 좋아요.", [("은", "는")]),
        ("퍼퓸 (샌달우드/바질앤베티버)는 향이 좋아요.", [("는", "은")]),
        ("EDP을 뿌려요.", [("을", "를")]),
        ("크림예요. 토너이에요.", [("예요", "이에요"), ("이에요", "예요")]),
        ("에센스으로 마무리해요.", [("으로", "로")]),
        ("쿠션가 좋아요. 키트을 써요.", [("가", "이"), ("을", "를")]),
        ("화장솜 50매 /을(를) 써요.", [("을(를)", "one form")]),
    ],
)
def test_checker_finds_wrong_particles(text: str, found: list[tuple[str, str]]) -> None:
    assert [(e.particle, e.expected) for e in particle_errors(text)] == found


def test_checker_leaves_right_particles_and_word_endings_alone() -> None:
    text = ("크림을 바르고 토너를 써요. 오일로 지워요. 3을 골라요. 50ml를 담았어요. EDP를 뿌려요. "
            "작은 아이가 먹는 결과, 깨끗이 새로 산 룸 스프레이예요. 이니스프리 듀이 틴트 립밤. 나이 한 살 더.")
    assert particle_errors(text) == []
