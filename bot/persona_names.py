"""The one way the bot finds a persona by the name a person typed.

``/digest subscribe 건성 보습``, ``personabot digest run --persona dry_moisture`` and the
persona a parsed profile names all go through :func:`find_persona`: the English name in any
case, or the Korean name as written (spaces kept). It works on anything with ``name`` and
``name_ko`` — ``recsys.personas.Persona`` and the digests' ``PersonaInfo`` alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def name_ko(self) -> str: ...


P = TypeVar("P", bound=Named)


def find_persona(name: str, personas: Iterable[P]) -> P | None:
    """The persona called ``name`` (English name case-insensitive, or the Korean name), or None."""
    wanted = name.strip()
    for persona in personas:
        if persona.name.casefold() == wanted.casefold() or persona.name_ko == wanted:
            return persona
    return None
