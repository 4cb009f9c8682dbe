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
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from .results import frozen_mapping

__all__ = [
    "OperatorTemplateAddStatus",
    "OperatorTemplateState",
    "OperatorTemplateStatus",
    "OperatorType",
    "Template",
    "TemplateFormat",
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
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping)

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
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=frozen_mapping)


# ------------------------------------------------------------------------- request encoding
