"""Marketing personas and the deterministic rule that assigns a profile to one.

The six personas come from the original customer research and live in
``data/personas.json`` so the marketing team can edit names, descriptions and rules without
touching code. Every profile — typed by a marketer or read from a review's
``profile_info`` — is assigned with the same rule, so recommendations, digests and
training data agree on who is who.

Assignment rule (``assign_persona``), applied to each persona's ``match`` block:

* +3 for every profile concern listed in ``match.concerns``;
* +2 when the profile's skin type is in ``match.skin_types``;
* +1 when the profile's age range overlaps ``match.age_min``..``match.age_max``
  (only if the persona sets an age bound and the profile has an age);
* +1 when the profile's gender is in ``match.genders``.

The highest score wins; ties go to the higher ``match.priority``, then to the persona that
comes first in the file. When every persona scores 0 the profile gets the persona marked
``"default": true`` (``Loyal_Repurchase`` in the shipped file; the first persona if none is
marked). ``assign_persona`` always computes from the fields and ignores ``profile.persona``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, TypeVar

from recsys.errors import RecsysError
from recsys.paths import PERSONAS
from recsys.profile import CONCERNS, GENDERS, SKIN_TYPES, Profile

CONCERN_POINTS = 3
SKIN_POINTS = 2
AGE_POINTS = 1
GENDER_POINTS = 1


class UnknownPersonaError(RecsysError, KeyError):
    """A persona name that is not in ``data/personas.json``; the message lists valid names."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class PersonaFileError(RecsysError, ValueError):
    """``personas.json`` is missing, not JSON, or a record lacks a required field."""


@dataclass(frozen=True)
class PersonaMatch:
    """Machine-readable conditions scored by :func:`assign_persona`."""

    skin_types: tuple[str, ...] = ()
    concerns: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    genders: tuple[str, ...] = ()
    priority: int = 0

    def score(self, profile: Profile) -> int:
        points = CONCERN_POINTS * sum(1 for c in set(profile.concerns) if c in self.concerns)
        if profile.skin_type is not None and profile.skin_type in self.skin_types:
            points += SKIN_POINTS
        if profile.gender is not None and profile.gender in self.genders:
            points += GENDER_POINTS
        if (self.age_min is not None or self.age_max is not None) and (
            profile.age_min is not None or profile.age_max is not None
        ):
            lo = profile.age_min if profile.age_min is not None else 0
            hi = profile.age_max if profile.age_max is not None else 200
            p_lo = self.age_min if self.age_min is not None else 0
            p_hi = self.age_max if self.age_max is not None else 200
            if lo <= p_hi and p_lo <= hi:
                points += AGE_POINTS
        return points


@dataclass(frozen=True)
class Persona:
    """One persona record from ``data/personas.json``."""

    name: str
    name_ko: str
    description: str
    description_ko: str
    rule: str
    match: PersonaMatch
    representative_profile: Profile
    default: bool = False


def _persona_from_record(record: Any, index: int, path: Path) -> Persona:
    where = f"{path} record {index}"
    if not isinstance(record, dict):
        raise PersonaFileError(f"{where}: expected an object, got {type(record).__name__}")
    for key in ("name", "name_ko", "description", "description_ko", "rule", "match",
                "representative_profile"):
        if key not in record:
            raise PersonaFileError(f"{where}: missing field '{key}'; add it and retry")
    m = record["match"]
    if not isinstance(m, dict):
        raise PersonaFileError(f"{where}: field 'match' must be an object")
    match = PersonaMatch(
        skin_types=tuple(m.get("skin_types") or ()),
        concerns=tuple(m.get("concerns") or ()),
        age_min=m.get("age_min"),
        age_max=m.get("age_max"),
        genders=tuple(m.get("genders") or ()),
        priority=int(m.get("priority") or 0),
    )
    for field_name, values, allowed in (
        ("match.skin_types", match.skin_types, SKIN_TYPES),
        ("match.concerns", match.concerns, CONCERNS),
        ("match.genders", match.genders, GENDERS),
    ):
        bad = [v for v in values if v not in allowed]
        if bad:
            raise PersonaFileError(
                f"{where}: field '{field_name}' has unknown value(s) {bad}; use {list(allowed)}"
            )
    rep = record["representative_profile"]
    if not isinstance(rep, dict):
        raise PersonaFileError(f"{where}: field 'representative_profile' must be an object")
    return Persona(
        name=str(record["name"]),
        name_ko=str(record["name_ko"]),
        description=str(record["description"]),
        description_ko=str(record["description_ko"]),
        rule=str(record["rule"]),
        match=match,
        representative_profile=Profile.from_dict({**rep, "persona": record["name"]}),
        default=bool(record.get("default", False)),
    )


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> tuple[Persona, ...]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PersonaFileError(
            f"persona file {path} not found; restore data/personas.json or pass a path"
        ) from None
    except json.JSONDecodeError as exc:
        raise PersonaFileError(f"{path} is not valid JSON ({exc}); fix the file") from None
    if not isinstance(raw, list) or not raw:
        raise PersonaFileError(f"{path}: expected a non-empty list of persona objects")
    personas = tuple(_persona_from_record(r, i, path) for i, r in enumerate(raw))
    names = [p.name for p in personas]
    if len(set(names)) != len(names):
        raise PersonaFileError(f"{path}: persona names must be unique, got {names}")
    return personas


