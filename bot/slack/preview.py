"""Block Kit as terminal text: what a Slack message will show, without Slack.

``personabot recommend --slack`` prints the message ``/recommend`` would post for the same
request, rendered by the same :func:`bot.slack.blocks.request_message` from the same store
rows, so a marketer can check a request (and a maintainer a layout change) offline. Slack's
markup is shown the way the client shows it: ``<@U1>`` as ``@U1``, ``<!date^…|fallback>`` as its
fallback, ``<url|label>`` as the label, entities unescaped; buttons as ``[ Approve ]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.store.approvals import JSONObject

RULE = "―" * 60
_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def _unmark(text: str) -> str:
    """Slack's angle-bracket markup and entities as a reader of the message sees them."""

    def link(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if label is not None:
            return label
        if target.startswith("@"):
            return target
        if target.startswith("!"):
            return "@" + target[1:].split("^", 1)[0]
        return target

    text = _LINK.sub(link, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: object) -> str:
    return _unmark(obj.get("text", "")) if isinstance(obj, dict) else ""


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def as_text(blocks: Iterable[JSONObject]) -> str:
    """The blocks as lines of text, one block after another."""
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            out.append(_text(block.get("text")))
        elif kind == "divider":
            out.append(RULE)
        elif kind == "section":
            if block.get("text"):
                out.append(_text(block["text"]))
            fields = [_text(f) for f in block.get("fields", [])]
            if fields:
                out.append(_indent("   ".join(" ".join(f.split()) for f in fields)))
        elif kind == "context":
            parts = [_text(e) for e in block.get("elements", []) if e.get("type") != "image"]
            out.append(_indent("  ·  ".join(p for p in parts if p)))
        elif kind == "actions":
            buttons = [f"[ {_text(e.get('text'))} ]" for e in block.get("elements", [])]
            out.append(_indent(" ".join(buttons)))
    return "\n".join(out)
