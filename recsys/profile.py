"""Customer profiles and the free-text parser that builds them.

A marketer types ``30s dry-skin woman, moisture`` or ``30대 건성 여성 보습``; the rest of
personabot only ever sees the structured :class:`Profile`. The vocabularies below are the
contract shared by the recommender, the drafting prompts and the Slack surface.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

GENDERS = ("F", "M")
SKIN_TYPES = ("dry", "oily", "combination", "sensitive", "normal")
CONCERNS = (
    "moisture",
    "anti_aging",
    "calming",
    "brightening",
    "pores",
    "acne",
    "gift",
    "repurchase",
    "ingredients",
)
CATEGORIES = ("skincare", "makeup", "fragrance", "body", "tools")
CATALOG_CATEGORIES = CATEGORIES + ("men", "other")


class ProfileParseError(ValueError):
    """Raised when text holds nothing recognisable; the message says what was understood."""


@dataclass(frozen=True)
class Profile:
    """What we know about the target customer. Every field may be missing."""

    age_min: int | None = None
    age_max: int | None = None
    gender: str | None = None
    skin_type: str | None = None
    concerns: tuple[str, ...] = field(default_factory=tuple)
    category: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    persona: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape used by the CLI, the Slack app and acceptance checks."""
        return {
            "age_min": self.age_min,
            "age_max": self.age_max,
            "gender": self.gender,
            "skin_type": self.skin_type,
            "concerns": list(self.concerns),
            "category": self.category,
            "price_min": self.price_min,
            "price_max": self.price_max,
            "persona": self.persona,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Profile":
        return cls(
            age_min=data.get("age_min"),
            age_max=data.get("age_max"),
            gender=data.get("gender"),
            skin_type=data.get("skin_type"),
            concerns=tuple(data.get("concerns") or ()),
            category=data.get("category"),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            persona=data.get("persona"),
        )

    def with_persona(self, persona: str | None) -> "Profile":
        return replace(self, persona=persona)

    @property
    def age_band(self) -> int | None:
        """The decade (10, 20, ..., 60) the profile falls in, or None when age is unknown."""
        if self.age_min is None and self.age_max is None:
            return None
        lo = self.age_min if self.age_min is not None else max(10, (self.age_max or 10) - 9)
        hi = self.age_max if self.age_max is not None else lo + 9
        mid = (lo + hi) // 2
        return max(10, min(60, (mid // 10) * 10))


def parse_profile(text: str) -> Profile:
    """Parse marketer free text (English, Korean or mixed) into a :class:`Profile`.

    Raises :class:`ProfileParseError` when nothing recognisable is found.
    """
    raise NotImplementedError  # implemented in the foundation issue
