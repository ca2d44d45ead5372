"""One ``/recommend``: profile → top products → three drafts for the top product.

The CLI and the Slack app both call :func:`run_recommend`; the recommender and the drafter
are built once by the caller and passed in, so a request costs one model query, one
retrieval and one LLM call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any, Protocol

from crm.drafting import Draft, Drafter
from crm.llm import LLMProvider
from recsys.personas import with_persona
from recsys.profile import Profile


class RecommenderLike(Protocol):
    def recommend(self, profile: Profile, k: int = 3, exclude: Sequence[str] = ()) -> list[Any]: ...


@dataclass
class RecommendResult:
    """What one request produced; ``product`` is the top recommendation the drafts are for."""

    profile: Profile
    recommendations: list[Any]
    product: Any | None
    drafts: list[Draft] = field(default_factory=list)

    @property
    def shortfall(self) -> int:
        """How many fewer products than asked for the hard filters allowed (0: none missing)."""
        return int(getattr(self.recommendations, "shortfall", 0) or 0)

    def note(self, lang: str = "en") -> str | None:
        """The recommender's one-line note when filters left too few products, else None."""
        note = getattr(self.recommendations, "note", None)
        return note(lang) if callable(note) else None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``personabot recommend --json``."""

        def record(item: Any) -> dict[str, Any]:
            return asdict(item) if is_dataclass(item) else dict(vars(item))

        return {
            "profile": self.profile.to_dict(),
            "recommendations": [record(r) for r in self.recommendations],
            "product_id": getattr(self.product, "product_id", None),
            "drafts": [d.to_dict() for d in self.drafts],
            "shortfall": self._shortfall_dict(),
        }

    def _shortfall_dict(self) -> dict[str, Any] | None:
        if not self.shortfall:
            return None
        return {"requested": len(self.recommendations) + self.shortfall,
                "found": len(self.recommendations), "note": self.note("en"),
                "note_ko": self.note("ko")}


def run_recommend(
    profile: Profile,
    recommender: RecommenderLike,
    drafter: Drafter,
    *,
    k: int = 3,
    channel: str = "kakao",
    provider: LLMProvider | None = None,
) -> RecommendResult:
    """Recommend ``k`` products and draft every tone for the first; no products, no drafts."""
    profile = with_persona(profile)
    # kept as returned: recsys' Recommendations also says when filters left too few
    recommendations = recommender.recommend(profile, k=k)
    if not recommendations:
        return RecommendResult(profile=profile, recommendations=recommendations, product=None, drafts=[])
    top = recommendations[0]
    drafts = drafter.draft(profile, top.product_id, channel=channel, provider=provider)
    return RecommendResult(profile=profile, recommendations=recommendations, product=top, drafts=drafts)
