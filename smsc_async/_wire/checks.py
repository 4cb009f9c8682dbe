"""Checks of the values every area sends: texts, senders, recipients, integers, URLs.

Pure functions, no I/O. Every failure is a `ValidationError` naming the field and the rule,
never the value (it could be message content or a phone number).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .._errors import ValidationError
from .prefix import is_call_text

__all__ = [
    "CALL_COMMENT_RULE",
    "COMMENT_SEPARATOR",
    "EMAIL",
    "check_int",
    "check_sender",
    "check_text",
    "check_url",
    "encode_phones",
    "is_plain_phone",
    "is_plain_text",
    "list_text",
    "nl_record_head",
    "with_comment",
]
# No rule text ever includes the value it rejects.

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What no message text may hold: C0 controls but tab and line breaks, DEL, C1 controls.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PHONE = re.compile(r"\+?[0-9 ()-]+")
_PHONE_FORMATTING = re.compile(r"[ ()-]")
_PHONE_DIGITS = re.compile(r"\+?[0-9]{3,20}")
_GROUP = re.compile(r"[Gg][0-9]{1,10}")
EMAIL = re.compile(r"[^\s@,;:|<>()\[\]\\\"]+@[^\s@,;:|<>()\[\]\\\"]+\.[^\s@,;:|<>()\[\]\\\".]+")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]")
_TELEGRAM = re.compile(r"@[A-Za-z0-9_]{1,64}|#[0-9]{1,20}")
_SENDER_DIGITS = re.compile(r"\+?[0-9]{1,15}")
_SENDER_NAME = re.compile(r"[\x20-\x7e]{1,11}")  # Latin letters, digits, space, ASCII symbols
COMMENT_SEPARATOR = "\n~~~\n"
CALL_COMMENT_RULE = "cannot be added to a voice call: SMSC reads it as the call's param"


def check_text(field: str, value: object, max_length: int, *, single_line: bool = False) -> str:
    """Return ``value`` if it is a non-blank string of at most ``max_length`` characters.

    Control characters (NUL, BEL, ESC, DEL, C1 …) are refused: the server would send and
    bill them, and a phone shows them as garbage or not at all. Tab and line breaks are
    allowed unless ``single_line``.
    """
    if not isinstance(value, str):
        raise ValidationError(field, "must be a string")
    if not value.strip():
        raise ValidationError(field, "must not be empty or blank")
    if len(value) > max_length:
        raise ValidationError(field, f"must be at most {max_length} characters")
    if _SURROGATE.search(value):
        raise ValidationError(field, "must be valid Unicode (it holds a lone surrogate)")
    if single_line:
        if _CONTROL.search(value):
            raise ValidationError(field, "must not contain control characters or line breaks")
    elif _TEXT_CONTROL.search(value):
        raise ValidationError(
            field, "must not contain control characters (only tab and line breaks are allowed)"
        )
    return value


def is_plain_phone(value: str) -> bool:
    """Whether ``value`` is one phone number exactly as `encode_phones` would write it.

    Such a string (optional ``+``, 3..20 digits, nothing else) comes out of `encode_phones`
    unchanged, so a caller may use it as is (a fast path for the commonest send).
    """
    return _PHONE_DIGITS.fullmatch(value) is not None


def is_plain_text(value: str, max_length: int) -> bool:
    """Whether `check_text` would return ``value`` unchanged and no kind prefix can start it.

    True only for a non-blank text of at most ``max_length`` characters, all of them
    printable (no control character, line break or lone surrogate), without ``__`` anywhere
    (every kind prefix starts with ``__``). False means "take the general path", not
    "invalid".
    """
    return (
        0 < len(value) <= max_length
        and not value.isspace()
        and "__" not in value
        and value.isprintable()
    )


def with_comment(field: str, text: str, comment: object) -> str:
    """Append a history comment to a checked text; an empty comment adds nothing.

    The comment is not sent nor billed, so it does not count toward the text's 1000
    characters; it has its own limit of 1000. A text that already holds the separator
    would make the server start the comment there, so the two cannot be combined. A voice
    call (a ``__CALL__`` text) takes no comment: the server reads what follows the separator
    as the call's ``param``, and an invalid one resets every call setting.
    """
    if comment is None or comment == "":
        return text
    if is_call_text(text):
        raise ValidationError(field, CALL_COMMENT_RULE)
    if COMMENT_SEPARATOR in text:
        raise ValidationError(field, "cannot be added: the text already holds a \\n~~~\\n comment")
    return text + COMMENT_SEPARATOR + check_text(field, comment, 1000)


def check_sender(field: str, value: object, *, in_list: bool, email: bool = True) -> str:
    """A sender name, number, or (``email``, for e-mail sends) address.

    SMSC allows "English letters, digits, space and some symbols", at most 11 characters, or
    up to 15 digits. The symbols are not listed, so any printable ASCII one is taken (the
    server refuses an unregistered name anyway); a Cyrillic or other non-ASCII name, or a
    control character, is refused. In a list line (``sender,tz|phones:text``) it must not
    hold ``,``, ``|`` or ``:``.
    """
    sender = check_text(field, value, 254, single_line=True)
    if not (
        _SENDER_NAME.fullmatch(sender)
        or _SENDER_DIGITS.fullmatch(sender)
        or (email and EMAIL.fullmatch(sender))
    ):
        rule = "must be at most 11 Latin letters, digits, spaces or ASCII symbols, or 15 digits"
        raise ValidationError(field, rule + (" or an e-mail address" if email else ""))
    if in_list and any(char in sender for char in ",|:"):
        raise ValidationError(field, "must not contain , | or : in a list send")
    return sender


def encode_phones(field: str, phones: object) -> str:
    """Check recipients and write them joined by ``,``.

    A string is split at ``,`` and ``;``; an iterable gives one recipient per item, and an
    item holding a separator is rejected (it would smuggle in more recipients). Each
    recipient is a phone number (optional leading ``+``, 3..20 digits; spaces, dashes and
    parentheses are accepted and dropped), a group ``G<n>``/``g<n>``, an e-mail address, a
    Telegram ``@nick`` or ``#id``. Errors name the recipient by position, never by value.
    """
    if isinstance(phones, str):
        items: list[object] = re.split(r"[,;]", phones)
        split = True
    elif isinstance(phones, (bytes, bytearray)) or not isinstance(phones, Iterable):
        raise ValidationError(field, "must be a string or an iterable of strings")
    else:
        items = list(phones)
        split = False
    if not items or (split and not str(phones).strip()):
        raise ValidationError(field, "must name at least one recipient")
    return ",".join([_recipient(field, n, item, split) for n, item in enumerate(items, 1)])


def _recipient(field: str, number: int, item: object, split: bool) -> str:
    where = f"recipient {number}"
    if not isinstance(item, str):
        raise ValidationError(field, f"{where}: must be a string")
    if _CONTROL.search(item):
        raise ValidationError(field, f"{where}: must not contain control characters")
    item = item.strip()
    if not item:
        raise ValidationError(field, f"{where}: must not be empty")
    if not split and ("," in item or ";" in item):
        raise ValidationError(field, f"{where}: holds a separator; give one recipient per item")
    if ":" in item or "|" in item:
        raise ValidationError(field, f"{where}: must not contain : or |")
    if _PHONE.fullmatch(item):
        number_only = _PHONE_FORMATTING.sub("", item)
        if _PHONE_DIGITS.fullmatch(number_only):
            return number_only
    elif _GROUP.fullmatch(item) or EMAIL.fullmatch(item) or _TELEGRAM.fullmatch(item):
        return item
    raise ValidationError(
        field, f"{where}: not a phone number, G<n> group, e-mail address, @nick or #id"
    )


# In nl mode a line starts a new message when what comes before its first ":" could be read
# as a line head. How the server reads it is undocumented; these cover every reading the
# emulator can play: a "|" (a sender prefix), phone-list characters, or valid recipients.
_PHONE_LIST_HEAD = re.compile(r"[\s\d+(),;\-Gg]+")
# A recipient as loosely as a server might take one: anything around one "@" reads as an
# e-mail address there, even where this SDK's own check wants a domain.
_LOOSE_RECIPIENT = re.compile(r"[^@\s,;:|]+@[^@\s,;:|]+|@\w+|#\d+")
NL_CONTINUATION_RULE = (
    "has a line the server would read as a new message in nl mode (recipients or a | "
    "before its first :); reword it or send without nl"
)


def _reads_as_record(line: str) -> bool:
    """Whether a line could start a new message in ``nl`` mode, under any reading."""
    head, colon, _ = line.partition(":")
    if "|" in head:
        return True
    if not colon:
        return False
    if _PHONE_LIST_HEAD.fullmatch(head):
        return True
    items = [item.strip() for item in re.split(r"[,;]", head)]
    if all(items) and all(
        _PHONE_LIST_HEAD.fullmatch(item) or _LOOSE_RECIPIENT.fullmatch(item) for item in items
    ):
        return True
    try:
        encode_phones("", head)
    except ValidationError:
        return False
    return True


def nl_record_head(phones: str) -> bool:
    """Whether encoded recipients start a line every ``nl`` reading takes for a new message:
    phone numbers and ``G<n>`` groups only (e-mail, ``@nick`` and ``#id`` need a sender)."""
    return _PHONE_LIST_HEAD.fullmatch(phones) is not None


def list_text(field: str, text: str, *, nl: bool, continued: bool = False) -> str:
    """Write a text for a ``list`` line (see `smsc_async._resources.send.request.encode_send_list`).

    Without ``nl`` line breaks become the two characters ``\\n``, and a text that already
    holds them is refused. With ``nl`` line breaks stay, and every line that continues the
    message (all after the first, or all of them when ``continued``: a comment) is refused
    when the server could read it as the start of a new message.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if nl:
        lines = text.split("\n")
        if any(_reads_as_record(line) for line in (lines if continued else lines[1:])):
            raise ValidationError(field, NL_CONTINUATION_RULE)
        return text
    if "\\n" in text or "\\\n" in text:
        raise ValidationError(
            field, "holds a backslash before n or a line break; use nl=True or a single send"
        )
    return text.replace("\n", "\\n")


def check_int(field: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is an ``int`` (not a ``bool``) in ``low..high``, else raise."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(field, f"must be an integer from {low} to {high}")
    if not low <= value <= high:
        raise ValidationError(field, f"must be from {low} to {high}")
    return value


def check_url(field: str, value: object, forbidden: str = "") -> str:
    """An absolute http(s) URL of at most 2048 characters without spaces or ``forbidden``."""
    rule = "must be an absolute http(s) URL without spaces, at most 2048 characters"
    if not isinstance(value, str) or len(value) > 2048 or _CONTROL_OR_SPACE.search(value):
        raise ValidationError(field, rule)
    try:
        parts = urlsplit(value)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise ValidationError(field, rule)
    if any(char in value for char in forbidden):
        raise ValidationError(field, f"must not contain any of {' '.join(forbidden)}")
    return value
