"""Message templates (``templates.php``) and operator templates (``op_templates.php``):
their values and how their requests are built.

Decisions where SMSC's documentation is silent:

* The auto-signature flag is the flag's first bit, value 1 (``fl[1]=1`` sets it).
* Lengths: the server states none, so only sanity bounds are checked here (a name of at most
  1000 characters on one line, a text of at most 100 000 characters); the server's own
  limits answer as `InvalidParametersError`.
* An operator template id of 0 (the server's "none") reads as ``None``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from .._errors import ValidationError
from .._wire.text import check_sender, check_text
from .message import check_int

__all__ = [
    "OperatorTemplateAddStatus",
    "OperatorTemplateState",
    "OperatorTemplateStatus",
    "OperatorType",
    "Template",
    "TemplateFormat",
    "op_template_params",
    "template_fields",
    "template_id",
]


class TemplateFormat(str, enum.Enum):
    """What kind of message a template is for; `UNSET` (``""``) is the server's "not set"."""

    UNSET = ""
    SMS = "sms"
    FLASH = "flash"
    BIN = "bin"
    PUSH = "push"
    MMS = "mms"
    CALL = "call"
    MAIL = "mail"
    VIBER = "viber"


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


@attrs.frozen(kw_only=True)
class Template:
    """A message template.

    Attributes:
        id: the id the server assigned.
        name: the template's name.
        message: its text.
        format: a `TemplateFormat`, or the server's text for a format this SDK does not know.
        sender: the sender name, None when not set.
        flag: the server's flag bits; see `auto_signature`.
        extra: any other fields the server sent.
    """

    id: int
    name: str
    message: str
    format: TemplateFormat | str = TemplateFormat.UNSET
    sender: str | None = None
    flag: int = 0
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)

    @property
    def auto_signature(self) -> bool:
        """Whether the template is used as the auto-signature (flag bit 1)."""
        return bool(self.flag & 1)


class OperatorType(str, enum.Enum):
    """An operator and message type an operator template is registered for."""

    MTS_SERVICE = "mts_srv"
    MTS_AUTH = "mts_auth"
    MTS_TRANSACTIONAL = "mts_trn"
    MEGAFON_ADVERTISING = "mega_adv"
    MEGAFON_SERVICE = "mega_srv"
    MEGAFON_AUTH = "mega_auth"
    MEGAFON_TRANSACTIONAL = "mega_trn"
    BEELINE_SERVICE = "bee_srv"
    BEELINE_TRANSACTIONAL = "bee_trn"
    TELE2_SERVICE = "tele2_srv"
    TELE2_TRANSACTIONAL = "tele2_trn"
    MOTIV_SERVICE = "motiv_srv"
    MOTIV_TRANSACTIONAL = "motiv_trn"
    SOC = "soc"


class OperatorTemplateAddStatus(enum.IntEnum):
    """What ``op_templates.php?add=1`` says for one operator."""

    CANNOT_SAVE = -2
    SENDER_NOT_ACCEPTED = -1
    ADDED = 1

    @property
    def description(self) -> str:
        """What the status means, in words."""
        return _ADD_MEANINGS[self]


_ADD_MEANINGS = {
    OperatorTemplateAddStatus.CANNOT_SAVE: "the template cannot be saved",
    OperatorTemplateAddStatus.SENDER_NOT_ACCEPTED: (
        "the sender is not found or not accepted by the operator"
    ),
    OperatorTemplateAddStatus.ADDED: "added",
}


class OperatorTemplateState(enum.IntEnum):
    """Where an operator template's registration stands."""

    NOT_FOUND = -1
    AWAITING_REGISTRATION = 0
    SENT_FOR_REGISTRATION = 1
    ACCEPTED = 2
    REJECTED = 3
    DISABLED = 4

    @property
    def description(self) -> str:
        """What the state means, in words."""
        return _STATE_MEANINGS[self]


