"""How much of an SMS a text takes: part counting (GSM-7 or UCS-2) and ``maxsms`` cutting."""

from __future__ import annotations

import math

__all__ = ["cut_to_parts", "sms_parts"]

# GSM 03.38 default alphabet (escape excluded) and its extension table (two septets each).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


def _gsm_septets(text: str) -> int | None:
    """Septets ``text`` takes in GSM-7, or ``None`` when a character needs UCS-2."""
    total = 0
    for char in text:
        if char in _GSM_BASIC:
            total += 1
        elif char in _GSM_EXTENSION:
            total += 2
        else:
            return None
    return total


def sms_parts(text: str) -> int:
    """SMS parts ``text`` takes: 160 GSM-7 characters in one SMS, 153 per part when split;
    with any other character (Cyrillic…) 70 UCS-2 units, 67 per part. An empty text is one."""
    septets = _gsm_septets(text)
    if septets is not None:
        single, multi, units = 160, 153, septets
    else:
        single, multi = 70, 67
        units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= single else math.ceil(units / multi)


def cut_to_parts(text: str, max_parts: int) -> str:
    """The longest prefix of ``text`` that fits in ``max_parts`` SMS (``maxsms``)."""
    if sms_parts(text) <= max_parts:
        return text
    low, high = 0, len(text)  # sms_parts grows with the prefix: binary search the boundary
    while low < high:
        mid = (low + high + 1) // 2
        if sms_parts(text[:mid]) <= max_parts:
            low = mid
        else:
            high = mid - 1
    return text[:low]
