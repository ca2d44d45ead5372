"""Digest product lines clip after escaping, so ``&``/``<``/``>`` cannot push a name past
its limit or leave a half entity."""

from __future__ import annotations

import re

from bot.digests.compose import DigestProduct, PersonaDigest, ProductLine, products_text
from tests.bot._digest_helpers import PERSONAS


def test_names_are_clipped_after_escaping() -> None:
    name, brand, dropped = "<&>" * 60, "&" * 70, "<" * 70
    line = ProductLine(1, DigestProduct("P1", name, brand, 1000, 0.5), 2)
    section = PersonaDigest(PERSONAS[0], (line,), (dropped,), (), None, first=False)
    text = products_text(section)
    shown_name = text.split("*")[1]
    shown_brand = text.split(" — ")[1].split(" · ")[0]
    shown_dropped = text.split("Left the list: ")[1]
    assert len(shown_name) <= 120 and len(shown_brand) <= 60 and len(shown_dropped) <= 60
    for shown in (shown_name, shown_brand, shown_dropped):
        assert shown.endswith("…")
        assert "<" not in shown and ">" not in shown
        assert re.fullmatch(r"(&(amp|lt|gt);)+…", shown), shown  # whole entities only