_STATE_MEANINGS = {
    OperatorTemplateState.NOT_FOUND: "no template for this operator",
    OperatorTemplateState.AWAITING_REGISTRATION: "awaiting registration",
    OperatorTemplateState.SENT_FOR_REGISTRATION: "sent for registration",
    OperatorTemplateState.ACCEPTED: "accepted by the operator",
    OperatorTemplateState.REJECTED: "rejected by the operator",
    OperatorTemplateState.DISABLED: "temporarily disabled",
}

S = TypeVar("S", OperatorTemplateAddStatus, OperatorTemplateState)


@attrs.frozen(kw_only=True)
class OperatorTemplateStatus(Generic[S]):
    """One operator's line of an ``op_templates.php`` answer.

    ``status`` means different things for the two commands, so the type says which:
    ``operator_templates.create`` gives `OperatorTemplateAddStatus` values,
    ``operator_templates.statuses`` gives `OperatorTemplateState` values. A code this SDK
    does not know is kept as a plain `int`.

    Attributes:
        operator: an `OperatorType`, or the server's name for one this SDK does not know.
        status: see above.
        id: the operator template's id; None when there is none (the server's 0).
        extra: any other fields the server sent.
    """

    operator: OperatorType | str
    status: S | int
    id: int | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)


# ------------------------------------------------------------------------- request encoding

_NAME_LIMIT = 1000
_TEXT_LIMIT = 100_000


def _format(value: object) -> str:
    try:
        return TemplateFormat(value).value
    except ValueError:
        raise ValidationError("format", "must be a TemplateFormat") from None


def _sender(value: object) -> str:
    # An empty sender is how `update` clears it.
    return "" if value == "" else check_sender("sender", value, in_list=False)


def _flag(field: str, value: object) -> str:
    if not isinstance(value, bool):
        raise ValidationError(field, "must be True or False")
    return "1" if value else "0"


# keyword → (wire name, encoder); None values mean "not given".
_TEMPLATE_FIELDS: Mapping[str, tuple[str, Any]] = {
    "name": ("name", lambda v: check_text("name", v, _NAME_LIMIT, single_line=True)),
    "message": ("msg", lambda v: check_text("message", v, _TEXT_LIMIT)),
    "format": ("format", _format),
    "sender": ("sender", _sender),
    "auto_signature": ("fl[1]", lambda v: _flag("auto_signature", v)),
}


def template_fields(fields: Mapping[str, object]) -> dict[str, str]:
    """The ``templates.php`` wire fields of the given template attributes (None = not given).

    Raises:
        ValidationError: an unknown attribute or a bad value.
    """
    params: dict[str, str] = {}
    for key, value in fields.items():
        entry = _TEMPLATE_FIELDS.get(key)
        if entry is None:
            raise ValidationError(key, "is not a template field")
        if value is not None:
            params[entry[0]] = entry[1](value)
    return params


def template_id(value: object) -> str:
    """A template id as sent: a positive int."""
    return str(check_int("id", value, 1, 2**63 - 1))


def op_template_params(
    sender: object, message: object, operators: Iterable[OperatorType | str] | None
) -> dict[str, str]:
    """The ``op_templates.php`` fields: sender, text, and one flag per chosen operator type.

    Raises:
        ValidationError: a bad sender or text, an unknown operator type, or none chosen.
    """
    params = {
        "sender": check_sender("sender", sender, in_list=False),
        "msg": check_text("message", message, _TEXT_LIMIT),
    }
    if operators is None:
        return params
    if isinstance(operators, (str, bytes)) or not isinstance(operators, Iterable):
        raise ValidationError("operators", "must be an iterable of OperatorType")
    for item in operators:
        try:
            params[OperatorType(item).value] = "1"
        except ValueError:
            raise ValidationError("operators", "must hold only OperatorType values") from None
    if len(params) == 2:
        raise ValidationError("operators", "must name at least one operator type")
    return params