def load_personas(path: str | Path | None = None) -> tuple[Persona, ...]:
    """The personas in file order (cached per path; the file is small and read often)."""
    return _load_cached(Path(path) if path is not None else PERSONAS)


def persona_names(personas: tuple[Persona, ...] | None = None) -> list[str]:
    return [p.name for p in (personas if personas is not None else load_personas())]


def default_persona(personas: tuple[Persona, ...] | None = None) -> Persona:
    """The persona for profiles that match nothing: the one marked ``default``, else the first."""
    personas = personas if personas is not None else load_personas()
    return next((p for p in personas if p.default), personas[0])


def assign_persona(profile: Profile, personas: tuple[Persona, ...] | None = None) -> str:
    """The name of the persona whose conditions best match ``profile`` (see module docstring).

    ``personas`` defaults to the shipped file; pass ``load_personas(path)`` for another one.
    """
    # Parsing calls this for every profile and profiles repeat a lot, so each persona set
    # memoises by the fields the rule reads.
    memo = _MEMO if personas is None else _memo_for(personas)
    key = (profile.skin_type, profile.concerns, profile.gender, profile.age_min, profile.age_max)
    name = memo.get(key)
    if name is None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        name = memo[key] = _assign(profile, personas if personas is not None else load_personas())
    return name


_MEMO: dict[tuple[object, ...], str] = {}  # the shipped persona file's
_MEMO_SIZE = 8192
# Other persona sets' memos, keyed by id(): hashing a tuple of personas on every call would
# cost more than the rule itself. Each entry holds its tuple, so the id cannot be reused
# while the entry lives.
_MEMOS: dict[int, tuple[tuple[Persona, ...], dict[tuple[object, ...], str]]] = {}
_MEMOS_SIZE = 8


def _memo_for(personas: tuple[Persona, ...]) -> dict[tuple[object, ...], str]:
    entry = _MEMOS.get(id(personas))
    if entry is None or entry[0] is not personas:
        if len(_MEMOS) >= _MEMOS_SIZE:
            _MEMOS.clear()
        entry = _MEMOS[id(personas)] = (personas, {})
    return entry[1]


def _assign(profile: Profile, personas: tuple[Persona, ...]) -> str:
    best: Persona | None = None
    best_key = (0, 0)
    for persona in personas:
        key = (persona.match.score(profile), persona.match.priority)
        if key[0] > 0 and (best is None or key > best_key):
            best, best_key = persona, key
    return (best or default_persona(personas)).name


def with_persona(profile: Profile, persona_of: Callable[[Profile], str] | None = None) -> Profile:
    """``profile`` with its persona filled in when it has none (an explicit one is kept).

    The one place a missing persona is filled: the pipeline, the recommender and training
    all call it; ``persona_of`` defaults to :func:`assign_persona`.
    """
    if profile.persona:
        return profile
    return profile.with_persona((persona_of or assign_persona)(profile))


class Named(Protocol):
    """Anything with an English and a Korean persona name (:class:`Persona`, a digest's row)."""

    @property
    def name(self) -> str: ...

    @property
    def name_ko(self) -> str: ...


N = TypeVar("N", bound=Named)


def find_persona(name: str, personas: Iterable[N] | None = None) -> N | Persona | None:
    """The persona ``name`` means, or None: the one rule for reading a persona name.

    Any case, ``-`` for ``_`` (``dry-winter``), or the Korean name; surrounding spaces ignored.
    Works on the loaded personas (the default) or any records with ``name`` and ``name_ko``
    (``/digest subscribe 건성 보습`` matches the digests' persona rows the same way).
    """
    candidates: Iterable[Any] = personas if personas is not None else load_personas()
    wanted = name.strip().casefold()
    for persona in candidates:
        if wanted.replace("-", "_") == persona.name.casefold() or wanted == persona.name_ko.casefold():
            return persona
    return None


def get_persona(name: str, personas: tuple[Persona, ...] | None = None) -> Persona:
    """Look a persona up by name (:func:`find_persona`); unknown names raise with the valid ones."""
    personas = personas if personas is not None else load_personas()
    persona = find_persona(name, personas)
    if persona is not None:
        return persona
    raise UnknownPersonaError(
        f"Unknown persona {name!r}; valid personas: {', '.join(p.name for p in personas)}"
    )
