"""Personas: the shipped file, the deterministic assignment rule, lookups and file errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from recsys.parsing import parse_profile, parse_profile_info
from recsys.personas import (
    PersonaFileError,
    UnknownPersonaError,
    assign_persona,
    default_persona,
    find_persona,
    get_persona,
    load_personas,
    persona_names,
)
from recsys.paths import PERSONAS
from recsys.profile import Profile

NAMES = ["Dry_Winter", "Anti_Aging", "Gift_Buyer", "Loyal_Repurchase", "Sensitive_Calming",
         "Detail_Reviewer"]


def _record(name: str, **match: object) -> dict[str, object]:
    return {
        "name": name, "name_ko": name + " (ko)", "description": "d", "description_ko": "d",
        "rule": "r", "match": {"priority": 0, **match},
        "representative_profile": {"concerns": []},
    }


def _write(tmp_path: Path, records: list[dict[str, object]], name: str = "p.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_shipped_file_has_the_six_research_personas_in_order() -> None:
    personas = load_personas()
    assert [p.name for p in personas] == NAMES
    for persona in personas:
        assert persona.name_ko and persona.description and persona.description_ko
        assert persona.rule
        assert persona.representative_profile.persona == persona.name
    assert get_persona("Detail_Reviewer").match.concerns == ("ingredients",)


@pytest.mark.parametrize("name", NAMES)
def test_each_representative_profile_is_assigned_to_its_own_persona(name: str) -> None:
    assert assign_persona(get_persona(name).representative_profile) == name


@pytest.mark.parametrize(("profile", "expected"), [
    (Profile(skin_type="dry", concerns=("moisture",)), "Dry_Winter"),
    (Profile(age_min=40, age_max=49), "Anti_Aging"),
    (Profile(concerns=("brightening",)), "Anti_Aging"),
    (Profile(concerns=("gift",), gender="F"), "Gift_Buyer"),
    (Profile(gender="M", age_min=30, age_max=39), "Gift_Buyer"),
    (Profile(gender="M", age_min=40, age_max=49), "Anti_Aging"),  # tie: priority 3 beats 2
    (Profile(concerns=("repurchase",)), "Loyal_Repurchase"),
    (Profile(skin_type="sensitive"), "Sensitive_Calming"),
    (Profile(concerns=("acne",)), "Sensitive_Calming"),
    (Profile(concerns=("ingredients",)), "Detail_Reviewer"),
    (Profile(skin_type="dry", concerns=("anti_aging",), age_min=50), "Anti_Aging"),  # 4 > 2
    (Profile(skin_type="oily", concerns=("pores",)), "Loyal_Repurchase"),  # nothing matches
    (Profile(), "Loyal_Repurchase"),
])
def test_assignment_examples(profile: Profile, expected: str) -> None:
    assert assign_persona(profile) == expected


def test_assignment_ignores_an_existing_persona_field() -> None:
    assert assign_persona(Profile(skin_type="dry", persona="Gift_Buyer")) == "Dry_Winter"


def test_default_persona_is_the_marked_one() -> None:
    assert default_persona().name == "Loyal_Repurchase"


def test_ties_go_to_priority_then_file_order(tmp_path: Path) -> None:
    same = dict(concerns=["moisture"])
    by_order = load_personas(_write(tmp_path, [_record("A", **same), _record("B", **same)]))
    assert assign_persona(Profile(concerns=("moisture",)), by_order) == "A"
    by_priority = load_personas(_write(
        tmp_path, [_record("A", **same), _record("B", **same, priority=5)], "q.json"))
    assert assign_persona(Profile(concerns=("moisture",)), by_priority) == "B"


def test_without_a_marked_default_the_first_persona_is_the_default(tmp_path: Path) -> None:
    personas = load_personas(_write(tmp_path, [_record("A", concerns=["gift"]), _record("B")]))
    assert assign_persona(Profile(skin_type="oily"), personas) == "A"


def test_review_profiles_and_marketer_text_share_one_assignment() -> None:
    for info, text in [("30대/여성/건성/보습", "30s dry woman moisture"),
                       ("40대/남성/복합성/주름", "40s man combination wrinkles"),
                       ("20대/여성/민감성/진정", "20s woman sensitive calming")]:
        from_review, from_text = parse_profile_info(info), parse_profile(text)
        assert from_review == from_text
        assert from_review.persona == assign_persona(from_review)


def test_get_persona_accepts_any_case_and_the_korean_name() -> None:
    assert get_persona("dry_winter").name == "Dry_Winter"
    assert get_persona(get_persona("Gift_Buyer").name_ko).name == "Gift_Buyer"


def test_a_persona_name_reads_the_same_in_a_lookup_and_in_request_text() -> None:
    for spelling in ("dry-winter", " DRY_WINTER ", get_persona("Dry_Winter").name_ko):
        assert get_persona(spelling).name == "Dry_Winter"
        assert parse_profile(f"30대 건성 persona={spelling.strip()}").persona == "Dry_Winter"
    assert find_persona("Night_Owl") is None


def test_unknown_persona_error_is_a_key_error_listing_valid_names() -> None:
    with pytest.raises(UnknownPersonaError) as info:
        get_persona("Night_Owl")
    assert isinstance(info.value, KeyError)
    message = str(info.value)
    assert message.startswith("Unknown persona 'Night_Owl'")
    assert all(name in message for name in persona_names())


@pytest.mark.parametrize(("records", "fragment"), [
    ([{"name": "A"}], "record 0: missing field 'name_ko'"),
    ([_record("A", concerns=["wrinkle"])], "unknown value(s) ['wrinkle']"),
    ([_record("A"), _record("A")], "must be unique"),
    ([], "non-empty list"),
    (["nope"], "record 0: expected an object"),
])
def test_bad_persona_files_name_the_problem(tmp_path: Path, records: list[object],
                                            fragment: str) -> None:
    with pytest.raises(PersonaFileError, match=re.escape(fragment)):
        load_personas(_write(tmp_path, records))  # type: ignore[arg-type]


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(PersonaFileError, match="not found"):
        load_personas(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(PersonaFileError, match="not valid JSON"):
        load_personas(bad)


def _renamed_shipped_file(tmp_path: Path) -> Path:
    """The shipped personas with Gift_Buyer renamed, as a team editing the file would."""
    records = json.loads(PERSONAS.read_text(encoding="utf-8"))
    for record in records:
        if record["name"] == "Gift_Buyer":
            record["name"], record["name_ko"] = "Present_Hunter", "선물 헌터"
    return _write(tmp_path, records)


def test_a_custom_persona_file_drives_assignment(tmp_path: Path) -> None:
    custom = load_personas(_renamed_shipped_file(tmp_path))
    assert parse_profile("gift for mom").persona == "Gift_Buyer"
    assert parse_profile("gift for mom", personas=custom).persona == "Present_Hunter"
    assert parse_profile_info("30대/남성", personas=custom).persona == "Present_Hunter"
    assert parse_profile_info("30대/남성").persona == "Gift_Buyer"  # the memos stay apart


def test_a_custom_persona_file_validates_explicit_names(tmp_path: Path) -> None:
    custom = load_personas(_renamed_shipped_file(tmp_path))
    assert parse_profile("30s persona=present_hunter", personas=custom).persona == "Present_Hunter"
    assert parse_profile("페르소나: 선물 헌터 30대", personas=custom).persona == "Present_Hunter"
    with pytest.raises(ValueError, match="Present_Hunter") as info:
        parse_profile("30s persona=Gift_Buyer", personas=custom)
    assert "Unknown persona 'Gift_Buyer'" in str(info.value)
    with pytest.raises(ValueError, match="Unknown persona 'Present_Hunter'"):
        parse_profile("30s persona=Present_Hunter")
