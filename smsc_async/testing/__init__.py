"""Testing helpers: `FakeSMSC`, an in-memory SMSC that speaks the HTTP API's wire protocol."""

from __future__ import annotations

from ._core import FakeSMSC
from ._faults.kinds import Fault, FaultKind
from ._faults.plan import FaultPlan, FaultRule, FiredFault
from ._servers.asgi import FakeASGIApp, asgi_app
from ._servers.inprocess import InProcessTransport
from ._servers.threaded import RunningServer, serve_in_thread
from ._state.account import Account, OpTemplate, TaskGroup, Template
from ._state.clock import FakeClock
from ._state.codes import MessageKind, MessageStatus
from ._state.records import LedgerEntry, PingEvent, RequestRecord, StatusChange
from ._state.settings import Limits, ListErrors, NlRecords
from ._wire.answer import FakeResponse
from ._wire.request import FakeFile, FakeRequest

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
