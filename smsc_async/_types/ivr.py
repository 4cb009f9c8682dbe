"""A typed builder for voice menus (IVR): the ``{menu: …}`` text of a voice call.

A menu message is a start text, the menu and an end text::

    Здравствуйте!

    {menu: Нажмите 1 для первого пункта…
    *: back
    1: пункт 1, нажмите 1 для подпункта 1
    11: подпункт 1.1
    5: call:79999999999,79999999998 wait=10 ok:end err:6
    err: неверный номер, нажмите 0 для повтора}

    Всего вам доброго!

Every entry is one line ``<key>: <text or command>``; several actions of one key are written
as consecutive lines with the same key. Keys are ``*``, ``#``, ``0``, ``1``..``9``, sub-items
``nm…`` (each digit 1..9) and labels (Latin letters and digits) that ``err:`` jumps to.

Decisions where the API text is silent:

* Texts are single lines without ``{`` or ``}`` (a line break would start a new entry, a
  brace would end the menu), and a text may not read as a command (``end``, ``call:…``).
* A sub-item ``nm`` needs its parent ``n``; keys are unique (give one `IvrItem` several
  actions instead); an ``err:`` target must be a key or label of the menu.
* ``record: n`` is always written with its seconds (default 30); SMSC's docs gives no maximum,
  so anything above the 30-minute cap of recorded calls (1800 s) is rejected.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import ClassVar, TypeAlias

import attrs

from .._errors import ValidationError
from .._wire.checks import check_int, check_sender

__all__ = [
    "IvrAction",
    "IvrCommand",
    "IvrForward",
    "IvrItem",
    "IvrMenu",
    "IvrRecord",
    "IvrSms",
]

MAX_LENGTH = 1000

_DIGIT_KEY = re.compile(r"[1-9]+")
_LABEL = re.compile(r"[A-Za-z0-9]+")
_PHONE_FORMATTING = re.compile(r"[ ()+-]")
_PHONE = re.compile(r"[0-9]{3,20}")
_LINE_BREAK_OR_BRACE = re.compile(r"[\r\n{}\x00-\x1f\x7f]")
_COMMAND_WORD = re.compile(r"\s*(back|start|repeat|end|url|record)\s*", re.IGNORECASE)
_COMMAND_PREFIX = re.compile(r"\s*(call|sms|record)\s*:", re.IGNORECASE)


class IvrCommand(str, enum.Enum):
    """The menu commands that take no argument."""

    BACK = "back"
    """Return to the previous menu (conventionally key ``*``)."""
    START = "start"
    """Return to the start of the menu and read the menu text again (conventionally ``#``)."""
    REPEAT = "repeat"
    """Repeat the chosen item (conventionally ``0``)."""
    NOTIFY = "url"
    """Report the current item and the time spent in the menu to the account's HTTP handler."""
    END = "end"
    """Leave the menu; the end text is read."""


_COMMAND_WORDS = frozenset({"back", "start", "repeat", "end", "url", "call", "sms", "record"})


def _line(field: str, value: object) -> str:
    """A one-line text of the menu: non-blank, no line break, brace or control character."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "must be a non-empty string")
    if _LINE_BREAK_OR_BRACE.search(value):
        raise ValidationError(field, "must be one line without { or }")
    return value


def _phone(field: str, value: object, *, caller: bool = False) -> str:
    if caller and value == IvrSms.CALLER:
        return IvrSms.CALLER
    if isinstance(value, str):
        digits = _PHONE_FORMATTING.sub("", value)
        if _PHONE.fullmatch(digits):
            return digits
    extra = " or IvrSms.CALLER ($phone)" if caller else ""
    raise ValidationError(field, f"must be a phone number of 3 to 20 digits{extra}")


def _phones(value: str | Iterable[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    if not 1 <= len(items) <= 9:
        raise ValidationError("forward.phones", "must hold 1 to 9 phone numbers")
    return tuple(_phone("forward.phones", item) for item in items)


def _optional_wait(_instance: object, _attribute: object, value: int | None) -> None:
    if value is not None:
        check_int("forward.wait", value, 0, 120)


@attrs.frozen(kw_only=True)
class IvrForward:
    """Put the caller through to a number (``call:<phones> wait=n ok:end err:<label> record``).

    The numbers must be registered in the account first.

    Attributes:
        phones: 1 to 9 numbers, tried as SMSC does (a string may list them with commas).
        wait: seconds to wait for an answer, 0..120 (the server's default is 120).
        end_menu: leave the menu after a successful conversation (``ok:end``).
        on_failure: the key or label to go to when nobody answers (``err:<label>``).
        record: record the conversation (at most 30 minutes).
    """

    phones: tuple[str, ...] = attrs.field(converter=_phones)
    wait: int | None = attrs.field(default=None, validator=_optional_wait)
    end_menu: bool = False
    on_failure: str | None = None
    record: bool = False

    def __attrs_post_init__(self) -> None:
        if self.on_failure is not None:
            _label("forward.on_failure", self.on_failure)

    def render(self) -> str:
        """The command as written in the menu."""
        words = ["call:" + ",".join(self.phones)]
        if self.wait is not None:
            words.append(f"wait={self.wait}")
        if self.end_menu:
            words.append("ok:end")
        if self.on_failure is not None:
            words.append(f"err:{self.on_failure}")
        if self.record:
            words.append("record")  # SMSC's documentation: "this parameter comes last"
        return " ".join(words)


def _sms_phone(_instance: object, _attribute: object, value: str) -> None:
    _phone("sms.phone", value, caller=True)


def _sms_sender(_instance: object, _attribute: object, value: str) -> None:
    _line("sms.sender", value)
    check_sender("sms.sender", value, in_list=False, email=False)
    if "," in value:
        raise ValidationError("sms.sender", "must not contain a comma")


def _sms_text(_instance: object, _attribute: object, value: str) -> None:
    _line("sms.text", value)


@attrs.frozen(kw_only=True)
class IvrSms:
    """Send an SMS while the caller is in the menu (``sms:<phone>,<sender>,<text>``).

    Attributes:
        phone: the recipient, or `IvrSms.CALLER` for the number being called.
        sender: a sender name registered in the account.
        text: one line; ``$phone`` in it becomes the called number.
    """

    CALLER: ClassVar[str] = "$phone"
    """Stands for the called number (``$phone``), as ``phone`` or inside ``text``."""

    sender: str = attrs.field(validator=_sms_sender)
    text: str = attrs.field(validator=_sms_text)
    phone: str = attrs.field(default="$phone", validator=_sms_phone)

    def render(self) -> str:
        """The command as written in the menu."""
        return f"sms:{_phone('sms.phone', self.phone, caller=True)},{self.sender},{self.text}"


def _seconds(_instance: object, _attribute: object, value: int) -> None:
    check_int("record.seconds", value, 1, 1800)


@attrs.frozen
class IvrRecord:
    """Record the caller's answer for up to ``seconds`` (``record: n``; stops after 10 s of
    silence)."""

    seconds: int = attrs.field(default=30, validator=_seconds)

    def render(self) -> str:
        """The command as written in the menu."""
        return f"record: {self.seconds}"


IvrAction: TypeAlias = "str | IvrCommand | IvrForward | IvrSms | IvrRecord"
"""What a key does: read a text (a plain ``str``) or run a command."""


def _render_action(field: str, action: object) -> str:
    if isinstance(action, IvrCommand):
        return action.value
    if isinstance(action, (IvrForward, IvrSms, IvrRecord)):
        return action.render()
    text = _line(field, action)
    if _COMMAND_WORD.fullmatch(text) or _COMMAND_PREFIX.match(text):
        raise ValidationError(field, "reads as a command; use IvrCommand or a command class")
    return text


def _label(field: str, key: object) -> str:
    if not isinstance(key, str) or not _LABEL.fullmatch(key):
        raise ValidationError(field, "must be a key or label of Latin letters and digits")
    if key.lower() in _COMMAND_WORDS:
        raise ValidationError(field, "must not be a command word")
    return key


def _check_key(_instance: object, _attribute: object, key: str) -> None:
    if key in ("*", "#", "0") or (isinstance(key, str) and _DIGIT_KEY.fullmatch(key)):
        return
    _label("item.key", key)
    if key.isdigit():
        raise ValidationError("item.key", "as digits must be 0, or digits 1..9 (sub-items)")


def _actions(value: IvrAction | Iterable[IvrAction]) -> tuple[IvrAction, ...]:
    if isinstance(value, (str, IvrCommand, IvrForward, IvrSms, IvrRecord)):
        return (value,)
    if not isinstance(value, Iterable):
        raise ValidationError("item.actions", "must be an action or a sequence of actions")
    actions = tuple(value)
    if not actions:
        raise ValidationError("item.actions", "must hold at least one action")
    return actions


@attrs.frozen
class IvrItem:
    """What pressing ``key`` does: one action, or several run one after another.

    Attributes:
        key: ``*``, ``#``, ``0``, ``1``..``9``, a sub-item such as ``12`` (item 2 of
            item 1), or a label such as ``err`` that `IvrForward.on_failure` can jump to.
        actions: a text to read or a command, or a sequence of them.
    """

    key: str = attrs.field(validator=_check_key)
    actions: tuple[IvrAction, ...] = attrs.field(converter=_actions)

    def render(self) -> list[str]:
        """The item's lines, one per action."""
        field = f"menu[{self.key}]"
        return [f"{self.key}: {_render_action(field, action)}" for action in self.actions]


