"""The one channel table and the one EUC-KR rule, for the drafter and the compliance check alike.

SMS and LMS are billed and cut in bytes (90 and 2,000); KakaoTalk counts characters (1,000
for FriendTalk text and AlimTalk, 1,300 for Brand Message). The drafter writes for
:data:`CHANNELS`; the compliance check also reads AlimTalk (information only, no ads).

**EUC-KR means KS X 1001.** Korean SMS/LMS gateways take EUC-KR, some CP949 (its Microsoft
superset). KS X 1001 holds 2,350 precomposed Hangul syllables plus the symbols ``★ ♥ ※ ·``;
the other 8,822 syllables (``똠``, ``햏``, ``뷁``) exist only in CP949 — or, in Python's
``euc-kr`` codec, as an 8-byte KS X 1001 annex-3 jamo sequence that handsets and carriers
show as garbage. A message that must reach every phone through every gateway therefore
keeps to KS X 1001: a character is encodable when it is ASCII or one 2-byte KS X 1001 code,
and a message is billed 1 byte per ASCII character and 2 per other character (an
unencodable one counts 2 as well: it would be sent as a 2-byte code if at all). The rare
false alarm (a customer name with ``똠``) is one edit; a garbled send to thousands is not.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from crm.errors import UnknownChoiceError


@dataclass(frozen=True)
class ChannelSpec:
    """One channel: how its size is counted and where it stops."""

    name: str
    unit: str  # "bytes" (EUC-KR) or "chars"
    limit: int
    ads: bool = True  # AlimTalk is information only

    @property
    def is_text(self) -> bool:
        """SMS/LMS: plain EUC-KR text, no emoji."""
        return self.unit == "bytes"


SPECS: Mapping[str, ChannelSpec] = MappingProxyType({s.name: s for s in (
    ChannelSpec("kakao", "chars", 1000),
    ChannelSpec("sms", "bytes", 90),
    ChannelSpec("lms", "bytes", 2000),
    ChannelSpec("alimtalk", "chars", 1000, ads=False),
)})
#: Channels the drafter writes ad messages for.
CHANNELS = tuple(name for name, spec in SPECS.items() if spec.ads)
#: Channels the compliance check reads (AlimTalk too, to catch ads sent there).
CHECKED_CHANNELS = tuple(SPECS)
BYTE_LIMITS = MappingProxyType({n: s.limit for n, s in SPECS.items() if s.is_text})
CHAR_LIMITS = MappingProxyType({n: s.limit for n, s in SPECS.items() if not s.is_text})
#: KakaoTalk Brand Message (FriendTalk's 2025 successor) allows more; named in LEN-KAKAO's message.
BRAND_MESSAGE_CHARS = 1300


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


def spec(channel: str, *, checked: bool = False) -> ChannelSpec:
    """The channel's spec; a clear ValueError for an unknown one (``checked``: AlimTalk too)."""
    names = CHECKED_CHANNELS if checked else CHANNELS
    if channel not in names:
        raise UnknownChoiceError(f"unknown channel {channel!r} (use one of {', '.join(names)})")
    return SPECS[channel]


def is_text_channel(channel: str) -> bool:
    """SMS/LMS: plain EUC-KR text, no emoji."""
    return channel in BYTE_LIMITS


@functools.lru_cache(maxsize=8192)
def is_euckr(ch: str) -> bool:
    """One character encodable in KS X 1001 EUC-KR: ASCII or one 2-byte code (not ``똠``)."""
    try:
        return len(ch.encode("euc-kr")) <= 2
    except UnicodeEncodeError:
        return False


def euckr_bytes(text: str) -> int:
    """Size as carriers bill it: 1 byte per ASCII character, 2 for every other character."""
    return 2 * len(text) - len(text.encode("ascii", "ignore"))


def encodable(text: str) -> bool:
    """Every character is KS X 1001 EUC-KR (see the module docstring for why not CP949)."""
    try:
        # The codec writes annex-3 syllables as 8 bytes: equal sizes mean there are none.
        return len(text.encode("euc-kr")) == euckr_bytes(text)
    except UnicodeEncodeError:
        return False


def strip_unencodable(text: str) -> str:
    """Drop characters an SMS/LMS cannot carry (emoji and the like), tidying doubled spaces."""
    kept = "".join(ch for ch in text if is_euckr(ch))
    return "\n".join(" ".join(line.split()) for line in kept.split("\n"))


def strip_emoji(text: str) -> str:
    """Drop pictographs (and their joiners/variation selectors), keeping text symbols like ·."""
    kept = "".join(
        ch for ch in text
        if not (unicodedata.category(ch) == "So" and ord(ch) >= 0x2600) and ch not in "\u200d\ufe0f"
    )
    return "\n".join(" ".join(line.split()) for line in kept.split("\n"))


def size(text: str, channel: str) -> int:
    """EUC-KR bytes on SMS/LMS, characters elsewhere."""
    return euckr_bytes(text) if is_text_channel(channel) else len(text)


def limit(channel: str) -> int:
    """The drafting channel's limit (bytes or characters); ValueError for an unknown channel."""
    return spec(channel).limit


def fits(text: str, channel: str) -> bool:
    """Within the channel's limit, and EUC-KR encodable for SMS/LMS."""
    if is_text_channel(channel) and not encodable(text):
        return False
    return size(text, channel) <= limit(channel)
