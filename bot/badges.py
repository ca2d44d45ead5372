"""The one compliance badge: what a draft's findings say about approving it.

Slack's draft cards, the digests' inline drafts and ``personabot recommend`` all show it;
each surface words it its own way (Slack in the user's language, the terminal with colour)
from the same :class:`Badge`, so they never disagree on whether a draft may be approved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Level = Literal["ok", "warn", "error"]


@dataclass(frozen=True)
class Badge:
    """``error``: blocked, ``count`` errors (at least 1); ``warn``: approvable with ``count``
    warnings; ``ok``: approvable, no findings."""

    level: Level
    count: int

    @property
    def approvable(self) -> bool:
        return self.level != "error"


def badge(severities: Iterable[str], approvable: bool) -> Badge:
    """The badge of a draft whose findings have ``severities`` (``error``/``warning``…)."""
    severities = [str(s) for s in severities]
    errors = sum(1 for s in severities if s == "error")
    if errors or not approvable:
        return Badge("error", max(errors, 1))
    if severities:
        return Badge("warn", len(severities))
    return Badge("ok", 0)
