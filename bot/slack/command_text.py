"""Parsing the text of ``/recommend``: the customer description plus options.

Options may be written ``--llm gemini``, ``--llm=gemini`` or ``llm:gemini`` (the last form
is easier to type on a phone). Everything else is the customer description, handed to the
profile parser unchanged. Errors carry what *was* understood so the reply can show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.errors import BotError
from bot.settings import CHANNELS, LLM_PROVIDERS

MAX_TEXT_CHARS = 500
MAX_TOP = 5
LLM_CHOICES = LLM_PROVIDERS
CHANNEL_CHOICES = CHANNELS
OPTION_NAMES = ("llm", "top", "channel")
HELP_WORDS = {"help", "-h", "--help", "도움말", "?"}

_COLON_OPTION = re.compile(r"^(llm|top|channel):(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class CommandRequest:
    """A well-formed ``/recommend``: description and the options that were given."""

    profile_text: str
    llm: str | None = None
    top: int = 3
    channel: str | None = None

    def options(self) -> dict[str, str | int | None]:
        return {"llm": self.llm, "top": self.top, "channel": self.channel}


@dataclass
class CommandError(BotError, ValueError):
    """Bad command text; ``key``/``values`` name the i18n message, ``understood`` the rest."""

    key: str
    values: dict[str, object] = field(default_factory=dict)
    understood: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.key}: {self.values}"


def is_help(text: str) -> bool:
    return text.strip().lower() in HELP_WORDS


def parse_command(text: str) -> CommandRequest:
    """Split ``text`` into the description and validated options, or raise CommandError."""
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise CommandError("too_long", {"length": len(text), "limit": MAX_TEXT_CHARS})
    tokens = text.split()
    words: list[str] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        name, value = _option(token)
        if name is None and token.startswith("--"):
            raise CommandError("unknown_option", {"option": token.split("=", 1)[0]},
                               _understood(words, options))
        if name is None:
            words.append(token)
            i += 1
            continue
        if value is None:
            if i + 1 >= len(tokens) or tokens[i + 1].startswith("--"):
                raise CommandError("missing_value", {"option": f"--{name}"},
                                   _understood(words, options))
            value = tokens[i + 1]
            i += 1
        options[name] = value
        i += 1
    understood = _understood(words, options)
    request = CommandRequest(
        profile_text=" ".join(words),
        llm=_choice("llm", options.get("llm"), LLM_CHOICES, understood),
        top=_top(options.get("top"), understood),
        channel=_choice("channel", options.get("channel"), CHANNEL_CHOICES, understood),
    )
    if not request.profile_text:
        raise CommandError("empty", {}, understood)
    return request


def _option(token: str) -> tuple[str | None, str | None]:
    if token.startswith("--"):
        name, _, value = token[2:].partition("=")
        if name.lower() in OPTION_NAMES:
            return name.lower(), (value or None) if "=" in token else None
        return None, None
    match = _COLON_OPTION.match(token)
    if match:
        return match.group(1).lower(), match.group(2) or None
    return None, None


def _understood(words: list[str], options: dict[str, str]) -> dict[str, object]:
    understood: dict[str, object] = {f"--{k}": v for k, v in options.items()}
    if words:
        understood["text"] = " ".join(words)
    return understood


def _choice(name: str, value: str | None, allowed: tuple[str, ...],
            understood: dict[str, object]) -> str | None:
    if value is None:
        return None
    if value.lower() not in allowed:
        raise CommandError("bad_value", {"option": f"--{name}", "value": value,
                                         "allowed": ", ".join(allowed)}, understood)
    return value.lower()


def _top(value: str | None, understood: dict[str, object]) -> int:
    if value is None:
        return 3
    if not value.isdigit() or not 1 <= int(value) <= MAX_TOP:
        raise CommandError("bad_value", {"option": "--top", "value": value,
                                         "allowed": f"1-{MAX_TOP}"}, understood)
    return int(value)
