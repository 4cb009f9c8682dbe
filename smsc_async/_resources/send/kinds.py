"""First-class sends for message kinds without attachments.

Flash SMS, binary SMS, WAP-push, HLR requests, ping-SMS, social-network (``soc``), WhatsApp,
Telegram confirmation codes and Telegram-bot messages. Each method sets its kind's flag,
checks that kind's own rules before anything is sent, and returns a `SendResult` like
`AsyncClient.send` (errors as there).

Decisions where the API text is silent (each method's docstring repeats its own):

* Each method takes only the `SendOptions` that mean something for its kind (the table
  `_KINDS`); any other option is a `ValidationError` instead of being sent and ignored, or
  worse, combined with the kind's flag (``voice=`` on a flash SMS, ``flash=`` on a binary
  one). Options every send takes: ``id``, ``time``, ``tz``, ``period``, ``freq``, ``err``,
  ``op``, ``pp``, ``imgcode``, ``userip``. Kinds delivered as an SMS add ``sender`` and
  ``valid``.
* A text that starts with a kind prefix (``__VIBER__`` …) is refused: with a flag *and* a
  prefix the server's choice of kind is undefined (see `smsc_async.prefixed`).
* Recipients are phone numbers and ``G<n>`` groups; ``@nick`` and ``#id`` only for the
  Telegram bot; e-mail addresses never (they belong to e-mail sends).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from ..._errors import ValidationError
from ..._wire.checks import check_text, check_url, encode_phones
from ..._wire.prefix import refuse_prefix
from ..base import Area
from .binary import encode_binary
from .messages import send_once
from .request import SendOptions, encode_send

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..._types.results import SendResult

__all__ = ["MessageKinds"]

_EVERY_SEND = frozenset(
    {"id", "time", "tz", "period", "freq", "err", "op", "pp", "imgcode", "userip"}
)
_SMS_BORNE = frozenset({"sender", "valid"})


@attrs.frozen
class _Kind:
    """What one first-class method sends and accepts."""

    method: str
    flag: str
    options: frozenset[str]
    telegram_recipients: bool = False


_KINDS = {
    kind.method: kind
    for kind in (
        _Kind(
            "send_flash",
            "flash",
            _EVERY_SEND | _SMS_BORNE | {"translit", "tinyurl", "maxsms", "comment"},
        ),
        # The pid/dcs tail uses the comment separator, so a binary SMS has no comment.
        _Kind("send_binary", "bin", _EVERY_SEND | _SMS_BORNE),
        _Kind("send_wap_push", "push", _EVERY_SEND | _SMS_BORNE | {"comment"}),
        _Kind("send_hlr", "hlr", _EVERY_SEND),  # nothing is delivered: no sender, no validity
        _Kind("send_ping", "ping", _EVERY_SEND | _SMS_BORNE),
        _Kind("send_soc", "soc", _EVERY_SEND | {"sender", "tinyurl", "comment"}),
        _Kind("send_whatsapp", "whatsapp", _EVERY_SEND | {"sender", "tinyurl", "comment"}),
        # "Only numeric codes of 4 to 8 digits are accepted": no comment tail after them.
        _Kind("send_telegram_code", "tg", _EVERY_SEND),
        _Kind(
            "send_telegram_bot",
            "bot",
            _EVERY_SEND | {"tinyurl", "comment", "smsreq"},
            telegram_recipients=True,
        ),
    )
}

_KNOWN_OPTIONS = SendOptions.__optional_keys__
_TELEGRAM_NICK = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")
_BOT_NAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]")  # 5..32 after the @
_TG_CODE = re.compile(r"[0-9]{4,8}")


def _check_options(kind: _Kind, options: Mapping[str, object]) -> None:
    for name, value in options.items():
        if value is not None and name in _KNOWN_OPTIONS and name not in kind.options:
            raise ValidationError(name, f"is not an option of {kind.method}")


def _check_recipients(kind: _Kind, field: str, recipients: object) -> str:
    """Encode recipients with the shared rules, then refuse those this kind cannot reach."""
    phones = encode_phones(field, recipients)
    for number, item in enumerate(phones.split(","), 1):
        where = f"recipient {number}"
        if item.startswith(("@", "#")):
            if not kind.telegram_recipients:
                raise ValidationError(field, f"{where}: @nick and #id are for send_telegram_bot")
            if item.startswith("@") and not _TELEGRAM_NICK.fullmatch(item):
                raise ValidationError(
                    field, f"{where}: a Telegram @nick is 4..32 of A-Z a-z 0-9 _, from a letter"
                )
        elif "@" in item:
            raise ValidationError(field, f"{where}: e-mail addresses are for e-mail sends")
    return phones


def encode_kind(
    method: str,
    recipients: object,
    message: str | None,
    options: Mapping[str, object],
    *,
    field: str = "phones",
    flag_value: str = "1",
) -> dict[str, str]:
    """The ``send.php`` fields of one first-class send: shared encoding plus the kind's flag.

    ``flag_value`` is what the flag field carries: ``1``, ``2`` for ``bin``, the bot's name.

    Raises:
        ValidationError: an option the kind does not take, a recipient it cannot reach, or
            any rule of `smsc_async._resources.send.request.encode_send`.
    """
    kind = _KINDS[method]
    _check_options(kind, options)
    phones = _check_recipients(kind, field, recipients)
    params = encode_send(phones, message, options)
    params[kind.flag] = flag_value
    return params


def _text(message: object) -> str:
    """A message text of a text kind: the shared rules, and no kind prefix."""
    return refuse_prefix("message", check_text("message", message, 1000), explicit_ok=False)


class MessageKinds(Area):
    """Sends of the kinds without attachments (``client.send_flash`` …); see the module."""

    __slots__ = ()

    async def send_flash(
        self, phones: str | Iterable[str], message: str, **options: Unpack[SendOptions]
    ) -> SendResult:
        """Send a flash SMS (``flash=1``), shown on the screen at once and not stored.

        Options: every-send ones, ``sender``, ``valid``, ``translit``, ``tinyurl``,
        ``maxsms``, ``comment``. Errors as for `AsyncClient.send`.
        """
        params = encode_kind("send_flash", phones, _text(message), options)
        return await send_once(self._call, params, options)

    async def send_binary(
        self,
        phones: str | Iterable[str],
        data: bytes,
        *,
        udh: bytes | None = None,
        pid: int | None = None,
        dcs: int | None = None,
        **options: Unpack[SendOptions],
    ) -> SendResult:
        """Send one binary SMS (``bin=2``, written as hex).

        SMSC's EMS example is ``send_binary(phone, b"Hello, World!",
        udh=bytes.fromhex("0A03070560"))``; its binary WAP-push example is
        ``send_binary(phone, wap_push_si("http://wap.ru/", "wap.ru"), udh=udh_ports(2948,
        9200))``.

        Args:
            phones: phone numbers or ``G<n>`` groups.
            data: the user data after the header.
            udh: the user data header's information elements, *without* its length byte
                (the SDK writes it; a message without a header starts with ``00``).
                Build elements with `udh_ports` and `udh_concat`, join them with ``+``.
            pid: TP-PID 0..255, together with ``dcs``.
            dcs: TP-DCS 0..255, together with ``pid``.
            **options: every-send ones, ``sender``, ``valid``.

        Raises:
            ValidationError: also when length byte + header + data exceed 140 bytes (one
                SMS): a longer payload must be split by the caller, with a `udh_concat`
                element in each part, as the server's handling of long binary messages is
                undocumented.
        """
        mes = encode_binary(data, udh, pid, dcs)
        params = encode_kind("send_binary", phones, mes, options, flag_value="2")
        return await send_once(self._call, params, options)

    async def send_wap_push(
        self, phones: str | Iterable[str], url: str, title: str, **options: Unpack[SendOptions]
    ) -> SendResult:
        """Send a text WAP-push (``push=1``): a link the phone offers to open, with a title.

        SMSC builds the push message itself from ``url`` and ``title`` (``mes`` is the two
        joined by a line break). For a binary push of your own, see `wap_push_si`.

        Args:
            phones: phone numbers or ``G<n>`` groups.
            url: an absolute http(s) URL, no spaces.
            title: one line of text, non-blank; with the URL at most 1000 characters.
            **options: every-send ones, ``sender``, ``valid``, ``comment``.
        """
        check_text("url", url, 1000, single_line=True)
        check_url("url", url)
        check_text("title", title, 1000, single_line=True)
        if len(url) + 1 + len(title) > 1000:
            raise ValidationError("title", "with the url must be at most 1000 characters")
        params = encode_kind("send_wap_push", phones, f"{url}\n{title}", options)
        return await send_once(self._call, params, options)

    async def send_hlr(
        self, phones: str | Iterable[str], **options: Unpack[SendOptions]
    ) -> SendResult:
        """Request HLR data of each number (``hlr=1``): no SMS reaches the phone.

        The answer only says the request was accepted (and what it cost); the HLR result
        arrives at the account's callback URL or is read with a status query.
        Options: the every-send ones.
        """
        params = encode_kind("send_hlr", phones, None, options)
        return await send_once(self._call, params, options)

    async def send_ping(
        self, phones: str | Iterable[str], **options: Unpack[SendOptions]
    ) -> SendResult:
        """Send a ping-SMS (``ping=1``): invisible on the phone, its delivery status tells
        whether the number is reachable now. Options: every-send ones, ``sender``, ``valid``.
        """
        params = encode_kind("send_ping", phones, None, options)
        return await send_once(self._call, params, options)

    async def send_soc(
        self, phones: str | Iterable[str], message: str, **options: Unpack[SendOptions]
    ) -> SendResult:
        """Send to the Odnoklassniki / VKontakte / Mail.Ru Agent user of each number (``soc=1``).

        Options: every-send ones, ``sender``, ``tinyurl``, ``comment``.
        """
        params = encode_kind("send_soc", phones, _text(message), options)
        return await send_once(self._call, params, options)

    async def send_whatsapp(
        self, phones: str | Iterable[str], message: str, **options: Unpack[SendOptions]
    ) -> SendResult:
        """Send a WhatsApp message (``whatsapp=1``).

        Options: every-send ones, ``sender``, ``tinyurl``, ``comment``.
        """
        params = encode_kind("send_whatsapp", phones, _text(message), options)
        return await send_once(self._call, params, options)

    async def send_telegram_code(
        self, phones: str | Iterable[str], code: str, **options: Unpack[SendOptions]
    ) -> SendResult:
        """Send a confirmation code through Telegram (``tg=1``).

        Args:
            phones: phone numbers or ``G<n>`` groups.
            code: 4..8 ASCII digits, as a ``str``. An ``int`` is refused: it cannot hold
                a leading zero, so a code like ``"01234"`` would silently become ``1234``.
            **options: the every-send ones (no ``comment``: the server takes only digits).
        """
        if not isinstance(code, str):
            raise ValidationError("code", "must be a str of digits (an int drops leading zeros)")
        if not _TG_CODE.fullmatch(code):
            raise ValidationError("code", "must be 4..8 ASCII digits 0-9, nothing else")
        params = encode_kind("send_telegram_code", phones, code, options)
        return await send_once(self._call, params, options)

    async def send_telegram_bot(
        self,
        recipients: str | Iterable[str],
        message: str,
        *,
        bot: str,
        **options: Unpack[SendOptions],
    ) -> SendResult:
        """Send a message through your Telegram bot (``bot=@name_bot``).

        Args:
            recipients: phone numbers, ``G<n>`` groups, ``@nick`` or ``#id`` (a Telegram
                user id), as a string or an iterable.
            message: the text, at most 1000 characters.
            bot: the bot's username with its ``@``: 5..32 of ``A-Z a-z 0-9 _`` starting
                with a letter and ending in ``bot`` (Telegram's rules).
            **options: every-send ones, ``tinyurl``, ``comment``, and ``smsreq`` (10..999
                days: within them a number confirmed before needs no new SMS confirmation).
        """
        if not isinstance(bot, str) or not _BOT_NAME.fullmatch(bot):
            raise ValidationError(
                "bot", "must be @ and 5..32 of A-Z a-z 0-9 _, from a letter, ending in 'bot'"
            )
        params = encode_kind(
            "send_telegram_bot",
            recipients,
            _text(message),
            options,
            field="recipients",
            flag_value=bot,
        )
        return await send_once(self._call, params, options)
