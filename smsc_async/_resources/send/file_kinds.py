"""First-class sends for message kinds that may carry files (MMS, e-mail, voice calls, Viber).

Each method validates everything before a request exists — texts, recipients, every
attachment's size and format against the kind's limits, ``<file n>`` markers — and then goes
through the client's send path, which never replays a send that may have reached the server.
With attachments the body is ``multipart/form-data``, streamed from the files.

Limits checked before sending (1 MB = 1 MiB = 1048576 bytes):

* e-mail: at most 20 files of 10 MB each (the server would answer error 1). The 15 MB per
  letter above which the server sends attachments as links is not an error, so not checked.
* voice call: at most 4 ``wav``/``mp3`` files of 5 MB each. The server would silently drop
  the excess; the SDK refuses instead, so that what is sent is what was asked for.
* Viber: see `smsc_async._types.viber`.
* MMS: the API text states no limit and lists formats only as examples; none is checked.

Each kind takes only the options that mean something for it (`MmsOptions`, `EmailOptions`,
`CallOptions`, `ViberOptions`); another option is a `ValidationError`, so a ``voice=`` on an
e-mail does not silently do nothing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from ..._errors import ValidationError
from ..._types.attachment import MIB, Attachment
from ..._types.ivr import IvrMenu
from ..._types.message import CallParams, HourWindow, Translit, Voice
from ..._types.viber import ViberButton, ViberMedia, compose_viber
from ..._wire.checks import CALL_COMMENT_RULE, COMMENT_SEPARATOR, EMAIL
from ..base import Area
from .messages import send_once
from .request import encode_send

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..._types.results import SendResult

__all__ = [
    "CALL_MAX_FILES",
    "CALL_MAX_FILE_SIZE",
    "EMAIL_MAX_FILES",
    "EMAIL_MAX_FILE_SIZE",
    "CallOptions",
    "EmailOptions",
    "FileMessageKinds",
    "FileSendOptions",
    "MmsOptions",
    "ViberOptions",
    "check_file_markers",
    "check_files",
    "file_marker",
]

EMAIL_MAX_FILES = 20
EMAIL_MAX_FILE_SIZE = 10 * MIB
CALL_MAX_FILES = 4
CALL_MAX_FILE_SIZE = 5 * MIB
CALL_FORMATS = frozenset({"wav", "mp3"})
_NO_UNSUB = "{no_unsub}"
_MARKER = re.compile(r"<file\s+([^>]*)>")


class FileSendOptions(TypedDict, total=False):
    """Options every kind with files takes; types and ranges as in `smsc_async.SendOptions`."""

    id: int | str
    time: datetime | timedelta | HourWindow | int | str
    tz: int
    period: float | Decimal | timedelta
    freq: int | timedelta
    valid: int | timedelta | str
    translit: Translit
    tinyurl: bool
    err: bool
    op: bool
    pp: int | str
    imgcode: str
    userip: str | ipaddress.IPv4Address | ipaddress.IPv6Address


class MmsOptions(FileSendOptions, total=False):
    """Options of `FileMessageKinds.send_mms`."""

    sender: str
    fileurl: str  # an http(s) file the server fetches and attaches
    comment: str


class EmailOptions(FileSendOptions, total=False):
    """Options of `FileMessageKinds.send_email` (the sender address is an argument)."""

    fileurl: str
    comment: str


class CallOptions(FileSendOptions, total=False):
    """Options of `FileMessageKinds.call`. No ``comment``: on a call, SMSC reads the text
    after ``\\n~~~\\n`` as the call's ``param``, and an invalid one resets every setting."""

    sender: str  # your own number, registered in the account, to call from
    voice: Voice
    voice_language: str  # two lowercase letters, e.g. "en"; with `voice`
    param: CallParams
    fileurl: str  # a wav/mp3 the server fetches; the text then becomes optional


class ViberOptions(FileSendOptions, total=False):
    """Options of `FileMessageKinds.send_viber` (media URLs go to picture=/video=/document=)."""

    sender: str
    comment: str


def _only(options: Mapping[str, object], allowed: Iterable[str], method: str) -> None:
    allowed = frozenset(allowed)
    for name in options:
        if name not in allowed:
            raise ValidationError(name, f"is not an option of {method}")


def _encode(
    phones: str | Iterable[str],
    message: str | None,
    options: Mapping[str, object],
    flag: str,
    **extra: str | None,
) -> dict[str, str]:
    """``encode_send`` of the message, the kind's flag set and ``extra`` options encoded too."""
    merged = {**options, **{name: value for name, value in extra.items() if value is not None}}
    params = encode_send(phones, message, merged)
    params[flag] = "1"
    return params


