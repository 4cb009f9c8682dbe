"""Testing helpers: `FakeSMSC`, an in-memory SMSC that speaks the HTTP API's wire protocol."""

from __future__ import annotations

from ._core import FakeRequest, FakeResponse, FakeSMSC, RequestRecord
from ._endpoints._send._parse import NlRecords
from ._faults._kinds import Fault, FaultKind
from ._faults._plan import FaultPlan, FaultRule, FiredFault
from ._servers._asgi import FakeASGIApp, asgi_app
from ._servers._inprocess import InProcessTransport
from ._servers._threaded import RunningServer, serve_in_thread
from ._state._account import (
    Account,
    FakeClock,
    FakeFile,
    LedgerEntry,
    Limits,
    ListErrors,
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
    "FakeASGIApp",
    "FakeClock",
    "FakeFile",
    "FakeRequest",
    "FakeResponse",
    "FakeSMSC",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FaultRule",
    "FiredFault",
    "InProcessTransport",
    "LedgerEntry",
    "Limits",
    "ListErrors",
    "MessageKind",
    "MessageStatus",
    "NlRecords",
    "OpTemplate",
    "PingEvent",
    "RequestRecord",
    "RunningServer",
    "StatusChange",
    "TaskGroup",
    "Template",
    "asgi_app",
    "serve_in_thread",
]
