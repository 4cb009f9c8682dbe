"""Who a message may go to, as the server reads it: phone numbers (with its Russian
auto-corrections), e-mail addresses, Telegram-bot recipients, and client message ids."""

from __future__ import annotations

import re

__all__ = [
    "normalize_bot_recipient",
    "normalize_email",
    "normalize_phone",
    "parse_message_id",
    "recipient_key",
]


_PHONE_DECORATION = re.compile(r"[\s()\-.]")


def normalize_phone(raw: str) -> str | None:
    """A number in international form (digits only), or ``None`` when it is not one.

    Without a leading ``+`` the server auto-corrects Russian forms (``8XXXXXXXXXX`` →
    ``7XXXXXXXXXX``, ten digits starting with 9 → ``7`` prefixed); with ``+`` it does not.
    Valid: 10 to 15 digits after that.
    """
    text = _PHONE_DECORATION.sub("", raw)
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not digits.isdigit() or not digits.isascii():
        return None
    if not plus:
        if len(digits) == 11 and digits.startswith("8"):
            digits = "7" + digits[1:]
        elif len(digits) == 10 and digits.startswith("9"):
            digits = "7" + digits
    return digits if 10 <= len(digits) <= 15 else None


_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
_TG_NICK = re.compile(r"^@[A-Za-z0-9_]{3,32}$")
_TG_ID = re.compile(r"^#[0-9]{1,20}$")


def normalize_email(raw: str) -> str | None:
    """An e-mail address (lower-cased domain), or ``None``."""
    text = raw.strip()
    if not _EMAIL.match(text):
        return None
    local, _, domain = text.partition("@")
    return f"{local}@{domain.lower()}"


def normalize_bot_recipient(raw: str) -> str | None:
    """A Telegram-bot recipient: ``@nick``, ``#ID`` or a phone number."""
    text = raw.strip()
    if _TG_NICK.match(text) or _TG_ID.match(text):
        return text
    return normalize_phone(text)


def recipient_key(raw: str) -> str:
    """How a ledger entry knows a recipient: a phone number, e-mail address or bot
    recipient normalised, else ``raw`` as given."""
    return normalize_phone(raw) or normalize_email(raw) or normalize_bot_recipient(raw) or raw


_STRING_ID = re.compile(r"^[A-Za-z0-9.\-_]{1,40}$")


def parse_message_id(raw: str) -> int | str | None:
    """A client message id: an integer 1..2147483647, or a string of up to 40 characters of
    ``[A-Za-z0-9.-_]``; ``None`` when it is neither. An all-digit id is a number and must be
    in range (so ``0`` and ``2147483648`` are errors)."""
    if raw.isdigit() and raw.isascii():
        value = int(raw)
        return value if 1 <= value <= 2_147_483_647 else None
    return raw if _STRING_ID.match(raw) else None