def _email_recipients(recipients: str | Iterable[str]) -> str | tuple[str, ...]:
    """``recipients`` (an iterable frozen into a tuple), each checked to be an address."""
    if isinstance(recipients, str):
        value: str | tuple[str, ...] = recipients
        items: Sequence[object] = recipients.replace(";", ",").split(",")
    elif isinstance(recipients, (bytes, bytearray)) or not isinstance(recipients, Iterable):
        raise ValidationError("recipients", "must be a string or an iterable of strings")
    else:
        value = tuple(recipients)
        items = value
    for number, item in enumerate(items, 1):
        if not isinstance(item, str) or not EMAIL.fullmatch(item.strip()):
            raise ValidationError("recipients", f"recipient {number}: not an e-mail address")
    return value


def check_files(
    field: str,
    files: object,
    *,
    max_count: int | None = None,
    max_size: int | None = None,
    extensions: frozenset[str] | None = None,
) -> tuple[Attachment, ...]:
    """Return ``files`` as a tuple of `Attachment`, checked against a kind's limits.

    Raises:
        ValidationError: ``field`` (or ``field[i]`` for one file) and the rule broken.
    """
    if isinstance(files, (Attachment, str, bytes)) or not isinstance(files, Iterable):
        raise ValidationError(field, "must be a sequence of Attachment")
    checked = tuple(files)
    if max_count is not None and len(checked) > max_count:
        raise ValidationError(field, f"at most {max_count} files may be attached")
    for index, attachment in enumerate(checked):
        where = f"{field}[{index}]"
        if not isinstance(attachment, Attachment):
            raise ValidationError(where, "must be an Attachment")
        if max_size is not None and attachment.size > max_size:
            raise ValidationError(where, f"must be at most {_size_text(max_size)}")
        if extensions is not None and attachment.extension not in extensions:
            allowed = ", ".join(sorted(extensions))
            raise ValidationError(where, f"must be one of these formats: {allowed}")
    return checked


def _size_text(size: int) -> str:
    return f"{size // MIB} MB ({size} bytes)" if size % MIB == 0 else f"{size} bytes"


def file_marker(number: int) -> str:
    """``<file n>``: where attached file ``n`` (from 1, in attachment order) goes in a text."""
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise ValidationError("number", "must be an integer from 1")
    return f"<file {number}>"


def check_file_markers(field: str, text: str, count: int) -> None:
    """Check that every numbered ``<file n>`` in ``text`` names one of ``count`` attachments.

    ``<file /upload/…>`` and ``<file http(s)://…>`` references name stored or external files
    and are left alone.
    """
    for match in _MARKER.finditer(text):
        reference = match[1].split()
        if not reference:
            raise ValidationError(field, "holds an empty <file > marker")
        number = reference[0]
        if number.isascii() and number.isdigit() and not 1 <= int(number) <= count:
            attached = f"{count} file{'' if count == 1 else 's'} attached"
            raise ValidationError(field, f"has <file {int(number)}> but {attached}")


