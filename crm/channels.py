"""Channel size limits, measured the way carriers and Kakao measure them.

SMS and LMS are billed and cut in EUC-KR bytes (90 and 2,000), and characters EUC-KR cannot
encode (emoji, rare Hangul syllables) can make a send fail; KakaoTalk counts characters.
"""

from __future__ import annotations

import unicodedata

CHANNELS = ("kakao", "sms", "lms")
BYTE_LIMITS = {"sms": 90, "lms": 2000}
CHAR_LIMITS = {"kakao": 1000}


def header_line(sender: str, channel: str) -> str:
    """The ``(광고)`` label with the sender right after it; SMS drops the space to save a byte."""
    return f"(광고){sender}" if channel == "sms" else f"(광고) {sender}"


def optout_line(number: str) -> str:
    """The free opt-out line every ad message ends with."""
    return f"무료수신거부 {number}"


def footer(optout_number: str, channel: str, contact_number: str = "") -> str:
    """What every ad message ends with: a contact line (SMS/LMS, when one is configured) and
    the free opt-out line. KakaoTalk shows the channel's own contact, so it needs none."""
    lines = [optout_line(optout_number)]
    if contact_number and is_text_channel(channel):
        lines.insert(0, f"문의 {contact_number}")
    return "\n".join(lines)


def is_text_channel(channel: str) -> bool:
    """SMS/LMS: plain EUC-KR text, no emoji."""
    return channel in BYTE_LIMITS


def euckr_len(text: str) -> int:
    """Bytes in EUC-KR, counting an unencodable character as 2 (what a carrier would reject)."""
    return sum(len(ch.encode("euc-kr")) if encodable(ch) else 2 for ch in text)


def encodable(text: str) -> bool:
    try:
        text.encode("euc-kr")
    except UnicodeEncodeError:
        return False
    return True


def strip_unencodable(text: str) -> str:
    """Drop characters an SMS/LMS cannot carry (emoji and the like), tidying doubled spaces."""
    kept = "".join(ch for ch in text if encodable(ch))
    return "\n".join(" ".join(line.split()) for line in kept.split("\n"))


def strip_emoji(text: str) -> str:
    """Drop pictographs (and their joiners/variation selectors), keeping text symbols like ·."""
    kept = "".join(
        ch for ch in text
        if not (unicodedata.category(ch) == "So" and ord(ch) >= 0x2600) and ch not in "\u200d\ufe0f"
    )
    return "\n".join(" ".join(line.split()) for line in kept.split("\n"))


def size(text: str, channel: str) -> int:
    return euckr_len(text) if is_text_channel(channel) else len(text)


def limit(channel: str) -> int:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r} (use one of {', '.join(CHANNELS)})")
    return BYTE_LIMITS.get(channel) or CHAR_LIMITS[channel]


def fits(text: str, channel: str) -> bool:
    """Within the channel's limit, and EUC-KR encodable for SMS/LMS."""
    if is_text_channel(channel) and not encodable(text):
        return False
    return size(text, channel) <= limit(channel)
