"""Keeping credentials out of errors, even when the server repeats them.

A careless server or proxy may quote the request back: an HTML error page showing the form it
received, a JSON error saying which password was wrong. Whatever an `SmscError` carries from
such an answer (its description, reason, cause, body, and the ``args``/``str()`` built from
them) is passed through `redact_text` or `redact_bytes` when the error is built, and every
credential of every open client is replaced there by `REDACTED`.

Like a CI system's secret masker, this works from a process-wide list: each `AsyncClient`
registers its credentials (`watch`) and they stay listed while the client exists. Errors are
built deep inside the decoders, far from the client, so a list they can all reach is what lets
every error be covered without threading the credentials through each decoder; it costs
nothing on the success path, since only errors are scanned.

What counts as a credential: the login, the password and the API key, each as sent and in the
forms a server may repeat it in —

* raw text, and each character URL-encoded from its UTF-8 (or windows-1251, KOI8-R) bytes
  (``%xx`` in either case, ``+`` for a space), as a backslash escape (``\\u00e9``, ``\\"``)
  or as an HTML character reference (``&amp;``, ``&#233;``, ``&#xe9;``), in any mix;
* in a raw body (bytes), also the windows-1251 and KOI8-R bytes of each character;
* the password's MD5 as hex, in either case (SMSC accepts ``psw`` as its lower-case MD5).

The login is matched ignoring case. Values shorter than `MIN_LENGTH` characters are left
alone: replacing every such letter or digit would make each error unreadable while hiding
nothing that a few guesses would not find.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import weakref
from collections.abc import Iterable
from typing import Final
from urllib.parse import parse_qsl

__all__ = ["MIN_LENGTH", "REDACTED", "Redactor", "redact_bytes", "redact_text", "watch"]

REDACTED: Final = "***"
"""What a credential is replaced with."""

MIN_LENGTH: Final = 4
"""The shortest credential that is redacted (see the module docstring)."""

# Backslash escapes of JSON (and of JavaScript/Python string literals, for the quote).
_SHORT_ESCAPES: Final = {
    '"': '\\\\"',
    "'": "\\\\'",
    "\\": "\\\\\\\\",
    "/": "\\\\/",
    "\n": "\\\\n",
    "\t": "\\\\t",
}
_HTML_NAMED: Final = {"&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos"}
_CHARSETS: Final = ("utf-8", "cp1251", "koi8-r")


def _hex_digit(value: int) -> str:
    """A regex matching one hex digit of ``value`` in either case."""
    digit = f"{value:X}"
    return digit if digit.isdigit() else f"[{digit}{digit.lower()}]"


def _hex_number(value: int, width: int = 0) -> str:
    return "".join(_hex_digit(int(digit, 16)) for digit in f"{value:0{width}X}")


def _char_forms(char: str, *, raw_bytes: bool) -> str:
    """A regex group matching ``char`` as itself or in any escaped form (module docstring)."""
    encodings = []
    for charset in _CHARSETS:
        with contextlib.suppress(UnicodeEncodeError):  # not every charset has every letter
            encodings.append(
                char.encode(charset, "surrogatepass" if charset == "utf-8" else "strict")
            )
    # As itself: in text the character, in bytes (read as Latin-1) its bytes in each charset.
    raws = {encoded.decode("latin-1") for encoded in encodings} if raw_bytes else {char}
    forms = {re.escape(raw) for raw in raws}
    for encoded in encodings:  # URL-encoded
        forms.add("".join(f"%{_hex_digit(byte >> 4)}{_hex_digit(byte & 15)}" for byte in encoded))
    if char == " ":
        forms.add(r"\+")
    code = ord(char)
    if code > 0xFFFF:  # JSON writes it as a surrogate pair
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.add(f"\\\\u{_hex_number(high, 4)}\\\\u{_hex_number(low, 4)}")
    else:
        forms.add(f"\\\\u{_hex_number(code, 4)}")
    if char in _SHORT_ESCAPES:
        forms.add(_SHORT_ESCAPES[char])
    forms.add(f"&\\#0*{code};")
    forms.add(f"&\\#[xX]0*{_hex_number(code)};")
    if char in _HTML_NAMED:
        forms.add(f"&{_HTML_NAMED[char]};")
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


def _pattern(value: str, *, ignore_case: bool, raw_bytes: bool) -> str:
    body = "".join(_char_forms(char, raw_bytes=raw_bytes) for char in value)
    return f"(?i:{body})" if ignore_case else body


class Redactor:
    """One client's credentials, and the patterns that find them in text and in bytes.

    Args:
        login: matched ignoring case.
        secrets: the password and/or API key, matched exactly (forms aside).
        password: the password whose MD5 hex is also a credential.

    ``repr`` never shows a value. Patterns are compiled at the first use, since most clients
    never build an error that needs them.
    """

    __slots__ = ("__weakref__", "_bytes", "_text", "_values")

    def __init__(
        self, *, login: str | None = None, secrets: Iterable[str] = (), password: str | None = None
    ) -> None:
        values: list[tuple[str, bool]] = []
        if login:
            values.append((login, True))
        values.extend((value, False) for value in secrets if value)
        if password:
            digest = hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()
            values.append((digest, True))
        values = [(value, fold) for value, fold in values if len(value) >= MIN_LENGTH]
        # Longer values first, so that a password containing the login goes as a whole.
        values.sort(key=lambda item: len(item[0]), reverse=True)
        self._values: tuple[tuple[str, bool], ...] = tuple(values)
        self._text: re.Pattern[str] | None = None
        self._bytes: re.Pattern[str] | None = None

    @classmethod
    def from_auth(cls, auth: bytes) -> Redactor:
        """The redactor of an encoded credentials body (``login=…&psw=…`` or ``apikey=…``)."""
        fields = dict(parse_qsl(auth.decode("ascii"), keep_blank_values=True))
        password = fields.get("psw")
        secrets = [value for value in (password, fields.get("apikey")) if value]
        return cls(login=fields.get("login"), secrets=secrets, password=password)

    def __repr__(self) -> str:
        return f"<Redactor of {len(self._values)} credential forms>"

    def text(self, text: str) -> str:
        """``text`` with every credential replaced by `REDACTED`."""
        if not self._values or not text:
            return text
        pattern = self._text
        if pattern is None:
            pattern = self._text = self._compile(raw_bytes=False)
        return pattern.sub(REDACTED, text)

    def bytes(self, body: bytes) -> bytes:
        """``body`` with every credential (in any of the charsets above) replaced."""
        if not self._values or not body:
            return body
        pattern = self._bytes
        if pattern is None:
            pattern = self._bytes = self._compile(raw_bytes=True)
        # Latin-1 maps each byte to one character and back, so a str pattern can match bytes.
        return pattern.sub(REDACTED, body.decode("latin-1")).encode("latin-1")

    def _compile(self, *, raw_bytes: bool) -> re.Pattern[str]:
        parts = [
            _pattern(value, ignore_case=fold, raw_bytes=raw_bytes) for value, fold in self._values
        ]
        # ASCII: in bytes mode, case folding must not pair unrelated high bytes.
        return re.compile("|".join(parts), re.ASCII if raw_bytes else 0)


# Every live client's redactor, by its credentials body (clients with the same credentials
# share one). Guarded by a lock: clients may be created in other threads.
_LIVE: weakref.WeakValueDictionary[bytes, Redactor] = weakref.WeakValueDictionary()
_LOCK = threading.Lock()


def watch(auth: bytes) -> Redactor:
    """Register the credentials of ``auth`` until the returned redactor is dropped.

    The caller (the client) keeps the returned object: the entry lives as long as it does.
    """
    with _LOCK:
        redactor = _LIVE.get(auth)
        if redactor is None:
            redactor = _LIVE[auth] = Redactor.from_auth(auth)
        return redactor


def _live() -> list[Redactor]:
    if not _LIVE:
        return []
    with _LOCK:
        return list(_LIVE.values())


def redact_text(text: str) -> str:
    """``text`` with the credentials of every live client replaced by `REDACTED`."""
    for redactor in _live():
        text = redactor.text(text)
    return text


def redact_bytes(body: bytes) -> bytes:
    """``body`` with the credentials of every live client replaced by `REDACTED`."""
    for redactor in _live():
        body = redactor.bytes(body)
    return body
