"""Testing helpers: `FakeSMSC`, an in-memory SMSC that speaks the HTTP API's wire protocol."""

from __future__ import annotations

from ._asgi import FakeASGIApp, asgi_app
from ._core import FakeRequest, FakeResponse, FakeSMSC, RequestRecord
from ._faults import Fault, FaultKind
from ._faults_plan import FaultPlan, FaultRule, FiredFault
from ._inprocess import InProcessTransport
from ._send_parse import NlRecords
from ._server import RunningServer, serve_in_thread
from ._state import (
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
