"""The customer profile record and the vocabularies its fields take.

A marketer types ``30s dry-skin woman, moisture`` or ``30대 건성 여성 보습``; the rest of
personabot only ever sees the structured :class:`Profile`. The vocabularies below are the
contract shared by the recommender, the drafting prompts and the Slack surface. The parser
that builds a profile from text is :mod:`recsys.parsing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from recsys.product_types import CATEGORY_KIND

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
#: Concerns about the skin itself; the others are about how a customer shops.
SKIN_CONCERNS = ("moisture", "anti_aging", "calming", "brightening", "pores", "acne")
CATEGORIES = ("skincare", "makeup", "fragrance", "body", "tools")
CATALOG_CATEGORIES = CATEGORIES + ("men", "other")


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
    #: Canonical product types (recsys.product_types) the request admits: each named type's
    #: family ("세럼" admits 에센스 and 앰플), the named ones first.
    sub_types: tuple[str, ...] = field(default_factory=tuple)
    #: The types the request named itself, in reading order; ranked before their family.
    named_types: tuple[str, ...] = field(default_factory=tuple)
    #: A product kind (recsys.product_types.KINDS) named or implied by the named types.
    kind: str | None = None
    #: Brands of the loaded catalog the request names, in the catalog's spelling.
    brands: tuple[str, ...] = field(default_factory=tuple)
    #: The request asks for a set (세트, 기획, gift set, kit).
    wants_set: bool = False
    #: Who will use the product when the request names them (RECIPIENT_GENDER keys).
    recipient: str | None = None

    def __post_init__(self) -> None:
        # A legacy category names a kind; a profile built from one (a stored request, a
        # persona's representative profile) means the same as the parsed text would. "men"
        # is a catalog category, not a request one: it asks for men's products of any kind.
        if self.kind is None and self.category in CATEGORIES:
            object.__setattr__(self, "kind", CATEGORY_KIND[self.category])

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape used by the CLI, the Slack app and acceptance checks.

        Keys only ever grow at the end; existing keys keep their place.
        """
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
            "sub_types": list(self.sub_types),
            "named_types": list(self.named_types),
            "kind": self.kind,
            "brands": list(self.brands),
            "wants_set": self.wants_set,
            "recipient": self.recipient,
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
            sub_types=tuple(data.get("sub_types") or ()),
            named_types=tuple(data.get("named_types") or ()),
            kind=data.get("kind"),
            brands=tuple(data.get("brands") or ()),
            wants_set=bool(data.get("wants_set")),
            recipient=data.get("recipient"),
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