def _text_block(field: str, value: str | None, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "must be a non-empty string")
    if "{menu" in value.lower():
        raise ValidationError(field, "must not hold a {menu: …} of its own")


def _items(value: Iterable[IvrItem]) -> tuple[IvrItem, ...]:
    if isinstance(value, IvrItem) or not isinstance(value, Iterable):
        raise ValidationError("items", "must be a sequence of IvrItem")
    return tuple(value)


def _prompt(_instance: object, _attribute: object, value: str) -> None:
    _line("prompt", value)


@attrs.frozen(kw_only=True)
class IvrMenu:
    """A voice message with a menu; pass it as the message of `AsyncClient.call`.

    Attributes:
        greeting: the start text, read when the call is answered (may be a ``<file 1>``
            voice file; several lines allowed).
        prompt: the menu text, describing the keys (one line).
        items: what each key does, in order.
        farewell: the end text, read after the menu is left (optional).

    Raises:
        ValidationError: a rule above is broken, or the whole message (menu included) is
            longer than 1000 characters (field ``menu``).
    """

    greeting: str
    prompt: str = attrs.field(validator=_prompt)
    items: tuple[IvrItem, ...] = attrs.field(converter=_items)
    farewell: str | None = None

    def __attrs_post_init__(self) -> None:
        _text_block("greeting", self.greeting, True)
        _text_block("farewell", self.farewell, False)
        if not self.items:
            raise ValidationError("items", "must hold at least one item")
        keys: set[str] = set()
        for item in self.items:
            if not isinstance(item, IvrItem):
                raise ValidationError("items", "must hold IvrItem values")
            if item.key in keys:
                raise ValidationError(f"menu[{item.key}]", "is given twice; give it one item")
            keys.add(item.key)
        for item in self.items:
            if _DIGIT_KEY.fullmatch(item.key) and len(item.key) > 1 and item.key[:-1] not in keys:
                raise ValidationError(f"menu[{item.key}]", f"needs item {item.key[:-1]}")
            for action in item.actions:
                target = action.on_failure if isinstance(action, IvrForward) else None
                if target is not None and target not in keys:
                    raise ValidationError(f"menu[{item.key}]", "jumps to a missing label")
        length = len(self.render())
        if length > MAX_LENGTH:
            raise ValidationError(
                "menu",
                f"the whole message, menu included, must be at most {MAX_LENGTH} characters"
                f" (it has {length})",
            )

    def render(self) -> str:
        """The message text: start text, ``{menu: …}``, end text."""
        lines = [f"{{menu: {self.prompt}"]
        for item in self.items:
            lines.extend(item.render())
        text = f"{self.greeting}\n\n" + "\n".join(lines) + "}"
        return text if self.farewell is None else f"{text}\n\n{self.farewell}"

    def __str__(self) -> str:
        return self.render()
