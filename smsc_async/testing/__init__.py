"""Testing helpers: `FakeSMSC`, an in-memory SMSC that speaks the HTTP API's wire protocol."""

from __future__ import annotations

from ._core import FakeSMSC
from ._faults._kinds import Fault, FaultKind
from ._faults._plan import FaultPlan, FaultRule, FiredFault
from ._servers._asgi import FakeASGIApp, asgi_app
from ._servers._inprocess import InProcessTransport
from ._servers._threaded import RunningServer, serve_in_thread
from ._state._account import Account, OpTemplate, TaskGroup, Template
from ._state._clock import FakeClock
from ._state._codes import MessageKind, MessageStatus
from ._state._records import LedgerEntry, PingEvent, RequestRecord, StatusChange
from ._state._settings import Limits, ListErrors, NlRecords
from ._wire._answer import FakeResponse
from ._wire._request import FakeFile, FakeRequest

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
