"""The closed sets the emulator's records use: message kinds and status codes."""

from __future__ import annotations

import enum
from collections.abc import Mapping

__all__ = ["FAILED_STATUSES", "STATUS_NAMES", "MessageKind", "MessageStatus"]


class MessageKind(str, enum.Enum):
    """What a ledger entry is: chosen by a send flag (``viber=1``, ``bin=2``…) or a prefix."""

    SMS = "sms"
    FLASH = "flash"
    BIN = "bin"
    PUSH = "push"
    HLR = "hlr"
    PING = "ping"
    MMS = "mms"
    MAIL = "mail"
    SOC = "soc"
    VIBER = "viber"
    WHATSAPP = "whatsapp"
    TG = "tg"
    BOT = "bot"
    CALL = "call"


class MessageStatus(enum.IntEnum):
    """SMSC message status codes."""

    NOT_FOUND = -3
    STOPPED = -2
    WAITING = -1
    PASSED_TO_OPERATOR = 0
    DELIVERED = 1
    READ = 2
    EXPIRED = 3
    CLICKED = 4
    UNDELIVERABLE = 20
    INVALID_NUMBER = 22
    PROHIBITED = 23
    INSUFFICIENT_FUNDS = 24
    UNAVAILABLE = 25


#: Statuses after which a message is finished and failed; `status.php` adds ``err`` for them.
FAILED_STATUSES = frozenset({3, 20, 22, 23, 24, 25})

STATUS_NAMES: Mapping[int, str] = {
    -3: "Сообщение не найдено",
    -2: "Остановлено",
    -1: "Ожидает отправки",
    0: "Передано оператору",
    1: "Доставлено",
    2: "Прочитано",
    3: "Просрочено",
    4: "Нажата ссылка",
    20: "Невозможно доставить",
    22: "Неверный номер",
    23: "Запрещено",
    24: "Недостаточно средств на счете",
    25: "Недоступный номер",
}
