"""Viber messages: buttons, file rules, and which combinations make a valid message.

SMSC lists eight kinds of Viber message: text; picture; text+button;
text+button+picture; document ("file"); picture+video; text+picture+video;
text+picture+video+button. Its predefined test templates also send text+picture
(``Picture <file http://smsc.ru/im/smsc_logo_tiny.gif>``), so that is accepted too; every
other combination (a button alone, text+document, …) is refused before sending.
`compose_viber` takes the parts as separate arguments, checks that they form one of these
kinds, and writes the ``mes`` text:
``<text> {button,<target>,<label>} <picture> <video> <document>`` (space-separated, as in the
documentation's examples and SMSC's predefined test templates such as ``Test {button,https://smsc.ru,
site}`` and ``Picture <file http://smsc.ru/im/smsc_logo_tiny.gif>``).

Decisions where the API text is silent:

* A picture, video or document is an `Attachment` (POSTed, marked ``<file n>``, at most
  1 MB and of the listed formats, checked by extension) or an http(s) URL. A picture or
  document URL is written ``<file URL>``; a video URL, which ``<file URL>`` does not take,
  is sent as ``fileurl``.
* The message text may not hold its own ``{button…}`` or ``<file …>``: those are written
  from ``button=`` and the media arguments, so that the kind can be checked.
* A button label is 1..30 characters on one line without ``{``, ``}`` or ``,``, and a link
  target has no ``,`` either, since the macro is comma-separated.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from .._errors import ValidationError
from .._wire.checks import check_url
from .attachment import MIB, Attachment

__all__ = [
    "VIBER_DOCUMENT_FORMATS",
    "VIBER_IMAGE_FORMATS",
    "VIBER_KINDS",
    "VIBER_MAX_FILE_SIZE",
    "VIBER_VIDEO_FORMATS",
    "ViberButton",
    "ViberMedia",
    "ViberParts",
    "compose_viber",
]

VIBER_MAX_FILE_SIZE: Final = 1 * MIB
"""The largest file the API accepts for Viber (1 MB)."""

VIBER_IMAGE_FORMATS: Final = frozenset({"jpg", "jpeg", "gif", "png"})
VIBER_DOCUMENT_FORMATS: Final = frozenset(
    {"doc", "docx", "rtf", "dotx", "dot", "odf", "fodt", "odt", "txt", "info", "pdf", "xps",
     "eps", "pdax", "xlsx", "xlsm", "fods", "ods", "csv", "xltx"}
)  # fmt: skip
VIBER_VIDEO_FORMATS: Final = frozenset({"3gp", "m4v", "mov", "mp4"})

VIBER_KINDS: Final = (
    frozenset({"text"}),
    frozenset({"picture"}),
    frozenset({"text", "button"}),
    frozenset({"text", "button", "picture"}),
    frozenset({"document"}),
    frozenset({"picture", "video"}),
    frozenset({"text", "picture", "video"}),
    frozenset({"text", "picture", "video", "button"}),
    frozenset({"text", "picture"}),
)
"""The combinations of parts that make a Viber message: the eight SMSC lists, and
text+picture, which SMSC's own test templates send (``Picture <file http://…gif>``)."""

ViberMedia = Attachment | str
"""A picture, video or document: a file to upload, or an http(s) URL of one."""

_ORDER = ("text", "button", "picture", "video", "document")
_FORMATS = {
    "picture": VIBER_IMAGE_FORMATS,
    "video": VIBER_VIDEO_FORMATS,
    "document": VIBER_DOCUMENT_FORMATS,
}
_LABEL_FORBIDDEN = re.compile(r"[{},\x00-\x1f\x7f-\x9f]")
_PHONE_FORMATTING = re.compile(r"[ ()+-]")
_RAW_MACRO = re.compile(r"\{\s*button|<\s*file", re.IGNORECASE)


def _check_target(_instance: object, _attribute: object, value: str) -> None:
    if isinstance(value, str) and value.startswith("tel:"):
        if not re.fullmatch(r"tel:[0-9]{3,20}", value):
            raise ValidationError("button.target", "as tel: must be tel:<3 to 20 digits>")
        return
    check_url("button.target", value, forbidden=",{}")


