"""What one message of each kind takes: SMS parts (or call seconds) and the cost per recipient.

Decisions where SMSC's documentation is silent (documented for users of the emulator):

* SMS and flash: `sms_parts` of the text actually sent; with ``translit=1|2`` the text is
  counted after Latin transliteration (both forms are counted with the ``translit`` table);
  ``maxsms`` cuts the text to fit.
* Binary (``bin=1``: one byte per character; ``bin=2``: hex) and WAP-push (UTF-8 bytes of
  link and title): 140 bytes per SMS. A binary message whose first byte (the header length)
  claims more bytes than follow is error 1.
* Voice call: ``cnt`` is seconds — text read at 12 characters a second plus 30 seconds per
  attached or ``fileurl`` file, at least 1; billed ``price`` per started minute.
* Every other kind (HLR, ping, MMS, e-mail, soc, Viber, WhatsApp, Telegram, bot): one unit.
"""

from __future__ import annotations

import math
from decimal import Decimal

from ..._rules.parts import cut_to_parts, sms_parts
from ..._state.codes import MessageKind
from ..._wire.answer import ApiFault

__all__ = ["measure", "transliterate", "unit_cost"]

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "'", "ы": "y", "ь": "'", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip


def transliterate(text: str) -> str:
    """Russian letters to Latin (``translit=1``); other characters unchanged."""
    out = []
    for char in text:
        latin = _TRANSLIT.get(char.lower())
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)


def _bytes_parts(size: int) -> int:
    return max(1, math.ceil(size / 140))


def _binary_size(text: str, mode: int) -> int:
    """Bytes of a binary message; its first byte, the header length, must fit (else error 1)."""
    if mode == 2:
        try:
            data = bytes.fromhex("".join(text.split()))
        except ValueError:
            raise ApiFault(1, "parameters error") from None
        size, header = len(data), data[0] if data else 0
    else:
        size, header = len(text), ord(text[0]) if text else 0
    if size and header + 1 > size:
        raise ApiFault(1, "parameters error")
    return size


def measure(
    kind: MessageKind,
    text: str,
    *,
    translit: int = 0,
    max_parts: int | None = None,
    bin_mode: int = 1,
    files: int = 0,
) -> tuple[str, int]:
    """The text as sent and its units per recipient (SMS parts, or seconds for a call)."""
    if kind in (MessageKind.SMS, MessageKind.FLASH):
        if translit:
            if max_parts is not None:
                text = _cut_translit(text, max_parts)
            return text, sms_parts(transliterate(text))
        if max_parts is not None:
            text = cut_to_parts(text, max_parts)
        return text, sms_parts(text)
    if kind is MessageKind.BIN:
        return text, _bytes_parts(_binary_size(text, bin_mode))
    if kind is MessageKind.PUSH:
        return text, _bytes_parts(len(text.encode("utf-8")))
    if kind is MessageKind.CALL:
        return text, max(1, math.ceil(len(text) / 12) + 30 * files)
    return text, 1


def _cut_translit(text: str, max_parts: int) -> str:
    low, high = 0, len(text)
    if sms_parts(transliterate(text)) <= max_parts:
        return text
    while low < high:
        mid = (low + high + 1) // 2
        if sms_parts(transliterate(text[:mid])) <= max_parts:
            low = mid
        else:
            high = mid - 1
    return text[:low]


def unit_cost(kind: MessageKind, units: int, price: Decimal) -> Decimal:
    """What one recipient of a message of ``units`` costs."""
    if kind is MessageKind.CALL:
        return price * math.ceil(units / 60)
    return price * units
