"""Escaping for Slack mrkdwn, so user and LLM text can never ping or spoof links.

``<!channel>``, ``<@U…>`` and ``<url|label>`` are control sequences in mrkdwn; escaping
``&``, ``<`` and ``>`` (in that order) turns them into literal text. Every piece of text
that did not come from our own templates goes through :func:`escape`.
"""

from __future__ import annotations

ELLIPSIS = "…"


def escape(text: object) -> str:
    """Return ``text`` safe to embed in a mrkdwn string."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, marking the cut with an ellipsis.

    Clip *before* escaping would let an entity grow past the limit, so callers clip the
    escaped text; a cut never splits an entity such as ``&amp;``.
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def user(user_id: str) -> str:
    """A user mention built from a Slack id we received (never from free text)."""
    return f"<@{user_id}>" if user_id.isalnum() else escape(user_id)


def quote(text: str) -> str:
    """Block-quote escaped text line by line."""
    return "\n".join(f"&gt; {line}" if line else "&gt;" for line in escape(text).splitlines())