def _check_label(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("button.text", "must be a non-empty string")
    if len(value) > 30:
        raise ValidationError("button.text", "must be at most 30 characters")
    if _LABEL_FORBIDDEN.search(value):
        raise ValidationError("button.text", "must be one line without { } or ,")


@attrs.frozen
class ViberButton:
    """A button under a Viber message: ``{button,<url>,<text>}`` or ``{button,tel:…,<text>}``.

    Build it with `link` or `call`.

    Attributes:
        target: an http(s) URL to open, or ``tel:<digits>`` to call.
        text: the label, at most 30 characters.
    """

    target: str = attrs.field(validator=_check_target)
    text: str = attrs.field(validator=_check_label)

    @classmethod
    def link(cls, url: str, text: str) -> ViberButton:
        """A button that opens ``url`` in the browser."""
        return cls(url, text)

    @classmethod
    def call(cls, phone: str, text: str) -> ViberButton:
        """A button that calls ``phone`` (formatting such as ``+``, spaces, dashes dropped)."""
        if not isinstance(phone, str):
            raise ValidationError("button.target", "must be a phone number")
        return cls("tel:" + _PHONE_FORMATTING.sub("", phone), text)

    def render(self) -> str:
        """The macro as written in the message text."""
        return f"{{button,{self.target},{self.text}}}"


@attrs.frozen(kw_only=True)
class ViberParts:
    """What `compose_viber` produced: the text, the files to POST, a ``fileurl``."""

    text: str
    files: tuple[Attachment, ...]
    fileurl: str | None


def _kind_names(kinds: tuple[frozenset[str], ...]) -> str:
    return "; ".join("+".join(name for name in _ORDER if name in kind) for kind in kinds)


def _check_file(field: str, attachment: Attachment) -> Attachment:
    if attachment.size > VIBER_MAX_FILE_SIZE:
        raise ValidationError(field, f"must be at most 1 MB ({VIBER_MAX_FILE_SIZE} bytes)")
    if attachment.extension not in _FORMATS[field]:
        allowed = ", ".join(sorted(_FORMATS[field]))
        raise ValidationError(field, f"must be a file of one of these formats: {allowed}")
    return attachment


def compose_viber(
    message: str | None,
    *,
    picture: ViberMedia | None = None,
    video: ViberMedia | None = None,
    document: ViberMedia | None = None,
    button: ViberButton | None = None,
) -> ViberParts:
    """Check that the parts make one of `VIBER_KINDS` and write the message.

    Raises:
        ValidationError: field ``message``, ``button``, ``picture``, ``video``,
            ``document``, or ``kind`` for a combination SMSC does not send.
    """
    if message is not None:
        if not isinstance(message, str):
            raise ValidationError("message", "must be a string")
        if _RAW_MACRO.search(message):
            raise ValidationError(
                "message", "must not hold {button…} or <file …>: use button= and the media"
            )
    if button is not None and not isinstance(button, ViberButton):
        raise ValidationError("button", "must be a ViberButton")
    given = {"picture": picture, "video": video, "document": document}
    present = {name for name, value in given.items() if value is not None}
    if message is not None:
        present.add("text")
    if button is not None:
        present.add("button")
    if frozenset(present) not in VIBER_KINDS:
        got = "+".join(name for name in _ORDER if name in present) or "nothing"
        raise ValidationError(
            "kind", f"{got} is not a Viber message; one of: {_kind_names(VIBER_KINDS)}"
        )
    words = [] if message is None else [message]
    if button is not None:
        words.append(button.render())
    files: list[Attachment] = []
    fileurl = None
    for name, media in given.items():
        if media is None:
            continue
        if isinstance(media, Attachment):
            files.append(_check_file(name, media))
            words.append(f"<file {len(files)}>")
        elif name == "video":
            fileurl = check_url(name, media)
        else:
            words.append(f"<file {check_url(name, media, forbidden='>')}>")
    return ViberParts(text=" ".join(words), files=tuple(files), fileurl=fileurl)