class FileMessageKinds(Area):
    """Sends that may carry files: MMS, e-mail, voice calls and Viber messages."""

    __slots__ = ()

    async def send_mms(
        self,
        phones: str | Iterable[str],
        message: str | None = None,
        *,
        subject: str | None = None,
        files: Sequence[Attachment] = (),
        **options: Unpack[MmsOptions],
    ) -> SendResult:
        """Send an MMS (``mms=1``): a subject and/or text, with pictures, sound or video.

        Args:
            phones: recipients, as for `AsyncClient.send`.
            message: the text, at most 1000 characters.
            subject: the subject (one line, at most 255 characters); without it the server
                uses the sender name.
            files: attachments (e.g. txt, jpg, gif, png, wav, amr, mp3, mid, mp4, 3gp).
            **options: see `MmsOptions`.

        Raises:
            ValidationError: neither subject nor text, or any other rule broken; before
                anything is sent. Other errors as for `AsyncClient.send`.
        """
        _only(options, MmsOptions.__optional_keys__, "send_mms")
        if message is None and subject is None:
            raise ValidationError("subject", "an MMS needs a subject or a message")
        checked = check_files("files", files)
        if isinstance(message, str):
            check_file_markers("message", message, len(checked))
        params = _encode(phones, message, options, "mms", subj=subject)
        return await send_once(self._call, params, options, files=checked)

    async def send_email(
        self,
        recipients: str | Iterable[str],
        message: str,
        *,
        subject: str,
        sender: str,
        files: Sequence[Attachment] = (),
        unsubscribe_link: bool = True,
        **options: Unpack[EmailOptions],
    ) -> SendResult:
        """Send an e-mail (``mail=1``) through SMSC, with attachments.

        Put a file in the text with `smsc_async.file_marker` (``<file 1>`` is the first of
        ``files``); unplaced files are appended. ``<file /upload/files/sms/…>`` names a file
        uploaded to SMSC earlier, and ``fileurl=`` one the server fetches. Not available in
        the account's test mode (the server answers error 6).

        Args:
            recipients: e-mail addresses: one string (``,``/``;`` separated) or an iterable.
            message: the text, at most 1000 characters.
            subject: the subject, one line, at most 255 characters.
            sender: the From address.
            files: at most 20 attachments of at most 10 MB each.
            unsubscribe_link: SMSC appends an unsubscribe link unless this is False (which
                adds the ``{no_unsub}`` macro to the text; it counts toward the 1000).
            **options: see `EmailOptions`.

        Raises:
            ValidationError: a rule broken (a ``<file n>`` without file n, too many or too
                large files, …), before anything is sent. Others as for `AsyncClient.send`.
        """
        _only(options, EmailOptions.__optional_keys__, "send_email")
        if not isinstance(sender, str) or not EMAIL.fullmatch(sender):
            raise ValidationError("sender", "must be an e-mail address")
        if not isinstance(unsubscribe_link, bool):
            raise ValidationError("unsubscribe_link", "must be True or False")
        checked = check_files(
            "files", files, max_count=EMAIL_MAX_FILES, max_size=EMAIL_MAX_FILE_SIZE
        )
        if isinstance(message, str):
            check_file_markers("message", message, len(checked))
            if _NO_UNSUB in message:
                raise ValidationError("message", "holds {no_unsub}: pass unsubscribe_link=False")
            if not unsubscribe_link and message.strip():
                message += _NO_UNSUB
        phones = _email_recipients(recipients)
        params = _encode(phones, message, options, "mail", subj=subject, sender=sender)
        return await send_once(self._call, params, options, files=checked)

    async def call(
        self,
        phones: str | Iterable[str],
        message: str | IvrMenu | None = None,
        *,
        files: Sequence[Attachment] = (),
        **options: Unpack[CallOptions],
    ) -> SendResult:
        """Make a voice call (``call=1``) that reads a text and/or plays sound files.

        The result's ``parts`` are the call's estimated seconds; the cost is corrected after
        the call.

        Args:
            phones: numbers to call, as for `AsyncClient.send`.
            message: the text to read (at most 1000 characters), or an `IvrMenu` voice
                menu. Optional with ``files`` or ``fileurl=``.
            files: at most 4 ``wav``/``mp3`` files of at most 5 MB each, placed with
                ``<file n>`` (see `smsc_async.file_marker`) or played after the text.
            **options: see `CallOptions` (``voice=``, ``voice_language=``, ``param=``,
                ``sender=`` your own registered number, ``fileurl=``). No ``comment=``:
                SMSC would read it as the call's ``param``.

        Raises:
            ValidationError: nothing to play, or a rule broken; before anything is sent.
                Others as for `AsyncClient.send`.
        """
        if options.get("comment") is not None:
            raise ValidationError("comment", CALL_COMMENT_RULE)
        _only(options, CallOptions.__optional_keys__, "call")
        checked = check_files(
            "files",
            files,
            max_count=CALL_MAX_FILES,
            max_size=CALL_MAX_FILE_SIZE,
            extensions=CALL_FORMATS,
        )
        text = message.render() if isinstance(message, IvrMenu) else message
        if text is None and not checked and options.get("fileurl") is None:
            raise ValidationError("message", "a call needs a message, files or fileurl")
        if isinstance(text, str):
            check_file_markers("message", text, len(checked))
            if COMMENT_SEPARATOR in text:
                rule = "must not hold \\n~~~\\n: SMSC reads what follows as the call's param"
                raise ValidationError("message", rule + " (give param= instead)")
        params = _encode(phones, text, options, "call")
        return await send_once(self._call, params, options, files=checked)

    async def send_viber(
        self,
        phones: str | Iterable[str],
        message: str | None = None,
        *,
        picture: ViberMedia | None = None,
        video: ViberMedia | None = None,
        document: ViberMedia | None = None,
        button: ViberButton | None = None,
        **options: Unpack[ViberOptions],
    ) -> SendResult:
        """Send a Viber message (``viber=1``): text, picture, video, document and button.

        The parts given must make one of the kinds SMSC sends: text; picture; text+picture;
        text+button; text+button+picture; document; picture+video; text+picture+video;
        text+picture+video+button (`smsc_async.VIBER_KINDS`).

        Args:
            phones: recipients, as for `AsyncClient.send`.
            message: the text, at most 1000 characters with the macros written for the
                other parts.
            picture: a jpg/jpeg/gif/png `Attachment` of at most 1 MB, or an http(s) URL.
            video: a 3gp/m4v/mov/mp4 `Attachment` of at most 1 MB, or an http(s) URL.
            document: a document `Attachment` (doc, docx, pdf, xlsx, csv, txt, …) of at
                most 1 MB, or an http(s) URL.
            button: a `ViberButton` (a link or a call).
            **options: see `ViberOptions`.

        Raises:
            ValidationError: an unsupported combination (field ``kind``) or a rule broken,
                before anything is sent. Others as for `AsyncClient.send`.
        """
        _only(options, ViberOptions.__optional_keys__, "send_viber")
        parts = compose_viber(
            message, picture=picture, video=video, document=document, button=button
        )
        params = _encode(phones, parts.text, options, "viber", fileurl=parts.fileurl)
        return await send_once(self._call, params, options, files=parts.files)
