from __future__ import annotations

import pytest

from bot.slack.command_text import MAX_TEXT_CHARS, CommandError, CommandRequest, is_help, parse_command


@pytest.mark.parametrize(("text", "expected"), [
    ("30s dry-skin woman, moisture", CommandRequest("30s dry-skin woman, moisture")),
    ("30대 건성 --llm gemini --top 5 --channel sms",
     CommandRequest("30대 건성", llm="gemini", top=5, channel="sms")),
    ("llm:Gemini 30대 top:2 channel:lms 건성", CommandRequest("30대 건성", "gemini", 2, "lms")),
    ("dry --top=4 --llm=offline", CommandRequest("dry", "offline", 4)),
])
def test_options_in_every_spelling(text: str, expected: CommandRequest) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(("text", "key", "understood"), [
    ("dry --colour red", "unknown_option", {"text": "dry"}),
    ("dry --top 0", "bad_value", {"--top": "0", "text": "dry"}),
    ("dry --top", "missing_value", {"text": "dry"}),
    ("dry llm:gpt9", "bad_value", {"--llm": "gpt9", "text": "dry"}),
    ("--top 3", "empty", {"--top": "3"}),
    ("x" * (MAX_TEXT_CHARS + 1), "too_long", {}),
])
def test_errors_carry_what_was_understood(text: str, key: str, understood: dict) -> None:
    with pytest.raises(CommandError) as info:
        parse_command(text)
    assert info.value.key == key
    assert info.value.understood == understood


def test_help_words() -> None:
    assert is_help(" help ") and is_help("도움말") and not is_help("help me find toner")
