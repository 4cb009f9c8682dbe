"""How results, statuses and messages show recipients and texts in ``repr``.

A ``repr`` ends up in logs, tracebacks and error trackers, where a phone number or a
one-time code does not belong. So the values that hold them show only enough to tell
records apart while debugging; the attributes themselves stay as they are.

* A phone number keeps its first four and last two digits: ``7999*****67``. Shorter
  numbers keep only the last two.
* An e-mail address keeps the first character of its local part and its domain:
  ``a***@example.com``; a Telegram ``@nick`` its first character, a ``#id`` its last two
  digits; a ``G<n>`` group stays as it is (it names a contact list, not a person).
* A text shows its length only: ``<12 chars>``.
* A mapping of fields the server sent beyond the known ones shows its keys only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["mask_fields", "mask_recipient", "mask_recipients", "mask_text", "recipient_repr"]

_PHONE = re.compile(r"\+?[0-9 ()-]*[0-9][0-9 ()-]*")
_GROUP = re.compile(r"[Gg][0-9]+")
_SEPARATORS = re.compile(r"([,;])")


def _stars(count: int) -> str:
    return "*" * max(count, 3)


def mask_recipient(value: str) -> str:
    """One recipient, masked (see the module docstring)."""
    item = value.strip()
    if _GROUP.fullmatch(item) or item == "$phone":
        return item
    if _PHONE.fullmatch(item):
        plus = "+" if item.startswith("+") else ""
        digits = re.sub(r"[^0-9]", "", item)
        if len(digits) >= 10:
            return f"{plus}{digits[:4]}{_stars(len(digits) - 6)}{digits[-2:]}"
        return f"{plus}{_stars(len(digits) - 2)}{digits[-2:]}"
    if item.startswith("#") and item[1:].isdigit():
        return "#" + _stars(len(item) - 3) + item[-2:]
    if item.startswith("@") and "@" not in item[1:]:
        return item[:2] + "***"
    local, at, domain = item.rpartition("@")
    if at and local:
        return f"{local[0]}***@{domain}"
    return mask_text(item)


def recipient_repr(value: str | None) -> str:
    """One recipient's masked ``repr`` (quoted, like a string's)."""
    return "None" if value is None else repr(mask_recipient(value))


def mask_recipients(value: str | Iterable[str] | None) -> str:
    """Recipients (a ``,``/``;`` separated string or an iterable), each masked."""
    if value is None:
        return "None"
    if isinstance(value, str):
        parts = _SEPARATORS.split(value)
        return repr("".join(p if p in (",", ";") else mask_recipient(p) for p in parts))
    return repr(tuple(mask_recipient(item) for item in value))


def mask_text(value: str | None) -> str:
    """A text as its length: ``<12 chars>``."""
    return "None" if value is None else f"<{len(value)} chars>"


def mask_fields(value: Mapping[str, Any]) -> str:
    """Extra fields as their keys only: ``{'imsi': …, 'flag': …}``."""
    return "{" + ", ".join(f"{key!r}: …" for key in value) + "}"
