"""Kind prefixes (``__CALL__: text``, ``__PING__`` …): explicit use, or refusal.

A text that starts with one of these prefixes makes the server send another kind of message
than the request's flags say: ``send(phone, "__VIBER__: hi")`` would go out as a Viber
message, at another price. So the SDK never lets a prefix through by accident:

* The first-class methods (`AsyncClient.send_flash`, ``send_soc`` …) choose the kind with a
  flag and refuse a text that starts with a prefix (flag and prefix together leave the
  server to choose, which the API text does not define).
* A prefix is sent only when the caller writes it on purpose with `prefixed`, which returns
  a `PrefixedText`. That is the one reason to use prefixes at all: in a ``list`` send, where
  each line may be a different kind (``Message(phones=..., text=prefixed(Prefix.VIBER, ...))``).
* `refuse_prefix` is the check an encoder applies to a plain ``send``/``send_list`` text:
  a `PrefixedText` passes, a plain ``str`` that starts with a prefix does not.

The server's matching rule is not documented, so the check is conservative: any of the
listed prefixes, in any letter case, after any leading whitespace.
"""

from __future__ import annotations

import enum
import re

from .._errors import ValidationError

__all__ = ["Prefix", "PrefixedText", "is_call_text", "prefixed", "refuse_prefix"]


class Prefix(str, enum.Enum):
    """A kind prefix a message text may start with."""

    CALL = "__CALL__"
    """A voice message; the text may end with ``\\n~~~\\n`` and a ``param`` value (checked),
    and takes no comment."""
    VIBER = "__VIBER__"
    """A Viber message."""
    SOC = "__SOC__"
    """A message to Odnoklassniki / VKontakte / Mail.Ru Agent users."""
    MAIL = "__MAIL__"
    """An e-mail."""
    BOT = "__BOT__"
    """A message through a Telegram bot."""
    PING = "__PING__"
    """A ping-SMS (no text)."""
    HLR = "__HLR__"
    """An HLR request (no text)."""


_TEXTLESS = frozenset({Prefix.PING, Prefix.HLR})
_STARTS_WITH_PREFIX = re.compile(
    r"\s*(?:" + "|".join(re.escape(p.value) for p in Prefix) + ")", re.IGNORECASE
)


_STARTS_WITH_CALL = re.compile(r"\s*" + re.escape(Prefix.CALL.value), re.IGNORECASE)


def is_call_text(text: str) -> bool:
    """Whether ``text`` starts with the ``__CALL__`` prefix (makes the message a voice call)."""
    return _STARTS_WITH_CALL.match(text) is not None


class PrefixedText(str):
    """A message text that starts with a kind prefix on purpose; made by `prefixed`."""

    __slots__ = ()


def prefixed(prefix: Prefix, text: str | None = None) -> PrefixedText:
    """Write ``text`` behind a kind prefix, e.g. ``prefixed(Prefix.SOC, "Hi")`` → ``"__SOC__: Hi"``.

    Args:
        prefix: the kind.
        text: the message; required for every kind except `Prefix.PING` and `Prefix.HLR`,
            which take none.

    Raises:
        ValidationError: field ``prefix`` or ``text``.
    """
    try:
        prefix = Prefix(prefix)
    except ValueError:
        raise ValidationError("prefix", "must be a Prefix") from None
    if prefix in _TEXTLESS:
        if text is not None:
            raise ValidationError("text", f"must be None: {prefix.value} carries no text")
        return PrefixedText(prefix.value)
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("text", f"must be a non-blank string for {prefix.value}")
    if _STARTS_WITH_PREFIX.match(text):
        raise ValidationError("text", "must not start with another kind prefix")
    if prefix is Prefix.CALL and _CALL_TAIL in text:
        _check_call_tail(text.partition(_CALL_TAIL)[2])
    return PrefixedText(f"{prefix.value}: {text}")


_CALL_TAIL = "\n~~~\n"

#: The server's working ranges of a call's ``param`` (wait, interval, attempts), shared with
#: `smsc_async.CallParams`; outside them it silently replaces all three by its defaults.
CALL_PARAM_RANGES = {"wait": (10, 35), "interval": (10, 3600), "attempts": (1, 9)}
_CALL_PARAM = re.compile(r"([0-9]{1,4}),([0-9]{1,4}),([0-9]{1,4})")


def _check_call_tail(tail: str) -> None:
    """A ``__CALL__`` text may end with ``\\n~~~\\n`` and a ``param`` value, nothing else.

    The server reads that tail as the call's ``param`` (not as a comment), and any invalid
    value resets all three call settings; so only `CallParams`' ranges are accepted.
    """
    rule = (
        "of a call may end with \\n~~~\\n and a param w,i,n only (wait 10..35, "
        "interval 10..3600, attempts 1..9): SMSC reads that tail as the call's param"
    )
    values = _CALL_PARAM.fullmatch(tail)
    if values is None:
        raise ValidationError("text", rule)
    for number, (low, high) in zip(values.groups(), CALL_PARAM_RANGES.values(), strict=True):
        if not low <= int(number) <= high:
            raise ValidationError("text", rule)


def refuse_prefix(field: str, text: str, *, explicit_ok: bool = True) -> str:
    """Return ``text`` unless it starts with a kind prefix that was not written on purpose.

    Args:
        field: the parameter named in the error.
        text: the message text.
        explicit_ok: whether a `PrefixedText` (made by `prefixed`) passes. The first-class
            methods pass ``False``: their flag already chooses the kind.

    Raises:
        ValidationError: the text starts with a prefix such as ``__VIBER__``.
    """
    if isinstance(text, PrefixedText) and explicit_ok:
        return text
    if _STARTS_WITH_PREFIX.match(text):
        hint = (
            "this method chooses the kind itself"
            if not explicit_ok
            else "it would change the message kind and price; use prefixed() if meant"
        )
        raise ValidationError(field, f"must not start with a kind prefix like __VIBER__ ({hint})")
    return text
