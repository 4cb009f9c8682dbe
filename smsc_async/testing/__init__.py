"""Testing helpers: `FakeSMSC`, an in-memory SMSC that speaks the HTTP API's wire protocol."""

from __future__ import annotations

from ._core import FakeRequest, FakeResponse, FakeSMSC, RequestRecord
from ._state import (
    Account,
    FakeClock,
    FakeFile,
    LedgerEntry,
    Limits,
    MessageKind,
    MessageStatus,
    OpTemplate,
    PingEvent,
    StatusChange,
    TaskGroup,
    Template,
)

__all__ = [
    "Account",
    "FakeClock",
    "FakeFile",
    "FakeRequest",
    "FakeResponse",
    "FakeSMSC",
    "LedgerEntry",
    "Limits",
    "MessageKind",
    "MessageStatus",
    "OpTemplate",
    "PingEvent",
    "RequestRecord",
    "StatusChange",
    "TaskGroup",
    "Template",
]
